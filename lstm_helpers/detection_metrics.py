"""How well alarms match labelled anomaly episodes: point-wise, point-adjusted and event-level.

    report = detection_report(alarms, labels)    # alarms (N,) bool, labels (N,) 0 or episode k
    report.found, report.delays, report.false_alarms, report.pointwise.f1, report.event.f1

Three ways to score the same alarms, and why they disagree:
- **point-wise**: every step is a sample; precision, recall, F1 over steps. A long episode
  weighs more than a short one, and alarms that last long score well.
- **point-adjusted**: one alarm anywhere inside an episode marks the whole episode as
  detected, then point-wise. It flatters: random alarms hit most long episodes.
- **event-level**: an episode is *found* when an alarm falls inside it; the *delay* is the
  number of steps from its start to the first such alarm; a *false alarm* is a run of alarms
  in normal time (outside every episode and the `grace` steps after it; runs closer than `gap`
  steps count once). Event precision = found / (found + false alarms).

Labels are 0 for normal steps and k > 0 inside the k-th episode. Shape legend: N steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from lstm_helpers import _checks
from lstm_helpers._checks import ArrayLike, as_numpy

Run = tuple[int, int]  # (start, stop), stop exclusive


class PRF(NamedTuple):
    """Precision, recall and their harmonic mean F1 (0 where undefined: nothing predicted)."""

    precision: float
    recall: float
    f1: float

    def __str__(self) -> str:
        return f"precision {self.precision:.3g}, recall {self.recall:.3g}, F1 {self.f1:.3g}"


def prf(true_pos: float, false_pos: float, false_neg: float) -> PRF:
    """Precision, recall and F1 from counts; a precision with nothing predicted is 0.

    Shape: none.
    """
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(float(precision), float(recall), float(f1))


def check_labels(labels: ArrayLike) -> np.ndarray:
    """`labels` as a 1-D int64 array of 0 (normal) and positive episode numbers, else ValueError.

    Shape: (N,) -> (N,).
    """
    lab = as_numpy(labels)
    if lab.ndim != 1:
        raise ValueError(f"labels must be 1-D (one per step), got shape {lab.shape}.")
    if lab.dtype == bool:
        lab = lab.astype(np.int64)
    if not np.issubdtype(lab.dtype, np.number) or not np.isfinite(lab).all():
        raise ValueError("labels must be finite numbers: 0 for normal, k > 0 in episode k.")
    if (lab < 0).any() or (lab != np.round(lab)).any():
        raise ValueError(
            "labels must be whole numbers >= 0: 0 for a normal step, k inside the k-th episode."
        )
    return lab.astype(np.int64)


def check_alarms(alarms: ArrayLike, labels: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Alarms (bool) and labels, checked to line up step by step.

    Shape: alarms (N,) bool, labels (N,) -> both (N,).
    """
    a = as_numpy(alarms)
    if a.dtype != bool:
        raise ValueError(
            f"alarms must be booleans (True = alarm), got dtype {a.dtype}. Turn a score into "
            "alarms with lh.detect(score, threshold), which also refuses NaN scores."
        )
    lab = check_labels(labels)
    if a.shape != lab.shape:
        raise ValueError(
            f"alarms and labels must cover the same steps, got {a.shape} alarms and "
            f"{lab.shape} labels. Slice both with the same part, e.g. alarms[a:b], labels[a:b]."
        )
    return a, lab


def episodes(labels: ArrayLike) -> list[Run]:
    """The labelled episodes as (start, stop) runs of equal non-zero labels, in time order.

    Shape: labels (N,) -> a list of (start, stop) pairs, stop exclusive.
    """
    lab = check_labels(labels)
    padded = np.concatenate([[0], lab, [0]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])  # where the label changes
    return [(int(s), int(e)) for s, e in pairwise(edges) if lab[s] != 0]


def alarm_runs(alarms: ArrayLike, gap: int = 1) -> list[Run]:
    """Runs of consecutive alarms; runs separated by fewer than `gap` quiet steps are merged.

    Shape: alarms (N,) bool -> a list of (start, stop) pairs, stop exclusive.
    """
    a = as_numpy(alarms)
    if a.ndim != 1 or a.dtype != bool:
        raise ValueError(f"alarms must be 1-D booleans, got shape {a.shape} and dtype {a.dtype}.")
    _checks.positive_int("gap", gap)
    padded = np.concatenate([[False], a, [False]]).astype(np.int8)
    starts = np.flatnonzero(np.diff(padded) == 1)
    stops = np.flatnonzero(np.diff(padded) == -1)
    runs: list[Run] = []
    for s, e in zip(starts, stops, strict=True):
        if runs and s - runs[-1][1] < gap:
            runs[-1] = (runs[-1][0], int(e))
        else:
            runs.append((int(s), int(e)))
    return runs


