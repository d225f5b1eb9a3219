"""Character n-gram baselines for a language model: counts of what followed each context.

An n-gram model predicts the next character from the previous n - 1 characters only, with
probabilities estimated from counts in the training text. The three here differ in how
they treat contexts and characters never seen in training (smoothing):

    addk_bits          add-k: every count gets k added; unseen contexts become uniform
    interpolated_bits  interpolated additive smoothing: each order's estimate uses the
                       next shorter context's as its prior (a few lines of NumPy)
    kneser_ney_bits    interpolated Kneser-Ney: discounted counts, and lower orders that
                       count in how many contexts a string appears (the strongest classic)

Each returns the surprisal of every predicted character of `eval_ids` in bits,
-log2 P(eval_ids[t] | the characters before t), for t = 1 .. N-1 (the first characters use
the shorter context that exists); its mean is the bits per character. Counts live in
sorted NumPy arrays keyed by the characters as base-V integers.

Shape legend: N characters, V vocabulary size, n the order (context of n - 1 characters).
"""

from __future__ import annotations

import numpy as np
import torch

from lstm_helpers import _checks


def _ids(ids: np.ndarray | torch.Tensor, vocab_size: int, name: str) -> np.ndarray:
    """Ids as a 1-D int64 array in 0..V-1, checked. Shape: (N,) -> (N,)."""
    a = ids.detach().cpu().numpy() if isinstance(ids, torch.Tensor) else np.asarray(ids)
    if a.ndim != 1 or len(a) < 2 or not np.issubdtype(a.dtype, np.integer):
        raise ValueError(
            f"{name} must be a 1-D array of at least 2 character ids (integers), got dtype "
            f"{a.dtype} and shape {a.shape}. Use vocab.encode(text)."
        )
    if a.min() < 0 or a.max() >= vocab_size:
        raise ValueError(
            f"{name} must hold ids in 0..{vocab_size - 1} (vocab_size={vocab_size}), got "
            f"{int(a.min())}..{int(a.max())}. Encode every text with the same vocabulary."
        )
    return a.astype(np.int64)


