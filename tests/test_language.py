"""The character language model (language.py): shapes, checks, evaluation, training, sampling."""

import copy
import math

import numpy as np
import pytest
import torch
from torch import nn

import lstm_helpers as lh

TEXT = "the cat sat on the mat.\nthe dog sat on the log.\n" * 6
VOCAB = lh.Vocab.from_text(TEXT)


def small(seed=0, **kw):
    lh.set_seed(seed)
    cfg = {"vocab_size": len(VOCAB), "embedding_dim": 8, "hidden_size": 16, "dropout": 0.0, **kw}
    return lh.CharLSTM(**cfg)


def test_shapes_and_config():
    model = small(num_layers=2)
    logits, (h, c) = model(torch.zeros(3, 7, dtype=torch.long))
    assert logits.shape == (3, 7, len(VOCAB)) and h.shape == c.shape == (2, 3, 16)
    assert model.config == lh.CharLMConfig(len(VOCAB), 8, 16, 2, 0.0)
    assert isinstance(lh.build_model(model.config), lh.CharLSTM)
    emb = model.embedding.weight  # an embedding is one-hot times a weight matrix
    one_hot = nn.functional.one_hot(torch.tensor([2, 5]), len(VOCAB)).float()
    torch.testing.assert_close(one_hot @ emb, model.embedding(torch.tensor([2, 5])))


@pytest.mark.parametrize(
    "x, match",
    [
        (torch.zeros(2, 5, 1), r"\(batch, seq_len\).*got \(2, 5, 1\).*vocab.encode"),
        (torch.zeros(5, dtype=torch.long), r"unsqueeze\(0\)"),
        (torch.tensor([[0, 99]]), r"0\.\.\d+ \(vocab_size"),
        (torch.zeros(2, 0, dtype=torch.long), r"\(batch, seq_len\)"),
        ([[0, 1]], "tensor of character ids"),
    ],
)
def test_bad_input_gets_a_clear_error(x, match):
    with pytest.raises(ValueError, match=match):
        small()(x)


def test_config_checks_its_values():
    with pytest.raises(ValueError, match="vocab_size"):
        lh.CharLMConfig(vocab_size=1)
    with pytest.raises(ValueError, match="dropout"):
        lh.CharLMConfig(dropout=1.0)


def test_a_checkpoint_rebuilds_the_model(tmp_path):
    model = small(num_layers=2)
    path = lh.save_checkpoint(tmp_path / "lm.pt", model, extra={"vocab": VOCAB.chars})
    loaded, checkpoint = lh.load_checkpoint(path)
    assert isinstance(loaded, lh.CharLSTM) and loaded.config == model.config
    assert checkpoint["extra"]["vocab"] == VOCAB.chars
    x = VOCAB.encode("the cat")[None]
    with lh.eval_mode(model):
        torch.testing.assert_close(loaded(x)[0], model(x)[0], rtol=0, atol=0)


def test_carried_evaluation_does_not_depend_on_the_chunk_length():
    model = small()
    ids = VOCAB.encode(TEXT)
    whole = lh.char_bits(model, ids, chunk_length=len(ids))
    np.testing.assert_allclose(lh.char_bits(model, ids, chunk_length=7), whole, rtol=1e-5)
    with lh.eval_mode(model), torch.no_grad():
        logits, _ = model(ids[None, :-1])
        nats = nn.functional.cross_entropy(logits[0], ids[1:])
    assert lh.evaluate_bpc(model, ids) == pytest.approx(nats.item() / math.log(2), rel=1e-5)
    assert whole.shape == (len(ids) - 1,)


def test_windowed_evaluation_starts_every_window_from_zero():
    model = small()
    ids = VOCAB.encode(TEXT)
    bits = lh.char_bits(model, ids, window=10)
    m = (len(ids) - 1) // 10
    assert bits.shape == (m * 10,)
    second = lh.char_bits(model, ids[10:21])  # the second window read alone from zero
    np.testing.assert_allclose(bits[10:20], second, rtol=1e-5)
    with pytest.raises(ValueError, match="window"):
        lh.char_bits(model, ids[:5], window=10)


