import matplotlib.pyplot as plt
import numpy as np
import pytest

import lstm_helpers as lh
from lstm_helpers.plots.style import GUIDE


def history():
    return lh.History(
        train_loss=[1.0, 0.5, 0.2],
        val_loss=[1.1, 0.6, 0.3],
        step_grad_norm=[3.0, 0.5, 2.0, 0.1],
        best_epoch=3,
    )


def test_plots_draw_the_given_data_on_the_given_axes():
    _, ax = plt.subplots()
    assert lh.plot_series(np.arange(5.0), ax=ax) is ax
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), np.arange(5.0))


def test_plot_losses_has_train_and_validation_on_log_scale():
    ax = lh.plot_losses(history())
    assert ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 0.5, 0.2])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.1, 0.6, 0.3])


def test_plot_losses_marks_a_best_epoch_only_with_validation_losses():
    labels = [line.get_label() for line in lh.plot_losses(history()).lines]
    assert labels[-1] == "best (epoch 3)"
    train_only = lh.History(train_loss=[1.0, 0.5], best_epoch=2)  # fit without val_loader
    assert [line.get_label() for line in lh.plot_losses(train_only).lines] == ["train"]


def test_plot_grad_norms_after_clipping_is_bounded():
    ax = lh.plot_grad_norms(history(), max_norm=1.0)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1.0, 0.5, 1.0, 0.1])


def test_plot_predictions_flattens_column_vectors():
    ax = lh.plot_predictions(np.ones((4, 1)), np.zeros((4, 1)))
    assert ax.lines[0].get_ydata().shape == (4,)


def test_plot_window_marks_the_target_after_the_window():
    ax = lh.plot_window(np.zeros((10, 1)), np.array([1.0]))
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [10])


def test_no_figure_is_shown_or_leaked_by_a_plot_with_axes():
    before = plt.get_fignums()
    _, ax = plt.subplots()
    lh.plot_series(np.arange(3.0), ax=ax)
    assert len(plt.get_fignums()) == len(before) + 1


def test_plot_clipping_runs_draws_both_runs_and_notes_divergence():
    clipped = history()
    unclipped = lh.History(step_grad_norm=[1.0, 10.0, 1e6], stop_reason="diverged")
    ax_norm, ax_loss = lh.plot_clipping_runs(clipped, unclipped, max_norm=1.0)
    np.testing.assert_array_equal(ax_norm.lines[-1].get_ydata(), [1.0, 10.0, 1e6])
    assert ax_norm.lines[-1].get_label() == "no clipping (until NaN)"
    assert "diverged (NaN), no epoch finished" in ax_loss.get_title()  # clear of the data
    assert not ax_loss.texts
    labels = [line.get_label() for line in ax_loss.lines]
    assert "train, clipped" in labels and "validation, clipped" in labels


def test_plot_clipping_runs_leaves_a_diverged_runs_losses_out():
    clipped = history()
    unclipped = lh.History(train_loss=[1e9], step_grad_norm=[1.0, 1e6], stop_reason="diverged")
    _, ax_loss = lh.plot_clipping_runs(clipped, unclipped, max_norm=1.0)
    labels = [line.get_label() for line in ax_loss.lines]
    assert "train, no clipping" not in labels and "diverged (NaN)" in ax_loss.get_title()
    assert "no epoch finished" not in ax_loss.get_title()
    finished = lh.History(train_loss=[0.5, 0.4], step_grad_norm=[1.0, 2.0])
    _, ax_loss = lh.plot_clipping_runs(clipped, finished, max_norm=1.0)
    assert "train, no clipping" in [line.get_label() for line in ax_loss.lines]


def test_plot_lm_history_draws_the_running_mean_validation_and_baselines():
    history = lh.LMHistory(train_bpc=[6.0, 4.0, 2.0, 2.0], val_steps=[0, 4], val_bpc=[6.0, 2.5])
    ax = lh.plot_lm_history(history, {"n-gram": 2.4}, smooth=2)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [5.0, 3.0, 2.0])
    np.testing.assert_array_equal(ax.lines[1].get_xdata(), [0, 4])
    assert ax.lines[2].get_ydata()[0] == 2.4 and "n-gram" in ax.lines[2].get_label()


