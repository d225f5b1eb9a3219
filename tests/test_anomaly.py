"""Anomaly scores and thresholds (lstm_helpers.anomaly): values by hand, and clear errors."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_helpers as lh

FAST = settings(max_examples=100, deadline=None)


# ---------------------------------------------------------------- forecast errors


def test_forecast_errors_of_an_ar_model_are_its_residuals_by_hand():
    x = np.array([1.0, 2.0, 4.0, 8.0, 15.0])
    ar = lh.fit_ar(np.array([[[1.0]], [[2.0]], [[4.0]]]), np.array([2.0, 4.0, 8.0]), order=1)
    # AR(1) through (1, 2), (2, 4), (4, 8): x[t] = 2 x[t-1] exactly
    assert ar.coef[0] == pytest.approx(2.0) and ar.intercept == pytest.approx(0.0, abs=1e-12)
    err = lh.forecast_errors(ar, x, seq_length=1)
    np.testing.assert_allclose(err[1:], [0.0, 0.0, 0.0, -1.0], atol=1e-12)  # 15 - 2 * 8 = -1
    assert np.isnan(err[0])  # no history for the first step


def test_forecast_errors_of_a_model_match_predict_on_the_windows():
    torch.manual_seed(0)
    model = lh.LSTMPredictor(hidden_size=4, num_layers=1)
    x = np.sin(np.arange(40) / 3.0)
    err = lh.forecast_errors(model, x, seq_length=5)
    X, _ = lh.make_windows(x, 5, dtype=np.float32)
    expected = x[5:] - lh.predict(model, X).numpy()[:, 0]
    assert np.isnan(err[:5]).all()
    np.testing.assert_allclose(err[5:], expected, rtol=1e-6)
    assert model.training  # predict restored the model's mode


def test_forecast_errors_refuse_bad_input():
    ar = lh.fit_ar(np.ones((4, 2, 1)) * np.arange(4)[:, None, None], np.arange(4.0), order=2)
    with pytest.raises(ValueError, match="shorter than the series"):
        lh.forecast_errors(ar, np.arange(3.0), seq_length=3)
    with pytest.raises(ValueError, match="1-D series"):
        lh.forecast_errors(ar, np.zeros((10, 2)), seq_length=2)
    with pytest.raises(ValueError, match="NaN or infinite"):
        lh.forecast_errors(ar, np.array([1.0, np.nan, 2.0, 3.0]), seq_length=2)
    with pytest.raises(ValueError, match=r"predict\(X\) method"):
        lh.forecast_errors(object(), np.arange(10.0), seq_length=2)
    with pytest.raises(ValueError, match="positive integer"):
        lh.forecast_errors(ar, np.arange(10.0), seq_length=0)

    class TwoAhead:
        def predict(self, X):
            return np.zeros((len(X), 2))

    with pytest.raises(ValueError, match="one value per window"):
        lh.forecast_errors(TwoAhead(), np.arange(10.0), seq_length=2)


# ---------------------------------------------------------------- scores


def test_abs_zscore_uses_the_fit_part_only():
    values = np.array([np.nan, 1.0, 3.0, 1.0, 3.0, 100.0])
    z = lh.abs_zscore(values, fit=(1, 5))  # mean 2, sd 1
    np.testing.assert_allclose(z[1:], [1.0, 1.0, 1.0, 1.0, 98.0])
    assert np.isnan(z[0])  # a step without a score stays without one


def test_abs_zscore_refuses_nan_constant_or_empty_fit_parts():
    with pytest.raises(ValueError, match="NaN at 1 step"):
        lh.abs_zscore(np.array([np.nan, 1.0, 2.0]), fit=(0, 3))
    with pytest.raises(ValueError, match="two different values"):
        lh.abs_zscore(np.ones(5), fit=(0, 5))
    with pytest.raises(ValueError, match="is empty"):
        lh.abs_zscore(np.arange(5.0), fit=(2, 2))
    with pytest.raises(ValueError, match="0 <= start <= stop <= 5"):
        lh.abs_zscore(np.arange(5.0), fit=(0, 9))


def test_rolling_std_and_rolling_zscore_by_hand():
    x = np.array([0.0, 2.0, 0.0, 2.0, 7.0])
    sd = lh.rolling_std(x, window=2)
    np.testing.assert_allclose(sd[1:], [1.0, 1.0, 1.0, 2.5])
    assert np.isnan(sd[0])
    z = lh.rolling_zscore(x, window=2)  # the 2 values before t: mean 1, sd 1
    np.testing.assert_allclose(z[2:], [1.0, 1.0, 6.0])
    assert np.isnan(z[:2]).all()


def test_rolling_zscore_of_a_constant_window():
    z = lh.rolling_zscore(np.array([5.0, 5.0, 5.0, 6.0]), window=2)
    assert z[2] == 0.0 and z[3] == np.inf  # equal value: 0; any change from a flat line: infinite


def test_rolling_windows_must_fit():
    with pytest.raises(ValueError, match="between 2 and"):
        lh.rolling_std(np.arange(5.0), window=1)
    with pytest.raises(ValueError, match="between 2 and"):
        lh.rolling_zscore(np.arange(5.0), window=5)


@FAST
@given(
    x=st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=60),
    w=st.integers(2, 10),
)
def test_rolling_std_is_the_std_of_each_trailing_window(x, w):
    x = np.array(x)
    if w > len(x):
        return
    sd = lh.rolling_std(x, window=w)
    t = np.arange(w - 1, len(x))
    expected = [np.std(x[i - w + 1 : i + 1]) for i in t]
    np.testing.assert_allclose(sd[t], expected, rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------- threshold and alarms


def test_alarm_threshold_is_the_largest_or_a_quantile_of_the_part():
    score = np.array([np.nan, 9.0, 1.0, 2.0, 3.0, 4.0, 50.0])
    assert lh.alarm_threshold(score, (2, 6)) == 4.0
    assert lh.alarm_threshold(score, (2, 6), q=0.5) == pytest.approx(2.5)


def test_alarm_threshold_refuses_a_part_with_labels():
    score = np.arange(10.0)
    labels = np.zeros(10, dtype=int)
    labels[6:8] = 1
    assert lh.alarm_threshold(score, (0, 5), labels=labels) == 4.0  # normal part: fine
    with pytest.raises(
        ValueError, match=r"holds 2 labelled anomalous step\(s\), the first at step 6"
    ):
        lh.alarm_threshold(score, (4, 9), labels=labels)
    with pytest.raises(ValueError, match="line up with the score"):
        lh.alarm_threshold(score, (0, 5), labels=labels[:9])


def test_alarm_threshold_refuses_empty_parts_nan_scores_and_percent_quantiles():
    score = np.array([np.nan, 1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="is empty"):
        lh.alarm_threshold(score, (2, 2))
    with pytest.raises(ValueError, match=r"NaN at 1 step.*step 0"):
        lh.alarm_threshold(score, (0, 3))
    with pytest.raises(ValueError, match=r"0\.99 the 99th percentile \(not 99\)"):
        lh.alarm_threshold(score, (1, 4), q=99)
    with pytest.raises(ValueError, match="start, stop"):
        lh.alarm_threshold(score, 3)


def test_detect_refuses_what_a_comparison_would_silently_call_normal():
    np.testing.assert_array_equal(lh.detect(np.array([1.0, 5.0, np.inf]), 2.0), [False, True, True])
    with pytest.raises(ValueError, match="NaN at 1 step"):
        lh.detect(np.array([1.0, np.nan, 5.0]), 2.0)
    np.testing.assert_array_equal(lh.detect(np.array([1.0, 5.0]), np.int64(2)), [False, True])
    with pytest.raises(ValueError, match="threshold must be a number"):
        lh.detect(np.array([1.0, 5.0]), "2")
    with pytest.raises(ValueError, match="threshold is NaN"):
        lh.detect(np.array([1.0, 5.0]), float("nan"))
    with pytest.raises(ValueError, match="-inf"):
        lh.detect(np.array([1.0, -np.inf]), 0.0)


@FAST
@given(
    score=st.lists(st.floats(0, 1e6), min_size=2, max_size=80),
    cut=st.floats(0.1, 0.9),
)
def test_the_largest_score_as_threshold_raises_no_alarm_on_its_own_part(score, cut):
    score = np.array(score)
    part = (0, max(1, int(cut * len(score))))
    thr = lh.alarm_threshold(score, part)
    assert not lh.detect(score[part[0] : part[1]], thr).any()
    assert lh.alarm_threshold(score, part, q=0.5) <= thr
