"""Text as tensors: a character vocabulary, batches for language models, bits per character.

    vocab = Vocab.from_text(text)          # every distinct character, sorted, gets an id
    ids = vocab.encode("Shall I")          # int64 (7,); unknown characters: a clear ValueError
    vocab.decode(ids)                      # "Shall I"
    chunks = text_chunks(ids, 32, 64)      # 32 parallel streams, consecutive 64-step chunks
    x, y = random_windows(ids, 32, 64, generator)   # 32 independent windows (stateless)

A language model predicts the next character at every step: the target sequence is the
input shifted by one (y[t] = x[t + 1]). Its loss, the mean cross-entropy in nats, becomes
bits per character with `bits_per_char` (divide by ln 2) and perplexity with `perplexity`.

Shape legend: N characters, B batch (streams), T steps per chunk, V vocabulary size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from lstm_helpers import _checks


@dataclass(frozen=True)
class Vocab:
    """The characters a model knows, in id order: `chars[i]` is the character with id i.

    Build it with `Vocab.from_text(whole_text)` from ALL the text the model will read
    (training, validation and test): a character that appears only in validation has no id
    otherwise, and encoding it fails.
    """

    chars: str
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.chars, str) or len(self.chars) < 2:
            raise ValueError(
                f"chars must be a str of at least 2 distinct characters, got {self.chars!r}."
            )
        if len(set(self.chars)) != len(self.chars):
            twice = sorted({c for c in self.chars if self.chars.count(c) > 1})
            raise ValueError(f"chars must not repeat a character, got {twice} more than once.")
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.chars)})

    @classmethod
    def from_text(cls, text: str) -> Vocab:
        """The vocabulary of a text: its distinct characters, sorted by code point.

        Shape: a str -> a Vocab of V characters.
        """
        if not isinstance(text, str):
            raise ValueError(f"text must be a str, got {type(text).__name__}.")
        return cls("".join(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def __repr__(self) -> str:
        return f"Vocab({len(self)} characters: {self.chars!r})"

    def encode(self, text: str) -> torch.Tensor:
        """The id of every character of `text`, as an int64 tensor.

        Raises a ValueError naming the characters that have no id, and where the first is.
        Shape: a str of N characters -> (N,) int64.
        """
        if not isinstance(text, str):
            raise ValueError(
                f"encode takes a str, got {type(text).__name__}; decode turns ids into text."
            )
        unknown = sorted(set(text) - self.index.keys())
        if unknown:
            first = min(text.index(c) for c in unknown)
            raise ValueError(
                f"text holds {len(unknown)} character(s) not in the vocabulary: "
                f"{', '.join(repr(c) for c in unknown)} (the first at index {first}). The "
                f"vocabulary has {len(self)} characters. Build it from all the text the model "
                "will read, Vocab.from_text(whole_text), or remove those characters."
            )
        return torch.tensor([self.index[c] for c in text], dtype=torch.int64)

    def decode(self, ids: torch.Tensor | np.ndarray | list[int]) -> str:
        """The text of a sequence of ids.

        Shape: (N,) integer ids -> a str of N characters.
        """
        ids = torch.as_tensor(ids)
        if ids.dim() != 1 or ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
            raise ValueError(
                f"ids must be a 1-D sequence of whole numbers, got dtype {ids.dtype} and shape "
                f"{tuple(ids.shape)}. Decode one sequence at a time: vocab.decode(ids[0])."
            )
        if len(ids) and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(
                f"ids must lie in 0..{len(self) - 1} (the vocabulary has {len(self)} characters), "
                f"got values from {int(ids.min())} to {int(ids.max())}."
            )
        return "".join(self.chars[i] for i in ids.tolist())


def _as_ids(ids: torch.Tensor | np.ndarray, name: str = "ids") -> torch.Tensor:
    """Character ids as a 1-D int64 tensor, checked. Shape: (N,) -> (N,)."""
    t = torch.as_tensor(ids)
    if t.dim() != 1 or t.is_floating_point() or t.dtype == torch.bool:
        raise ValueError(
            f"{name} must be a 1-D tensor of character ids (integers), got dtype {t.dtype} and "
            f"shape {tuple(t.shape)}. Use vocab.encode(text)."
        )
    return t.to(torch.int64)


def text_chunks(
    ids: torch.Tensor | np.ndarray, batch_size: int, chunk_length: int
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """A text as `batch_size` parallel streams, cut into consecutive chunks of next-character pairs.

    The ids (minus a remainder) are split into B equal contiguous parts, one per batch row;
    chunk k holds characters k*T .. k*T+T-1 of every part as x, and the characters one
    position later as y. Row b of chunk k+1 continues row b of chunk k, so the state (h, c)
    after chunk k is the right start for chunk k+1 (as `lh.stream_chunks` does for series).
    A last chunk shorter than T is dropped, so every chunk has the same shape.
    Shape: ids (N,) -> chunks of x (B, T) and y (B, T), int64.
    """
    t = _as_ids(ids)
    b = _checks.positive_int("batch_size", batch_size, "It is the number of parallel streams.")
    t_len = _checks.positive_int("chunk_length", chunk_length)
    per_stream = (len(t) - 1) // b  # input characters per stream (each needs a next one)
    if per_stream < t_len:
        raise ValueError(
            f"a text of {len(t)} characters is too short for {b} streams of at least "
            f"{t_len} characters: use fewer streams or shorter chunks."
        )
    inputs = t[: b * per_stream].reshape(b, per_stream)  # (N,) -> (B, N // B)
    targets = t[1 : b * per_stream + 1].reshape(b, per_stream)  # shifted by one character
    return [
        (inputs[:, i : i + t_len], targets[:, i : i + t_len])
        for i in range(0, per_stream - t_len + 1, t_len)
    ]


def random_windows(
    ids: torch.Tensor | np.ndarray,
    batch_size: int,
    length: int,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """`batch_size` windows of `length` characters from random places, with next-character targets.

    For stateless training: each window is read from a zero state, with no link to the last.
    Shape: ids (N,) -> x (B, T) and y (B, T), int64.
    """
    t = _as_ids(ids)
    b = _checks.positive_int("batch_size", batch_size)
    t_len = _checks.positive_int("length", length)
    if len(t) < t_len + 2:
        raise ValueError(f"a text of {len(t)} characters is too short for windows of {t_len}.")
    starts = torch.randint(0, len(t) - t_len - 1, (b,), generator=generator)
    idx = starts[:, None] + torch.arange(t_len)[None, :]  # (B, T) positions
    return t[idx], t[idx + 1]


def chars_since_newline(text: str) -> np.ndarray:
    """How many characters have been read since the last newline, after each character.

    0 at a newline itself, 1 at the first character of a line, and so on (a text that does
    not start with a newline counts from its first character as 1).
    Shape: a str of N characters -> (N,) int64.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}.")
    counts = np.zeros(len(text), dtype=np.int64)
    k = 0
    for i, ch in enumerate(text):
        k = 0 if ch == "\n" else k + 1
        counts[i] = k
    return counts


def bits_per_char(nats: float) -> float:
    """A mean cross-entropy in nats per character (PyTorch's loss) as bits per character.

    PyTorch's cross-entropy uses the natural logarithm; bits use log base 2: divide by ln 2.
    Shape: none (one number).
    """
    value = float(nats)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"a cross-entropy must be a finite number >= 0, got {nats!r}.")
    return value / math.log(2)


def perplexity(bpc: float) -> float:
    """The perplexity of a model with `bpc` bits per character: 2 ** bpc.

    The number of equally likely characters that would be as hard to guess (62 for a
    uniform guess over the Sonnets' 62 characters, whose bpc is log2 62 = 5.95).
    Shape: none (one number).
    """
    value = float(bpc)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"bits per character must be a finite number >= 0, got {bpc!r}.")
    return 2.0**value
