"""Root pytest configuration: nbval's sanitize file independent of the cwd; longest files first."""

from pathlib import Path


def pytest_configure(config):
    if hasattr(config.option, "nbval_sanitize_with"):
        config.option.nbval_sanitize_with = str(Path(config.rootpath) / "nbval_sanitize.cfg")


# The test files that take longest, longest first (CPU seconds per file in one run of the suite
# on 2 cores, measured 2026-12-03: 30 to 90 s each; the rest take under 20 s). tasks.py passes
# `--dist loadfile --no-loadscope-reorder`, so pytest-xdist hands whole files to its workers in
# this order: the long files start first and short ones fill the gaps, instead of one worker
# running the longest file alone at the end. A stale list costs time, never a result.
LONGEST_FIRST = [
    "test_browser_e2e.py",
    "04b_honest_forecasting.ipynb",
    "07_real_data_co2.ipynb",
    "test_train_char_lm.py",
    "05b_stateful_and_production_training.ipynb",
    "08_character_language_model.ipynb",
    "06_hyperparameter_explorer.ipynb",
    "test_browser_slides.py",
    "test_student_copies.py",
    "03_training_with_clipping.ipynb",
    "02b_inside_the_lstm.ipynb",
    "05_bidirectional_and_readouts.ipynb",
    "09_who_is_speaking.ipynb",
    "test_explorer_background.py",
    "test_site.py",
    "test_widgets.py",
    "04_evaluation.ipynb",
]


def pytest_collection_modifyitems(config, items):
    """Run the longest files first (a stable sort: order within a file is kept)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
