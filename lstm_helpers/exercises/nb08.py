"""The checks of notebook 08 · An LSTM that writes: `from lstm_helpers.exercises import nb08 as check`."""

from __future__ import annotations

import math

import numpy as np
import torch

from lstm_helpers.exercises._result import (
    Result,
    approx_equal,
    as_number,
    report,
    right,
    unanswered,
    wrong,
)
from lstm_helpers.language import temperature_probs
from lstm_helpers.text import Vocab

__all__ = ["bits_and_perplexity", "next_char_targets", "temperature_distribution"]


def _as_ids(answer: object) -> torch.Tensor | None:
    """An answer as a 1-D int64 tensor of ids, or None if it is not one."""
    try:
        t = torch.as_tensor(answer)
    except (TypeError, ValueError, RuntimeError):
        return None
    if t.dim() != 1 or t.is_floating_point() or t.dtype == torch.bool:
        return None
    return t.long()


def next_char_targets(x: object, y: object, text: str, vocab: Vocab) -> Result:
    """Check the inputs and targets of next-character prediction for one text (teacher forcing)."""
    if (r := unanswered(x, y)) is not None:
        return r
    ids = vocab.encode(text)
    xs, ys = _as_ids(x), _as_ids(y)
    if xs is None or ys is None:
        return wrong("give x and y as 1-D tensors (or lists) of character ids, from vocab.encode.")
    if len(xs) != len(ys):
        return wrong("x and y need the same length: every input character has one target.")
    if torch.equal(xs, ids[:-1]) and torch.equal(ys, ids[1:]):
        return right(
            "x is every character but the last, y every character but the first: at each step the "
            "target is the character that comes next, and the model reads the true text (teacher forcing)."
        )
    if torch.equal(xs, ys):
        return wrong(
            "x and y are the same: the target at each step is the character AFTER the input."
        )
    if torch.equal(xs, ids[1:]) and torch.equal(ys, ids[:-1]):
        return wrong(
            "x and y are swapped: the model reads the earlier character and predicts the later one."
        )
    return wrong(
        "y[t] must be the character right after x[t], and together they should cover the whole text."
    )


def bits_and_perplexity(bpc: object, ppl: object, *, loss: float) -> Result:
    """Check the bits per character and perplexity of a mean cross-entropy `loss` in nats."""
    if (r := unanswered(bpc, ppl)) is not None:
        return r
    b, p = as_number(bpc), as_number(ppl)
    if b is None or p is None:
        return wrong("give two numbers: bits per character, then perplexity.")
    want_b, want_p = loss / math.log(2), math.exp(loss)
    lines = []
    if approx_equal(b, want_b, rtol=0.01):
        lines.append((True, "bits per character: the loss in nats divided by ln 2."))
    elif approx_equal(b, loss, rtol=0.001):
        lines.append((False, "PyTorch's cross-entropy is in nats (natural log); bits need base 2."))
    elif approx_equal(b, loss * math.log(2), rtol=0.01):
        lines.append((False, "one bit is more than one nat: the number of bits is the larger one."))
    elif approx_equal(b, loss / math.log(10), rtol=0.01):
        lines.append((False, "that is base 10 (digits); bits are base 2."))
    else:
        lines.append((False, "convert the loss from nats (log base e) to bits (log base 2)."))
    if approx_equal(p, want_p, rtol=0.01):
        lines.append(
            (True, "perplexity: 2 ** bits = e ** nats, about 5 equally likely characters.")
        )
    elif approx_equal(p, 2**loss, rtol=0.01) or approx_equal(p, math.exp(want_b), rtol=0.01):
        lines.append((False, "perplexity: the base must match the unit: 2 ** bits, or e ** nats."))
    else:
        lines.append((False, "perplexity is the base of the logarithm raised to the loss."))
    return report(lines)


def temperature_distribution(probs: object, logits: torch.Tensor, *, temperature: float) -> Result:
    """Check a sampling distribution computed by hand from `logits` at `temperature` (> 0)."""
    if (r := unanswered(probs)) is not None:
        return r
    logits = torch.as_tensor(logits, dtype=torch.float32)
    try:
        got = torch.as_tensor(
            np.asarray(probs, dtype=np.float64)
            if not isinstance(probs, torch.Tensor)
            else probs.detach()
        ).double()
    except (TypeError, ValueError):
        return wrong("give the probabilities as a tensor with one value per logit.")
    if got.shape != logits.shape:
        return wrong(f"shape {tuple(got.shape)}: one probability per logit, like the logits.")
    expected = temperature_probs(logits, temperature).double()
    if torch.allclose(got, expected, atol=1e-5):
        return right(
            "softmax(logits / temperature): below 1 the largest logit gains, above 1 the "
            "distribution flattens."
        )
    if not math.isclose(float(got.sum()), 1.0, abs_tol=1e-4):
        return wrong(
            "these do not sum to 1: scale the logits BEFORE the softmax, not the probabilities after."
        )
    if torch.allclose(got, torch.softmax(logits, -1).double(), atol=1e-5):
        return wrong(
            "that is temperature 1: the temperature changes the logits before the softmax."
        )
    if torch.allclose(got, torch.softmax(logits * temperature, -1).double(), atol=1e-5):
        return wrong(
            "multiplying by a temperature below 1 flattens the distribution; divide by it."
        )
    return wrong("divide the logits by the temperature, then take the softmax.")