def _check(train_ids, eval_ids, order: int, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Both id arrays, checked, after checking the order and the vocabulary size."""
    v = _checks.positive_int("vocab_size", vocab_size, "It is len(vocab).")
    n = _checks.positive_int("order", order, "An order-n model reads n - 1 characters.")
    if float(v) ** n >= 2.0**62:
        raise ValueError(
            f"order {n} with {v} characters needs keys beyond 64-bit integers; use a lower order."
        )
    return _ids(train_ids, v, "train_ids"), _ids(eval_ids, v, "eval_ids")


def context_keys(ids: np.ndarray, j: int, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys of the j characters before each position t >= j, and of those plus ids[t].

    Shape: ids (N,) -> context keys (N - j,) and (context, next) keys (N - j,), int64.
    """
    t = np.arange(j, len(ids))
    key = np.zeros(len(t), dtype=np.int64)
    for i in range(j, 0, -1):  # oldest character first
        key = key * vocab_size + ids[t - i]
    return key, key * vocab_size + ids[t]


def _table(keys: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique keys and how often each occurs (or the sum of its weights)."""
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=weights).astype(np.int64)


def _lookup(table: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
    """The counts of `keys` in a (sorted keys, counts) table; 0 for keys it does not hold."""
    table_keys, counts = table
    if len(table_keys) == 0:
        return np.zeros(len(keys), dtype=np.int64)
    pos = np.searchsorted(table_keys, keys).clip(max=len(table_keys) - 1)
    return np.where(table_keys[pos] == keys, counts[pos], 0)


def addk_bits(
    train_ids: np.ndarray | torch.Tensor,
    eval_ids: np.ndarray | torch.Tensor,
    order: int,
    k: float,
    vocab_size: int,
) -> np.ndarray:
    """Surprisal under an add-k n-gram: P(x | ctx) = (count(ctx, x) + k) / (count(ctx) + k V).

    A context never seen in training gives every character 1/V: the model knows nothing.
    Shape: train_ids (N_train,), eval_ids (N,) -> (N - 1,) bits.
    """
    train, ev = _check(train_ids, eval_ids, order, vocab_size)
    k = _checks.positive_float("k", k, "Typical values are 0.001 to 1.")
    bits = np.empty(len(ev) - 1)
    for j in range(order):  # context length j predicts position j (and every later one at n-1)
        ctx_tr, full_tr = context_keys(train, j, vocab_size)
        ctx_ev, full_ev = context_keys(ev, j, vocab_size)  # positions t = j .. N-1
        if j < order - 1:
            ctx_ev, full_ev = ctx_ev[:1], full_ev[:1]  # only t = j has exactly j before it
        pos = np.arange(j, j + len(ctx_ev))
        keep = pos >= 1  # position 0 has nothing before it to predict it from
        c = _lookup(_table(full_tr), full_ev[keep])
        cc = _lookup(_table(ctx_tr), ctx_ev[keep])
        bits[pos[keep] - 1] = -np.log2((c + k) / (cc + k * vocab_size))
    return bits


def interpolated_bits(
    train_ids: np.ndarray | torch.Tensor,
    eval_ids: np.ndarray | torch.Tensor,
    order: int,
    alpha: float,
    vocab_size: int,
) -> np.ndarray:
    """Surprisal under interpolated additive smoothing, each order backed by the one below.

    P_j(x | last j chars) = (count(ctx, x) + alpha P_{j-1}(x | last j-1 chars)) / (count(ctx)
    + alpha), from P_{-1} = 1/V up to j = n - 1: an unseen context falls back on the shorter
    one instead of on a uniform guess.
    Shape: train_ids (N_train,), eval_ids (N,) -> (N - 1,) bits.
    """
    train, ev = _check(train_ids, eval_ids, order, vocab_size)
    alpha = _checks.positive_float("alpha", alpha, "Typical values are 1 to 50.")
    p = np.full(len(ev) - 1, 1.0 / vocab_size)  # p[t - 1]: probability of ev[t]
    for j in range(order):  # context length j = 0 .. n-1; positions t >= max(j, 1)
        ctx_tr, full_tr = context_keys(train, j, vocab_size)
        ctx_ev, full_ev = context_keys(ev, j, vocab_size)
        if j == 0:
            ctx_ev, full_ev = ctx_ev[1:], full_ev[1:]  # position 0 has nothing to predict it
        c = _lookup(_table(full_tr), full_ev)
        cc = _lookup(_table(ctx_tr), ctx_ev)
        lower = p[max(j, 1) - 1 :]
        p[max(j, 1) - 1 :] = (c + alpha * lower) / (cc + alpha)
    return -np.log2(p)


def kneser_ney_bits(
    train_ids: np.ndarray | torch.Tensor,
    eval_ids: np.ndarray | torch.Tensor,
    order: int,
    discount: float,
    vocab_size: int,
) -> np.ndarray:
    """Surprisal under interpolated Kneser-Ney smoothing of order n.

    P(x | ctx) = max(c(ctx, x) - d, 0) / c(ctx) + d N1+(ctx) / c(ctx) P_lower(x | shorter
    ctx), where N1+(ctx) is how many different characters followed ctx. The highest order
    counts occurrences; the lower orders count in how many different contexts a string
    appears (a character that follows many contexts is a good guess after a new one). A
    context never seen keeps the lower order's estimate.
    Shape: train_ids (N_train,), eval_ids (N,) -> (N - 1,) bits.
    """
    train, ev = _check(train_ids, eval_ids, order, vocab_size)
    d = _checks.fraction("discount", discount, low=0.0, high=1.0, open_low=True)
    p = np.full(len(ev) - 1, 1.0 / vocab_size)
    for j in range(order):  # context length j = 0 .. n-1
        _, full = context_keys(train, j, vocab_size)
        if j == order - 1:  # the highest order: raw counts
            grams = _table(full)
        else:  # lower orders: in how many distinct contexts (w, ctx) was (ctx, x) seen
            _, longer = context_keys(train, j + 1, vocab_size)
            grams = _table(np.unique(longer) % vocab_size ** (j + 1))
        contexts = _table(grams[0] // vocab_size, grams[1])  # sum over x of the counts
        followers = _table(grams[0] // vocab_size)  # distinct x seen after each context
        ctx_ev, full_ev = context_keys(ev, j, vocab_size)
        if j == 0:
            ctx_ev, full_ev = ctx_ev[1:], full_ev[1:]
        c = _lookup(grams, full_ev)
        cc = _lookup(contexts, ctx_ev)
        f = _lookup(followers, ctx_ev)
        lower = p[max(j, 1) - 1 :]
        seen = cc > 0
        p[max(j, 1) - 1 :] = np.where(
            seen, (np.maximum(c - d, 0) + d * f * lower) / np.maximum(cc, 1), lower
        )
    return -np.log2(p)
