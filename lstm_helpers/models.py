"""Sequence models. Every one has a frozen `config` and `forward(x, hidden=None) -> (y, hidden)`.

    RecurrentPredictor  a recurrent stack read at its last step, then a linear layer
                        (many-to-one); its `config.cell` picks nn.LSTM, nn.RNN or ScratchLSTM.
                        LSTMPredictor (the tutorial's model), RNNPredictor and
                        ScratchLSTMPredictor are the same class with the cell fixed.
    BiLSTMClassifier    class scores of a window, bidirectional by default (many-to-one)
    PerStepLSTM         a prediction after every step (many-to-many)
    CharLSTM            a character language model (language.py), registered here
    build_model(config) the model any of these configs describes; checkpoints rebuild with it

Shape legend: B batch, T time steps, F features (`input_size`), H `hidden_size`,
L `num_layers`, D directions (2 if bidirectional), O `output_size`, C classes.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import ClassVar

import torch
from torch import nn

from lstm_helpers._checks import Hidden
from lstm_helpers.config import CharLMConfig, ClassifierConfig, ModelConfig, PerStepConfig
from lstm_helpers.language import CharLSTM
from lstm_helpers.model_base import Config, SequenceModel, stacked
from lstm_helpers.scratch import ScratchLSTM
from lstm_helpers.sequences import last_valid_step


class RecurrentPredictor(SequenceModel):
    """A recurrent stack read at its last time step, then a linear layer: a window in, O values out.

    The class's `cell` picks the recurrent layer: "lstm" (nn.LSTM), "rnn" (nn.RNN, tanh) or
    "scratch_lstm" (ScratchLSTM, the equations written out). It is stored as `self.lstm`
    for both LSTMs and `self.rnn` for the RNN, so the parameter names are the tutorial's
    (`lstm.weight_ih_l0`, ..., `fc.weight`) and its trained state_dict loads unchanged.
    The subclasses below fix the cell; build any of them from a config with `build_model`.
    """

    config_class = ModelConfig
    cell: ClassVar[str] = "lstm"
    LAYERS: ClassVar[dict[str, tuple[type[nn.Module], str]]] = {
        "lstm": (nn.LSTM, "lstm"),
        "rnn": (nn.RNN, "rnn"),
        "scratch_lstm": (ScratchLSTM, "lstm"),
    }

    def __init__(
        self,
        input_size: int = 1,
        hidden_size: int = 50,
        num_layers: int = 2,
        output_size: int = 1,
        dropout: float = 0.2,
    ) -> None:
        config = ModelConfig(input_size, hidden_size, num_layers, output_size, dropout, self.cell)
        super().__init__(config)
        layer_class, self.recurrent_name = self.LAYERS[self.cell]
        layer = stacked(layer_class, input_size, hidden_size, num_layers, dropout)
        self.add_module(self.recurrent_name, layer)  # self.lstm or self.rnn
        self.fc = nn.Linear(hidden_size, output_size)

    @property
    def recurrent(self) -> nn.Module:
        """The recurrent stack (`self.lstm` or `self.rnn`)."""
        return getattr(self, self.recurrent_name)

    @classmethod
    def from_config(cls, config: ModelConfig) -> RecurrentPredictor:
        """The predictor class of `config.cell`, built from the config.

        Shape: none.
        """
        classes = {c.cell: c for c in (LSTMPredictor, RNNPredictor, ScratchLSTMPredictor)}
        if config.cell not in classes:
            raise ValueError(
                f"cell must be one of {tuple(classes)}, got {config.cell!r}: no predictor is "
                "defined for it."
            )
        return classes[config.cell](**{k: v for k, v in asdict(config).items() if k != "cell"})

    def forward(self, x: torch.Tensor, hidden: Hidden | None = None) -> tuple[torch.Tensor, Hidden]:
        """Predict from the last time step; also return the final state ((h_n, c_n), or h_n).

        Shape: x (B, T, F) -> predictions (B, O); h_n (and c_n) (L, B, H).
        """
        self.check(x, hidden)
        out, hidden = self.recurrent(x, hidden)  # (B, T, F) -> (B, T, H): top layer's h
        predictions = self.fc(out[:, -1, :])  # last step (B, H) -> (B, O)
        return predictions, hidden


class LSTMPredictor(RecurrentPredictor):
    """The tutorial's model: a stacked LSTM read at the last time step, then a linear layer.

    LSTMPredictor(input_size=1, hidden_size=50, num_layers=2, output_size=1, dropout=0.2).
    """

    cell = "lstm"


class RNNPredictor(RecurrentPredictor):
    """The same predictor with a vanilla (tanh) RNN instead of an LSTM, for comparison."""

    cell = "rnn"


class ScratchLSTMPredictor(RecurrentPredictor):
    """`LSTMPredictor` with a `ScratchLSTM` inside: same parameters, names and outputs.

    An `LSTMPredictor`'s state_dict loads into it (`load_state_dict`) and gives the same
    predictions in eval mode.
    """

    cell = "scratch_lstm"


class BiLSTMClassifier(SequenceModel):
    """Sequence classifier: an LSTM (bidirectional by default) read at each direction's final state.

    `readout="final_state"` feeds the linear layer h_n[-2] (the top layer's forward direction after
    the last step) and h_n[-1] (its backward direction, which runs from the last step back to the
    first and ends there): both have read the whole window. `readout="last_step"` is the tutorial's `lstm_out[:, -1, :]`: its forward half
    equals h_n[-2], but its backward half has read a single step (the last one); with
    `lengths` it is read at each window's own last real step.
    With `lengths`, padded windows are packed (`pack_padded_sequence(..., enforce_sorted=False)`),
    so every window's final state is taken at its own last real step and padding is never read.
    """

    config_class = ClassifierConfig

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
        super().__init__(
            ClassifierConfig(
                input_size, hidden_size, num_layers, num_classes, dropout, bidirectional, readout
            )
        )
        self.lstm = stacked(
            nn.LSTM, input_size, hidden_size, num_layers, dropout, bidirectional=bidirectional
        )
        self.fc = nn.Linear(self.num_directions * hidden_size, num_classes)

    def forward(
        self,
        x: torch.Tensor,
        hidden: tuple[torch.Tensor, torch.Tensor] | None = None,
        lengths: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Class scores (logits, for CrossEntropyLoss) of each window; also the final (h_n, c_n).

        Shape: x (B, T, F), lengths (B,) or None -> logits (B, C); h_n and c_n (L*D, B, H).
        """
        self.check(x, hidden)
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


