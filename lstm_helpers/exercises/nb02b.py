"""The checks of notebook 02b · Inside the LSTM: `from lstm_helpers.exercises import nb02b as check`."""

from __future__ import annotations

import torch
from torch import nn

from lstm_helpers.exercises._result import (
    Result,
    approx_equal,
    as_number,
    report,
    right,
    unanswered,
    wrong,
)

GATES = "ifgo"  # PyTorch's order of the gates in weight_ih, weight_hh and the biases
GATE_NAMES = {"i": "input gate", "f": "forget gate", "g": "candidate g", "o": "output gate"}

__all__ = ["forget_for_half_life", "gate_rows", "lstm_step", "memory_left"]


def _manual_step(lstm: nn.LSTM, x_t, h, c, order="ifgo", both_biases=True, squash_c=True):
    """One step of layer 0 from the weights, with optional typical mistakes."""
    bias = lstm.bias_ih_l0 + (lstm.bias_hh_l0 if both_biases else 0)
    gates = dict(
        zip(
            order,
            (x_t @ lstm.weight_ih_l0.T + h @ lstm.weight_hh_l0.T + bias).chunk(4, dim=-1),
            strict=True,
        )
    )
    i, f, o = (torch.sigmoid(gates[k]) for k in "ifo")
    g = torch.tanh(gates["g"])
    c = f * c + i * g
    return o * (torch.tanh(c) if squash_c else c), c


def lstm_step(
    lstm: nn.LSTM, x_t: torch.Tensor, h: torch.Tensor, c: torch.Tensor, answer: object
) -> Result:
    """Check `(h_new, c_new)`: one step of `lstm`'s first layer from `x_t` (B, F), `h` and `c` (B, H)."""
    if (r := unanswered(answer)) is not None:
        return r
    if not (
        isinstance(answer, tuple)
        and len(answer) == 2
        and all(isinstance(a, torch.Tensor) for a in answer)
    ):
        return wrong("give the pair (h_new, c_new), two tensors of shape (batch, hidden_size).")
    h_new, c_new = (a.detach() for a in answer)
    with torch.no_grad():
        _, (h_ref, c_ref) = lstm(x_t[:, None, :], (h[None], c[None]))  # one step: (B, 1, F)
        h_ref, c_ref = h_ref[0], c_ref[0]
        if h_new.shape != h_ref.shape or c_new.shape != c_ref.shape:
            return wrong(
                f"shapes {tuple(h_new.shape)} and {tuple(c_new.shape)}: both states are (batch, hidden_size), like h and c."
            )
        ok_h = torch.allclose(h_new, h_ref, atol=1e-5)
        ok_c = torch.allclose(c_new, c_ref, atol=1e-5)
        if ok_h and ok_c:
            return right(
                "c_new matches nn.LSTM: f ⊙ c + i ⊙ g.", "h_new matches nn.LSTM: o ⊙ tanh(c_new)."
            )
        mistakes = [
            (
                dict(order="fiog"),
                "the four blocks come in PyTorch's order i, f, g, o; check which chunk you call which gate.",
            ),
            (
                dict(order="ifog"),
                "the four blocks come in PyTorch's order i, f, g, o; check which chunk you call which gate.",
            ),
            (
                dict(both_biases=False),
                "PyTorch adds two bias vectors, bias_ih and bias_hh; use both.",
            ),
            (
                dict(squash_c=False),
                "c_new is right; h is the output gate times the squashed cell state.",
            ),
        ]
        for kwargs, hint in mistakes:
            h_m, c_m = _manual_step(lstm, x_t, h, c, **kwargs)
            if torch.allclose(h_new, h_m, atol=1e-5) and torch.allclose(c_new, c_m, atol=1e-5):
                return wrong(hint)
    lines = [
        (
            ok_c,
            "c_new matches nn.LSTM."
            if ok_c
            else "c_new: keep f of the old cell state and add i times the candidate g.",
        )
    ]
    lines.append(
        (
            ok_h,
            "h_new matches nn.LSTM."
            if ok_h
            else "h_new: the output gate times tanh of the new cell state.",
        )
    )
    return report(lines)


