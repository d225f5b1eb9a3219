"""Property-based tests (hypothesis) of the data invariants every model in the series relies on.

For random series lengths, window lengths, horizons and fractions: windows hold the right
values, the time-ordered parts never share a target time step, the counts add up, an empty
part is never accepted, and the training data (what a scaler may be fitted on) ends before
the first validation or test target.
"""

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import lstm_helpers as lh

FAST = settings(max_examples=150, deadline=None)

lengths = st.integers(min_value=2, max_value=400)
windows = st.integers(min_value=1, max_value=60)
horizons = st.integers(min_value=1, max_value=25)
train_fracs = st.floats(min_value=0.05, max_value=0.95)
val_fracs = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=0.5))


@FAST
@given(n=lengths, t=windows, k=horizons)
def test_windows_hold_the_series_values_and_their_count_is_n_minus_t_minus_k_plus_1(n, t, k):
    assume(t + k <= n)
    series = np.arange(n, dtype=np.float64)  # value = time index
    X, y = lh.make_windows(series, t, k)
    assert X.shape == (n - t - k + 1, t, 1) and y.shape == (n - t - k + 1, k)
    starts = X[:, 0, 0].astype(int)
    np.testing.assert_array_equal(starts, np.arange(len(X)))
    np.testing.assert_array_equal(X[:, :, 0], starts[:, None] + np.arange(t))
    np.testing.assert_array_equal(y, starts[:, None] + t + np.arange(k))


def _split_or_none(n, t, k, train_frac, val_frac):
    """The split of an index-valued series, or None where the function refuses it."""
    X, y = lh.make_windows(np.arange(n, dtype=np.float64), t, k)
    try:
        return X, lh.time_split(X, y, train_frac, val_frac)
    except ValueError as err:
        assert "empty part" in str(err) or "test part remains" in str(err)
        return X, None


@FAST
@given(n=lengths, t=windows, k=horizons, train_frac=train_fracs, val_frac=val_fracs)
def test_parts_are_disjoint_and_ordered_in_target_time(n, t, k, train_frac, val_frac):
    assume(t + k <= n)
    _, split = _split_or_none(n, t, k, train_frac, val_frac)
    assume(split is not None)
    parts = [split.train, split.test] if split.val is None else [split.train, split.val, split.test]
    targets = [set(part[1].flatten().long().tolist()) for part in parts]
    for earlier, later in itertools.pairwise(targets):
        assert max(earlier) < min(later)  # in time order, so also disjoint


@FAST
@given(n=lengths, t=windows, k=horizons, train_frac=train_fracs, val_frac=val_fracs)
def test_counts_add_up_and_no_part_is_empty(n, t, k, train_frac, val_frac):
    assume(t + k <= n)
    X, split = _split_or_none(n, t, k, train_frac, val_frac)
    if split is None:
        return  # refused with a clear message: checked in _split_or_none
    sizes = [len(split.train[0]), len(split.test[0])]
    if val_frac > 0:
        assert split.val is not None
        sizes.append(len(split.val[0]))
    else:
        assert split.val is None
    assert min(sizes) >= 1
    parts = 2 if val_frac > 0 else 1  # cuts, each with a gap of k - 1 windows before it
    assert sum(sizes) == len(X) - parts * (k - 1)
    # The cut falls where the fractions say, whatever the horizon.
    assert len(split.train[0]) + split.gap == math.floor(train_frac * len(X) + 1e-9)


@FAST
@given(n=lengths, t=windows, k=horizons, train_frac=train_fracs, val_frac=val_fracs)
def test_training_data_ends_before_the_first_held_out_target(n, t, k, train_frac, val_frac):
    """A scaler fitted on series[:train_stop] sees every training value and no held-out target."""
    assume(t + k <= n)
    _, split = _split_or_none(n, t, k, train_frac, val_frac)
    assume(split is not None)
    train_values = np.union1d(split.train[0].flatten().numpy(), split.train[1].flatten().numpy())
    np.testing.assert_array_equal(train_values, np.arange(split.train_stop))
    held_out = [split.test] if split.val is None else [split.val, split.test]
    assert min(part[1].min().item() for part in held_out) >= split.train_stop
    series = np.arange(n, dtype=np.float64)
    scaler = lh.fit_scaler(series[: split.train_stop]) if split.train_stop > 1 else None
    if scaler is not None:
        assert scaler.center[0] == pytest.approx(train_values.mean())


@FAST
@given(train_frac=st.floats(min_value=0.0, max_value=2.0), val_frac=st.floats(0.0, 2.0))
def test_fractions_that_leave_no_test_part_are_refused(train_frac, val_frac):
    X, y = lh.make_windows(np.arange(500.0), 10)
    if train_frac <= 0 or train_frac + val_frac >= 1:
        with pytest.raises(ValueError, match=r"test part remains|must be in"):
            lh.time_split(X, y, train_frac, val_frac)
        return
    try:
        split = lh.time_split(X, y, train_frac, val_frac)
    except ValueError as err:  # a part too small to hold one window
        assert "empty part" in str(err)
        assert math.floor(train_frac * len(X) + 1e-9) < 1 or 0 < val_frac < 2 / len(X)
        return
    assert len(split.test[0]) >= 1 and len(split.train[0]) >= 1
