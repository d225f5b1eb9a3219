"""Derive gait_faults.csv: one real ankle accelerometer channel, with labelled sensor faults injected.

Source: the Daphnet Freezing of Gait excerpt S06R02E0 that aeon's wheel bundles
(aeon/datasets/data/Daphnet_S06R02E0/S06R02E0.csv, 7,040 rows at 64 Hz, 110 s of subject 6,
run 2: about 23 s standing, then walking until about 107 s, then standing). Its labels are all
0: the excerpt holds no freezing-of-gait episode, so the labelled episodes here are faults
injected by this script (FAULTS), documented in README.md. Standard library and NumPy only;
the wheel is read as a zip file, aeon is never imported or installed.

What it writes, one row per step of 1/32 s:
  step          0, 1, 2, ...
  ankle_vert_mg the ankle's vertical acceleration in mg, downsampled 64 Hz -> 32 Hz by the
                mean of each pair of samples (a 2-tap boxcar, so no aliasing of the ~6 Hz
                content); real data, untouched otherwise
  observed_mg   the same, with the six labelled faults of FAULTS injected (equal elsewhere)
  episode       0 where nothing was injected, k inside the k-th fault (1..6)

Usage:
  pip download --no-deps aeon==1.6.0 -d /tmp/aeon
  python derive_gait_faults.py /tmp/aeon/aeon-1.6.0-py3-none-any.whl gait_faults.csv
"""

import csv
import hashlib
import io
import sys
import zipfile

import numpy as np

MEMBER = "aeon/datasets/data/Daphnet_S06R02E0/S06R02E0.csv"
COLUMN = "ankle_vert"  # mg; columns: timestamp, 9 accelerations, is_anomaly
FS_IN, FS_OUT = 64, 32
SEED = 20080101  # for the noise of the "noise" and "tremble" faults

# (first step, number of steps, kind, parameter), steps at 32 Hz. All lie in 75-103 s
# (steps 2400-3295); everything before 75 s and after 103 s is the real recording.
FAULTS = (
    # 1.5 s: the last good value is held (a radio dropout with sample-and-hold)
    (2400, 48, "stuck", None),
    # 1.0 s: N(0, 250^2) mg added (a loose contact, interference)
    (2560, 32, "noise", 250.0),
    # 2.0 s: +400 mg (the sensor turned on its strap, so gravity projects differently)
    (2720, 64, "offset", 400.0),
    # 3.0 s: the steps replaced by a 6 Hz, 120 mg trembling about the standing level
    # (an imitation of freezing of gait, NOT a recorded freeze)
    (2880, 96, "tremble", 120.0),
    # 0.5 s: three one-sample spikes of +1500 mg, 6 steps apart (electrical glitches)
    (3072, 16, "spikes", 1500.0),
    # 2.0 s: the motion scaled by 0.4 about the walking mean (a gain/calibration fault)
    (3232, 64, "gain", 0.4),
)


def read_channel(wheel: str) -> np.ndarray:
    """The ankle vertical channel of the excerpt, as int64 mg at 64 Hz; checks the file's shape."""
    with zipfile.ZipFile(wheel) as zf, zf.open(MEMBER) as raw:
        rows = list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8")))
    header, body = rows[0], [r for r in rows[1:] if r]
    col = header.index(COLUMN)
    assert len(body) == 7040, len(body)
    assert all(r[-1] == "0" for r in body), "the excerpt was expected to hold no labelled anomaly"
    return np.array([int(r[col]) for r in body], dtype=np.int64)


def inject(clean: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Apply FAULTS to a copy of `clean`; return (observed, episode)."""
    observed, episode = clean.copy(), np.zeros(len(clean), dtype=np.int64)
    walking = float(clean[768:2304].mean())  # mean while walking, 24-72 s (outside the faults)
    standing = float(clean[:704].mean())  # mean while standing still, 0-22 s: about 1 g
    for k, (start, length, kind, p) in enumerate(FAULTS, start=1):
        sl = slice(start, start + length)
        assert not episode[start - 32 : start + length + 32].any(), "faults must be 1 s apart"
        if kind == "stuck":
            observed[sl] = clean[start - 1]
        elif kind == "noise":
            observed[sl] = clean[sl] + rng.normal(0.0, p, length)
        elif kind == "offset":
            observed[sl] = clean[sl] + p
        elif kind == "tremble":
            t = np.arange(length) / FS_OUT
            observed[sl] = (
                standing + p * np.sin(2 * np.pi * 6.0 * t) + rng.normal(0.0, 20.0, length)
            )
        elif kind == "spikes":
            observed[start : start + length : 6] += p  # steps start, start+6, start+12
        elif kind == "gain":
            observed[sl] = walking + p * (clean[sl] - walking)
        else:
            raise ValueError(kind)
        episode[sl] = k
    return observed, episode


def main(wheel: str, out: str) -> None:
    raw = read_channel(wheel)
    clean = raw.reshape(-1, FS_IN // FS_OUT).mean(axis=1)  # (7040,) -> (3520,): pair means
    observed, episode = inject(clean, np.random.default_rng(SEED))
    with open(out, "w", newline="\n", encoding="utf-8") as f:
        f.write("step,ankle_vert_mg,observed_mg,episode\n")
        for i, (c, o, e) in enumerate(zip(clean, observed, episode, strict=True)):
            f.write(f"{i},{c:.1f},{o:.1f},{e}\n")
    with open(out, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print(
        f"numpy {np.__version__}: {len(raw)} samples at {FS_IN} Hz -> {len(clean)} at {FS_OUT} Hz"
    )
    assert np.array_equal(observed[episode == 0], clean[episode == 0])
    for k, (start, length, kind, p) in enumerate(FAULTS, start=1):
        print(
            f"episode {k}: steps {start}-{start + length - 1} ({length / FS_OUT:.1f} s) {kind} {p}"
        )
    print(f"wrote {out}, sha256 {digest}")


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "aeon-1.6.0-py3-none-any.whl",
        sys.argv[2] if len(sys.argv) > 2 else "gait_faults.csv",
    )
