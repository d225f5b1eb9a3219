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


# ---------------------------------------------------------------- gait with injected faults


def test_gait_faults_are_a_real_walk_with_six_labelled_episodes():
    from lstm_helpers import episodes, load_gait_faults
    from lstm_helpers.datasets import GAIT_FAULTS, GAIT_RATE

    observed, clean, episode = load_gait_faults()
    assert observed.shape == clean.shape == episode.shape == (3520,)
    assert observed.dtype == clean.dtype == np.float64 and episode.dtype == np.int64
    assert len(observed) / GAIT_RATE == 110.0
    runs = episodes(episode)
    assert (
        len(runs) == len(GAIT_FAULTS) == 6 and runs[0] == (2400, 2448) and runs[-1] == (3232, 3296)
    )
    np.testing.assert_array_equal(observed[episode == 0], clean[episode == 0])  # faults only
    assert all((observed[s:e] != clean[s:e]).any() for s, e in runs)
    walking = clean[768:3392]  # 24-106 s: walking, about 1.2 g on average with large swings
    assert 1100 < walking.mean() < 1300 and 400 < walking.std() < 550
    stuck = observed[slice(*runs[0])]
    assert (stuck == stuck[0]).all()  # episode 1 holds one value


def test_gait_faults_report_bad_files(tmp_path):
    from lstm_helpers import load_gait_faults

    with pytest.raises(FileNotFoundError, match="gait data file not found"):
        load_gait_faults(tmp_path / "nope.csv")
    header = tmp_path / "header.csv"
    header.write_text("step,value\n0,1\n")
    with pytest.raises(ValueError, match="must start with the header"):
        load_gait_faults(header)
    head = "step,ankle_vert_mg,observed_mg,episode\n"
    gap = tmp_path / "gap.csv"
    gap.write_text(head + "0,1000.0,1000.0,0\n2,990.0,990.0,0\n")
    with pytest.raises(ValueError, match="without gaps"):
        load_gait_faults(gap)
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "0,1000.0,abc,0\n")
    with pytest.raises(ValueError, match="malformed row"):
        load_gait_faults(bad)
    label = tmp_path / "label.csv"
    label.write_text(head + "0,1000.0,1000.0,9\n")
    with pytest.raises(ValueError, match=r"episode must be 0\.\.6"):
        load_gait_faults(label)
    short = tmp_path / "short.csv"
    short.write_text(head + "0,1000.0,1000.0\n")
    with pytest.raises(ValueError, match="rows of 4 numbers"):
        load_gait_faults(short)
