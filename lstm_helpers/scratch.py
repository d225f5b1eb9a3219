"""An LSTM written out from its equations, proven equal to `torch.nn.LSTM` by the tests.

For each layer and time step t, with x_t the layer's input and (h, c) its previous state:

    i_t = sigmoid(W_ii x_t + b_ii + W_hi h + b_hi)    input gate: how much new content to write
    f_t = sigmoid(W_if x_t + b_if + W_hf h + b_hf)    forget gate: how much old cell to keep
    g_t =    tanh(W_ig x_t + b_ig + W_hg h + b_hg)    cell candidate: the new content
    o_t = sigmoid(W_io x_t + b_io + W_ho h + b_ho)    output gate: how much cell to show
    c_t = f_t * c + i_t * g_t                          cell state: kept part + written part
    h_t = o_t * tanh(c_t)                              hidden state: the layer's output

The parameters are laid out exactly as `nn.LSTM`'s: `weight_ih_l{k}` (4H, F_k),
`weight_hh_l{k}` (4H, H), `bias_ih_l{k}` and `bias_hh_l{k}` (4H,), the four gates stacked
in the order i, f, g, o. So `ScratchLSTM.from_torch(lstm)` copies an `nn.LSTM`, and an
`LSTMPredictor`'s state_dict loads into a `ScratchLSTMPredictor` (models.py), which holds one.

Shape legend: B batch, T time steps, F features (`input_size`), H `hidden_size`,
L `num_layers`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from lstm_helpers import _checks
from lstm_helpers._checks import check_hidden, check_input

GATES = ("i", "f", "g", "o")  # PyTorch's order of the four blocks of rows in each weight


@dataclass(frozen=True)
class GateTrace:
    """Every step's gate activations and states, one (B, T, H) tensor per layer in each tuple.

    `trace.f[-1][b, t, j]` is the forget gate of unit j in the top layer at step t of
    window b. i, f, o lie in (0, 1) (sigmoid), g in (-1, 1) (tanh), and h = o * tanh(c).
    """

    i: tuple[torch.Tensor, ...]  # input gate
    f: tuple[torch.Tensor, ...]  # forget gate
    g: tuple[torch.Tensor, ...]  # cell candidate
    o: tuple[torch.Tensor, ...]  # output gate
    c: tuple[torch.Tensor, ...]  # cell state after the step
    h: tuple[torch.Tensor, ...]  # hidden state after the step (the layer's output)

    @property
    def num_layers(self) -> int:
        return len(self.h)

    def layer(self, k: int) -> dict[str, torch.Tensor]:
        """The six (B, T, H) tensors of layer k (negative counts from the top), by name."""
        return {name: getattr(self, name)[k] for name in ("i", "f", "g", "o", "c", "h")}


def lstm_step(
    xw_t: torch.Tensor, h: torch.Tensor, c: torch.Tensor, weight_hh: torch.Tensor
) -> tuple[torch.Tensor, ...]:
    """One LSTM time step; returns (h, c, i, f, g, o).

    `xw_t` is the input's part of all four gates with both biases already added,
    x_t @ W_ih.T + b_ih + b_hh, so only the recurrent part h @ W_hh.T is computed here.
    Shape: xw_t (B, 4H), h and c (B, H), weight_hh (4H, H) -> each result (B, H).
    """
    gates = torch.addmm(xw_t, h, weight_hh.t())  # xw_t + h @ W_hh.T: all four gates, (B, 4H)
    i, f, g, o = gates.chunk(4, dim=1)  # (B, 4H) -> four (B, H), PyTorch's order
    i = torch.sigmoid(i)  # input gate
    f = torch.sigmoid(f)  # forget gate
    g = torch.tanh(g)  # cell candidate
    o = torch.sigmoid(o)  # output gate
    c = f * c + i * g  # keep part of the old cell, write part of the candidate
    h = o * torch.tanh(c)  # show part of the (squashed) cell
    return h, c, i, f, g, o


class ScratchLSTM(nn.Module):
    """A stacked LSTM from the gate equations, with `nn.LSTM`'s parameters and shapes.

    `forward(x, state=None)` returns `(output, (h_n, c_n))`, like `nn.LSTM(batch_first=True)`;
    `trace(x, state=None)` runs the same computation and returns a `GateTrace` of every
    step's gates and states instead. `dropout` is applied to the outputs of every layer but
    the last, in training mode only, as `nn.LSTM` does.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        batch_first: bool = True,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        _checks.positive_int("input_size", input_size, "It is the number of features per step.")
        _checks.positive_int("hidden_size", hidden_size)
        _checks.positive_int("num_layers", num_layers)
        _checks.fraction("dropout", dropout, low=0.0, high=1.0)
        if batch_first is not True:
            raise ValueError(
                "ScratchLSTM takes batch-first input (batch, seq_len, features) only, like "
                "LSTMPredictor. Pass batch_first=True and transpose time-major input with "
                "x.transpose(0, 1)."
            )
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.batch_first = True
        self.dropout = float(dropout)
        H = hidden_size
        for k in range(num_layers):
            layer_input = input_size if k == 0 else H
            self.register_parameter(
                f"weight_ih_l{k}", nn.Parameter(torch.empty(4 * H, layer_input))
            )
            self.register_parameter(f"weight_hh_l{k}", nn.Parameter(torch.empty(4 * H, H)))
            self.register_parameter(f"bias_ih_l{k}", nn.Parameter(torch.empty(4 * H)))
            self.register_parameter(f"bias_hh_l{k}", nn.Parameter(torch.empty(4 * H)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """nn.LSTM's initialisation: every weight and bias uniform in +-1/sqrt(H)."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    @classmethod
    def from_torch(cls, lstm: nn.LSTM) -> ScratchLSTM:
        """A ScratchLSTM holding copies of an `nn.LSTM`'s weights (on the same device and dtype).

        The copy computes the same function in eval mode; gradients flow to the copy's own
        parameters, not to `lstm`'s.
        """
        if not isinstance(lstm, nn.LSTM):
            raise ValueError(f"expected a torch.nn.LSTM, got {type(lstm).__name__}.")
        if lstm.bidirectional or lstm.proj_size or not lstm.bias:
            raise ValueError(
                "ScratchLSTM copies unidirectional LSTMs with biases and no projection only; got "
                f"bidirectional={lstm.bidirectional}, proj_size={lstm.proj_size}, bias={lstm.bias}."
            )
        scratch = cls(lstm.input_size, lstm.hidden_size, lstm.num_layers, dropout=lstm.dropout)
        ref = lstm.weight_ih_l0
        scratch.to(device=ref.device, dtype=ref.dtype)
        scratch.load_state_dict(lstm.state_dict())
        scratch.train(lstm.training)
        return scratch

    def extra_repr(self) -> str:
        extra = f", dropout={self.dropout}" if self.dropout else ""
        return f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}{extra}"

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Run all layers over all steps.

        Shape: x (B, T, F); state (h_0, c_0) each (L, B, H), zeros if None ->
        output (B, T, H) (top layer's h at every step), h_n and c_n (L, B, H).
        """
        return self._run(x, state, record=None)

    def trace(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> GateTrace:
        """The same computation as `forward`, returning every step's gates and states.

        `trace.h[-1]` is `forward`'s output; `trace.h[k][:, -1]` and `trace.c[k][:, -1]` are
        layer k's rows of h_n and c_n.
        Shape: x (B, T, F) -> a GateTrace of (B, T, H) tensors, one per layer in each field.
        """
        record: list[dict[str, torch.Tensor]] = []
        self._run(x, state, record=record)
        return GateTrace(*(tuple(layer[name] for layer in record) for name in "ifgoch"))

    def _run(
        self,
        x: torch.Tensor,
        state: tuple[torch.Tensor, torch.Tensor] | None,
        record: list[dict[str, torch.Tensor]] | None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Both faces of the stack: with `record`, each layer appends its gates and states.

        Shape: x (B, T, F) -> output (B, T, H), h_n and c_n (L, B, H).
        """
        check_input(x, self.input_size)
        if state is not None and not (isinstance(state, tuple) and len(state) == 2):
            raise ValueError("state must be a tuple (h_0, c_0) or None.")
        check_hidden(state, x, self.num_layers, self.hidden_size)
        if state is None:
            zeros = x.new_zeros(self.num_layers, x.size(0), self.hidden_size)  # (L, B, H)
            state = (zeros, zeros)
        h_0, c_0 = state
        layer_input = x  # (B, T, F) for layer 0, (B, T, H) above it
        h_n, c_n = [], []
        for k in range(self.num_layers):
            if k > 0 and self.dropout > 0 and self.training:
                layer_input = F.dropout(layer_input, self.dropout, training=True)
            gates = {} if record is not None else None
            layer_input, h, c = self._layer(k, layer_input, h_0[k], c_0[k], gates)
            h_n.append(h)
            c_n.append(c)
            if record is not None:
                record.append(gates)
        return layer_input, (torch.stack(h_n), torch.stack(c_n))  # L x (B, H) -> (L, B, H)

    def _layer(
        self,
        k: int,
        x: torch.Tensor,
        h: torch.Tensor,
        c: torch.Tensor,
        gates: dict[str, torch.Tensor] | None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One layer over all steps: (output, h_n, c_n); fills `gates` if it is a dict.

        Shape: x (B, T, F_k), h and c (B, H) -> output (B, T, H), h_n and c_n (B, H);
        each entry of `gates` (B, T, H).
        """
        weight_ih = getattr(self, f"weight_ih_l{k}")  # (4H, F_k)
        weight_hh = getattr(self, f"weight_hh_l{k}")  # (4H, H)
        bias = getattr(self, f"bias_ih_l{k}") + getattr(self, f"bias_hh_l{k}")  # (4H,)
        # The input's part of the gates does not depend on h: compute it for all steps at once.
        xw = torch.matmul(x, weight_ih.t()) + bias  # (B, T, F_k) -> (B, T, 4H)
        outputs, record = [], {name: [] for name in "ifgoch"}
        for xw_t in xw.unbind(1):  # T tensors (B, 4H); unbind has a cheap backward
            h, c, i, f, g, o = lstm_step(xw_t, h, c, weight_hh)
            outputs.append(h)
            if gates is not None:  # keep every step's gates only when asked: it costs memory
                for name, value in zip("ifgoch", (i, f, g, o, c, h), strict=True):
                    record[name].append(value)
        if gates is not None:
            gates.update({name: torch.stack(v, dim=1) for name, v in record.items()})  # (B, T, H)
        return torch.stack(outputs, dim=1), h, c  # T x (B, H) -> (B, T, H)
