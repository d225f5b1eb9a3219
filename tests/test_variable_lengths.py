"""Variable-length sequences end to end: (x, lengths, y) loaders, training and evaluation with lengths,
and padding invariance (a sequence's scores do not depend on what else is in its batch)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import lstm_helpers as lh
from lstm_helpers.batches import call_model, split_batch
from lstm_helpers.evaluation import targets


def toy_sequences(n=60, seed=0):
    """Class 0 hovers around +1, class 1 around -1; lengths 3-12, so batches need padding."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(2, size=n)
    seqs = [
        (1.0 - 2.0 * k) + 0.5 * rng.normal(size=(rng.integers(3, 13), 2)).astype(np.float32)
        for k in labels
    ]
    X, lengths = lh.pad_sequences(seqs)
    return seqs, X, lengths, torch.as_tensor(labels)


class Recorder(nn.Module):
    """Mean of the real steps of feature 0 as a one-class 'score', recording the lengths it got."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(1))
        self.seen = []

    def forward(self, x, hidden=None, lengths=None):
        self.seen.append(None if lengths is None else lengths.clone())
        steps = x.size(1) if lengths is None else lengths
        total = x[:, :, 0].sum(dim=1)
        out = (self.w * total / torch.as_tensor(steps, dtype=x.dtype))[:, None]  # (B, 1)
        return out, None


def test_loader_yields_padded_batches_with_lengths_and_labels():
    _, X, lengths, y = toy_sequences()
    loader = lh.make_sequence_loader(X, lengths, y, batch_size=16, shuffle=True)
    xb, nb, yb = next(iter(loader))
    assert xb.shape == (16, X.size(1), 2) and xb.dtype == torch.float32
    assert nb.shape == yb.shape == (16,) and nb.dtype == yb.dtype == torch.int64
    seen = torch.cat([b[1] for b in loader])  # every sequence once, triples kept together
    assert sorted(seen.tolist()) == sorted(lengths.tolist())
    for xb, nb, _ in loader:
        for x, n in zip(xb, nb, strict=True):
            assert (x[n:] == 0).all() and (x[n - 1] != 0).any()  # padding after its own end


@pytest.mark.parametrize(
    ("lengths", "message"),
    [
        (torch.ones(59, dtype=torch.int64), r"shape \(60,\)"),
        (torch.ones(60), "whole numbers"),
        (torch.zeros(60, dtype=torch.int64), r"lengths must lie in 1\.\.12"),
        (torch.full((60,), 13), r"lengths must lie in 1\.\.12 \(the padded length\), got 13"),
    ],
)
def test_loader_refuses_lengths_that_do_not_fit(lengths, message):
    _, X, _, y = toy_sequences()
    with pytest.raises(ValueError, match=message):
        lh.make_sequence_loader(X, lengths, y)


def test_loader_refuses_other_bad_input():
    _, X, lengths, y = toy_sequences()
    with pytest.raises(ValueError, match="same number"):
        lh.make_sequence_loader(X, lengths, y[:-1])
    with pytest.raises(ValueError, match="3-D"):
        lh.make_sequence_loader(X[:, :, 0], lengths, y)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        lh.make_sequence_loader(X, lengths, y, batch_size=0)
    bad = X.clone()
    bad[0, 0, 0] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        lh.make_sequence_loader(bad, lengths, y)


def test_split_batch_and_call_model():
    x, n, y = torch.zeros(2, 3, 1), torch.tensor([3, 1]), torch.zeros(2)
    assert split_batch((x, y))[1] is None and split_batch([x, n, y])[1] is n
    for bad in [(x,), (x, n, y, y), x]:
        with pytest.raises(ValueError, match=r"a batch must be \(x, y\), or \(x, lengths, y\)"):
            split_batch(bad)
    model = Recorder()
    call_model(model, x)
    call_model(model, x, n)
    assert model.seen[0] is None and torch.equal(model.seen[1], n)


def test_every_function_passes_the_lengths_to_the_model():
    _, X, lengths, y = toy_sequences()
    y_float = y[:, None].float()
    loader = lh.make_sequence_loader(X, lengths, y_float, batch_size=25)
    model = Recorder()
    lh.fit(model, loader, lh.TrainConfig(max_epochs=1), progress=False)
    lh.mean_loss(model, loader)
    lh.evaluate(model, loader)
    lh.predict(model, loader)
    lh.predict(model, X, batch_size=25, lengths=lengths)
    assert len(model.seen) == 5 * 3 and all(s is not None for s in model.seen)
    assert torch.equal(torch.cat(model.seen[-3:]), lengths)
    # the model saw the mean of the real steps only, not of the padded tensor
    expected = torch.stack([X[i, : lengths[i], 0].mean() for i in range(len(X))])[:, None]
    torch.testing.assert_close(lh.predict(model, X, lengths=lengths), model.w.detach() * expected)
    torch.testing.assert_close(targets(loader), y_float)


def test_fit_trains_a_packed_classifier_and_the_metrics_agree():
    seqs, X, lengths, y = toy_sequences(120)
    loader = lh.make_sequence_loader(X, lengths, y, batch_size=16, shuffle=True)
    lh.set_seed(0)
    model = lh.BiLSTMClassifier(input_size=2, hidden_size=8, num_classes=2)
    history = lh.fit(
        model,
        loader,
        lh.TrainConfig(lr=1e-2, max_epochs=10),
        loss_fn=nn.CrossEntropyLoss(),
        progress=False,
    )
    assert history.train_loss[-1] < 0.1 < history.train_loss[0]  # it learned
    acc = lh.accuracy(model, X, y, lengths=lengths)
    assert acc > 0.95
    assert lh.accuracy(model, loader) == pytest.approx(acc)  # shuffled loader: same count
    cm = lh.confusion_matrix(model, X, y, lengths=lengths)
    alone = torch.stack(
        [model.eval()(torch.as_tensor(s, dtype=torch.float32)[None])[0][0] for s in seqs]
    )
    alone = alone.argmax(1)
    assert cm.sum() == len(y) and cm.trace() == int((alone == y).sum())
    with pytest.raises(ValueError, match="not both"):
        lh.accuracy(model, loader, lengths=lengths)
    with pytest.raises(ValueError, match="brings its own lengths"):
        lh.predict(model, lh.make_sequence_loader(X, lengths, y), lengths=lengths)
    with pytest.raises(ValueError, match=r"one length per sequence, shape \(120,\)"):
        lh.predict(model, X, lengths=lengths[:5])


def test_lengths_for_a_model_that_cannot_pack_are_refused():
    _, X, lengths, y = toy_sequences()
    loader = lh.make_sequence_loader(X, lengths, y[:, None].float(), batch_size=8)
    predictor = lh.LSTMPredictor(input_size=2, hidden_size=4, num_layers=1)
    with pytest.raises(ValueError, match=r"LSTMPredictor\.forward takes no `lengths`"):
        lh.fit(predictor, loader, progress=False)
    with pytest.raises(ValueError, match="would read the padding"):
        lh.predict(predictor, X, lengths=lengths)


def test_fit_refuses_a_loader_of_four_part_batches():
    _, X, lengths, y = toy_sequences()
    loader = DataLoader(TensorDataset(X, lengths, y, y), batch_size=8)
    with pytest.raises(ValueError, match="got 4 parts"):
        lh.fit(lh.BiLSTMClassifier(input_size=2, num_classes=2), loader, progress=False)


@settings(max_examples=25, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 9), min_size=1, max_size=6),
    pad=st.sampled_from([0.0, 7.5, -3.0]),
    extra=st.integers(0, 4),
    bidirectional=st.booleans(),
)
def test_padding_invariance(lengths, pad, extra, bidirectional):
    """With lengths, a sequence's logits equal those of the sequence alone, whatever the padding
    value, the padded length and the other sequences in the batch."""
    gen = torch.Generator().manual_seed(sum(lengths) + extra)
    seqs = [torch.randn(n, 3, generator=gen) for n in lengths]
    with torch.random.fork_rng():
        torch.manual_seed(1)
        model = lh.BiLSTMClassifier(
            input_size=3, hidden_size=5, num_classes=4, bidirectional=bidirectional
        ).eval()
    X, n = lh.pad_sequences(seqs, value=pad)
    X = torch.cat([X, torch.full((len(seqs), extra, 3), pad)], dim=1)  # pad further
    with torch.no_grad():
        batch = model(X, lengths=n)[0]
        alone = torch.cat([model(s[None])[0] for s in seqs])
    torch.testing.assert_close(batch, alone, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(lh.predict(model, X, batch_size=2, lengths=n), batch)


def test_without_lengths_the_padding_changes_the_scores():
    """The property above is not automatic: unpacked, the LSTM reads the padding as data."""
    seqs, X, _, _ = toy_sequences(10)
    X_other, _ = lh.pad_sequences(seqs, value=5.0)
    model = lh.BiLSTMClassifier(input_size=2, hidden_size=5, num_classes=2).eval()
    with torch.no_grad():
        assert not torch.allclose(model(X)[0], model(X_other)[0], atol=1e-3)
