"""Frozen dataclasses for data, model and training settings.

Change a setting with `dataclasses.replace(cfg, hidden_size=32)`; checkpoints store
`dataclasses.asdict(cfg)`. Each class checks its values when it is created, so a bad
setting fails at once with a message that says how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_helpers import _checks

CELLS = ("lstm", "rnn", "scratch_lstm")


def _check_layers(config: object) -> None:
    """The checks every architecture config shares: sizes, layers, dropout, directions."""
    _checks.positive_int("input_size", config.input_size, "It is the number of features per step.")
    _checks.positive_int("hidden_size", config.hidden_size)
    _checks.positive_int("num_layers", config.num_layers)
    _checks.fraction(
        "dropout", config.dropout, low=0.0, high=1.0, hint="It is a probability; 0 turns it off."
    )
    bidirectional = getattr(config, "bidirectional", False)
    if not isinstance(bidirectional, bool):
        raise ValueError(f"bidirectional must be True or False, got {bidirectional!r}.")


@dataclass(frozen=True)
class DataConfig:
    """The series and how it is cut into windows (defaults: the tutorial's sine task)."""

    seq_length: int = 50  # T: input steps per window
    num_points: int = 1000  # length of the series (the tutorial's `num_samples`)
    x_max: float = 100.0  # the series is sin(x) for x in linspace(0, x_max, num_points)
    noise_std: float = 0.0  # Gaussian noise added to the series
    horizon: int = 1  # how many steps after the window to predict
    train_frac: float = 0.8  # first part of the windows, in time order
    val_frac: float = 0.0  # next part; the rest is the test set
    batch_size: int = 32
    seed: int = 0  # the noise; shuffling follows torch's RNG (lh.set_seed)

    def __post_init__(self) -> None:
        n = _checks.positive_int("num_points", self.num_points)
        _checks.positive_int(
            "seq_length", self.seq_length, "It is the number of input steps per window."
        )
        _checks.positive_int("horizon", self.horizon)
        if self.seq_length + self.horizon > n:
            raise ValueError(
                f"seq_length + horizon must be at most num_points so at least one window fits, got "
                f"seq_length={self.seq_length}, horizon={self.horizon} for a series of {n} points. "
                "Use a shorter window or a longer series."
            )
        _checks.positive_int("batch_size", self.batch_size)
        if self.noise_std < 0:
            raise ValueError(f"noise_std must be >= 0, got {self.noise_std}.")
        _checks.fraction("train_frac", self.train_frac, low=0.0, high=1.0, open_low=True)
        _checks.fraction("val_frac", self.val_frac, low=0.0, high=1.0)
        if self.train_frac + self.val_frac >= 1.0 - 1e-9:
            raise ValueError(
                f"train_frac + val_frac must be below 1 so that a test part remains, got "
                f"{self.train_frac} + {self.val_frac}. Use, for example, train_frac=0.7, "
                "val_frac=0.15."
            )


@dataclass(frozen=True)
class ModelConfig:
    """Architecture of a predictor (defaults: the tutorial's LSTMPredictor)."""

    input_size: int = 1  # F: features per time step
    hidden_size: int = 50  # H
    num_layers: int = 2
    output_size: int = 1
    dropout: float = 0.2  # between stacked layers; PyTorch ignores it when num_layers == 1
    cell: str = "lstm"  # one of CELLS

    def __post_init__(self) -> None:
        _check_layers(self)
        _checks.positive_int("output_size", self.output_size)
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {self.cell!r}.")


@dataclass(frozen=True)
class TrainConfig:
    """How `fit` trains: Adam on MSE, optional clipping, stopping at a target or on patience."""

    lr: float = 1e-3
    max_epochs: int = 100
    clip_norm: float | None = 1.0  # max total gradient norm; None turns clipping off
    target_loss: float | None = None  # stop once the monitored loss is at or below this
    patience: int | None = None  # stop after this many epochs without improvement
    restore_best: bool = True  # end with the weights of the best monitored epoch

    def __post_init__(self) -> None:
        _checks.positive_float("lr", self.lr, "Typical Adam learning rates are 1e-4 to 1e-2.")
        _checks.positive_int("max_epochs", self.max_epochs)
        if self.clip_norm is not None:
            _checks.positive_float("clip_norm", self.clip_norm, "Use None to turn clipping off.")
        if self.target_loss is not None:
            _checks.positive_float("target_loss", self.target_loss)
        if self.patience is not None:
            _checks.positive_int("patience", self.patience)


READOUTS = ("final_state", "last_step")


@dataclass(frozen=True)
class ClassifierConfig:
    """Architecture of a sequence classifier (`BiLSTMClassifier`): a window in, class scores out.

    `readout` picks the features the linear layer sees: "final_state" is each direction's final
    hidden state (forward ending at the last step, backward ending at the first: `h_n[-2]`,
    `h_n[-1]`); "last_step" is the tutorial's `lstm_out[:, -1, :]`, whose backward half has read one step.
    """

    input_size: int = 1  # F: features per time step
    hidden_size: int = 32  # H, per direction
    num_layers: int = 1
    num_classes: int = 3  # C
    dropout: float = 0.0  # between stacked layers; PyTorch ignores it when num_layers == 1
    bidirectional: bool = True
    readout: str = "final_state"  # one of READOUTS

    def __post_init__(self) -> None:
        _check_layers(self)
        if _checks.positive_int("num_classes", self.num_classes) < 2:
            raise ValueError(f"num_classes must be at least 2, got {self.num_classes}.")
        if self.readout not in READOUTS:
            raise ValueError(f"readout must be one of {READOUTS}, got {self.readout!r}.")


@dataclass(frozen=True)
class PerStepConfig:
    """Architecture of a per-step model (`PerStepLSTM`): a prediction after every step.

    With `bidirectional=True` the output at step t has also read the steps after t: fine for
    labelling a sequence that is known in full, never for forecasting.
    """

    input_size: int = 1  # F: features per time step
    hidden_size: int = 32  # H, per direction
    num_layers: int = 1
    output_size: int = 1  # O: outputs per step
    dropout: float = 0.0  # between stacked layers; PyTorch ignores it when num_layers == 1
    bidirectional: bool = False

    def __post_init__(self) -> None:
        _check_layers(self)
        _checks.positive_int("output_size", self.output_size)


@dataclass(frozen=True)
class CharLMConfig:
    """Architecture of a character language model (`CharLSTM`): characters in, next-character scores out.

    Defaults: the model trained for notebook 08 (Shakespeare's Sonnets, 62 characters).
    `dropout` is applied to the embeddings and to the LSTM's output (and between stacked
    layers), in training mode only.
    """

    vocab_size: int = 62  # V: distinct characters (the Sonnets have 62)
    embedding_dim: int = 32  # E: size of each character's learned vector
    hidden_size: int = 256  # H
    num_layers: int = 1
    dropout: float = 0.3

    def __post_init__(self) -> None:
        if _checks.positive_int("vocab_size", self.vocab_size, "It is len(vocab).") < 2:
            raise ValueError(f"vocab_size must be at least 2, got {self.vocab_size}.")
        _checks.positive_int("embedding_dim", self.embedding_dim)
        _checks.positive_int("hidden_size", self.hidden_size)
        _checks.positive_int("num_layers", self.num_layers)
        _checks.fraction(
            "dropout", self.dropout, low=0.0, high=1.0, hint="It is a probability; 0 turns it off."
        )
