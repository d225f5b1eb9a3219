"""Unit-test fixtures: a non-interactive plotting backend, a fixed torch thread count, a seed.

The thread count is `OMP_NUM_THREADS` (which `tasks.py test --threads N` sets, and which the
notebook kernels read too), or 1 when it is not set, so a bare `pytest` runs like the suite.
"""

import os

import matplotlib
import pytest
import torch

matplotlib.use("Agg")
THREADS = int(os.environ.get("OMP_NUM_THREADS", "1"))
torch.set_num_threads(THREADS)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close figures each test opens, so none leak into the next."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(autouse=True)
def _seed():
    """Every test starts from the same global RNG state."""
    torch.manual_seed(0)
