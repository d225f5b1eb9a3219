"""Derive japanese_vowels.csv from the Japanese Vowels .ts files that sktime's wheel bundles.

Standard library only. Reads `sktime/datasets/data/JapaneseVowels/JapaneseVowels_{TRAIN,TEST}.ts`
straight out of a downloaded sktime wheel (nothing is installed or imported from sktime) and
writes one CSV row per frame: split,utterance,speaker,frame,c1,...,c12. Every coefficient is
copied as the text the .ts file holds (no float round trip). It checks the result against the
UCI description of the official split before writing.

Usage:
    pip download --no-deps sktime==1.2.0 -d /tmp/sk
    python3 derive_japanese_vowels.py /tmp/sk/sktime-1.2.0-py3-none-any.whl japanese_vowels.csv
"""

import hashlib
import sys
import zipfile

MEMBER = "sktime/datasets/data/JapaneseVowels/JapaneseVowels_{}.ts"
NUM_COEFFS = 12  # 12 LPC cepstrum coefficients per frame
# The UCI description: 30 training utterances per speaker; in ae.test "speakers 1 to 9 have the
# corresponding number of blocks: 31 35 88 44 29 24 40 50 29".
EXPECTED = {"train": [30] * 9, "test": [31, 35, 88, 44, 29, 24, 40, 50, 29]}


def parse_ts(text: str, name: str) -> list[tuple[int, list[list[str]]]]:
    """Utterances of a .ts file in file order: (speaker 1..9, frames as lists of 12 strings)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().lower() == "@data") + 1
    utterances = []
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        *dims, label = line.strip().split(":")
        if len(dims) != NUM_COEFFS:
            raise ValueError(f"{name}:{number}: {len(dims)} dimensions, expected {NUM_COEFFS}")
        series = [dim.split(",") for dim in dims]  # (12, T) as text
        lengths = {len(s) for s in series}
        if len(lengths) != 1:
            raise ValueError(f"{name}:{number}: dimensions of unequal lengths {sorted(lengths)}")
        for s in series:
            for value in s:
                float(value)  # every value must be a number: no '?' (missing) in this data set
        frames = [list(frame) for frame in zip(*series, strict=True)]  # (T, 12)
        utterances.append((int(label), frames))
    return utterances


def main(wheel: str, out: str) -> None:
    rows = ["split,utterance,speaker,frame," + ",".join(f"c{k}" for k in range(1, 13))]
    with zipfile.ZipFile(wheel) as zf:
        for split in ("train", "test"):
            member = MEMBER.format(split.upper())
            raw = zf.read(member)
            print(f"{member}: {len(raw)} bytes, SHA-256 {hashlib.sha256(raw).hexdigest()}")
            utterances = parse_ts(raw.decode("ascii"), member)
            counts = [sum(1 for s, _ in utterances if s == k) for k in range(1, 10)]
            lengths = [len(frames) for _, frames in utterances]
            print(
                f"{split}: {len(utterances)} utterances, {sum(lengths)} frames, "
                f"lengths {min(lengths)}-{max(lengths)}, per speaker {counts}"
            )
            if counts != EXPECTED[split]:
                raise ValueError(
                    f"{split}: per-speaker counts {counts}, UCI says {EXPECTED[split]}"
                )
            speakers = [s for s, _ in utterances]
            if speakers != sorted(speakers):
                raise ValueError(
                    f"{split}: speakers are not in consecutive blocks as in UCI's files"
                )
            for utterance, (speaker, frames) in enumerate(utterances, start=1):
                for frame, values in enumerate(frames, start=1):
                    rows.append(f"{split},{utterance},{speaker},{frame}," + ",".join(values))
    data = ("\n".join(rows) + "\n").encode("ascii")
    with open(out, "wb") as f:
        f.write(data)
    print(f"wrote {len(rows) - 1} frames to {out}, SHA-256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else "japanese_vowels.csv")
