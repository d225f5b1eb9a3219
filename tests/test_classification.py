"""Sequence classification: the wave task, integer-label loaders, BiLSTMClassifier's readout."""

import numpy as np
import pytest
import torch
from torch import nn

import lstm_helpers as lh
from lstm_helpers.classification import accuracy, class_tensors, confusion_matrix


def test_wave_classes_shapes_dtypes_and_seed():
    X, y = lh.wave_classes(num_windows=50, seq_length=20, periods=(4, 8, 12, 16), seed=3)
    assert X.shape == (50, 20, 1) and X.dtype == np.float32
    assert y.shape == (50,) and y.dtype == np.int64
    assert set(np.unique(y)) <= {0, 1, 2, 3}
    X2, y2 = lh.wave_classes(num_windows=50, seq_length=20, periods=(4, 8, 12, 16), seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = lh.wave_classes(num_windows=50, seq_length=20, periods=(4, 8, 12, 16), seed=4)
    assert not np.array_equal(X, X3)


def test_periodogram_classify_names_clean_periods_and_uses_the_envelope():
    periods = (6.0, 8.0, 10.0)
    X, y = lh.wave_classes(60, seq_length=40, periods=periods, noise_std=0.0)
    np.testing.assert_array_equal(lh.periodogram_classify(X, periods), y)  # (M, T, 1)
    np.testing.assert_array_equal(lh.periodogram_classify(X[:, :, 0], periods), y)  # (M, T)
    assert lh.periodogram_classify(X, periods).dtype == np.int64
    # Ringing down, the evidence sits at the start: weighting by the envelope helps.
    X, y = lh.wave_classes(400, seq_length=40, periods=periods, noise_std=0.5, decay=10, seed=1)
    plain = np.mean(lh.periodogram_classify(X, periods) == y)
    matched = np.mean(lh.periodogram_classify(X, periods, decay=10) == y)
    assert matched > plain + 0.1
    with pytest.raises(ValueError, match="two positive periods"):
        lh.periodogram_classify(X, (6.0,))
    with pytest.raises(ValueError, match="windows, steps"):
        lh.periodogram_classify(np.zeros((2, 3, 2)), periods)


def test_wave_classes_without_noise_has_the_class_period():
    X, y = lh.wave_classes(num_windows=30, seq_length=40, periods=(5.0, 8.0), noise_std=0.0)
    for window, label in zip(X[:, :, 0], y, strict=True):
        period = (5, 8)[label]
        np.testing.assert_allclose(window[period:], window[:-period], atol=1e-5)
        assert np.abs(window).max() <= 1.0 + 1e-6


def test_wave_classes_decay_puts_the_signal_at_the_start():
    X, _ = lh.wave_classes(num_windows=200, seq_length=60, noise_std=0.0, decay=10.0)
    early, late = np.abs(X[:, :10]).mean(), np.abs(X[:, -10:]).mean()
    assert late < 0.01 * early


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_windows": 0},
        {"seq_length": -1},
        {"periods": (6.0,)},
        {"periods": (6.0, 0.0)},
        {"noise_std": -0.1},
        {"decay": 0.0},
    ],
)
def test_wave_classes_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        lh.wave_classes(**kwargs)


def test_class_loader_gives_float_windows_and_int64_labels():
    X, y = lh.wave_classes(num_windows=10, seq_length=8)
    xb, yb = next(iter(lh.make_class_loader(X, y, batch_size=4)))
    assert xb.shape == (4, 8, 1) and xb.dtype == torch.float32
    assert yb.shape == (4,) and yb.dtype == torch.int64


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.zeros((6, 1), dtype=np.int64), "squeeze"),
        (np.eye(3, dtype=np.int64)[[0, 1, 2, 0, 1, 2]], "argmax"),
        (np.zeros(6, dtype=np.float32), "integer class indices"),
        (np.array([0, 1, 2, -1, 0, 1]), ">= 0"),
        (np.zeros(5, dtype=np.int64), "same number of windows"),
    ],
)
def test_class_tensors_rejects_regression_style_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        class_tensors(np.zeros((6, 4, 1)), labels)


def test_class_tensors_rejects_2d_windows_with_a_hint():
    with pytest.raises(ValueError, match="unsqueeze"):
        class_tensors(np.zeros((6, 4)), np.zeros(6, dtype=np.int64))


