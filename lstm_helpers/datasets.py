"""Real data sets shipped with the notebooks, read with NumPy and the standard library only.

    dates, co2 = load_co2()   # monthly Mauna Loa CO2, 1958-03 to 2001-12, ppm
    parts = decompose_monthly(dates, co2)   # trend, what is left, seasonal profile

The files live in `notebooks/data/`, each with a README giving its source, licence and
how it was derived.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "data"
CO2_FILE = "co2_monthly.csv"
CO2_COLUMNS = ("month", "co2_ppm")


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
