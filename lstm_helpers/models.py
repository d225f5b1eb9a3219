"""Sequence predictors: a window in, the next value(s) out.

Every model has the same interface: `forward(x, hidden=None) -> (predictions, hidden)`.
Shape legend: B batch, T time steps, F features (`input_size`), H `hidden_size`,
L `num_layers`, O `output_size`.
"""

from __future__ import annotations

from dataclasses import asdict

import torch
from torch import nn

from lstm_helpers.config import ClassifierConfig, ModelConfig
from lstm_helpers.sequences import last_valid_step

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


def stacked(
    rnn_class: type[nn.Module],
    input_size: int,
    hidden_size: int,
    num_layers: int,
    dropout: float,
    **kwargs: bool,
) -> nn.Module:
    """A batch-first recurrent stack (nn.LSTM, nn.RNN, ScratchLSTM) with dropout between layers.

    PyTorch applies dropout only between stacked layers and warns if it is set with one
    layer, so a single layer gets none.
    Shape: the module maps x (B, T, F) to output (B, T, D*H) and states (L*D, B, H).
    """
    return rnn_class(
        input_size,
        hidden_size,
        num_layers,
        batch_first=True,
        dropout=dropout if num_layers > 1 else 0.0,
        **kwargs,
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
        self.lstm = stacked(nn.LSTM, input_size, hidden_size, num_layers, dropout)
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
        self.rnn = stacked(nn.RNN, input_size, hidden_size, num_layers, dropout)
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
    if config.cell == "scratch_lstm":
        from lstm_helpers.scratch import ScratchLSTMPredictor  # lazy: scratch imports this module

        return ScratchLSTMPredictor(**kwargs)
    if config.cell == "rnn":
        return RNNPredictor(**kwargs)
    raise ValueError(
        f"cell must be one of 'lstm', 'rnn', 'scratch_lstm', got {config.cell!r}: "
        "no predictor is defined for it."
    )


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


def with_forget_bias(model: nn.Module, value: float) -> nn.Module:
    """Add `value` to the forget-gate bias of every layer and direction, in place; return model.

    Works for an `nn.LSTM` or `ScratchLSTM` itself and for any model holding one as `.lstm`
    (`LSTMPredictor`, `ScratchLSTMPredictor`, ...). The gate sees b_ih + b_hh, so only
    `bias_ih` changes. Jozefowicz et al. (2015) recommend +1 to start training.
    Shape: rows H..2H (gate order i, f, g, o) of every (4H,) `bias_ih_l{k}` change.
    """
    lstm = model if hasattr(model, "bias_ih_l0") else getattr(model, "lstm", None)
    is_lstm = isinstance(lstm, nn.LSTM) or (
        lstm is not None and not isinstance(lstm, nn.RNNBase) and hasattr(lstm, "bias_ih_l0")
    )  # nn.LSTM, or a module with its parameter names such as ScratchLSTM
    if not is_lstm or getattr(lstm, "bias_ih_l0", None) is None:
        raise ValueError(
            "with_forget_bias needs an LSTM with biases: an nn.LSTM, a ScratchLSTM, or a model "
            f"holding one as `.lstm` (such as LSTMPredictor); got {type(model).__name__}. "
            "Plain RNNs and GRUs have no forget gate."
        )
    H = lstm.hidden_size
    with torch.no_grad():
        for name, bias in lstm.named_parameters():
            if name.startswith("bias_ih_l"):  # (4H,): blocks i, f, g, o; also *_reverse
                bias[H : 2 * H] += value
    return model


class BiLSTMClassifier(nn.Module):
    """Sequence classifier: an LSTM (bidirectional by default) read at each direction's final state.

    `readout="final_state"` feeds the linear layer h_n[-2] (the top layer's forward direction after
    the LAST step) and h_n[-1] (its backward direction after the FIRST step): both have read the
    whole window. `readout="last_step"` is the tutorial's `lstm_out[:, -1, :]`: its forward half
    equals h_n[-2], but its backward half has read a single step (the last one).
    With `lengths`, padded windows are packed (`pack_padded_sequence(..., enforce_sorted=False)`),
    so every window's final state is taken at its own last real step and padding is never read.
    Shape legend: B batch, T steps, F `input_size`, H `hidden_size`, L `num_layers`,
    D directions (2 if bidirectional, else 1), C `num_classes`.
    """

    def __init__(
        self,
        input_size: int = 1,
        hidden_size: int = 32,
        num_layers: int = 1,
        num_classes: int = 3,
        dropout: float = 0.0,
        bidirectional: bool = True,
        readout: str = "final_state",
    ) -> None:
        super().__init__()
        self.config = ClassifierConfig(
            input_size, hidden_size, num_layers, num_classes, dropout, bidirectional, readout
        )
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.lstm = stacked(
            nn.LSTM, input_size, hidden_size, num_layers, dropout, bidirectional=bidirectional
        )
        self.fc = nn.Linear(self.num_directions * hidden_size, num_classes)

    @classmethod
    def from_config(cls, config: ClassifierConfig) -> BiLSTMClassifier:
        """The classifier a ClassifierConfig describes (how checkpoints rebuild it)."""
        return cls(**asdict(config))

    def forward(
        self,
        x: torch.Tensor,
        hidden: tuple[torch.Tensor, torch.Tensor] | None = None,
        lengths: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Class scores (logits, for CrossEntropyLoss) of each window; also the final (h_n, c_n).

        Shape: x (B, T, F), lengths (B,) or None -> logits (B, C); h_n and c_n (L*D, B, H).
        """
        check_input(x, self.config.input_size)
        check_hidden(hidden, x, self.num_layers * self.num_directions, self.hidden_size)
        if lengths is None:
            out, (h_n, c_n) = self.lstm(x, hidden)  # out (B, T, D*H)
        else:
            lengths = torch.as_tensor(lengths).cpu()  # pack_padded_sequence wants them on the CPU
            if lengths.shape != (x.size(0),) or lengths.min() < 1 or lengths.max() > x.size(1):
                raise ValueError(
                    f"lengths must hold one length in 1..{x.size(1)} per window ({x.size(0)}), "
                    f"got {lengths.tolist()}."
                )
            packed = nn.utils.rnn.pack_padded_sequence(
                x, lengths, batch_first=True, enforce_sorted=False
            )
            packed_out, (h_n, c_n) = self.lstm(packed, hidden)  # h_n back in the input order
            out, _ = nn.utils.rnn.pad_packed_sequence(
                packed_out, batch_first=True, total_length=x.size(1)
            )  # (B, T, D*H), zeros after each window's end
        return self.fc(self.readout(out, h_n, lengths)), (h_n, c_n)

    def readout(
        self, out: torch.Tensor, h_n: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> torch.Tensor:
        """The features the linear layer sees, as chosen by `config.readout`.

        "last_step" reads `out` at each window's own last real step when `lengths` is given
        (a padded position holds zeros, not the window's summary).
        Shape: out (B, T, D*H), h_n (L*D, B, H), lengths (B,) or None -> (B, D*H).
        """
        if self.config.readout == "last_step":
            if lengths is not None:
                return last_valid_step(out, lengths)  # (B, D*H) at step lengths[b] - 1
            return out[:, -1, :]  # the tutorial's readout: backward half after ONE step
        if self.num_directions == 2:
            # h_n is ordered (layer, direction): the top layer's forward state is h_n[-2],
            # its backward state h_n[-1]. (B, H) + (B, H) -> (B, 2H)
            return torch.cat([h_n[-2], h_n[-1]], dim=1)
        return h_n[-1]  # (B, H)


class PerStepLSTM(nn.Module):
    """An LSTM with a prediction at every time step (sequence in, sequence out).

    Trained on next-value targets (y[t] = x[t+1]) it is a forecaster only when unidirectional.
    With `bidirectional=True` the output at step t has read steps t+1..T-1 too, including the
    very value it should predict: the training loss looks perfect and forecasting fails.
    Shape legend: B batch, T steps, F `input_size`, H `hidden_size`, L `num_layers`,
    D directions, O `output_size`.
    """

    def __init__(
        self,
        input_size: int = 1,
        hidden_size: int = 32,
        num_layers: int = 1,
        output_size: int = 1,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.output_size = output_size
        self.num_directions = 2 if bidirectional else 1
        self.lstm = stacked(
            nn.LSTM, input_size, hidden_size, num_layers, dropout, bidirectional=bidirectional
        )
        self.fc = nn.Linear(self.num_directions * hidden_size, output_size)

    def forward(
        self, x: torch.Tensor, hidden: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """A prediction after every step; also the final (h_n, c_n) to carry into the next chunk.

        Shape: x (B, T, F) -> predictions (B, T, O); h_n and c_n (L*D, B, H).
        """
        check_input(x, self.input_size)
        check_hidden(hidden, x, self.num_layers * self.num_directions, self.hidden_size)
        out, hidden = self.lstm(x, hidden)  # (B, T, F) -> (B, T, D*H)
        return self.fc(out), hidden  # (B, T, D*H) -> (B, T, O)
