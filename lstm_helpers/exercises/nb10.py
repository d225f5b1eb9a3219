"""The checks of notebook 10 · Anomaly detection in sensor data: `from lstm_helpers.exercises import nb10 as check`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lstm_helpers.anomaly import alarm_threshold, detect
from lstm_helpers.detection_metrics import alarm_runs, detection_report
from lstm_helpers.exercises._result import (
    Result,
    approx_equal,
    as_number,
    report,
    unanswered,
    wrong,
)

__all__ = ["first_alarms", "quantile_threshold", "random_alarm_scores"]


def random_alarm_scores(
    precision: object,
    recall: object,
    f1: object,
    *,
    anomalous_fraction: float,
    alarm_rate: float,
) -> Result:
    """Check the expected point-wise precision, recall and F1 of alarms raised at random.

    A detector that alarms on a random `alarm_rate` of the steps, where `anomalous_fraction`
    of the steps are anomalous. Answers within 1% are accepted.
    """
    if (r := unanswered(precision, recall, f1)) is not None:
        return r
    p, rec = anomalous_fraction, alarm_rate
    expected_f1 = 2 * p * rec / (p + rec)
    lines = []
    got = as_number(precision)
    if got is None:
        lines.append((False, "precision: give a number between 0 and 1."))
    elif approx_equal(got, p, rtol=0.01):
        lines.append((True, "precision: random alarms land on anomalous steps as often as any."))
    elif approx_equal(got, rec, rtol=0.01):
        lines.append(
            (
                False,
                "precision: that is how often it alarms. Precision asks: of the steps in alarm, "
                "which share is anomalous? Random alarms do not prefer anomalous steps.",
            )
        )
    else:
        lines.append((False, "precision: of the steps in alarm, which share is anomalous?"))
    got = as_number(recall)
    if got is None:
        lines.append((False, "recall: give a number between 0 and 1."))
    elif approx_equal(got, rec, rtol=0.01):
        lines.append((True, "recall: each anomalous step gets an alarm with the alarm rate."))
    elif approx_equal(got, p, rtol=0.01):
        lines.append(
            (
                False,
                "recall: that is the share of anomalous steps. Recall asks: of the anomalous "
                "steps, which share is in alarm?",
            )
        )
    else:
        lines.append((False, "recall: of the anomalous steps, which share is in alarm?"))
    got = as_number(f1)
    if got is None:
        lines.append((False, "f1: give a number between 0 and 1."))
    elif approx_equal(got, expected_f1, rtol=0.01):
        lines.append((True, "f1: the harmonic mean of precision and recall."))
    elif approx_equal(got, (p + rec) / 2, rtol=0.01):
        lines.append((False, "f1: that is the arithmetic mean; F1 is the harmonic mean."))
    else:
        lines.append((False, "f1: F1 = 2PR / (P + R), from the precision and recall above."))
    return report(lines)


def quantile_threshold(
    threshold: object,
    false_alarms: object,
    *,
    score: np.ndarray,
    part: tuple[int, int],
    test: tuple[int, int],
    labels: np.ndarray,
    q: float = 0.99,
) -> Result:
    """Check a threshold at the q-quantile of the `part` scores and the false alarms it gives on `test`.

    Shape: score and labels (N,).
    """
    if (r := unanswered(threshold, false_alarms)) is not None:
        return r
    score, labels = np.asarray(score, dtype=float), np.asarray(labels)
    expected = alarm_threshold(score, part, q)
    a, b = test
    alarms = detect(score[a:b], expected)
    expected_false = detection_report(alarms, labels[a:b]).n_false
    lines = []
    got = as_number(threshold)
    if got is None:
        lines.append((False, "threshold: give one number."))
    elif approx_equal(got, expected, rtol=1e-3):
        lines.append((True, f"threshold: the {100 * q:g}th percentile of the validation scores."))
    elif approx_equal(got, alarm_threshold(score, part), rtol=1e-3):
        lines.append(
            (
                False,
                "threshold: that is the largest validation score (q=1); the percentile leaves "
                f"{100 * (1 - q):g}% of the validation steps above it.",
            )
        )
    elif approx_equal(got, alarm_threshold(score, test, q), rtol=1e-3):
        lines.append(
            (False, "threshold: that comes from the test part, which holds the faults: a leak.")
        )
    else:
        lines.append(
            (
                False,
                "threshold: take the quantile of the scores in the validation part only "
                "(np.quantile wants q between 0 and 1, or use lh.alarm_threshold).",
            )
        )
    normal = labels[a:b] == 0
    got = as_number(false_alarms)
    if got is None:
        lines.append((False, "false_alarms: give a whole number."))
    elif got == expected_false:
        lines.append((True, "false_alarms: runs of alarms in normal time, each counted once."))
    elif got == int((alarms & normal).sum()):
        lines.append(
            (False, "false_alarms: that counts alarm steps; count runs of alarms (report.n_false).")
        )
    elif got == len(alarm_runs(alarms)):
        lines.append((False, "false_alarms: that counts every run, those inside episodes too."))
    else:
        lines.append(
            (
                False,
                "false_alarms: detect with your threshold on the test part, then read "
                "lh.detection_report(...).n_false.",
            )
        )
    return report(lines)


def first_alarms(
    *answers: object,
    scores: Mapping[str, np.ndarray],
    thresholds: Mapping[str, float],
    start: int,
    rate: float = 32.0,
) -> Result:
    """Check, per detector, the time (s) of its first alarm at or after step `start` (None if none).

    `answers` come in the order of `scores`; one step (1/rate s) either way is accepted.
    Shape: each score (N,).
    """
    if (r := unanswered(*answers)) is not None:
        return r
    if len(answers) != len(scores):
        return wrong(f"give one answer per detector, in the order {', '.join(scores)}.")
    lines = []
    for answer, (name, score) in zip(answers, scores.items(), strict=True):
        s = np.asarray(score, dtype=float)[start:]
        hits = np.flatnonzero(np.nan_to_num(s, nan=-np.inf) > thresholds[name])
        expected = (start + int(hits[0])) / rate if len(hits) else None
        got = as_number(answer)
        if expected is None:
            ok = answer is None
            lines.append(
                (ok, f"{name}: no alarm after the test part." if ok else f"{name}: look again.")
            )
        elif got is None:
            lines.append(
                (False, f"{name}: it does raise an alarm there; give its time in seconds.")
            )
        elif abs(got - expected) <= 1 / rate + 1e-9:
            lines.append((True, f"{name}: right."))
        elif abs(got / rate - expected) <= 1 / rate + 1e-9:
            lines.append((False, f"{name}: that looks like a step; divide by {rate:g} steps/s."))
        elif abs(got + start / rate - expected) <= 1 / rate + 1e-9:
            lines.append(
                (
                    False,
                    f"{name}: that is the time since the test part ended; give the time "
                    "since the recording began.",
                )
            )
        else:
            lines.append(
                (
                    False,
                    f"{name}: find the first step from {start} on whose score is above "
                    "its threshold.",
                )
            )
    return report(lines)
