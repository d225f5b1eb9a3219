import numpy as np
import pytest
import torch

import lstm_helpers as lh
from tests.tutorial_reference import tutorial_create_sine_data


def test_create_sine_data_equals_tutorial():
    X, y = lh.create_sine_data(50, 1000)
    X_ref, y_ref = tutorial_create_sine_data(50, 1000)
    assert X.shape == (950, 50) and y.shape == (950,)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize("seq_length, num_samples", [(1, 10), (7, 30), (99, 100)])
def test_create_sine_data_other_sizes_equal_tutorial(seq_length, num_samples):
    for ours, ref in zip(
        lh.create_sine_data(seq_length, num_samples),
        tutorial_create_sine_data(seq_length, num_samples),
        strict=True,
    ):
        np.testing.assert_array_equal(ours, ref)


def test_make_windows_multi_feature_with_horizon():
    series = np.arange(20, dtype=float).reshape(10, 2)  # (N=10, F=2): column 0 = 0,2,4,...
    X, y = lh.make_windows(series, seq_length=3, horizon=2, target=1)
    assert X.shape == (6, 3, 2) and y.shape == (6, 2)  # M = 10 - 3 - 2 + 1
    np.testing.assert_array_equal(X[0], series[0:3])
    np.testing.assert_array_equal(X[5], series[5:8])
    np.testing.assert_array_equal(y[0], series[3:5, 1])
    np.testing.assert_array_equal(y[5], series[8:10, 1])


def test_make_windows_1d_adds_feature_axis():
    X, y = lh.make_windows(np.arange(6.0), seq_length=4)
    assert X.shape == (2, 4, 1)
    np.testing.assert_array_equal(y, [[4.0], [5.0]])


@pytest.mark.parametrize("seq_length", [0, -3, 1000, 1200])
def test_bad_seq_length_is_a_clear_error(seq_length):
    with pytest.raises(ValueError, match="seq_length"):
        lh.make_windows(lh.sine_series(1000), seq_length)


def test_window_longer_than_series_message_says_how_to_fix():
    with pytest.raises(ValueError, match=r"series length \(100\).*Use a shorter window"):
        lh.make_windows(np.zeros(100), 100)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_data_is_rejected(bad):
    series = lh.sine_series(200)
    series[17] = bad
    with pytest.raises(
        ValueError, match=r"1 of 200 values are NaN or infinite \(the first at index 17\)"
    ):
        lh.make_windows(series, 10)


def test_time_split_keeps_order_and_matches_tutorial():
    X, y = lh.make_windows(lh.sine_series(1000), 50)
    split = lh.time_split(X, y, train_frac=0.8)
    assert split.val is None
    assert len(split.train[0]) == 760 and len(split.test[0]) == 190  # int(0.8 * 950)
    torch.testing.assert_close(split.test[0][0], torch.as_tensor(X[760], dtype=torch.float32))
    # Carving a validation part out of training leaves the tutorial's test set unchanged.
    with_val = lh.time_split(X, y, train_frac=0.7, val_frac=0.1)
    assert [len(p[0]) for p in (with_val.train, with_val.val, with_val.test)] == [665, 95, 190]
    torch.testing.assert_close(with_val.test[0], split.test[0])


def test_time_split_rejects_empty_parts():
    X, y = lh.make_windows(np.arange(12.0), 5)  # 7 windows
    with pytest.raises(ValueError, match="empty part"):
        lh.time_split(X, y, train_frac=0.1)


def test_loader_batches_have_batch_first_shapes_and_seeded_shuffle():
    X, y = lh.make_windows(lh.sine_series(200), 20)
    loader = lh.make_loader(X, y, batch_size=32, shuffle=True)
    lh.set_seed(3)
    xb, yb = next(iter(loader))
    assert xb.shape == (32, 20, 1) and yb.shape == (32, 1) and xb.dtype == torch.float32
    lh.set_seed(3)  # the same seed gives the same order, however often the loader was used
    torch.testing.assert_close(next(iter(loader))[0], xb)
    assert not torch.equal(next(iter(loader))[0], xb)  # a new epoch, a new order


@pytest.mark.parametrize("batch_size", [0, -1, 2.5])
def test_bad_batch_size(batch_size):
    X, y = lh.make_windows(np.arange(30.0), 5)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        lh.make_loader(X, y, batch_size=batch_size)


def test_loader_rejects_2d_windows_with_unsqueeze_hint():
    X, y = lh.create_sine_data(10, 50)
    with pytest.raises(ValueError, match=r"unsqueeze\(-1\)"):
        lh.make_loader(X, y[:, None])


def test_loader_rejects_1d_targets_that_would_broadcast():
    X, y = lh.create_sine_data(10, 50)
    with pytest.raises(ValueError, match=r"broadcasts to \(B, B\)"):
        lh.make_loader(X[..., None], y)


def test_sine_data_follows_config_and_noise_is_seeded():
    cfg = lh.DataConfig(seq_length=20, num_points=300, noise_std=0.1, val_frac=0.1, train_frac=0.7)
    a, b = lh.sine_data(cfg), lh.sine_data(cfg)
    np.testing.assert_array_equal(a.series, b.series)
    assert a.seq_length == 20
    assert np.std(a.series - lh.sine_series(300)) == pytest.approx(0.1, rel=0.15)
    assert a.val_loader is not None and len(a.split.test[0]) == 280 - int(0.8 * 280 + 1e-9)


def test_threshold_series_follows_its_rule_plus_seeded_noise():
    x = lh.threshold_series(500, noise_std=0.1, seed=3)
    assert x.shape == (500,) and x.dtype == np.float64 and x[0] == 0.0
    np.testing.assert_array_equal(x, lh.threshold_series(500, noise_std=0.1, seed=3))
    residual = x[1:] - lh.threshold_rule(x[:-1])  # what the rule does not explain: the noise
    noise = np.random.default_rng(3).normal(0.0, 0.1, 500)[1:]
    np.testing.assert_allclose(residual, noise, atol=1e-12)
    np.testing.assert_allclose(lh.threshold_rule(np.array([-1.0, 0.0, 1.0])), [-0.6, -0.1, -0.9])
    clean = lh.threshold_series(50, noise_std=0.0)
    np.testing.assert_allclose(clean[1:], lh.threshold_rule(clean[:-1]))
