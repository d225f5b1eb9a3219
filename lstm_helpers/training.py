"""The training loop: Adam on MSE with gradient clipping, early stopping, and a History.

`fit` trains and returns what happened; it never plots (see `plots`).
Shape legend: B batch, T time steps, F features, O outputs.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import torch
from torch import nn
from torch.utils.data import DataLoader

from lstm_helpers.batches import call_model, split_batch
from lstm_helpers.config import TrainConfig
from lstm_helpers.runtime import eval_mode, model_device


class TrainingDiverged(RuntimeError):
    """The loss or gradient became NaN or infinite; `history` holds the epochs up to then."""

    def __init__(self, message: str, history: History) -> None:
        super().__init__(message)
        self.history = history


@dataclass
class History:
    """What happened during `fit`, one entry per epoch unless named `step_*`."""

    train_loss: list[float] = field(default_factory=list)  # mean MSE over the epoch's windows
    val_loss: list[float] = field(default_factory=list)  # empty without validation data
    grad_norm: list[float] = field(default_factory=list)  # largest total norm, before clipping
    step_grad_norm: list[float] = field(default_factory=list)  # every step, before clipping
    epoch_seconds: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    stop_reason: str = ""
    best_epoch: int | None = None  # 1-based epoch with the lowest monitored loss
    restored_epoch: int | None = (
        None  # after divergence: whose weights the model holds (0: initial)
    )

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def monitored(self) -> list[float]:
        """The loss used for stopping: validation if there was any, else training."""
        return self.val_loss or self.train_loss

    @property
    def best_loss(self) -> float:
        return min(self.monitored) if self.monitored else math.inf

    @property
    def total_seconds(self) -> float:
        return sum(self.epoch_seconds)


def gradient_norm(parameters: list[nn.Parameter]) -> torch.Tensor:
    """Total L2 norm of all gradients together, the quantity `clip_grad_norm_` bounds.

    Shape: every parameter's .grad, any shapes -> a 0-dim tensor (0 if no gradient yet).
    """
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    return torch.nn.utils.get_total_norm(grads)


@torch.no_grad()
def mean_loss(model: nn.Module, loader: DataLoader, loss_fn: nn.Module | None = None) -> float:
    """Average loss per window over a loader, in eval mode (dropout off); the mode is restored.

    Shape: loader batches x (B, T, F), y matching the model's output; or (x, lengths (B,), y).
    """
    loss_fn = loss_fn if loss_fn is not None else nn.MSELoss()
    device = model_device(model)
    total, count = 0.0, 0
    with eval_mode(model):
        for batch in loader:
            xb, lengths, yb = split_batch(batch)  # lengths: None unless padded sequences
            pred, _ = call_model(model, xb.to(device), lengths)
            total += loss_fn(pred, yb.to(device)).item() * len(xb)
            count += len(xb)
    if count == 0:
        raise ValueError(
            "the loader holds no windows, so there is no loss to average. Is the validation "
            "or test part empty? Check the fractions given to lh.time_split."
        )
    return total / count


def fit(
    model: nn.Module,
    train_loader: DataLoader,
    config: TrainConfig | None = None,
    *,
    val_loader: DataLoader | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler
    | torch.optim.lr_scheduler.ReduceLROnPlateau
    | None = None,
    loss_fn: nn.Module | None = None,
    on_diverge: Literal["raise", "stop"] = "raise",
    progress: bool | None = None,
    callback: Callable[[History], bool | None] | None = None,
) -> History:
    """Train with Adam on MSE, clipping the gradient norm each step; stop at a target or on patience.

    The monitored loss is the validation loss when `val_loader` is given, else the training
    loss. `loss_fn` defaults to `nn.MSELoss()` (pass e.g. `nn.CrossEntropyLoss()` to classify).
    `callback(history)` runs after each epoch; returning True stops training.
    `progress=None` shows a progress bar only inside a Jupyter kernel.
    Shape: loader batches x (B, T, F), y (B, O) with the model's output (B, O); batches
    (x, lengths (B,), y) of padded sequences pass `lengths=` to the model.
    """
    cfg = config or TrainConfig()
    if on_diverge not in ("raise", "stop"):
        raise ValueError(f"on_diverge must be 'raise' or 'stop', got {on_diverge!r}.")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"{type(model).__name__} has no trainable parameters: nothing to fit.")
    device = params[0].device
    optimizer = optimizer or torch.optim.Adam(params, lr=cfg.lr)
    if scheduler is not None and getattr(scheduler, "optimizer", None) is not optimizer:
        raise ValueError(
            "the scheduler is bound to a different optimizer than the one fit steps, so it "
            "would change a learning rate that is never used. Build the optimizer first, pass "
            "it as fit(..., optimizer=opt), and bind the scheduler to that same opt."
        )
    # The weights to fall back on if training diverges: the initial ones until an epoch ends.
    fallback = copy.deepcopy(model.state_dict())
    check_shapes = loss_fn is None  # MSE silently broadcasts mismatched shapes; catch that
    loss_fn = loss_fn if loss_fn is not None else nn.MSELoss()
    history = History()
    bar = (
        _ProgressBar(cfg.max_epochs) if (progress or (progress is None and _in_kernel())) else None
    )

    for epoch in range(1, cfg.max_epochs + 1):
        start = time.perf_counter()
        model.train()
        total, count, max_norm = 0.0, 0, 0.0
        for step, batch in enumerate(train_loader, 1):
            xb, lengths, yb = split_batch(batch)  # lengths: None unless padded sequences
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad(set_to_none=True)
            pred, _ = call_model(model, xb, lengths)  # (B, T, F) -> (B, O)
            if check_shapes and pred.shape != yb.shape:
                raise ValueError(
                    f"predictions have shape {tuple(pred.shape)} but targets {tuple(yb.shape)}; "
                    "MSELoss would broadcast them and compute the wrong loss. Make the targets "
                    "(batch, output_size), e.g. y.unsqueeze(-1), or set output_size to the horizon."
                )
            loss = loss_fn(pred, yb)
            loss.backward()
            norm = gradient_norm(params)  # before clipping: what the history records
            loss_value, norm_value = loss.item(), norm.item()
            if not (math.isfinite(loss_value) and math.isfinite(norm_value)):
                history.stop_reason = "diverged"
                model.load_state_dict(fallback)  # never leave the model with exploded weights
                history.restored_epoch = history.best_epoch or 0
                lr = optimizer.param_groups[0]["lr"]
                message = _divergence_message(
                    epoch, step, loss_value, norm_value, lr, cfg.clip_norm, xb, history
                )
                if bar:
                    bar.finish(message, ok=False)
                if on_diverge == "raise":
                    raise TrainingDiverged(message, history)
                return history
            if cfg.clip_norm is not None:
                # Rescale all gradients together so their total norm is at most clip_norm:
                # this is what keeps one exploding step from wrecking the weights.
                torch.nn.utils.clip_grads_with_norm_(params, cfg.clip_norm, norm)
            optimizer.step()
            history.step_grad_norm.append(norm_value)
            max_norm = max(max_norm, norm_value)
            total += loss_value * len(xb)
            count += len(xb)

        if count == 0:
            raise ValueError(
                "train_loader yielded no windows, so there is nothing to train on. Is the "
                "training part empty, or drop_last=True with fewer windows than one batch?"
            )
        history.train_loss.append(total / count)
        history.grad_norm.append(max_norm)
        history.lr.append(optimizer.param_groups[0]["lr"])
        if val_loader is not None:
            history.val_loss.append(mean_loss(model, val_loader, loss_fn))
        monitored = history.monitored[-1]
        if scheduler is not None:
            if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
                scheduler.step(monitored)
            else:
                scheduler.step()
        if history.best_epoch is None or monitored < history.monitored[history.best_epoch - 1]:
            history.best_epoch = epoch
            fallback = copy.deepcopy(model.state_dict())  # the best weights so far
        history.epoch_seconds.append(time.perf_counter() - start)
        if bar:
            bar.update(epoch, history)

        # The callback sees every epoch, also the last one (a save-best callback relies on it).
        callback_stop = callback is not None and bool(callback(history))
        if cfg.target_loss is not None and monitored <= cfg.target_loss:
            history.stop_reason = f"reached target loss {cfg.target_loss:g} at epoch {epoch}"
        elif cfg.patience is not None and epoch - history.best_epoch >= cfg.patience:
            history.stop_reason = (
                f"no improvement for {cfg.patience} epochs (best: epoch {history.best_epoch})"
            )
        elif callback_stop:
            history.stop_reason = f"stopped by callback at epoch {epoch}"
        elif epoch == cfg.max_epochs:
            history.stop_reason = f"max_epochs={cfg.max_epochs} reached"
        if history.stop_reason:
            break

    if cfg.restore_best:
        model.load_state_dict(fallback)  # the best epoch's weights
    if bar:
        bar.finish(history.stop_reason, ok=True)
    return history


def _divergence_message(
    epoch: int,
    step: int,
    loss: float,
    norm: float,
    lr: float,
    clip_norm: float | None,
    xb: torch.Tensor,
    history: History,
) -> str:
    """What happened, what was restored, and what to change, quoting the optimizer's real lr."""
    where = (
        f"Training diverged at epoch {epoch}, step {step}: loss {loss}, gradient norm {norm:.3g}."
    )
    if history.restored_epoch:
        where += (
            f" The model holds the weights of epoch {history.restored_epoch} (the best so far)."
        )
    else:
        where += " The model holds its initial weights again (no epoch had finished)."
    if not torch.isfinite(xb).all():
        return f"{where} The input batch holds NaN or infinite values: clean the data first."
    clip = (
        " with gradient clipping off (clip_norm=None)"
        if clip_norm is None
        else f" even with clip_norm={clip_norm:g}"
    )
    fix = f"Lower the learning rate (try lr={lr / 10:.3g})"
    fix += " or turn clipping on (clip_norm=1.0)." if clip_norm is None else "."
    return f"{where} The likely cause is a learning rate too high (lr={lr:g}){clip}. {fix}"


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (where a widget progress bar can be shown)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class _ProgressBar:
    """An ipywidgets progress bar with a one-line status, updated once per epoch."""

    def __init__(self, max_epochs: int) -> None:
        import ipywidgets as widgets
        from IPython.display import display

        self.bar = widgets.IntProgress(value=0, min=0, max=max_epochs, description="Training")
        self.label = widgets.HTML(value="")
        view = widgets.HBox([self.bar, self.label])._repr_mimebundle_()
        # A saved notebook keeps no widget state, so readers of a static copy (GitHub, nbviewer)
        # see this text instead of the widget's repr, "HBox(children=(IntProgress(...".
        view["text/plain"] = f"[progress bar, live in Jupyter: up to {max_epochs} epochs]"
        display(view, raw=True)

    def update(self, epoch: int, history: History) -> None:
        self.bar.value = epoch
        val = f", val {history.val_loss[-1]:.3g}" if history.val_loss else ""
        self.label.value = f"epoch {epoch}: train {history.train_loss[-1]:.3g}{val}"

    def finish(self, reason: str, ok: bool) -> None:
        self.bar.bar_style = "success" if ok else "danger"
        self.label.value = f"{self.label.value} &mdash; {reason}"
