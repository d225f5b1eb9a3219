"""Safe checkpoints: state_dict plus the config that rebuilds the model, written atomically.

A checkpoint is a plain dict of tensors, numbers, strings and lists:

    format        FORMAT (files of format 1, before config_type existed, still load)
    config_type   the config's class name: "ModelConfig" (predictors), "ClassifierConfig"
                  (BiLSTMClassifier), "PerStepConfig" (PerStepLSTM); see models.MODELS
    config        dataclasses.asdict(model.config): enough to rebuild the model alone
    state_dict    the weights
    optimizer     optimizer.state_dict() or None: what resuming training needs
    scheduler     scheduler.state_dict() or None
    rng           torch's random state ({"torch": CPU state, "cuda": one per GPU}) or None:
                  what continues the shuffling and dropout masks as an uninterrupted run
    extra         your own plain values (epoch, losses, ...)

Saving writes a temporary file in the same folder and renames it over the target, so an
interrupted save leaves the previous checkpoint intact. Loading uses
`torch.load(weights_only=True)`, which refuses arbitrary pickled objects, so a checkpoint from
an untrusted source cannot run code. Never `torch.save(model)`.

Two checkpoints serve two purposes: the BEST one (lowest validation loss) is the model to
deploy; the LATEST one (written after every epoch) is where to resume after a crash.
`BestCheckpoint(path, ..., latest=path2)` writes both. Resuming restores the weights, the
optimizer's state (Adam's averages and step counts, the learning rate), the scheduler's state
and, with `restore_rng=True`, torch's random state; it does not restore `fit`'s own counters
(its epoch numbers, patience and best loss start again) nor NumPy's or Python's generators.
"""

from __future__ import annotations

import os
import pickle
import re
import secrets
from dataclasses import asdict, fields
from pathlib import Path

import torch
from torch import nn

from lstm_helpers.models import MODELS, build_model
from lstm_helpers.training import History

FORMAT = 2
_READABLE_FORMATS = (1, 2)
# config class name -> config class: every model of lstm_helpers.models can be rebuilt
_CONFIGS = {config_class.__name__: config_class for config_class in MODELS}
_PLAIN = (str, int, float, bool, type(None), torch.Tensor, nn.Parameter)


def save_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    extra: dict | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler
    | torch.optim.lr_scheduler.ReduceLROnPlateau
    | None = None,
    rng_state: bool = False,
) -> Path:
    """Write model weights, its config (and optimizer/scheduler state) atomically to `path`.

    The file is written to a temporary name in the same folder and renamed over `path`,
    so a crash mid-save leaves the previous checkpoint intact. `extra` may hold only what
    `weights_only` loading accepts: numbers, strings, None, tensors, lists/tuples/dicts of them.
    `rng_state=True` also stores torch's random state (CPU and every GPU), which
    `load_checkpoint(..., restore_rng=True)` puts back so batches are shuffled as before.
    Shape: none (tensors are saved as they are; loading maps them to the CPU first).
    """
    config = getattr(model, "config", None)
    if _CONFIGS.get(type(config).__name__) is not type(config):
        raise ValueError(
            f"model must carry one of {', '.join(_CONFIGS)} in model.config to be rebuilt "
            f"later, got {type(model).__name__} with config={config!r}. Use a model from "
            "lstm_helpers.models, or save model.state_dict() yourself."
        )
    extra = dict(extra or {})
    _check_plain("extra", extra)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "config_type": type(config).__name__,
        "config": asdict(config),
        "state_dict": model.state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "rng": _rng_state() if rng_state else None,
        "extra": extra,
    }
    tmp = _temporary_name(path)
    try:
        # O_EXCL: a fresh file; mode 0o666 is narrowed by the process umask, as open() does,
        # without reading or changing the umask (which would race with other threads).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic on POSIX and Windows
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)  # make the rename itself durable (POSIX; a no-op elsewhere)
    return path


