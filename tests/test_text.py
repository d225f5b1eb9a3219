"""Text as tensors (text.py), the Sonnets (datasets.py) and the n-gram baselines (ngrams.py)."""

import math
from collections import Counter

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lstm_helpers as lh
from lstm_helpers import ngrams

# --- the vocabulary ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=2, max_size=200).filter(lambda s: len(set(s)) >= 2))
def test_vocabulary_round_trip(text):
    vocab = lh.Vocab.from_text(text)
    ids = vocab.encode(text)
    assert ids.dtype == torch.int64 and ids.shape == (len(text),)
    assert vocab.decode(ids) == text
    assert len(vocab) == len(set(text)) and list(vocab.chars) == sorted(set(text))
    assert 0 <= int(ids.min()) and int(ids.max()) < len(vocab)


def test_unknown_characters_are_named_with_the_first_position_and_the_fix():
    vocab = lh.Vocab.from_text("abc ")
    with pytest.raises(ValueError, match=r"2 character\(s\).*'!', 'Z'.*index 3.*from_text"):
        vocab.encode("ab Z!")


def test_decode_rejects_ids_out_of_range_and_floats():
    vocab = lh.Vocab.from_text("abc")
    with pytest.raises(ValueError, match=r"0\.\.2.*from 0 to 3"):
        vocab.decode([0, 3])
    with pytest.raises(ValueError, match="whole numbers"):
        vocab.decode(torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"ids\[0\]"):
        vocab.decode(torch.zeros(2, 3, dtype=torch.long))


def test_vocab_needs_distinct_characters_and_text():
    with pytest.raises(ValueError, match="at least 2"):
        lh.Vocab.from_text("aaaa")
    with pytest.raises(ValueError, match="repeat"):
        lh.Vocab("aba")
    with pytest.raises(ValueError, match="str"):
        lh.Vocab.from_text(["a", "b"])
    with pytest.raises(ValueError, match="decode"):
        lh.Vocab.from_text("ab").encode([0, 1])


# --- the Sonnets ------------------------------------------------------------------------------


def test_the_sonnets_split_at_sonnet_headings_with_the_documented_sizes():
    text = lh.load_sonnets()
    parts = lh.split_sonnets(text)
    assert len(text) == 95_645 and len(set(text)) == 62
    assert [len(p) for p in parts] == [76_505, 9_296, 9_844]
    assert "".join(parts) == text
    assert parts.val.startswith("CXXIV\n\n") and parts.test.startswith("CXXXIX\n\n")
    # the only ")" is in validation: a vocabulary of the training part cannot encode it
    assert ")" in parts.val and ")" not in parts.train and ")" not in parts.test
    with pytest.raises(ValueError, match=r"'\)'"):
        lh.Vocab.from_text(parts.train).encode(parts.val)


def test_split_sonnets_needs_headings():
    with pytest.raises(ValueError, match="three sonnet headings"):
        lh.split_sonnets("no headings here\n" * 10)
    with pytest.raises(FileNotFoundError, match="load_sonnets"):
        lh.load_sonnets("/nonexistent/sonnets.txt")


# --- chunks and windows ----------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=20, max_value=400),
    b=st.integers(min_value=1, max_value=6),
    t=st.integers(min_value=1, max_value=9),
)
def test_text_chunks_are_continuous_streams_shifted_by_one(n, b, t):
    ids = torch.arange(n)
    if (n - 1) // b < t:
        with pytest.raises(ValueError, match="too short"):
            lh.text_chunks(ids, b, t)
        return
    chunks = lh.text_chunks(ids, b, t)
    per_stream = (n - 1) // b
    assert len(chunks) == per_stream // t
    for x, y in chunks:
        assert x.shape == y.shape == (b, t) and x.dtype == torch.int64
        assert torch.equal(y, x + 1)  # the target is the next character
    rows = torch.cat([x for x, _ in chunks], dim=1)  # (B, chunks*T): each row is contiguous
    assert torch.equal(rows[:, 1:] - rows[:, :-1], torch.ones_like(rows[:, 1:]))
    assert torch.equal(rows[:, 0], torch.arange(b) * per_stream)  # stream b starts at b*(N//B)


def test_random_windows_are_reproducible_and_shifted():
    ids = torch.arange(100)
    x1, y1 = lh.random_windows(ids, 4, 8, torch.Generator().manual_seed(0))
    x2, _ = lh.random_windows(ids, 4, 8, torch.Generator().manual_seed(0))
    assert x1.shape == y1.shape == (4, 8) and torch.equal(x1, x2) and torch.equal(y1, x1 + 1)
    with pytest.raises(ValueError, match="character ids"):
        lh.random_windows(torch.zeros(10), 2, 3)


