"""A character-level LSTM language model: the model, its evaluation, training and sampling.

    model = CharLSTM(vocab_size=len(vocab))          # Embedding -> LSTM -> Linear, per step
    logits, hidden = model(x)                        # x (B, T) ids -> logits (B, T, V)
    history = fit_char_lm(model, train_ids, val_ids, steps=600)   # stateful, truncated BPTT
    evaluate_bpc(model, val_ids)                     # bits per character, state carried
    sample(model, vocab, "Shall I", 200, temperature=0.8, seed=0)

What its units do over a text: `lh.char_states` (introspection.py).

Temperature divides the logits before the softmax: below 1 it sharpens the distribution,
above 1 it flattens it. `temperature=0` means greedy decoding (always the most likely
character, argmax) explicitly; a negative or NaN temperature is a ValueError.

Shape legend: B batch (streams), T steps, N characters, E embedding size, H hidden size,
L layers, V vocabulary size.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from lstm_helpers import _checks
from lstm_helpers._checks import Hidden, check_hidden
from lstm_helpers.config import CharLMConfig
from lstm_helpers.model_base import SequenceModel, stacked
from lstm_helpers.runtime import eval_mode, model_device
from lstm_helpers.sequences import detach_hidden
from lstm_helpers.text import Vocab, random_windows, text_chunks

LN2 = math.log(2.0)


class CharLSTM(SequenceModel):
    """Characters in, a score for every possible next character out, at every step.

    `nn.Embedding` turns each id into a learned vector (the same as multiplying a one-hot
    vector by a weight matrix, without building it), an `nn.LSTM` reads the vectors, and
    `nn.Linear` maps each step's hidden state to V logits. Dropout acts on the embeddings and
    on the LSTM's output in training mode.
    """

    config_class = CharLMConfig

    def __init__(
        self,
        vocab_size: int = 62,
        embedding_dim: int = 32,
        hidden_size: int = 256,
        num_layers: int = 1,
        dropout: float = 0.3,
    ) -> None:
        super().__init__(CharLMConfig(vocab_size, embedding_dim, hidden_size, num_layers, dropout))
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.drop = nn.Dropout(dropout)
        self.lstm = stacked(nn.LSTM, embedding_dim, hidden_size, num_layers, dropout)
        self.fc = nn.Linear(hidden_size, vocab_size)

    def check(self, x: torch.Tensor, hidden: Hidden | None) -> None:
        """Raise a ValueError that says how to fix x or hidden unless they fit.

        Shape: x (B, T) int64 ids in 0..V-1; hidden (h, c) each (L, B, H).
        """
        v = self.config.vocab_size
        if not isinstance(x, torch.Tensor):
            raise ValueError(
                f"x must be a tensor of character ids, got {type(x).__name__}: use vocab.encode."
            )
        if x.is_floating_point() or x.dtype == torch.bool or x.dim() != 2 or x.size(1) == 0:
            hint = ""
            if x.dim() == 1:
                hint = " Add the batch dimension: x.unsqueeze(0)."
            elif x.is_floating_point():
                hint = " A character model reads ids, not features: encode text with vocab.encode."
            raise ValueError(
                f"expected character ids of shape (batch, seq_len) and an integer dtype, got "
                f"{tuple(x.shape)} of dtype {x.dtype}.{hint}"
            )
        if x.min() < 0 or x.max() >= v:
            raise ValueError(
                f"character ids must lie in 0..{v - 1} (vocab_size={v}), got "
                f"{int(x.min())}..{int(x.max())}: encode with the vocabulary the model was "
                "built for."
            )
        check_hidden(hidden, x, self.num_layers, self.hidden_size)

    def forward(
        self, x: torch.Tensor, hidden: tuple[torch.Tensor, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Next-character logits after every step; also (h_n, c_n) to carry into the next chunk.

        Shape: x (B, T) int64 -> logits (B, T, V); h_n and c_n (L, B, H).
        """
        self.check(x, hidden)
        emb = self.drop(self.embedding(x))  # (B, T) -> (B, T, E)
        out, hidden = self.lstm(emb, hidden)  # (B, T, E) -> (B, T, H)
        return self.fc(self.drop(out)), hidden  # (B, T, H) -> (B, T, V)


def _ids_on(model: nn.Module, ids: torch.Tensor | np.ndarray, name: str = "ids") -> torch.Tensor:
    """Ids as a 1-D int64 tensor of at least 2 characters on the model's device."""
    t = torch.as_tensor(ids)
    if t.dim() != 1 or t.is_floating_point() or t.dtype == torch.bool or len(t) < 2:
        raise ValueError(
            f"{name} must be a 1-D tensor of at least 2 character ids, got dtype {t.dtype} and "
            f"shape {tuple(t.shape)}. Use vocab.encode(text)."
        )
    return t.to(device=model_device(model), dtype=torch.int64)