def load_checkpoint(
    path: str | os.PathLike,
    model: nn.Module | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler
    | torch.optim.lr_scheduler.ReduceLROnPlateau
    | None = None,
    restore_rng: bool = False,
) -> tuple[nn.Module, dict]:
    """Load a checkpoint with weights_only=True into `model` (or a model rebuilt from its config).

    With `optimizer` (and `scheduler`), their saved states are loaded too, to resume training.
    `restore_rng=True` sets torch's random state to the saved one, last (after any model is
    built), so shuffling and dropout continue as in the run that wrote the file.
    Returns the model (in eval mode, on the device it was on) and the whole checkpoint dict
    (for `extra`). Raises ValueError for a file that is not a checkpoint of this package, one
    that holds arbitrary Python objects, or a `model` built with a different config.
    Shape: none (every tensor is loaded to the CPU, then copied into the model's own device).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: check the path.")
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        found = re.search(r"GLOBAL ([\w.]+)", str(err))
        if found:
            raise ValueError(
                f"refusing to load {path}: it holds pickled Python objects, not only tensors and "
                f"plain values (it would have to import and call {found.group(1)}). Loading it "
                "fully could run arbitrary code. If you made the file yourself with "
                "torch.save(model), re-save it with save_checkpoint(path, model)."
            ) from err
        reason = re.search(r"(Unsupported [^\n]*)", str(err))
        detail = reason.group(1) if reason else "not a torch.save file"
        raise ValueError(
            f"refusing to load {path}: weights_only loading cannot read it ({detail}). It is a "
            "plain pickle, which could run arbitrary code when loaded, or a damaged file. If you "
            "made it yourself with pickle or torch.save(model), re-save it with "
            "save_checkpoint(path, model)."
        ) from err
    except (RuntimeError, EOFError, OSError, ValueError, KeyError, IndexError) as err:
        raise _unreadable(path, err) from err
    saved = _saved_config(path, checkpoint)
    if model is None:
        model = build_model(saved)
    else:
        _check_same_config(saved, getattr(model, "config", None))
    try:
        model.load_state_dict(checkpoint["state_dict"])  # copies into the model's own device
    except (RuntimeError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(
            f"{path} holds weights that do not fit a model with this config (a damaged or "
            f"edited file?): {str(err).strip()[:300]}"
        ) from err
    for name, target in (("optimizer", optimizer), ("scheduler", scheduler)):
        if target is not None:
            _load_state(path, name, target, checkpoint.get(name))
    if restore_rng:
        _restore_rng(path, checkpoint.get("rng"))
    model.eval()
    return model, checkpoint


class BestCheckpoint:
    """A `fit` callback: the best model so far to one file, and optionally the latest to another.

        best = BestCheckpoint("ckpt/best.pt", model, optimizer, scheduler, latest="ckpt/last.pt")
        fit(model, train_loader, cfg, val_loader=val, optimizer=optimizer, callback=best)

    After each epoch `fit` calls it. When that epoch is the best so far
    (`history.best_epoch == history.epochs`) it writes `path`: the model to deploy. With
    `latest`, it also writes every epoch to that file: where to resume after a crash. Both hold
    the weights, optimizer and scheduler states, torch's random state and, in `extra`, the
    epoch, its monitored loss and the history so far. It never stops training.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        model: nn.Module,
        optimizer: torch.optim.Optimizer | None = None,
        scheduler: torch.optim.lr_scheduler.LRScheduler
        | torch.optim.lr_scheduler.ReduceLROnPlateau
        | None = None,
        latest: str | os.PathLike | None = None,
    ) -> None:
        self.path = Path(path)
        self.latest = Path(latest) if latest is not None else None
        if self.latest is not None and self.latest.resolve() == self.path.resolve():
            raise ValueError(
                f"latest and path are the same file ({self.path}): the latest epoch would "
                "overwrite the best one. Give them different names, e.g. best.pt and last.pt."
            )
        self.model = model
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.saved_epochs: list[int] = []  # every epoch written to `path`, in order

    def __call__(self, history: History) -> bool:
        is_best = history.best_epoch is not None and history.best_epoch == history.epochs
        if not (is_best or self.latest):
            return False
        extra = {
            "epoch": history.epochs,
            "monitored_loss": history.monitored[-1],
            "history": asdict(history),
        }
        state = (self.model, self.optimizer, extra, self.scheduler)
        if is_best:
            save_checkpoint(self.path, *state, rng_state=True)
            self.saved_epochs.append(history.epochs)
        if self.latest is not None:
            save_checkpoint(self.latest, *state, rng_state=True)
        return False


def _rng_state() -> dict:
    """torch's random state: the CPU generator's and each GPU's (an empty list without CUDA)."""
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []
    return {"torch": torch.get_rng_state(), "cuda": list(cuda)}


def _restore_rng(path: Path, state: object) -> None:
    """Put back the random state saved by `_rng_state`, or say why it cannot be."""
    if not isinstance(state, dict) or not isinstance(state.get("torch"), torch.Tensor):
        raise ValueError(
            f"{path} holds no random state to restore; save it with "
            "save_checkpoint(..., rng_state=True) (BestCheckpoint does), or load without "
            "restore_rng."
        )
    torch.set_rng_state(state["torch"])
    if torch.cuda.is_available():  # a CPU-only machine has no GPU generators to set
        for device, cuda_state in enumerate(state.get("cuda") or []):
            if device < torch.cuda.device_count():
                torch.cuda.set_rng_state(cuda_state, device)


