"""What every exercise checker shares: the Result it returns and how it reports.

A checker prints one line per part of the answer (✓ right, ✗ wrong with a hint) and returns a
`Result`, truthy when the whole answer is right. The helpers below build those lines and
recognise the placeholder `...` and the shapes and numbers learners type.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

RIGHT, WRONG, TODO = "✓", "✗", "…"


@dataclass(frozen=True)
class Result:
    """The outcome of a check: `status` is "correct", "wrong" or "unanswered"."""

    status: str
    lines: tuple[str, ...]

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _ipython_display_(self) -> None:
        """Show nothing as a cell's value: the checker has already printed its message."""


def report(lines: list[tuple[bool, str]]) -> Result:
    """Print the (ok, text) lines with their marks and return the Result."""
    text = tuple(f"{RIGHT if ok else WRONG} {msg}" for ok, msg in lines)
    print("\n".join(text))
    return Result("correct" if all(ok for ok, _ in lines) else "wrong", text)


def right(*messages: str) -> Result:
    """Report an answer whose every part is right, one ✓ line per message."""
    return report([(True, m) for m in messages])


def wrong(hint: str) -> Result:
    """Report a wrong answer with one hint (never the expected value)."""
    return report([(False, hint)])


def unanswered(*answers: object) -> Result | None:
    """A Result for answers still holding the `...` placeholder, else None."""
    if not any(has_ellipsis(a) for a in answers):
        return None
    line = f"{TODO} Not answered yet: replace each ... with your answer, then run the cell again."
    print(line)
    return Result("unanswered", (line,))


def has_ellipsis(answer: object) -> bool:
    if answer is Ellipsis:
        return True
    if isinstance(answer, (tuple, list)):
        return any(a is Ellipsis for a in answer)
    return False


def as_shape(answer: object) -> tuple[int, ...] | None:
    """A shape given as a tuple, list or torch.Size of ints, else None."""
    if isinstance(answer, (torch.Tensor, np.ndarray)) or not isinstance(answer, Sequence):
        return None
    if isinstance(answer, str) or not all(
        isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in answer
    ):
        return None
    return tuple(int(a) for a in answer)


def not_a_shape(name: str, answer: object) -> tuple[bool, str]:
    if isinstance(answer, (torch.Tensor, np.ndarray)):
        return False, f"{name}: you passed the array itself; pass its shape (a tuple, or x.shape)."
    return False, f"{name}: give a shape as a tuple of whole numbers, such as (2, 3, 4)."


def is_number(answer: object) -> bool:
    return isinstance(answer, (int, float, np.integer, np.floating)) and not isinstance(
        answer, bool
    )


def as_number(answer: object) -> float | None:
    """A number answer as a float (also from a one-element tensor), or None if it is not one."""
    if isinstance(answer, torch.Tensor) and answer.numel() == 1:
        answer = answer.item()
    return float(answer) if is_number(answer) else None


def approx_equal(a: float, b: float, rtol: float = 1e-3) -> bool:
    return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=1e-12)
