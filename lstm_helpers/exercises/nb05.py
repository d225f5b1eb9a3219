"""The checks of notebook 05 · Bidirectional LSTMs: `from lstm_helpers.exercises import nb05 as check`."""

from __future__ import annotations

import torch
from torch import nn

from lstm_helpers.exercises._result import Result, is_number, right, unanswered, wrong
from lstm_helpers.exercises.nb02 import lstm_output_shapes  # asked again, bidirectional
from lstm_helpers.sequences import last_valid_step

__all__ = ["bidirectional_rows", "last_step_index", "lstm_output_shapes"]


def bidirectional_rows(forward_row: object, backward_row: object, *, num_layers: int) -> Result:
    """Check the rows of h_n holding the top layer's two directions after each has read every step."""
    if (r := unanswered(forward_row, backward_row)) is not None:
        return r
    n = 2 * num_layers
    if not (is_number(forward_row) and is_number(backward_row)) or not all(
        -n <= int(r) < n and int(r) == r for r in (forward_row, backward_row)
    ):
        return wrong("give two row indices of h_n (negative indices count from the end).")
    hidden = 3
    x = torch.randn(2, 5, 1, generator=torch.Generator().manual_seed(0))
    with torch.no_grad(), torch.random.fork_rng():
        lstm = nn.LSTM(1, hidden, num_layers, batch_first=True, bidirectional=True)
        out, (h_n, _) = lstm(x)
    fw, bw = int(forward_row) % n, int(backward_row) % n
    ok_f = torch.allclose(h_n[fw], out[:, -1, :hidden])  # forward, at the last step
    ok_b = torch.allclose(h_n[bw], out[:, 0, hidden:])  # backward, at step 0
    if ok_f and ok_b:
        return right(
            "h_n holds layer by layer, forward then backward: the top layer's pair comes last."
        )
    if fw == bw:
        return wrong("the two directions have separate rows in h_n.")
    if torch.allclose(h_n[fw], out[:, 0, hidden:]) and torch.allclose(h_n[bw], out[:, -1, :hidden]):
        return wrong("the rows are swapped: within a layer the forward direction comes first.")
    return wrong(
        "h_n has num_layers x 2 rows, ordered layer by layer (bottom layer first), each layer's forward row before its backward row."
    )


def last_step_index(answer: object, lengths: torch.Tensor) -> Result:
    """Check the index of each padded sequence's last real step (for its forward final state)."""
    if (r := unanswered(answer)) is not None:
        return r
    lengths = torch.as_tensor(lengths)
    T = int(lengths.max())
    out = torch.arange(T, dtype=torch.float32).repeat(len(lengths), 1)[..., None]  # value = step
    expected = last_valid_step(out, lengths)[:, 0].long()
    got = torch.as_tensor(answer).long().flatten() if not isinstance(answer, (int, float)) else None
    if got is None or got.shape != expected.shape:
        return wrong("give one index per sequence (a tensor or list of whole numbers).")
    if torch.equal(got, expected):
        return right(
            "each sequence's forward state is read at its own last real step; later positions are padding."
        )
    if torch.equal(got, lengths.long()):
        return wrong("off by one: steps are counted from 0.")
    if (got == T - 1).all() or (got == -1).all():
        return wrong(
            "the last position of the padded tensor is padding for every shorter sequence."
        )
    return wrong("a sequence of length n has its last real value at step n - 1.")