@torch.no_grad()
def char_bits(
    model: nn.Module,
    ids: torch.Tensor | np.ndarray,
    window: int | None = None,
    chunk_length: int = 512,
) -> np.ndarray:
    """The surprisal -log2 P(ids[t] | before) of every predicted character, in eval mode.

    With `window=None` the text is read as one stream from a zero state, (h, c) carried
    across chunks of `chunk_length`: every character sees all the text before it, as in
    generation. With `window=k` the text is cut into independent windows of k characters,
    each read from a zero state (as stateless training sees it); the characters after the
    last full window are not scored.
    Shape: ids (N,) -> (N - 1,) bits, or (M * k,) with M = (N - 1) // k windows.
    """
    t = _ids_on(model, ids)
    bits = []
    with eval_mode(model):
        if window is None:
            step = _checks.positive_int("chunk_length", chunk_length)
            hidden = None
            for s in range(0, len(t) - 1, step):
                x, y = t[s : min(s + step, len(t) - 1)], t[s + 1 : s + step + 1]
                logits, hidden = model(x[None], hidden)  # (1, T) -> (1, T, V)
                bits.append(F.cross_entropy(logits[0], y, reduction="none"))  # (T,) nats
        else:
            k = _checks.positive_int("window", window, "None reads the whole text as one stream.")
            m = (len(t) - 1) // k
            if m == 0:
                raise ValueError(f"a text of {len(t)} characters holds no window of {k}.")
            x, y = t[: m * k].reshape(m, k), t[1 : m * k + 1].reshape(m, k)  # (M, k) each
            for s in range(0, m, 256):  # 256 windows at a time: bounded memory
                logits, _ = model(x[s : s + 256])  # zero state for every window
                bits.append(
                    F.cross_entropy(
                        logits.transpose(1, 2), y[s : s + 256], reduction="none"
                    ).reshape(-1)
                )
    return torch.cat(bits).double().div(LN2).cpu().numpy()


def evaluate_bpc(
    model: nn.Module, ids: torch.Tensor | np.ndarray, window: int | None = None
) -> float:
    """Bits per character on a text: the mean of `char_bits` (state carried unless `window`).

    Shape: ids (N,) -> a float.
    """
    return float(char_bits(model, ids, window=window).mean())


@dataclass
class LMHistory:
    """What `fit_char_lm` measured: per-step training numbers and the validation curve."""

    train_bpc: list[float] = field(default_factory=list)  # each step's batch, dropout on
    grad_norm: list[float] = field(default_factory=list)  # each step, before clipping
    val_steps: list[int] = field(default_factory=list)  # steps after which validation ran
    val_bpc: list[float] = field(default_factory=list)
    seconds: float = 0.0  # training time, validation excluded
    chars: int = 0  # training characters read

    @property
    def steps(self) -> int:
        return len(self.train_bpc)


def fit_char_lm(
    model: nn.Module,
    train_ids: torch.Tensor | np.ndarray,
    val_ids: torch.Tensor | np.ndarray | None = None,
    *,
    steps: int,
    batch_size: int = 32,
    chunk_length: int = 64,
    lr: float = 1e-2,
    final_lr: float | None = None,
    clip_norm: float | None = 1.0,
    stateful: bool = True,
    eval_every: int = 100,
    seed: int = 0,
    target_bpc: float | None = None,
) -> LMHistory:
    """Train a character model with teacher forcing, Adam and clipping, for `steps` steps.

    `stateful=True`: the text as `batch_size` parallel streams (`text_chunks`), (h, c)
    carried from chunk to chunk and detached (truncated BPTT); each pass over the streams
    starts from a zero state. `stateful=False`: every step reads `batch_size` random windows
    (`random_windows`, drawn with `seed`) from a zero state. `final_lr` decays the learning
    rate along a cosine to that value at the last step. With `val_ids`, `evaluate_bpc` runs
    before training, every `eval_every` steps and after the last step; with `target_bpc`
    training stops at the first check at or below it.
    Shape: train_ids (N,), val_ids (N_val,) int64 ids; the model maps (B, T) to (B, T, V).
    """
    total = _checks.positive_int("steps", steps)
    every = _checks.positive_int("eval_every", eval_every)
    train = torch.as_tensor(train_ids)
    device = model_device(model)
    chunks = text_chunks(train, batch_size, chunk_length) if stateful else None
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=_checks.positive_float("lr", lr))
    scheduler = None
    if final_lr is not None:
        eta = _checks.positive_float("final_lr", final_lr)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, total, eta_min=eta)
    loss_fn = nn.CrossEntropyLoss()
    history = LMHistory()

    def validate(step: int) -> None:
        if val_ids is not None:
            history.val_steps.append(step)
            history.val_bpc.append(evaluate_bpc(model, val_ids))

    model.train()
    validate(0)
    hidden = None
    for step in range(1, total + 1):
        start = time.perf_counter()
        if stateful:
            k = (step - 1) % len(chunks)
            if k == 0:
                hidden = None  # a new pass reads the streams from their start
            x, y = chunks[k]
        else:
            x, y = random_windows(train, batch_size, chunk_length, generator)
            hidden = None
        x, y = x.to(device), y.to(device)
        logits, hidden = model(x, detach_hidden(hidden))  # (B, T) -> (B, T, V)
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), y.reshape(-1))  # (B*T, V), (B*T,)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        max_norm = clip_norm if clip_norm is not None else math.inf
        norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        history.seconds += time.perf_counter() - start
        history.chars += x.numel()
        history.train_bpc.append(loss.item() / LN2)
        history.grad_norm.append(float(norm))
        if step % every == 0 or step == total:
            validate(step)  # in eval mode; the training mode is restored after
            if target_bpc is not None and history.val_bpc and history.val_bpc[-1] <= target_bpc:
                break
    return history


