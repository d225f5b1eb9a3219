"""The checks of notebook 04b · Honest forecasting: `from lstm_helpers.exercises import nb04b as check`."""

from __future__ import annotations

import math

import numpy as np
import torch

from lstm_helpers.baselines import fit_ar
from lstm_helpers.data import make_windows
from lstm_helpers.exercises._result import (
    Result,
    approx_equal,
    is_number,
    report,
    right,
    unanswered,
    wrong,
)
from lstm_helpers.forecasting import rollout_stateful, rollout_window
from lstm_helpers.models import LSTMPredictor

__all__ = ["noise_floor", "rollout_steps", "sine_recurrence"]


def noise_floor(answer: object, *, noise_std: float) -> Result:
    """Check the best possible one-step MSE against targets with Gaussian noise of `noise_std`."""
    if (r := unanswered(answer)) is not None:
        return r
    if not is_number(answer):
        return wrong("give the MSE as a number.")
    expected = noise_std**2  # a perfect forecast's MSE is the noise variance, E[e^2] = σ²
    if approx_equal(answer, expected, rtol=0.02):
        return right(
            "a perfect forecast of the signal still misses the noise: its MSE is the noise variance, σ²."
        )
    if approx_equal(answer, noise_std, rtol=0.02):
        return wrong("that is in the data's units; MSE is in squared units.")
    if approx_equal(answer, 2 * expected, rtol=0.02):
        return wrong(
            "the best forecaster predicts the clean signal exactly, so only the target's own noise is left, not the inputs'."
        )
    return wrong(
        "the best forecast is the clean signal; what is left of each error is the target's noise. What is its mean square?"
    )


def rollout_steps(carried: object, reread: object, *, seq_length: int, horizon: int) -> Result:
    """Check the LSTM steps per forecast of `horizon` values after a window of `seq_length`."""
    if (r := unanswered(carried, reread)) is not None:
        return r
    with torch.random.fork_rng():
        model = LSTMPredictor(hidden_size=2, num_layers=1)
    history = torch.zeros(1, seq_length, 1)
    exp_carried = rollout_stateful(model, history, horizon).lstm_steps
    exp_reread = rollout_window(model, history, horizon, window=seq_length).lstm_steps
    lines = []
    if not is_number(carried):
        lines.append((False, "carried: give a whole number."))
    elif carried == exp_carried:
        lines.append((True, "carried state: the window once, then one step per further value."))
    elif carried in (seq_length + horizon, exp_carried + 1):
        lines.append(
            (False, "carried: off by one. Reading the window already gives the first forecast.")
        )
    else:
        lines.append(
            (False, "carried: the window is read once; each further value costs one step.")
        )
    if not is_number(reread):
        lines.append((False, "reread: give a whole number."))
    elif reread == exp_reread:
        lines.append((True, "re-read window: every forecast value reads a whole window again."))
    elif reread == exp_carried:
        lines.append(
            (
                False,
                "reread: that counts one step per new value; re-reading runs over the whole window each time.",
            )
        )
    else:
        lines.append((False, "reread: each of the forecast values costs a full window of steps."))
    return report(lines)


def sine_recurrence(a1: object, a2: object, *, step: float) -> Result:
    """Check x[t+1] = a1 x[t] + a2 x[t-1] for x[t] = sin(step · t) (AR(2) without intercept)."""
    if (r := unanswered(a1, a2)) is not None:
        return r
    X, y = make_windows(np.sin(step * np.arange(200)), seq_length=2)
    ar = fit_ar(X, y, order=2, intercept=False)
    exp_a2, exp_a1 = ar.coef  # oldest lag first
    if not (is_number(a1) and is_number(a2)):
        return wrong("give both coefficients as numbers.")
    ok1 = math.isclose(a1, exp_a1, abs_tol=1e-6)
    ok2 = math.isclose(a2, exp_a2, abs_tol=1e-6)
    if ok1 and ok2:
        return right(
            "a1 multiplies x[t] and a2 multiplies x[t-1]: two numbers predict a clean sine exactly, for ever."
        )
    if math.isclose(a1, exp_a2, abs_tol=1e-6) and math.isclose(a2, exp_a1, abs_tol=1e-6):
        return wrong("the two are swapped: a1 is the weight of the newer value, x[t].")
    return report(
        [
            (
                ok1,
                "a1 is right."
                if ok1
                else "a1: add sin(ω(t+1)) and sin(ω(t-1)) with the sum formula; what multiplies sin(ωt)?",
            ),
            (ok2, "a2 is right." if ok2 else "a2: the same identity says how x[t-1] enters."),
        ]
    )