def test_chars_since_newline_counts_and_resets():
    assert lh.chars_since_newline("ab\ncd\n\ne").tolist() == [1, 2, 0, 1, 2, 0, 0, 1]


def test_bits_and_perplexity():
    assert lh.bits_per_char(math.log(2)) == pytest.approx(1.0)
    assert lh.perplexity(math.log2(62)) == pytest.approx(62)
    assert lh.perplexity(lh.bits_per_char(1.61)) == pytest.approx(math.exp(1.61))
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            lh.bits_per_char(bad)
        with pytest.raises(ValueError):
            lh.perplexity(bad)


# --- n-grams ----------------------------------------------------------------------------------


def dict_interpolated(train, ev, n, alpha, V):
    """The textbook version with dictionaries: P_j from P_{j-1}, one position at a time."""
    counts = [Counter() for _ in range(n)]
    ctx = [Counter() for _ in range(n)]
    for j in range(n):
        for t in range(j, len(train)):
            c = tuple(train[t - j : t])
            counts[j][c, train[t]] += 1
            ctx[j][c] += 1
    bits = []
    for t in range(1, len(ev)):
        p = 1.0 / V
        for j in range(min(n - 1, t) + 1):
            c = tuple(ev[t - j : t])
            p = (counts[j][c, ev[t]] + alpha * p) / (ctx[j][c] + alpha)
        bits.append(-math.log2(p))
    return np.array(bits)


def dict_addk(train, ev, n, k, V):
    """Add-k by direct counting: the last n - 1 characters (fewer at the start) as context."""
    bits = []
    for t in range(1, len(ev)):
        j = min(n - 1, t)
        c = tuple(ev[t - j : t])
        cnt = sum(
            1 for s in range(j, len(train)) if tuple(train[s - j : s]) == c and train[s] == ev[t]
        )
        tot = sum(1 for s in range(j, len(train)) if tuple(train[s - j : s]) == c)
        bits.append(-math.log2((cnt + k) / (tot + k * V)))
    return np.array(bits)


@settings(max_examples=25, deadline=None)
@given(
    train=st.lists(st.integers(0, 3), min_size=5, max_size=60),
    ev=st.lists(st.integers(0, 3), min_size=2, max_size=30),
    n=st.integers(1, 4),
)
def test_numpy_ngrams_equal_the_dictionary_versions(train, ev, n):
    train, ev = np.array(train), np.array(ev)
    np.testing.assert_allclose(
        lh.interpolated_bits(train, ev, n, 2.0, 4), dict_interpolated(train, ev, n, 2.0, 4)
    )
    np.testing.assert_allclose(lh.addk_bits(train, ev, n, 0.5, 4), dict_addk(train, ev, n, 0.5, 4))


def test_ngram_probabilities_sum_to_one_over_the_vocabulary():
    rng = np.random.default_rng(0)
    train = rng.integers(0, 5, 300)
    context = rng.integers(0, 5, 6)
    for bits_fn, param in [
        (lh.addk_bits, 0.1),
        (lh.interpolated_bits, 3.0),
        (lh.kneser_ney_bits, 0.7),
    ]:
        total = sum(2.0 ** -bits_fn(train, np.r_[context, x], 4, param, 5)[-1] for x in range(5))
        assert total == pytest.approx(1.0), bits_fn.__name__


def test_the_documented_sonnet_baselines():
    text = lh.load_sonnets()
    vocab = lh.Vocab.from_text(text)
    train, val, _ = (vocab.encode(p) for p in lh.split_sonnets(text))
    V = len(vocab)
    assert lh.addk_bits(train, val, 4, 0.03, V).mean() == pytest.approx(2.716, abs=5e-4)
    assert lh.interpolated_bits(train, val, 7, 30.0, V).mean() == pytest.approx(2.453, abs=5e-4)
    assert lh.kneser_ney_bits(train, val, 6, 0.9, V).mean() == pytest.approx(2.384, abs=5e-4)


def test_ngram_bad_input():
    with pytest.raises(ValueError, match=r"0\.\.3"):
        lh.interpolated_bits(np.array([0, 1, 5]), np.array([0, 1]), 2, 1.0, 4)
    with pytest.raises(ValueError, match="integers"):
        lh.kneser_ney_bits(np.array([0.0, 1.0]), np.array([0, 1]), 2, 0.5, 4)
    with pytest.raises(ValueError, match="64-bit"):
        lh.addk_bits(np.array([0, 1, 2]), np.array([0, 1]), 12, 0.1, 62)
    with pytest.raises(ValueError, match="discount"):
        lh.kneser_ney_bits(np.array([0, 1, 2]), np.array([0, 1]), 2, 1.5, 4)
    assert ngrams.context_keys(np.array([1, 2, 3]), 2, 4)[0].tolist() == [1 * 4 + 2]
