"""Root pytest configuration: make nbval's sanitize file path independent of the cwd."""

from pathlib import Path


def pytest_configure(config):
    if hasattr(config.option, "nbval_sanitize_with"):
        config.option.nbval_sanitize_with = str(Path(config.rootpath) / "nbval_sanitize.cfg")