def gate_rows(gate: str, rows: object, *, hidden_size: int) -> Result:
    """Check which rows of weight_ih_l0 / weight_hh_l0 / the biases belong to `gate` (i, f, g or o)."""
    if (r := unanswered(rows)) is not None:
        return r
    k = GATES.index(gate)  # PyTorch stacks the gates' blocks of rows in the order i, f, g, o
    expected = list(range(k * hidden_size, (k + 1) * hidden_size))
    if isinstance(rows, slice):
        rows = list(range(*rows.indices(4 * hidden_size)))
    try:
        got = [int(r) for r in rows]
    except (TypeError, ValueError):
        return wrong("give the rows as a range (or slice) of whole numbers, such as range(a, b).")
    if got == expected:
        return right(
            f"the {GATE_NAMES[gate]}'s {hidden_size} rows: block {k + 1} of 4 in PyTorch's order i, f, g, o."
        )
    for j in range(4):
        if got == list(range(j * hidden_size, (j + 1) * hidden_size)):
            return wrong(
                f"those rows belong to the {GATE_NAMES[GATES[j]]}: PyTorch stacks the blocks in the order i, f, g, o."
            )
    if len(got) == hidden_size + 1 or (len(got) == hidden_size and abs(got[0] - expected[0]) == 1):
        return wrong(
            "off by one: a block of hidden_size rows starting at a multiple of hidden_size; Python ranges exclude their end."
        )
    return wrong(
        "each gate owns one block of hidden_size consecutive rows; the blocks are stacked in the order i, f, g, o."
    )


MEMORY_RTOL = 0.05  # a share within 5% of the exact one is right: 0.001 for 0.000977
FORGET_ATOL = 0.001  # a forget gate within 0.001 of the exact one is right: 0.986 for 0.98623


def memory_left(answer: object, *, forget: float, steps: int) -> Result:
    """Check the share of a cell's content left after `steps` steps with a constant forget gate.

    Accepted within 5% of the exact share (MEMORY_RTOL), so a rounded answer counts.
    """
    if (r := unanswered(answer)) is not None:
        return r
    if (answer := as_number(answer)) is None:
        return wrong("give the share as a number between 0 and 1.")
    # c_t = f * c_{t-1} + i * g with nothing new written (i * g = 0): f multiplies once per step.
    expected = forget**steps
    if approx_equal(answer, expected, rtol=MEMORY_RTOL):
        return right(
            f"{expected:.3g} is left: the forget gate multiplies the memory at every step."
        )
    if approx_equal(answer, 1 - expected, rtol=MEMORY_RTOL):
        return wrong("that is the share forgotten; the question asks what is kept.")
    if approx_equal(answer, forget * steps) or approx_equal(answer, 1 - (1 - forget) * steps):
        return wrong(
            "the forget gate multiplies the cell state at every step; it does not subtract a fixed amount."
        )
    near = [forget ** (steps - 1), forget ** (steps + 1)]
    if any(approx_equal(answer, value, rtol=MEMORY_RTOL) for value in near):
        return wrong("off by one: count one multiplication per step.")
    return wrong("write c_t = f ⊙ c_{t-1} with nothing new added, and apply it once per step.")


def forget_for_half_life(answer: object, *, steps: int) -> Result:
    """Check the constant forget gate that keeps half of a cell's content after `steps` steps.

    Accepted within 0.001 of the exact gate (FORGET_ATOL), so a rounded answer counts.
    """
    if (r := unanswered(answer)) is not None:
        return r
    if (answer := as_number(answer)) is None:
        return wrong("give the forget gate as a number between 0 and 1.")
    if not 0 < answer < 1:
        return wrong("a forget gate is a sigmoid, strictly between 0 and 1.")
    kept = float(answer) ** steps
    if abs(float(answer) - 0.5 ** (1 / steps)) <= FORGET_ATOL:
        return right(
            f"a forget gate of {float(answer):.4g} keeps {kept:.3g}, about half, after {steps} "
            "steps: long memory needs gates very close to 1."
        )
    more = "more" if kept > 0.5 else "less"
    return wrong(
        f"with that gate {kept:.2g} of the content is left after {steps} steps, {more} than half. Solve f ** steps = 1/2 for f."
    )