@pytest.mark.parametrize("num_layers", [1, 3])
def test_bidirectional_final_states_are_out_at_opposite_ends(num_layers):
    """h_n[-2] is the forward direction after the last step, h_n[-1] the backward after the first."""
    hidden = 5
    model = lh.BiLSTMClassifier(hidden_size=hidden, num_layers=num_layers).eval()
    x = torch.randn(4, 9, 1)
    out, (h_n, _) = model.lstm(x)  # out (B, T, 2H), h_n (L*2, B, H)
    assert out.shape == (4, 9, 2 * hidden) and h_n.shape == (2 * num_layers, 4, hidden)
    torch.testing.assert_close(h_n[-2], out[:, -1, :hidden], rtol=0, atol=0)
    torch.testing.assert_close(h_n[-1], out[:, 0, hidden:], rtol=0, atol=0)
    # The tutorial's out[:, -1, :] has the right forward half, but the WRONG backward half.
    assert not torch.allclose(out[:, -1, hidden:], h_n[-1])


def test_classifier_reads_final_states_and_the_tutorial_readout_reads_out_last():
    torch.manual_seed(0)
    final = lh.BiLSTMClassifier(hidden_size=6, num_classes=4).eval()
    last = lh.BiLSTMClassifier(hidden_size=6, num_classes=4, readout="last_step").eval()
    last.load_state_dict(final.state_dict())  # same weights, only the readout differs
    x = torch.randn(3, 12, 1)
    out, (h_n, _) = final.lstm(x)
    logits, (h, c) = final(x)
    assert logits.shape == (3, 4) and h.shape == c.shape == (2, 3, 6)
    torch.testing.assert_close(logits, final.fc(torch.cat([h_n[-2], h_n[-1]], dim=1)))
    torch.testing.assert_close(last(x)[0], final.fc(out[:, -1, :]))


def test_the_last_step_readout_backward_half_sees_only_the_last_step():
    """Changing every step but the last leaves the backward half of out[:, -1, :] unchanged."""
    model = lh.BiLSTMClassifier(hidden_size=4).eval()
    x = torch.randn(2, 10, 1)
    x2 = x.clone()
    x2[:, :-1] = torch.randn(2, 9, 1)
    out, (h_n, _) = model.lstm(x)
    out2, (h_n2, _) = model.lstm(x2)
    torch.testing.assert_close(out[:, -1, 4:], out2[:, -1, 4:])  # blind to steps 0..T-2
    assert not torch.allclose(h_n[-1], h_n2[-1])  # the final backward state is not


def test_unidirectional_classifier_reads_h_n_last():
    model = lh.BiLSTMClassifier(hidden_size=4, num_layers=2, bidirectional=False).eval()
    x = torch.randn(2, 7, 1)
    out, (h_n, _) = model.lstm(x)
    torch.testing.assert_close(model.readout(out, h_n), out[:, -1, :])
    assert model(x)[0].shape == (2, 3)


def test_classifier_checks_inputs_and_hidden_state():
    model = lh.BiLSTMClassifier(hidden_size=4, num_layers=2)
    with pytest.raises(ValueError, match="unsqueeze"):
        model(torch.randn(2, 7))
    wrong = (torch.zeros(2, 2, 4), torch.zeros(2, 2, 4))  # needs num_layers * 2 = 4 rows
    with pytest.raises(ValueError, match=r"\(4, 2, 4\)"):
        model(torch.randn(2, 7, 1), wrong)
    h0 = (torch.zeros(4, 2, 4), torch.zeros(4, 2, 4))
    assert model(torch.randn(2, 7, 1), h0)[0].shape == (2, 3)


@pytest.mark.parametrize(
    "kwargs",
    [{"num_classes": 1}, {"readout": "mean"}, {"bidirectional": 1}, {"dropout": 1.0}],
)
def test_classifier_config_rejects_bad_settings(kwargs):
    with pytest.raises(ValueError):
        lh.ClassifierConfig(**kwargs)


def test_fit_trains_the_classifier_with_cross_entropy():
    lh.set_seed(0)
    X, y = lh.wave_classes(num_windows=192, seq_length=24, periods=(4, 12), noise_std=0.2)
    loader = lh.make_class_loader(X, y, batch_size=32, shuffle=True)
    model = lh.BiLSTMClassifier(hidden_size=8, num_classes=2)
    history = lh.fit(
        model,
        loader,
        lh.TrainConfig(lr=1e-2, max_epochs=6),
        loss_fn=nn.CrossEntropyLoss(),
        progress=False,
    )
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    Xt, yt = lh.wave_classes(num_windows=200, seq_length=24, periods=(4, 12), noise_std=0.2, seed=1)
    assert accuracy(model, Xt, yt) > 0.9