def _saved_config(path: Path, checkpoint: object) -> object:
    """The config a checkpoint was saved with, checked, as its dataclass."""
    if (
        not isinstance(checkpoint, dict)
        or checkpoint.get("format") not in _READABLE_FORMATS
        or not isinstance(checkpoint.get("config"), dict)
        or not isinstance(checkpoint.get("state_dict"), dict)
    ):
        raise ValueError(
            f"{path} is not an lstm_helpers checkpoint (format {FORMAT}): write it with "
            "save_checkpoint(path, model)."
        )
    name = checkpoint.get("config_type", "ModelConfig")  # format 1 held only ModelConfig
    if name not in _CONFIGS:
        raise ValueError(
            f"{path} was saved from a model with a {name}, which this version cannot rebuild "
            f"(known: {', '.join(_CONFIGS)})."
        )
    try:
        return _CONFIGS[name](**checkpoint["config"])
    except (TypeError, ValueError) as err:  # unknown fields (another version) or bad values
        raise ValueError(f"{path} holds a {name} this version cannot read: {err}") from err


def _check_same_config(saved: object, current: object) -> None:
    """Raise a readable ValueError unless the model was built with the saved config."""
    if current == saved:
        return
    if type(current) is not type(saved):
        raise ValueError(
            f"the checkpoint holds a {type(saved).__name__} ({saved}), but the model carries "
            f"{type(current).__name__ if current is not None else 'no config'}. Build the model "
            "from the checkpoint instead: load_checkpoint(path) without a model."
        )
    diffs = [
        f"{f.name}: checkpoint {getattr(saved, f.name)!r}, model {getattr(current, f.name)!r}"
        for f in fields(saved)
        if getattr(saved, f.name) != getattr(current, f.name)
    ]
    raise ValueError(
        f"the checkpoint was saved from a model with a different config ({'; '.join(diffs)}). "
        "Build the model from the checkpoint instead: load_checkpoint(path) without a model."
    )


def _load_state(path: Path, name: str, target: object, state: object) -> None:
    """Load an optimizer's or scheduler's saved state, or say why it cannot be."""
    if state is None:
        raise ValueError(
            f"{path} holds no {name} state; save it with save_checkpoint(..., {name}=...)."
        )
    try:
        target.load_state_dict(state)
    except (ValueError, KeyError, TypeError, AttributeError, RuntimeError) as err:
        raise ValueError(
            f"{path} holds {name} state that does not fit this {name} (another type, or "
            f"other parameters?): {str(err).strip()[:300]}"
        ) from err


def _check_plain(name: str, value: object) -> None:
    """Raise ValueError unless `value` is something weights_only loading accepts back.

    Exact types only: a subclass such as a namedtuple, a defaultdict or a str Enum saves fine
    but cannot be loaded with weights_only=True, so it is refused here, at save time.
    """
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) not in (str, int):
                raise ValueError(f"{name} keys must be strings or integers, got {key!r}.")
            _check_plain(f"{name}[{key!r}]", item)
    elif kind in (list, tuple):
        for i, item in enumerate(value):
            _check_plain(f"{name}[{i}]", item)
    elif kind not in _PLAIN:
        raise ValueError(
            f"{name} is a {kind.__module__}.{kind.__qualname__}, which a weights_only load "
            "refuses. Store plain values: float(x) for NumPy numbers, x.tolist() or "
            "torch.as_tensor(x) for arrays, dataclasses.asdict(obj) for dataclasses, dict(d) "
            "for a defaultdict, tuple(t) for a namedtuple, e.value for an Enum member."
        )


def _unreadable(path: Path, err: BaseException) -> ValueError:
    """The error for a file torch.load cannot read: empty, truncated or not a checkpoint."""
    detail = str(err).strip().splitlines()[0][:200] if str(err).strip() else "no detail"
    return ValueError(
        f"cannot read {path} as a checkpoint: it is empty, truncated or not a file written by "
        f"torch.save ({type(err).__name__}: {detail}). Save it again with "
        "save_checkpoint(path, model), or check that the path is right."
    )


def _temporary_name(path: Path) -> Path:
    """A name for the temporary file beside `path` that no other writer uses."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entry list to disk so a completed rename survives a power cut."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
