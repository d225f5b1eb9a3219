"""Alarms against labelled episodes (lstm_helpers.detection_metrics): hand-made cases and properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_helpers as lh

FAST = settings(max_examples=150, deadline=None)


def labelled(n, *runs):
    """Labels of n steps with episode k+1 on the k-th (start, stop) run."""
    labels = np.zeros(n, dtype=int)
    for k, (s, e) in enumerate(runs, start=1):
        labels[s:e] = k
    return labels


def alarms_at(n, *steps):
    a = np.zeros(n, dtype=bool)
    a[list(steps)] = True
    return a


def test_episodes_are_runs_of_equal_nonzero_labels():
    assert lh.episodes(np.array([0, 1, 1, 2, 2, 0, 0, 3])) == [(1, 3), (3, 5), (7, 8)]
    assert lh.episodes(np.zeros(4, dtype=int)) == []


def test_alarm_runs_merge_runs_closer_than_the_gap():
    a = alarms_at(20, 2, 3, 9, 10, 11)  # two runs, 5 quiet steps apart
    assert lh.alarm_runs(a) == [(2, 4), (9, 12)]
    assert lh.alarm_runs(a, gap=6) == [(2, 12)]
    assert lh.alarm_runs(a, gap=5) == [(2, 4), (9, 12)]


def test_one_alarm_inside_a_ten_step_episode():
    labels = labelled(30, (10, 20))
    report = lh.detection_report(alarms_at(30, 13), labels)
    assert report.pointwise == (1.0, 0.1, pytest.approx(2 * 0.1 / 1.1))
    assert report.point_adjusted == (1.0, 1.0, 1.0)
    assert report.found == (True,) and report.delays == (3,)
    assert report.false_alarms == () and report.event == (1.0, 1.0, 1.0)


def test_an_alarm_just_after_an_episode_is_neither_found_nor_false_within_the_grace():
    labels = labelled(40, (10, 20))
    late = alarms_at(40, 20)  # one step after the end
    report = lh.detection_report(late, labels, grace=16)
    assert report.found == (False,) and report.delays == (None,) and report.n_false == 0
    assert report.event == (0.0, 0.0, 0.0)
    strict = lh.detection_report(late, labels, grace=0)
    assert strict.false_alarms == ((20, 21),)


def test_two_false_alarm_runs_close_together_count_once():
    labels = labelled(100, (80, 90))
    a = alarms_at(100, 10, 11, 17, 82)
    assert lh.detection_report(a, labels, gap=16).false_alarms == ((10, 18),)
    assert lh.detection_report(a, labels, gap=1).false_alarms == ((10, 12), (17, 18))
    report = lh.detection_report(a, labels, gap=16)
    # event level by hand: 1 of 1 episode found, 1 false alarm: precision 1/2, recall 1, F1 2/3
    assert report.event == (0.5, 1.0, pytest.approx(2 / 3))
    assert report.normal_in_alarm == pytest.approx(3 / 90)


def test_delays_and_found_by_hand():
    labels = labelled(50, (5, 10), (20, 30), (40, 45))
    a = alarms_at(50, 7, 8, 29, 46)
    assert lh.detection_delays(a, labels) == [2, 9, None]
    report = lh.detection_report(a, labels)
    assert report.found == (True, True, False) and report.n_found == 2
    assert report.n_false == 0  # step 46 is within the grace after the third episode


def test_always_alarm_has_pointwise_f1_2p_over_1_plus_p():
    labels = labelled(40, (0, 10))  # p = 1/4 of the steps anomalous
    report = lh.detection_report(np.ones(40, dtype=bool), labels)
    assert report.pointwise == (0.25, 1.0, pytest.approx(0.4))
    assert report.normal_in_alarm == 1.0


def test_no_alarm_scores_zero_everywhere():
    report = lh.detection_report(np.zeros(30, dtype=bool), labelled(30, (3, 8)))
    assert report.pointwise == (0.0, 0.0, 0.0) and report.event == (0.0, 0.0, 0.0)
    assert report.n_found == 0 and report.n_false == 0
    assert "found 0/1" in str(report)


def test_bad_alarms_and_labels_get_clear_errors():
    labels = labelled(10, (2, 4))
    with pytest.raises(ValueError, match=r"booleans.*lh\.detect\(score, threshold\)"):
        lh.detection_report(np.linspace(0, 1, 10), labels)  # a score, not alarms
    with pytest.raises(ValueError, match=r"same steps, got .*9.* alarms and .*10.* labels"):
        lh.detection_report(np.zeros(9, dtype=bool), labels)
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        lh.episodes(np.array([0, -1, 0]))
    with pytest.raises(ValueError, match="whole numbers >= 0"):
        lh.episodes(np.array([0, 0.5, 0]))
    with pytest.raises(ValueError, match="recall is undefined"):
        lh.pointwise_scores(np.ones(5, dtype=bool), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="grace"):
        lh.detection_report(np.zeros(10, dtype=bool), labels, grace=-1)
    with pytest.raises(ValueError, match="positive integer"):
        lh.alarm_runs(np.zeros(3, dtype=bool), gap=0)


# ---------------------------------------------------------------- properties

cases = st.integers(5, 80).flatmap(
    lambda n: st.tuples(
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.integers(0, 3), min_size=n, max_size=n),
    )
)


@FAST
@given(case=cases)
def test_point_adjustment_only_adds_hits_so_it_never_lowers_a_score(case):
    alarms, labels = np.array(case[0]), np.array(case[1])
    if not (labels > 0).any():
        return
    adjusted = lh.point_adjust(alarms, labels)
    assert (adjusted >= alarms).all() and (adjusted[labels == 0] == alarms[labels == 0]).all()
    pw, pa = lh.pointwise_scores(alarms, labels), lh.pointwise_scores(adjusted, labels)
    assert pa.precision >= pw.precision and pa.recall >= pw.recall and pa.f1 >= pw.f1 - 1e-12


@FAST
@given(case=cases, grace=st.integers(0, 5), gap=st.integers(1, 5))
def test_found_episodes_delays_and_false_alarms_agree_with_the_labels(case, grace, gap):
    alarms, labels = np.array(case[0]), np.array(case[1])
    if not (labels > 0).any():
        return
    report = lh.detection_report(alarms, labels, grace=grace, gap=gap)
    runs = lh.episodes(labels)
    assert len(report.found) == len(report.delays) == len(runs)
    assert sum(e - s for s, e in runs) == np.count_nonzero(labels)  # the runs cover the labels
    for (s, e), found, delay in zip(runs, report.found, report.delays, strict=True):
        assert found == alarms[s:e].any() == (delay is not None)
        if found:
            assert 0 <= delay < e - s and alarms[s + delay] and not alarms[s : s + delay].any()
    for s, e in report.false_alarms:  # false alarms begin and end on alarms in normal time
        assert alarms[s] and alarms[e - 1] and labels[s] == 0 and labels[e - 1] == 0
    assert 0.0 <= report.event.f1 <= 1.0 and 0.0 <= report.pointwise.f1 <= 1.0