def test_plot_lm_history_draws_baselines_grey_each_with_its_own_dashes():
    history = lh.LMHistory(train_bpc=[6.0, 4.0, 2.0], val_steps=[0, 3], val_bpc=[6.0, 2.5])
    ax = lh.plot_lm_history(history, {"a": 2.7, "b": 2.5, "c": 2.4})
    model_lines, baselines = ax.lines[:2], ax.lines[2:]
    assert {line.get_color() for line in baselines} == {GUIDE}
    assert GUIDE not in {line.get_color() for line in model_lines}
    dashes = [str(line._unscaled_dash_pattern) for line in ax.lines[1:]]  # matplotlib's pattern
    assert len(set(dashes)) == len(dashes)  # validation and each baseline: all different


def test_plot_next_char_probs_orders_by_the_first_distribution():
    vocab = lh.Vocab("ab\n")
    ax = lh.plot_next_char_probs({"t=1": np.array([0.2, 0.1, 0.7]), "t=2": np.ones(3) / 3}, vocab)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["⏎", "a", "b"]
    assert len(ax.patches) == 6


def test_plot_text_heat_puts_each_character_on_its_line():
    ax = lh.plot_text_heat("ab\ncde\n", np.arange(7.0))
    grid = ax.images[0].get_array()
    assert grid.shape == (2, 4)
    np.testing.assert_array_equal(grid[1], [3.0, 4.0, 5.0, 6.0])
    assert [t.get_text() for t in ax.texts[:3]] == ["a", "b", "⏎"]


def test_plot_bpc_by_one_line_per_model():
    ax = lh.plot_bpc_by([1, 2, 3], {"a": [3.0, 2.0, 1.0], "b": [2.0, 2.0, 2.0]}, xlabel="order")
    assert [line.get_label() for line in ax.lines] == ["a", "b"]


def test_plot_faults_draws_one_panel_per_episode_with_both_lines():
    labels = np.zeros(100, dtype=int)
    labels[20:30], labels[60:70] = 1, 2
    clean = np.sin(np.arange(100) / 3.0)
    observed = clean + 2.0 * (labels > 0)
    axes = lh.plot_faults(clean, observed, labels, names=["offset", "more"], pad=5)
    assert len(axes) == 2 and axes[1].get_title() == "2 · more"
    np.testing.assert_array_equal(axes[0].lines[1].get_ydata(), observed[15:35])  # observed on top
    assert len(axes[0].patches) == 1  # the shaded episode
    with pytest.raises(ValueError, match="name each of the 2 episodes"):
        lh.plot_faults(clean, observed, labels, names=["one"])


def test_plot_detection_draws_signal_scores_thresholds_and_alarms():
    labels = np.zeros(100, dtype=int)
    labels[40:50] = 1
    score = np.ones(100)
    score[42] = 10.0  # above the threshold, and cut off at 2.5 x threshold
    axes = lh.plot_detection(
        np.arange(100.0),
        {"s": score},
        {"s": 2.0},
        labels,
        start=10,
        rate=10.0,
        names=["bump"],
        marks={"test": 30},
    )
    assert len(axes) == 2
    score_line, threshold_line, alarm_ticks = axes[1].lines[:3]
    assert score_line.get_ydata().max() == 5.0 and threshold_line.get_ydata()[0] == 2.0
    np.testing.assert_allclose(alarm_ticks.get_xdata(), [4.2])  # step 42 at 10 steps per second
    assert axes[1].get_xlim() == (1.0, 10.0)
    assert axes[1].get_ylabel() == "s score"
    assert [t.get_text() for t in axes[0].texts] == ["bump", " test →"]
    with pytest.raises(ValueError, match="one threshold per score"):
        lh.plot_detection(np.arange(100.0), {"s": score}, {"t": 2.0}, labels)
