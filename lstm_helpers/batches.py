"""What a batch is, and how a model is called on one: (x, y), or (x, lengths, y) for padded sequences.

Loaders of fixed-length windows yield `(x, y)`; loaders of variable-length sequences
(`make_sequence_loader`) yield `(x, lengths, y)`, the padded batch with each sequence's real
length. `fit`, `mean_loss`, `predict`, `evaluate`, `accuracy` and `confusion_matrix` all read
batches through `split_batch` and call the model through `call_model`, so a model that packs
its input (`BiLSTMClassifier(..., lengths=...)`) gets its lengths everywhere.

Shape legend: B batch, T time steps (padded), F features.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import torch
from torch import nn


def split_batch(
    batch: Sequence[torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
    """A loader's batch as (x, lengths, y); lengths is None for a batch of two parts.

    Shape: (x (B, T, F), y (B, ...)) or (x, lengths (B,), y) -> x, lengths or None, y.
    """
    if not isinstance(batch, (list, tuple)) or len(batch) not in (2, 3):
        parts = len(batch) if isinstance(batch, (list, tuple)) else type(batch).__name__
        raise ValueError(
            "a batch must be (x, y), or (x, lengths, y) for padded sequences of different "
            f"lengths, got {parts} parts. Build the loader with lh.make_loader, "
            "lh.make_class_loader or lh.make_sequence_loader."
        )
    if len(batch) == 2:
        return batch[0], None, batch[1]
    return batch[0], batch[1], batch[2]


def call_model(model: nn.Module, x: torch.Tensor, lengths: torch.Tensor | None = None) -> object:
    """The model's output on x, passing `lengths=` only when there are lengths.

    Models of fixed-length windows take `model(x)`; a model of padded sequences takes
    `model(x, lengths=lengths)` and packs them. The output is returned as the model gives it.
    Shape: x (B, T, F), lengths (B,) or None -> whatever the model returns.
    """
    if lengths is None:
        return model(x)
    parameters = inspect.signature(model.forward).parameters
    if "lengths" not in parameters and not any(
        p.kind is p.VAR_KEYWORD for p in parameters.values()
    ):
        raise ValueError(
            f"the batches carry lengths (padded sequences), but {type(model).__name__}.forward "
            "takes no `lengths`, so it would read the padding as data. Use a model that packs "
            "(lh.BiLSTMClassifier), or batches of equal-length windows without lengths "
            "(lh.make_loader, lh.make_class_loader)."
        )
    return model(x, lengths=lengths)
