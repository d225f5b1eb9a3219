"""What every sequence model of the package shares: `SequenceModel` and `stacked`.

`SequenceModel` holds the frozen config that rebuilds a model (`from_config`, used by
checkpoints) and its input checks; `stacked` builds a batch-first recurrent stack with
dropout between layers. The models themselves live in `models.py` (predictors, classifier,
per-step model) and `language.py` (the character language model); `models.MODELS` maps each
config class to its model.

Shape legend: B batch, T time steps, F features (`input_size`), H `hidden_size`,
L `num_layers`, D directions (2 if bidirectional).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import ClassVar

import torch
from torch import nn

from lstm_helpers._checks import Hidden, check_hidden, check_input
from lstm_helpers.config import CharLMConfig, ClassifierConfig, ModelConfig, PerStepConfig

Config = ModelConfig | ClassifierConfig | PerStepConfig | CharLMConfig


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


class SequenceModel(nn.Module):
    """What every model here shares: the frozen config that rebuilds it, and input checks.

    A subclass sets `config_class` and builds its layers from `self.config`; `from_config`
    rebuilds it from a config alone (checkpoints do that).
    """

    config_class: ClassVar[type]

    def __init__(self, config: Config) -> None:
        super().__init__()
        if not isinstance(config, self.config_class):
            raise ValueError(
                f"{type(self).__name__} is built from a {self.config_class.__name__}, got "
                f"{type(config).__name__}."
            )
        self.config = config

    @classmethod
    def from_config(cls, config: Config) -> SequenceModel:
        """The model a config describes (how checkpoints rebuild it).

        Shape: none.
        """
        return cls(**asdict(config))

    @property
    def hidden_size(self) -> int:
        return self.config.hidden_size

    @property
    def num_layers(self) -> int:
        return self.config.num_layers

    @property
    def num_directions(self) -> int:
        return 2 if getattr(self.config, "bidirectional", False) else 1

    def check(self, x: torch.Tensor, hidden: Hidden | None) -> None:
        """Raise a ValueError that says how to fix x or hidden unless their shapes fit.

        Shape: x (B, T, F); hidden (L*D, B, H) each.
        """
        check_input(x, self.config.input_size)
        check_hidden(hidden, x, self.num_layers * self.num_directions, self.hidden_size)
