"""The checks of notebook 03 · Training with gradient clipping: `from lstm_helpers.exercises import nb03 as check`."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from lstm_helpers.exercises._result import Result, approx_equal, is_number, right, unanswered, wrong

__all__ = ["clip_factor", "clipped_steps", "max_norm_choice"]


def clip_factor(answer: object, *, norm: float, max_norm: float) -> Result:
    """Check the factor by which `clip_grad_norm_` scales gradients of total norm `norm`."""
    if (r := unanswered(answer)) is not None:
        return r
    p = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([norm, 0.0], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([p], max_norm)
    expected = p.grad[0].item() / norm
    if not is_number(answer):
        return wrong("give the factor as a number.")
    if approx_equal(answer, expected, rtol=1e-4):
        if expected == 1.0:
            return right(
                f"norm {norm} is within max_norm {max_norm}: the gradients are left unchanged (factor 1)."
            )
        return right(
            f"norm {norm} > max_norm {max_norm}: every gradient is multiplied by max_norm / norm, so the new norm is max_norm."
        )
    if norm <= max_norm:
        return wrong(
            "clipping only acts when the total norm exceeds max_norm; is that the case here?"
        )
    if approx_equal(answer, norm / max_norm):
        return wrong(
            "that factor would make the gradients longer; clipping shrinks them to max_norm."
        )
    if answer >= 1:
        return wrong(
            "the norm is above max_norm, so the gradients must shrink: the factor is below 1."
        )
    return wrong(
        "after clipping the total norm equals max_norm exactly, and every gradient shrinks by the same factor."
    )


def clipped_steps(history: object, max_norm: float, answer: object) -> Result:
    """Check the number of training steps whose gradient norm exceeded `max_norm` (a History)."""
    if (r := unanswered(answer)) is not None:
        return r
    norms = np.asarray(history.step_grad_norm)
    expected = int((norms > max_norm).sum())
    if not is_number(answer):
        return wrong("give the count as a whole number.")
    if answer == expected:
        # No counts in the message: near the edge of divergence they differ between CPUs.
        return right(
            f"right: that many steps had a norm above max_norm={max_norm:g} before clipping, "
            "so clipping shortened them."
        )
    per_epoch = int((np.asarray(history.grad_norm) > max_norm).sum())
    if answer == per_epoch:
        return wrong(
            "history.grad_norm holds one value per epoch (its largest); the steps are in history.step_grad_norm."
        )
    if answer == len(norms) - expected:
        return wrong("that counts the steps at or below max_norm: the ones clipping leaves alone.")
    if answer == len(norms):
        return wrong("that is every step; count only those whose norm exceeds max_norm.")
    return wrong(
        "count the entries of history.step_grad_norm (norms before clipping) above max_norm."
    )


def max_norm_choice(history: object, max_norm: object) -> Result:
    """Check a `max_norm` chosen from a healthy run's step norms: above typical, below spikes."""
    if (r := unanswered(max_norm)) is not None:
        return r
    if not is_number(max_norm) or max_norm <= 0:
        return wrong("max_norm is a positive number.")
    norms = np.asarray(history.step_grad_norm)
    share = float((norms > max_norm).mean())
    if share == 0:
        return wrong(
            "no step of this run would be clipped: this max_norm is above the largest norm, so it never acts. Aim just above the typical steps."
        )
    if share > 0.2:
        return wrong(
            f"{share:.0%} of the steps would be clipped: this max_norm shortens ordinary steps too, not only the rare spikes."
        )
    return right(
        f"{share:.1%} of the steps would be clipped: above the typical norm, below the largest ones."
    )
