"""The shipped monthly CO2 file: consecutive months, plausible values, clear errors."""

import shutil

import numpy as np
import pytest

from lstm_helpers.datasets import DATA_DIR, load_co2


def test_co2_dates_are_monthly_without_gaps():
    dates, values = load_co2()
    assert dates.dtype == np.dtype("datetime64[M]")
    assert dates[0] == np.datetime64("1958-03") and dates[-1] == np.datetime64("2001-12")
    assert len(dates) == len(values) == 526
    assert (np.diff(dates) == np.timedelta64(1, "M")).all()


def test_co2_values_are_plausible():
    _, values = load_co2()
    assert values.dtype == np.float64
    assert np.isfinite(values).all()
    assert 310.0 < values.min() and values.max() < 380.0  # ppm, 1958-2001
    # the trend: the last year's mean is far above the first full year's
    assert values[-12:].mean() - values[10:22].mean() > 50.0
    # the season: within each year the range is a few ppm, peaking in spring
    assert 3.0 < np.ptp(values[-12:]) < 12.0


def test_co2_explicit_path(tmp_path):
    copy = tmp_path / "copy.csv"
    shutil.copy(DATA_DIR / "co2_monthly.csv", copy)
    dates, values = load_co2(copy)
    assert len(dates) == 526
    np.testing.assert_array_equal(values, load_co2().values)


def test_missing_file_says_where_it_looked(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError, match=r"CO2 data file not found: .*nope\.csv"):
        load_co2(missing)


def test_gaps_and_bad_headers_are_reported(tmp_path):
    gap = tmp_path / "gap.csv"
    gap.write_text("month,co2_ppm\n1960-01,316.00\n1960-03,317.00\n")
    with pytest.raises(ValueError, match="consecutive months"):
        load_co2(gap)
    header = tmp_path / "header.csv"
    header.write_text("date,value\n1960-01,316.00\n")
    with pytest.raises(ValueError, match="must start with the header"):
        load_co2(header)
    bad = tmp_path / "bad.csv"
    bad.write_text("month,co2_ppm\n1960-01,abc\n")
    with pytest.raises(ValueError, match="malformed row"):
        load_co2(bad)


def test_decompose_monthly_recovers_a_linear_trend_and_a_season():
    from lstm_helpers import decompose_monthly, plot_decomposition, plot_monthly

    dates = np.arange("2000-01", "2006-01", dtype="datetime64[M]")  # 72 months from January
    profile = np.array([1.0, 2, 3, 2, 1, 0, -1, -2, -3, -2, -1, 0])  # mean 0 over a year
    values = 10 + 0.5 * np.arange(72) + np.tile(profile, 6)
    parts = decompose_monthly(dates, values)
    assert parts.trend.shape == parts.detrended.shape == parts.dates.shape == (60,)
    assert parts.dates[0] == np.datetime64("2000-07")  # 6 months lost at each end
    np.testing.assert_allclose(parts.trend, 10 + 0.5 * np.arange(6, 66), atol=1e-12)
    np.testing.assert_allclose(parts.season, profile, atol=1e-12)
    axes = plot_decomposition(parts, ylabel="ppm")
    assert len(axes) == 2 and len(axes[1].patches) == 12
    assert len(plot_monthly(dates, values, zoom_from="2005-01")) == 2
    assert len(plot_monthly(dates, values)) == 1


def test_decompose_monthly_rejects_short_or_gappy_series():
    from lstm_helpers import decompose_monthly

    dates = np.arange("2000-01", "2003-01", dtype="datetime64[M]")
    with pytest.raises(ValueError, match="at least 24 months"):
        decompose_monthly(dates[:20], np.ones(20))
    with pytest.raises(ValueError, match="consecutive"):
        decompose_monthly(np.delete(dates, 5), np.ones(35))
    with pytest.raises(ValueError, match="equal length"):
        decompose_monthly(dates, np.ones(30))