def test_training_learns_a_repetitive_text_and_the_helper_is_the_inline_loop():
    ids = VOCAB.encode(TEXT)
    model = small()
    history = lh.fit_char_lm(
        model, ids, ids, steps=60, batch_size=4, chunk_length=16, lr=2e-2, eval_every=20
    )
    assert history.val_steps == [0, 20, 40, 60] and history.steps == 60
    assert history.val_bpc[-1] < 1.0 < history.val_bpc[0]  # from ~log2(V) to well below 1 bit
    assert history.chars == 60 * 4 * 16 and len(history.grad_norm) == 60
    # the same 10 steps written out: stateful, detached, cross-entropy over (B*T, V), clipped
    inline = small()
    optimizer = torch.optim.Adam(inline.parameters(), lr=2e-2)
    chunks, hidden, losses = lh.text_chunks(ids, 4, 16), None, []
    for step in range(10):
        if step % len(chunks) == 0:
            hidden = None
        x, y = chunks[step % len(chunks)]
        logits, hidden = inline(x, lh.detach_hidden(hidden))
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(VOCAB)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(inline.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item() / math.log(2))
    helper = lh.fit_char_lm(small(), ids, steps=10, batch_size=4, chunk_length=16, lr=2e-2)
    assert helper.train_bpc == losses and helper.val_bpc == []


def test_stateless_training_and_the_cosine_schedule():
    ids = VOCAB.encode(TEXT)
    model = small()
    history = lh.fit_char_lm(
        model, ids, steps=30, batch_size=4, chunk_length=16, stateful=False, final_lr=1e-3
    )
    again = lh.fit_char_lm(
        small(), ids, steps=30, batch_size=4, chunk_length=16, stateful=False, final_lr=1e-3
    )
    assert history.train_bpc == again.train_bpc  # windows drawn from `seed`: reproducible
    assert model.training  # the mode it was in


def manual_greedy(model, prompt, n):
    ids = VOCAB.encode(prompt)[None]
    with lh.eval_mode(model), torch.no_grad():
        logits, hidden = model(ids)
        out = []
        for _ in range(n):
            nxt = int(logits[0, -1].argmax())
            out.append(nxt)
            logits, hidden = model(torch.tensor([[nxt]]), hidden)
    return prompt + VOCAB.decode(out)


def test_temperature_zero_is_argmax():
    model = small(seed=3)
    assert lh.sample(model, VOCAB, "the ", 40, temperature=0) == manual_greedy(model, "the ", 40)
    logits = torch.tensor([0.1, 2.0, -1.0, 1.99])
    assert torch.equal(lh.temperature_probs(logits, 0), torch.tensor([0.0, 1.0, 0.0, 0.0]))
    cold = lh.temperature_probs(logits, 1e-3)  # the limit of ever lower temperatures
    assert cold.argmax() == 1 and cold[1] > 0.99


def test_fixed_seed_sampling_is_reproducible_and_leaves_the_global_rng_alone():
    model = small(seed=1, dropout=0.3).train()
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a = lh.sample(model, VOCAB, "the", 60, temperature=1.0, seed=7)
    b = lh.sample(model, VOCAB, "the", 60, temperature=1.0, seed=7)
    c = lh.sample(model, VOCAB, "the", 60, temperature=1.0, seed=8)
    assert a == b != c and len(a) == 63 and a.startswith("the")
    assert torch.equal(torch.get_rng_state(), before) and model.training  # mode restored
    topk = lh.sample(model, VOCAB, "the", 200, temperature=5.0, top_k=2, seed=0)
    with lh.eval_mode(model), torch.no_grad():  # every sampled character was a top-2 choice
        logits, _ = model(VOCAB.encode(topk)[None])
    ranks = (logits[0, 2:-1] > logits[0, 2:-1].gather(1, VOCAB.encode(topk)[3:, None])).sum(1)
    assert (ranks <= 1).all()


def test_temperature_probs_sharpen_and_flatten():
    logits = torch.tensor([[1.0, 2.0, 3.0]])
    p1, cold, hot = (lh.temperature_probs(logits, t) for t in (1.0, 0.5, 2.0))
    torch.testing.assert_close(p1, torch.softmax(logits, -1))
    assert cold[0, 2] > p1[0, 2] > hot[0, 2] and torch.allclose(cold.sum(-1), torch.ones(1))
    top = lh.temperature_probs(logits, 1.0, top_k=2)
    assert top[0, 0] == 0 and top.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"prompt": ""}, r"non-empty.*'\\n'"),
        ({"prompt": "the CAT"}, r"not in the vocabulary: 'A', 'C', 'T'"),
        ({"temperature": -0.5}, r">= 0, got -0.5\. Use 0 for greedy"),
        ({"temperature": float("nan")}, r">= 0, got nan"),
        ({"temperature": True}, "temperature"),
        ({"top_k": 0}, r"top_k must be None or a whole number in 1\.\.\d+"),
        ({"length": -1}, "length"),
    ],
)
def test_sampling_bad_input(kwargs, match):
    args = {"prompt": "the", "length": 5, **kwargs}
    with pytest.raises(ValueError, match=match):
        lh.sample(small(), VOCAB, args.pop("prompt"), args.pop("length"), **args)


