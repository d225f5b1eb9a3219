"""Sequence predictors: a window in, the next value(s) out.

Every model has the same interface: `forward(x, hidden=None) -> (predictions, hidden)`.
Shape legend: B batch, T time steps, F features (`input_size`), H `hidden_size`,
L `num_layers`, O `output_size`.
"""

from __future__ import annotations

from dataclasses import asdict

import torch
from torch import nn

from lstm_helpers.config import ModelConfig

Hidden = tuple[torch.Tensor, torch.Tensor] | torch.Tensor


def check_input(x: torch.Tensor, input_size: int) -> None:
    """Raise ValueError unless x is a (batch, seq_len, input_size) tensor."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(
            f"x must be a torch.Tensor, got {type(x).__name__}. Use torch.as_tensor(x)."
        )
    if x.dim() != 3 or x.size(-1) != input_size:
        hint = ""
        if x.dim() == 2 and input_size == 1:
            hint = (
                " The feature dimension is missing: use x.unsqueeze(-1) to get (batch, seq_len, 1)."
            )
        elif x.dim() == 3 and x.size(1) == input_size:
            hint = " The features look like dimension 1: use x.transpose(1, 2)."
        elif x.dim() == 3:
            hint = " If x is time-major (seq_len, batch, features), fix the last dimension first."
        raise ValueError(
            f"expected input of shape (batch, seq_len, {input_size}) (batch_first=True), "
            f"got {tuple(x.shape)}.{hint}"
        )


def check_hidden(hidden: Hidden | None, x: torch.Tensor, num_layers: int, hidden_size: int) -> None:
    """Raise ValueError unless each hidden tensor has shape (num_layers, batch, hidden_size)."""
    if hidden is None:
        return
    states = hidden if isinstance(hidden, tuple) else (hidden,)
    want = (num_layers, x.size(0), hidden_size)
    for name, h in zip(("h", "c"), states, strict=False):  # an RNN has no c
        if tuple(h.shape) != want:
            hint = ""
            if h.dim() == 3 and h.size(1) != x.size(0):
                hint = (
                    f" The batch has {x.size(0)} windows but the state was made for {h.size(1)}: "
                    "a smaller last batch? Start each batch with hidden=None, slice the state "
                    "(h[:, :B]), or use drop_last=True in the DataLoader."
                )
            raise ValueError(
                f"hidden state {name} must have shape (num_layers, batch, hidden_size) = {want}, "
                f"got {tuple(h.shape)}.{hint}"
            )


class LSTMPredictor(nn.Module):
    """The tutorial's model: a stacked LSTM read at the last time step, then a linear layer."""

    def __init__(
        self,
        input_size: int = 1,
        hidden_size: int = 50,
        num_layers: int = 2,
        output_size: int = 1,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        self.config = ModelConfig(input_size, hidden_size, num_layers, output_size, dropout, "lstm")
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        # PyTorch applies dropout between stacked layers only, and warns if it is set with 1 layer.
        self.lstm = nn.LSTM(
            input_size,
            hidden_size,
            num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(
        self, x: torch.Tensor, hidden: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Predict from the last time step; also return the final (h_n, c_n).

        Shape: x (B, T, F) -> predictions (B, O); h_n and c_n (L, B, H).
        """
        check_input(x, self.config.input_size)
        check_hidden(hidden, x, self.num_layers, self.hidden_size)
        out, hidden = self.lstm(x, hidden)  # (B, T, F) -> (B, T, H): top layer's h at every step
        predictions = self.fc(out[:, -1, :])  # last step (B, H) -> (B, O)
        return predictions, hidden


class RNNPredictor(nn.Module):
    """The same predictor with a vanilla (tanh) RNN instead of an LSTM, for comparison."""

    def __init__(
        self,
        input_size: int = 1,
        hidden_size: int = 50,
        num_layers: int = 2,
        output_size: int = 1,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        self.config = ModelConfig(input_size, hidden_size, num_layers, output_size, dropout, "rnn")
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.rnn = nn.RNN(
            input_size,
            hidden_size,
            num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(
        self, x: torch.Tensor, hidden: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Predict from the last time step; also return the final h_n (an RNN has no cell state).

        Shape: x (B, T, F) -> predictions (B, O); h_n (L, B, H).
        """
        check_input(x, self.config.input_size)
        check_hidden(hidden, x, self.num_layers, self.hidden_size)
        out, hidden = self.rnn(x, hidden)  # (B, T, F) -> (B, T, H)
        return self.fc(out[:, -1, :]), hidden  # (B, H) -> (B, O)


def build_model(config: ModelConfig) -> nn.Module:
    """Build the predictor a ModelConfig describes (its `cell` picks the class)."""
    kwargs = {k: v for k, v in asdict(config).items() if k != "cell"}
    if config.cell == "lstm":
        return LSTMPredictor(**kwargs)
    return RNNPredictor(**kwargs)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def lstm_parameter_count(input_size: int, hidden_size: int, num_layers: int = 1) -> int:
    """Parameters of nn.LSTM by the formula: 4 gates x (W_ih + W_hh + two biases) per layer."""
    total = 0
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else hidden_size
        total += 4 * (layer_input * hidden_size + hidden_size * hidden_size + 2 * hidden_size)
    return total
