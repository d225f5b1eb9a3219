"""Non-recurrent baselines: summary features by hand, logistic regression and an MLP that learn,
standardisation on training features only, the RNG left alone, clear errors; and their plots."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

import lstm_helpers as lh

SEQS = [np.array([[1.0, 2.0], [3.0, 6.0]]), np.array([[0.0, 1.0], [2.0, 1.0], [4.0, 1.0]])]


def test_summary_features_by_hand():
    F = lh.summary_features(SEQS)
    np.testing.assert_allclose(F, [[2, 4, 1, 2], [2, 1, np.sqrt(8 / 3), 0]], rtol=1e-6)
    assert F.dtype == np.float32
    F = lh.summary_features(SEQS, stats=("first", "last"), length=True)
    np.testing.assert_allclose(F, [[1, 2, 3, 6, 2], [0, 1, 4, 1, 3]])
    assert lh.summary_features([np.arange(4.0)]).shape == (1, 2)  # (T,) is one feature


def test_summary_features_ignore_padding_by_construction():
    """Each sequence is summarised over its own steps: no padding enters the statistics."""
    padded, lengths = lh.pad_sequences(SEQS)
    F = lh.summary_features([x[:n] for x, n in zip(padded, lengths, strict=True)])
    np.testing.assert_allclose(F, lh.summary_features(SEQS), rtol=1e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lh.summary_features([]), "at least one sequence"),
        (lambda: lh.summary_features(SEQS, stats=("median",)), "stats must be"),
        (lambda: lh.summary_features(SEQS, stats=()), "stats must be"),
        (lambda: lh.summary_features([np.zeros((0, 2))]), r"sequences\[0\] must be a non-empty"),
        (
            lambda: lh.summary_features([np.zeros((2, 2)), np.zeros((2, 3))]),
            "same number of features",
        ),
        (lambda: lh.summary_features([np.array([[np.nan]])]), "finite"),
    ],
)
def test_summary_features_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def blobs(n=90, seed=0, shift=0.0):
    """Three classes of 2-D points around well-separated centres (in units of 100, to need scaling)."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(3), n // 3)
    centres = np.array([[0.0, 0.0], [300.0, 0.0], [0.0, 300.0]]) + shift
    return (centres[y] + 60 * rng.normal(size=(n, 2))).astype(np.float32), y


def test_logistic_regression_learns_and_is_deterministic():
    X, y = blobs()
    Xt, yt = blobs(seed=1)
    clf = lh.fit_logistic_regression(X, y)
    assert clf.accuracy(Xt, yt) > 0.9
    np.testing.assert_allclose(clf.center, X.mean(axis=0), rtol=1e-5)  # training features only
    again = lh.fit_logistic_regression(X, y)
    assert torch.equal(clf(torch.as_tensor(Xt)), again(torch.as_tensor(Xt)))  # no seed
    assert clf.predict(Xt).dtype == np.int64 and clf.predict(Xt).shape == (90,)


def test_l2_shrinks_the_weights():
    X, y = blobs()
    small = lh.fit_logistic_regression(X, y, l2=0.0, max_iter=50).net.weight.norm()
    large = lh.fit_logistic_regression(X, y, l2=1.0).net.weight.norm()
    assert large < 0.5 * small


def test_mlp_learns_with_its_own_seed_and_leaves_the_rng_alone():
    X, y = blobs()
    Xt, yt = blobs(seed=1)
    state = torch.get_rng_state()
    a = lh.fit_mlp(X, y, epochs=100, seed=3)
    assert torch.equal(state, torch.get_rng_state())
    b = lh.fit_mlp(X, y, epochs=100, seed=3)
    c = lh.fit_mlp(X, y, epochs=100, seed=4)
    x = torch.as_tensor(Xt)
    assert torch.equal(a(x), b(x)) and not torch.equal(a(x), c(x))
    assert a.accuracy(Xt, yt) > 0.9


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda X, y: lh.fit_logistic_regression(X, y.astype(np.float32)), "integer class indices"),
        (lambda X, y: lh.fit_logistic_regression(X, y[:-1]), "same rows"),
        (lambda X, y: lh.fit_logistic_regression(X[:, 0], y), "2-D array"),
        (lambda X, y: lh.fit_logistic_regression(X, y, l2=-1.0), "l2 must be a number >= 0"),
        (lambda X, y: lh.fit_logistic_regression(X, np.zeros_like(y)), "at least 2 classes"),
        (lambda X, y: lh.fit_logistic_regression(X, y, num_classes=2), "labels below"),
        (lambda X, y: lh.fit_logistic_regression(X, y - 1), ">= 0"),
        (lambda X, y: lh.fit_mlp(X, y, hidden_size=0), "hidden_size must be a positive integer"),
        (lambda X, y: lh.fit_mlp(np.c_[X, np.ones(len(X))], y), "constant in feature"),
        (lambda X, y: lh.fit_logistic_regression(X, y).predict(X[:, :1]), r"\(rows, 2\)"),
    ],
)
def test_baselines_bad_input(call, message):
    X, y = blobs()
    with pytest.raises(ValueError, match=message):
        call(X, y)


# --- plots ----------------------------------------------------------------------------------


def test_plot_confusion_writes_every_count_and_outlines_the_mistakes():
    cm = np.array([[5, 1, 0], [0, 3, 0], [2, 0, 9]])
    ax = lh.plot_confusion(cm, ["a", "b", "c"], xlabel="predicted", ylabel="true")
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(["5", "1", "3", "2", "9"])  # zeros left blank
    assert len(ax.patches) == 2  # the two off-diagonal counts
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    image = ax.images[0].get_array()
    np.testing.assert_allclose(image[0], [5 / 6, 1 / 6, 0])  # shaded by the row's share
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"


def test_plot_confusion_bad_input():
    with pytest.raises(ValueError, match="square"):
        lh.plot_confusion(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="counts"):
        lh.plot_confusion(np.array([[1.5, 0], [0, 1]]))
    with pytest.raises(ValueError, match="name 2 classes"):
        lh.plot_confusion(np.eye(2), ["a"])


def test_plot_sequences_shares_the_colour_range_and_the_step_axis():
    axes = lh.plot_sequences([np.ones((3, 4)), -2 * np.ones((6, 4))], ["short", "long"])
    assert [ax.get_title() for ax in axes] == ["short", "long"]
    assert axes[0].get_xlim() == axes[1].get_xlim() == (-0.5, 5.5)
    assert {ax.images[0].get_clim() for ax in axes} == {(-2.0, 2.0)}
    assert axes[0].images[0].get_array().shape == (4, 3)  # features down, steps across
    assert [t.get_text() for t in axes[0].get_yticklabels()] == [
        "feature 1",
        "feature 2",
        "feature 3",
        "feature 4",
    ]
    wide = lh.plot_sequences([np.ones((2, 13))], ["13 features"], feature_name="c")
    assert [t.get_text() for t in wide[0].get_yticklabels()] == ["c1", "c13"]  # only the ends
    colour_bar = axes[0].figure.axes[-1]
    assert colour_bar.get_ylabel() == "value"
    named = lh.plot_sequences([np.ones((3, 4))], ["a"], value_label="scaled value")
    assert named[0].figure.axes[-1].get_ylabel() == "scaled value"
    with pytest.raises(ValueError, match="one title per sequence"):
        lh.plot_sequences([np.ones((3, 4))], [])
    _, given = plt.subplots(1, 2)
    assert list(lh.plot_sequences([np.ones((2, 2))] * 2, ["a", "b"], axes=given)) == list(given)