def test_warmup_is_read_before_the_prompt_and_left_out():
    model = small(seed=5)
    warm = lh.sample(model, VOCAB, "the", 30, temperature=0, warmup="a dog sat on ")
    assert warm.startswith("the") and len(warm) == 33
    assert warm == lh.sample(model, VOCAB, "a dog sat on the", 30, temperature=0)[13:]
    with pytest.raises(ValueError, match="non-empty"):
        lh.sample(model, VOCAB, "", 5, warmup="the cat")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        lh.sample(model, VOCAB, "the", 5, warmup="THE")


def test_sampling_with_another_vocabulary_is_refused():
    with pytest.raises(ValueError, match="built for"):
        lh.sample(small(), lh.Vocab("ab"), "a", 3)


def test_next_char_probs_is_the_softmax_of_the_last_logits():
    model = small(seed=2)
    probs = lh.next_char_probs(model, VOCAB, "the c", temperature=0.5)
    with lh.eval_mode(model), torch.no_grad():
        logits, _ = model(VOCAB.encode("the c")[None])
    torch.testing.assert_close(probs, torch.softmax(logits[0, -1] / 0.5, -1))


def test_char_states_equal_nn_lstm():
    model = small(seed=4, num_layers=2, dropout=0.2)
    ids = VOCAB.encode(TEXT[:80])
    h, c = lh.char_states(model, ids)
    with lh.eval_mode(model), torch.no_grad():
        out, (_, c_n) = model.lstm(model.embedding(ids[None]))
    torch.testing.assert_close(h, out[0])
    torch.testing.assert_close(c[-1], c_n[-1, 0], atol=1e-5, rtol=1e-4)
    # and every step's c: read each prefix with nn.LSTM
    for t in (0, 9, 40):
        with lh.eval_mode(model), torch.no_grad():
            _, (_, c_t) = model.lstm(model.embedding(ids[None, : t + 1]))
        torch.testing.assert_close(c[t], c_t[-1, 0], atol=1e-5, rtol=1e-4)
    with pytest.raises(ValueError, match="CharLSTM"):
        lh.char_states(lh.LSTMPredictor(), ids)


def test_held_cell_bits_equal_a_model_whose_unit_cannot_change():
    model = small(seed=5, num_layers=2, dropout=0.2)
    ids = VOCAB.encode(TEXT[:60])
    held = [(3, 0.5), (11, -0.25)]
    bits = lh.held_cell_bits(model, ids, units=[u for u, _ in held], values=[v for _, v in held])
    assert bits.shape == (2, len(ids) - 1)
    H = model.hidden_size
    for row, (unit, value) in enumerate(held):
        frozen = copy.deepcopy(model)  # its top layer's gates force c[unit] = value at every step
        with torch.no_grad():
            for name in ("weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1"):
                getattr(frozen.lstm, name)[[unit, H + unit, 2 * H + unit]] = 0.0  # i, f, g rows
            frozen.lstm.bias_ih_l1[unit] = 50.0  # input gate 1
            frozen.lstm.bias_ih_l1[H + unit] = -50.0  # forget gate 0
            frozen.lstm.bias_ih_l1[2 * H + unit] = math.atanh(value)  # candidate g = value
        np.testing.assert_allclose(bits[row], lh.char_bits(frozen, ids), atol=1e-5)
    assert np.abs(bits[0] - lh.char_bits(model, ids)).max() > 1e-3  # holding it changes bits
    with pytest.raises(ValueError, match=r"cell units 0\.\.15"):
        lh.held_cell_bits(model, ids, units=[16], values=[0.0])
    with pytest.raises(ValueError, match="same length"):
        lh.held_cell_bits(model, ids, units=[1, 2], values=[0.0])
    with pytest.raises(ValueError, match="CharLSTM"):
        lh.held_cell_bits(lh.LSTMPredictor(), ids, units=[0], values=[0.0])


def test_unit_correlations():
    feature = np.arange(50.0)
    acts = np.stack([feature * 2 + 1, -feature, np.ones(50), np.sin(feature)], axis=1)
    r = lh.unit_correlations(acts, feature)
    np.testing.assert_allclose(r[:3], [1.0, -1.0, 0.0], atol=1e-12)
    assert abs(r[3]) < 0.5
    with pytest.raises(ValueError, match="constant"):
        lh.unit_correlations(acts, np.ones(50))
    with pytest.raises(ValueError, match=r"\(N, units\)"):
        lh.unit_correlations(acts[:, 0], feature)
