"""How code runs: one call seeds everything, one picks the device, one switches to eval mode.

lh.set_seed(0)                   # Python, NumPy and torch, in one call
device = lh.get_device()         # CUDA when present, else the CPU
with lh.eval_mode(model):        # dropout off inside, the model's own mode restored after
    pred, _ = model(x)
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn


def set_seed(seed: int) -> None:
    """Seed Python's `random`, NumPy's global generator and torch (CPU and CUDA).

    Shape: none (it changes the global random state only).
    """
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeding the legacy global generator is the point
    torch.manual_seed(seed)  # also seeds every CUDA device


def get_device() -> torch.device:
    """Return CUDA when a GPU is available, else the CPU.

    Shape: none.
    """
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Put `model` in eval mode (dropout off) inside the block; restore its own mode after.

    The mode is restored even when the block raises. Gradients are not switched off: add
    `torch.no_grad()` where none are needed.
    Shape: none (it changes `model.training` only).
    """
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


@contextmanager
def expect_error(*expected: type[BaseException]) -> Iterator[None]:
    """Run a block that must fail; print its error as one line, `TypeError: message`.

    For showing a mistake on purpose: the real message (PyTorch's own) is printed without a
    traceback, and the notebook goes on, in JupyterLab, VS Code, Colab or nbconvert alike (no
    cell tag needed). An error of another type propagates; a block that raises nothing is an
    AssertionError, so a lesson about an error cannot silently stop showing one.
    Shape: none.
    """
    expected = expected or (Exception,)
    try:
        yield
    except expected as err:
        print(f"{type(err).__name__}: {err}")
    else:
        names = " or ".join(e.__name__ for e in expected)
        raise AssertionError(f"expected {names}, but the block ran without an error.")


def model_device(model: nn.Module) -> torch.device:
    """The device of the model's first parameter (the CPU for a model without parameters).

    Shape: none.
    """
    return next((p.device for p in model.parameters()), torch.device("cpu"))