class PerStepLSTM(SequenceModel):
    """An LSTM with a prediction at every time step (sequence in, sequence out).

    Trained on next-value targets (y[t] = x[t+1]) it is a forecaster only when unidirectional.
    With `bidirectional=True` the output at step t has read steps t+1..T-1 too, including the
    very value it should predict: the training loss looks perfect and forecasting fails.
    """

    config_class = PerStepConfig

    def __init__(
        self,
        input_size: int = 1,
        hidden_size: int = 32,
        num_layers: int = 1,
        output_size: int = 1,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        super().__init__(
            PerStepConfig(input_size, hidden_size, num_layers, output_size, dropout, bidirectional)
        )
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
        self.check(x, hidden)
        out, hidden = self.lstm(x, hidden)  # (B, T, F) -> (B, T, D*H)
        return self.fc(out), hidden  # (B, T, D*H) -> (B, T, O)


MODELS: dict[type, type[SequenceModel]] = {
    ModelConfig: RecurrentPredictor,
    ClassifierConfig: BiLSTMClassifier,
    PerStepConfig: PerStepLSTM,
    CharLMConfig: CharLSTM,  # lives in language.py with its sampling and evaluation
}


def build_model(config: Config) -> SequenceModel:
    """The model a config describes: a predictor (by `cell`), a classifier or a per-step model.

    Shape: none.
    """
    model_class = MODELS.get(type(config))
    if model_class is None:
        known = ", ".join(c.__name__ for c in MODELS)
        raise ValueError(f"no model is built from a {type(config).__name__}; known: {known}.")
    return model_class.from_config(config)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters.

    Shape: none.
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def lstm_parameter_count(input_size: int, hidden_size: int, num_layers: int = 1) -> int:
    """Parameters of nn.LSTM by the formula: 4 gates x (W_ih + W_hh + two biases) per layer.

    Shape: none.
    """
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