def _check_temperature(temperature: float) -> float:
    """Temperature as a float >= 0 (0: greedy), else a ValueError that says what to use."""
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float))
        or not math.isfinite(temperature)
        or temperature < 0
    ):
        raise ValueError(
            f"temperature must be a finite number >= 0, got {temperature!r}. Use 0 for greedy "
            "decoding (always the most likely character), 1 for the model's own probabilities, "
            "below 1 for safer text, above 1 for more surprising text."
        )
    return float(temperature)


def temperature_probs(
    logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None
) -> torch.Tensor:
    """The sampling distribution: softmax(logits / temperature), over the top_k largest only.

    `temperature=0` gives all the probability to the largest logit (greedy decoding, the
    limit of ever lower temperatures); `top_k` keeps the k most likely characters.
    Shape: logits (..., V) -> probabilities (..., V) summing to 1.
    """
    t = _check_temperature(temperature)
    v = logits.size(-1)
    if top_k is not None and (
        isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= v
    ):
        raise ValueError(f"top_k must be None or a whole number in 1..{v}, got {top_k!r}.")
    logits = logits.float()
    if t == 0:
        return F.one_hot(logits.argmax(dim=-1), v).to(logits.dtype)
    scaled = logits / t
    if top_k is not None:
        kth = scaled.topk(top_k, dim=-1).values[..., -1:]  # (..., 1): the k-th largest
        scaled = scaled.masked_fill(scaled < kth, -math.inf)
    return torch.softmax(scaled, dim=-1)


def _prompt_ids(model: nn.Module, vocab: Vocab, prompt: str) -> torch.Tensor:
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(
            f"prompt must be a non-empty str (the model needs at least one character to "
            f"start from), got {prompt!r}. Try a newline, '\\n', to start a fresh line."
        )
    v = getattr(getattr(model, "config", None), "vocab_size", len(vocab))
    if v != len(vocab):
        raise ValueError(
            f"the vocabulary has {len(vocab)} characters but the model was built for {v}: use "
            "the vocabulary the model was trained with."
        )
    return vocab.encode(prompt).to(model_device(model))[None]  # (1, P)


@torch.no_grad()
def next_char_probs(
    model: nn.Module, vocab: Vocab, prompt: str, temperature: float = 1.0
) -> torch.Tensor:
    """The distribution of the character after `prompt`, at a temperature, in eval mode.

    Shape: a prompt of P characters -> (V,) probabilities on the CPU.
    """
    x = _prompt_ids(model, vocab, prompt)
    with eval_mode(model):
        logits, _ = model(x)  # (1, P, V)
    return temperature_probs(logits[0, -1], temperature).cpu()


@torch.no_grad()
def sample(
    model: nn.Module,
    vocab: Vocab,
    prompt: str,
    length: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
    warmup: str = "",
) -> str:
    """The prompt followed by `length` generated characters, each fed back with carried (h, c).

    Each character is drawn from `temperature_probs` of the last logits with a generator
    seeded by `seed` (the same seed gives the same text; the global RNG is not touched);
    `temperature=0` takes the most likely character every time. `warmup` is text read before
    the prompt and left out of the result: a model trained with carried state has seldom
    started from a zero state, and a short prompt read from zeros can derail it. Runs in
    eval mode.
    Shape: a prompt of P characters -> a str of P + length characters.
    """
    if not isinstance(warmup, str):
        raise ValueError(f'warmup must be a str ("" for none), got {type(warmup).__name__}.')
    x = _prompt_ids(model, vocab, prompt)  # checks the prompt itself: never empty
    if warmup:
        x = _prompt_ids(model, vocab, warmup + prompt)  # (1, W + P)
    n = int(length) if isinstance(length, int) and not isinstance(length, bool) else -1
    if n < 0:
        raise ValueError(f"length must be a whole number >= 0, got {length!r}.")
    t = _check_temperature(temperature)
    temperature_probs(torch.zeros(len(vocab)), t, top_k)  # checks top_k before any work
    generator = torch.Generator().manual_seed(seed)
    out = []
    with eval_mode(model):
        logits, hidden = model(x)  # read warm-up and prompt: (1, P) -> (1, P, V)
        for _ in range(n):
            probs = temperature_probs(logits[0, -1].cpu(), t, top_k)  # (V,)
            if t == 0:
                idx = int(probs.argmax())
            else:
                idx = int(torch.multinomial(probs, 1, generator=generator))
            out.append(idx)
            nxt = torch.tensor([[idx]], device=x.device)  # (1, 1): the sample is the next input
            logits, hidden = model(nxt, hidden)
    return prompt + vocab.decode(out)
