"""Safe checkpoints: state_dict plus the config that rebuilds the model, written atomically.

Loading uses `torch.load(weights_only=True)`, which refuses arbitrary pickled objects, so a
checkpoint from an untrusted source cannot run code. Never `torch.save(model)`.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path

import torch
from torch import nn

from lstm_helpers.config import ModelConfig
from lstm_helpers.models import build_model

FORMAT = 1


def save_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    extra: dict | None = None,
) -> Path:
    """Write model weights, its ModelConfig (and optimizer state) atomically to `path`.

    The file is written to a temporary name in the same folder and renamed over `path`,
    so a crash mid-save leaves the previous checkpoint intact.
    """
    config = getattr(model, "config", None)
    if not isinstance(config, ModelConfig):
        raise ValueError(
            f"model must carry a ModelConfig in model.config to be rebuilt later, got {type(model).__name__}"
            f" with config={config!r}. Use a predictor from lstm_helpers.models."
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "config": asdict(config),
        "state_dict": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "extra": extra or {},
    }
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic on POSIX and Windows
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(
    path: str | os.PathLike,
    model: nn.Module | None = None,
    optimizer: torch.optim.Optimizer | None = None,
) -> tuple[nn.Module, dict]:
    """Load a checkpoint with weights_only=True into `model` (or a model rebuilt from its config).

    Returns the model (in eval mode) and the whole checkpoint dict (for `extra`).
    """
    checkpoint = torch.load(Path(path), map_location="cpu", weights_only=True)
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        raise ValueError(f"{path} is not an lstm_helpers checkpoint (format {FORMAT}).")
    saved = ModelConfig(**checkpoint["config"])
    if model is None:
        model = build_model(saved)
    elif getattr(model, "config", None) != saved:
        current = getattr(model, "config", None)
        diffs = [
            f"{f.name}: checkpoint {getattr(saved, f.name)!r}, model {getattr(current, f.name, None)!r}"
            for f in fields(ModelConfig)
            if getattr(saved, f.name) != getattr(current, f.name, None)
        ]
        raise ValueError(
            f"the checkpoint was saved from a model with a different config ({'; '.join(diffs)}). "
            "Build the model from the checkpoint instead: load_checkpoint(path) without a model."
        )
    device = next(model.parameters()).device
    model.load_state_dict(checkpoint["state_dict"])
    model.to(device)
    if optimizer is not None:
        if checkpoint["optimizer"] is None:
            raise ValueError(
                f"{path} holds no optimizer state; save it with save_checkpoint(..., optimizer=opt)."
            )
        optimizer.load_state_dict(checkpoint["optimizer"])
    model.eval()
    return model, checkpoint