def pointwise_scores(alarms: ArrayLike, labels: ArrayLike) -> PRF:
    """Precision, recall and F1 with every step a sample (an alarm on an anomalous step is a hit).

    Shape: alarms (N,) bool, labels (N,) -> PRF.
    """
    a, lab = check_alarms(alarms, labels)
    anomalous = lab > 0
    if not anomalous.any():
        raise ValueError(
            "labels hold no anomalous step, so recall is undefined: score a part that "
            "contains labelled episodes."
        )
    return prf(int((a & anomalous).sum()), int((a & ~anomalous).sum()), int((~a & anomalous).sum()))


def point_adjust(alarms: ArrayLike, labels: ArrayLike) -> np.ndarray:
    """The alarms with every episode that holds at least one alarm filled with alarms.

    Shape: alarms (N,) bool, labels (N,) -> (N,) bool.
    """
    a, lab = check_alarms(alarms, labels)
    adjusted = a.copy()
    for s, e in episodes(lab):
        if a[s:e].any():
            adjusted[s:e] = True
    return adjusted


def detection_delays(alarms: ArrayLike, labels: ArrayLike) -> list[int | None]:
    """Steps from each episode's start to its first alarm inside it; None if it has none.

    Shape: alarms (N,) bool, labels (N,) -> one entry per episode.
    """
    a, lab = check_alarms(alarms, labels)
    delays: list[int | None] = []
    for s, e in episodes(lab):
        hits = np.flatnonzero(a[s:e])
        delays.append(int(hits[0]) if len(hits) else None)
    return delays


@dataclass(frozen=True)
class DetectionReport:
    """Alarms scored against labelled episodes, three ways (see the module's docstring)."""

    found: tuple[bool, ...]  # per episode: an alarm inside it
    delays: tuple[int | None, ...]  # per episode: steps to the first alarm inside it
    false_alarms: tuple[Run, ...]  # runs of alarms in normal time
    normal_in_alarm: float  # fraction of normal steps (label 0) in alarm
    pointwise: PRF
    point_adjusted: PRF
    event: PRF

    @property
    def n_found(self) -> int:
        return sum(self.found)

    @property
    def n_false(self) -> int:
        return len(self.false_alarms)

    def __str__(self) -> str:
        return (
            f"found {self.n_found}/{len(self.found)}, {self.n_false} false alarm(s), "
            f"{100 * self.normal_in_alarm:.3g}% of normal steps in alarm | F1 point-wise "
            f"{self.pointwise.f1:.3g}, point-adjusted {self.point_adjusted.f1:.3g}, "
            f"event {self.event.f1:.3g}"
        )


def detection_report(
    alarms: ArrayLike, labels: ArrayLike, grace: int = 16, gap: int = 16
) -> DetectionReport:
    """Episodes found, delays, false alarms, and point-wise, point-adjusted and event F1.

    An alarm within `grace` steps after an episode ends is neither a find nor a false alarm
    (a detector's window still holds the fault); alarm runs closer than `gap` steps count as
    one false alarm. Use grace=0 and gap=1 to count every run.
    Shape: alarms (N,) bool, labels (N,) -> DetectionReport.
    """
    a, lab = check_alarms(alarms, labels)
    if isinstance(grace, bool) or not isinstance(grace, (int, np.integer)) or grace < 0:
        raise ValueError(f"grace must be a whole number of steps >= 0, got {grace!r}.")
    runs = episodes(lab)
    pointwise = pointwise_scores(a, lab)
    delays = detection_delays(a, lab)
    found = tuple(d is not None for d in delays)
    near = lab > 0
    for _, e in runs:
        near[e : e + grace] = True  # the grace steps after each episode
    false_alarms = tuple(alarm_runs(a & ~near, gap))
    n_found = sum(found)
    event = PRF(
        n_found / (n_found + len(false_alarms)) if n_found + len(false_alarms) else 0.0,
        n_found / len(runs),
        0.0,
    )
    f1 = 2 * event.precision * event.recall / (event.precision + event.recall) if n_found else 0.0
    return DetectionReport(
        found=found,
        delays=tuple(delays),
        false_alarms=false_alarms,
        normal_in_alarm=float((a & (lab == 0)).sum() / max(1, (lab == 0).sum())),
        pointwise=pointwise,
        point_adjusted=pointwise_scores(point_adjust(a, lab), lab),
        event=event._replace(f1=float(f1)),
    )
