import dataclasses

import pytest

import lstm_helpers as lh


def test_configs_are_frozen_and_replace_validates():
    cfg = lh.ModelConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.hidden_size = 3
    assert dataclasses.replace(cfg, hidden_size=8).hidden_size == 8
    with pytest.raises(ValueError, match="hidden_size"):
        dataclasses.replace(cfg, hidden_size=0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"hidden_size": 0}, "hidden_size must be a positive integer, got 0"),
        ({"num_layers": -1}, "num_layers must be a positive integer"),
        ({"input_size": 0}, "features per step"),
        ({"dropout": 1.0}, r"dropout must be in \[0.0, 1.0\), got 1.0"),
        ({"dropout": -0.1}, "dropout"),
        ({"cell": "gru"}, "cell must be one of"),
    ],
)
def test_model_config_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lh.ModelConfig(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"lr": 0}, "lr must be a finite number > 0, got 0"),
        ({"lr": -1e-3}, "Typical Adam learning rates"),
        ({"max_epochs": 0}, "max_epochs"),
        ({"clip_norm": 0.0}, "Use None to turn clipping off"),
        ({"patience": 0}, "patience"),
    ],
)
def test_train_config_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lh.TrainConfig(**kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"seq_length": 0}, "seq_length must be a positive integer"),
        ({"seq_length": 1000}, "at least one window fits"),
        ({"batch_size": 0}, "batch_size"),
        ({"noise_std": -1}, "noise_std"),
        ({"train_frac": 0.9, "val_frac": 0.2}, "below 1 so that a test part remains"),
    ],
)
def test_data_config_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        lh.DataConfig(**kwargs)


@pytest.mark.tooling  # process plumbing, not numbers: one CPU path is enough
def test_import_has_no_side_effects():
    """Importing the package seeds nothing and changes no plotting settings."""
    import subprocess
    import sys

    code = (
        "import matplotlib as mpl, torch; before = dict(mpl.rcParams); "
        "s = torch.initial_seed(); import lstm_helpers; "
        "assert torch.initial_seed() == s; assert dict(mpl.rcParams) == before; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_set_seed_makes_torch_numpy_and_random_repeatable():
    import random

    import numpy as np
    import torch

    lh.set_seed(5)
    a = (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002
    lh.set_seed(5)
    assert a == (random.random(), np.random.rand(), torch.rand(1).item())  # noqa: NPY002


@pytest.mark.parametrize(("available", "expected"), [(False, "cpu"), (True, "cuda")])
def test_get_device_picks_cuda_exactly_when_it_is_available(monkeypatch, available, expected):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
    assert lh.get_device() == torch.device(expected)


def test_the_unit_tests_run_with_the_thread_count_they_state():
    import os

    import torch

    assert torch.get_num_threads() == int(os.environ.get("OMP_NUM_THREADS", "1"))


def test_expect_error_prints_one_line_and_insists_on_the_error(capsys):
    import torch

    with lh.expect_error(RuntimeError):
        torch.zeros(2, 3) @ torch.zeros(2, 3)
    printed = capsys.readouterr().out
    assert printed.startswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied")
    assert printed.count("\n") == 1 and "Traceback" not in printed
    with pytest.raises(AssertionError, match="expected ValueError, but the block ran"):
        with lh.expect_error(ValueError):
            pass
    with pytest.raises(KeyError):  # another type is not swallowed
        with lh.expect_error(ValueError):
            raise KeyError("x")