def test_fit_classifier_equals_fit_with_a_class_loader_and_cross_entropy():
    X, y = lh.wave_classes(num_windows=96, seq_length=16, periods=(4, 12), noise_std=0.2)
    Xv, yv = lh.wave_classes(num_windows=40, seq_length=16, periods=(4, 12), noise_std=0.2, seed=1)
    config = lh.TrainConfig(lr=1e-2, max_epochs=3)
    lh.set_seed(0)
    by_hand = lh.BiLSTMClassifier(hidden_size=8, num_classes=2)
    expected = lh.fit(
        by_hand,
        lh.make_class_loader(X, y, batch_size=32, shuffle=True),
        config,
        val_loader=lh.make_class_loader(Xv, yv, batch_size=40),
        loss_fn=nn.CrossEntropyLoss(),
        progress=False,
    )
    lh.set_seed(0)
    model = lh.BiLSTMClassifier(hidden_size=8, num_classes=2)
    history = lh.fit_classifier(model, X, y, config, val=(Xv, yv), progress=False)
    assert history.train_loss == expected.train_loss and history.val_loss == expected.val_loss
    for a, b in zip(model.parameters(), by_hand.parameters(), strict=True):
        assert torch.equal(a, b)
    with pytest.raises(ValueError, match="integer class indices"):
        lh.fit_classifier(model, X, y.astype(np.float32), config, progress=False)


def test_accuracy_and_confusion_matrix_agree():
    model = lh.BiLSTMClassifier(hidden_size=4, num_classes=3).eval()
    X, y = lh.wave_classes(num_windows=40, seq_length=10)
    acc = accuracy(model, X, y)
    loader_acc = accuracy(model, lh.make_class_loader(X, y, batch_size=7, shuffle=True))
    assert acc == pytest.approx(loader_acc)
    cm = confusion_matrix(model, X, y)
    assert cm.shape == (3, 3) and int(cm.sum()) == 40
    np.testing.assert_array_equal(cm.sum(dim=1).numpy(), np.bincount(y, minlength=3))
    assert cm.diagonal().sum().item() / 40 == pytest.approx(acc)


def test_accuracy_needs_labels_and_confusion_matrix_checks_their_range():
    model = lh.BiLSTMClassifier(hidden_size=4, num_classes=2)
    X = np.zeros((3, 5, 1), dtype=np.float32)
    with pytest.raises(ValueError, match="labels"):
        accuracy(model, X)
    with pytest.raises(ValueError, match="2 classes"):
        confusion_matrix(model, X, np.array([0, 1, 2]))


def test_plot_class_examples_draws_one_labelled_window_per_class():
    X, y = lh.wave_classes(num_windows=30, seq_length=12, periods=(4, 8, 12))
    ax = lh.plot_class_examples(X, y, ["a", "b", "c"])
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b", "c"]
    first = int(np.flatnonzero(y == 1)[0])
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), X[first, :, 0])


def test_plot_noisy_class_examples_draws_each_class_in_its_own_row_over_its_clean_window():
    task = dict(num_windows=30, seq_length=12, periods=(4, 8, 12), decay=5.0)
    X, y = lh.wave_classes(**task, noise_std=0.5)
    clean, _ = lh.wave_classes(**task, noise_std=0.0)
    axes = lh.plot_noisy_class_examples(X, y, clean, ["a", "b", "c"])
    assert len(axes) == 3
    first = int(np.flatnonzero(y == 1)[0])
    pale, noisy = axes[1].get_lines()  # the clean window beneath, the noisy one on top
    np.testing.assert_array_equal(pale.get_ydata(), clean[first, :, 0])
    np.testing.assert_array_equal(noisy.get_ydata(), X[first, :, 0])
    assert pale.get_label() == "b, without noise" and pale.get_alpha() < 1
    with pytest.raises(ValueError, match="clean must match"):
        lh.plot_noisy_class_examples(X, y, clean[:, :6])


def test_plot_histories_draws_train_val_and_the_best_epoch():
    history = lh.History(train_loss=[1.0, 0.5, 0.2, 0.1], val_loss=[1.1, 0.7, 0.8, 0.9])
    ax = lh.plot_histories({"run": history, "no val": lh.History(train_loss=[1.0, 0.4])})
    lines = ax.get_lines()
    assert len(lines) == 4  # train, val, best dot; train only for the second run
    np.testing.assert_array_equal(lines[1].get_ydata(), history.val_loss)
    assert list(lines[2].get_xdata()) == [2] and list(lines[2].get_ydata()) == [0.7]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["run", "no val"]
