"""The explorer's background mode: runs in a worker process, the newest request wins.

In JupyterLab, clicks and slider releases train in a separate process (lstm_helpers/explorer/
worker.py), so the learner's random state is never touched and results equal foreground runs.
These tests start real worker processes (spawn: a few seconds each), so one explorer is shared
by most of them; each test starts from its defaults and an empty run table.
"""

import os
import random
import signal
import time

import numpy as np
import pytest
import torch

from lstm_helpers import ModelConfig
from lstm_helpers.explorer import worker as worker_module
from lstm_helpers.explorer.widget import Explorer
from lstm_helpers.explorer.worker import TrainingWorker

SMALL = {"hidden_size": 8, "max_epochs": 2}


@pytest.fixture(scope="module")
def shared():
    ex = Explorer(background=True, auto_train=False, **SMALL)
    yield ex
    ex.close()


@pytest.fixture
def ex(shared):
    shared.wait(timeout=120)
    shared.auto_train.value = False
    shared.reset()
    shared.model_config = ModelConfig()
    yield shared
    shared.cancel()


def background_run(explorer: Explorer, timeout: float = 120) -> object:
    before = len(explorer.runs)
    explorer.train_button.click()
    result = explorer.wait(timeout=timeout)
    assert len(explorer.runs) == before + 1, explorer.status.value
    return result


def global_draws() -> tuple[float, float, float]:
    return random.random(), np.random.rand(), torch.rand(1).item()  # noqa: NPY002


def seed_all(seed: int) -> None:
    random.seed(seed), np.random.seed(seed), torch.manual_seed(seed)  # noqa: NPY002


def test_background_and_foreground_runs_agree_bit_for_bit_and_leave_the_rng_alone(ex):
    ex.set(num_layers=2, dropout=0.3)  # dropout draws from the global generator inside C++
    seed_all(5)
    expected = global_draws()
    seed_all(5)
    bg = background_run(ex)
    assert ex._background.worker.pid != os.getpid()
    assert global_draws() == expected  # the learner's RNGs did not move
    seed_all(5)
    torch.rand(100)  # the learner's cells draw in between: no effect on the run
    fg = ex.run()
    assert bg.val_metrics == fg.val_metrics
    assert bg.history.train_loss == fg.history.train_loss
    assert bg.history.step_grad_norm == fg.history.step_grad_norm
    for (name, a), b in zip(
        bg.model.state_dict().items(), fg.model.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b), name


def test_the_worker_trains_with_the_kernels_thread_count(ex, monkeypatch):
    sent = []
    real = TrainingWorker.submit
    monkeypatch.setattr(
        TrainingWorker, "submit", lambda self, job: sent.append(job) or real(self, job)
    )
    threads = torch.get_num_threads()
    background_run(ex)
    assert [job.threads for job in sent] == [threads]


def test_latest_settings_win_and_queued_requests_collapse(ex, monkeypatch):
    """Releases that arrive during a run cancel it and collapse into one job for the worker."""
    sent = []
    real = TrainingWorker.submit
    monkeypatch.setattr(
        TrainingWorker, "submit", lambda self, job: sent.append(job) or real(self, job)
    )
    pid = ex._background.worker.pid
    ex.set(max_epochs=100)
    assert ex.progress.value == 0  # (reset)
    ex.auto_train.value = True
    ex.train_button.click()  # a long run starts in the worker process
    deadline = time.monotonic() + 60
    while not sent or ex.progress.value < 1:  # until its first epoch is reported back
        assert time.monotonic() < deadline, "the background run did not start"
        time.sleep(0.01)
    # Five releases arrive together, as queued events do when the kernel gets to them.
    with ex._background._cond:
        for h in (10, 12, 14, 16):
            ex.controls["hidden_size"].value = h
        ex.controls["max_epochs"].value = 2
    result = ex.wait(timeout=60)
    assert [job.model_config.hidden_size for job in sent] == [8, 16]  # running, then latest
    assert [job.train_config.max_epochs for job in sent] == [100, 2]
    assert len(ex.runs) == 1 and result is ex.runs[0]  # the cancelled run is not recorded
    assert result.settings == ex.settings
    assert result.model.lstm.hidden_size == 16 and result.history.epochs == 2
    assert "Run 1" in ex.metrics.value and "H=16" in ex.metrics.value
    assert ex._background.worker.pid == pid  # the same process, reused


def test_run_from_code_cancels_a_background_run(ex):
    ex.set(max_epochs=100)
    ex.train_button.click()
    result = ex.run(max_epochs=1)  # waits for the background run to stop, then trains here
    assert result.history.epochs == 1 and [r.number for r in ex.runs] == [1]


def test_an_error_in_the_worker_is_shown_and_the_worker_survives(ex):
    pid = ex._background.worker.pid
    ex.model_config = ModelConfig(input_size=2)  # the model expects 2 features, the data has 1
    ex.train_button.click()
    ex.wait(timeout=120)
    status = ex.status.value
    assert "ValueError" in status and "expected input of shape" in status
    assert "run_experiment" in status and "<details>" in status  # the worker's traceback
    assert ex.runs == [] and ex.progress.bar_style == "danger"
    assert ex._background.worker.alive and ex._background.worker.pid == pid
    ex.model_config = ModelConfig()
    assert background_run(ex).number == 1  # the same process takes the next job
    assert ex._background.worker.pid == pid


@pytest.mark.tooling  # process plumbing, not numbers: one CPU path is enough
def test_a_killed_worker_is_reported_replaced_and_close_ends_the_process():
    ex = Explorer(background=True, auto_train=False, **SMALL)
    try:
        assert ex._background.worker.pid is None  # started lazily, by the first background run
        ex.set(max_epochs=100)
        ex.train_button.click()
        deadline = time.monotonic() + 120
        while ex.progress.value < 1:
            assert time.monotonic() < deadline, "the background run did not start"
            time.sleep(0.01)
        first = ex._background.worker.pid
        os.kill(first, signal.SIGKILL)  # killed mid-run (out of memory, say)
        ex.wait(timeout=60)
        assert "WorkerDied" in ex.status.value and "next run starts a new one" in ex.status.value
        ex.set(max_epochs=2)
        assert background_run(ex).history.epochs == 2  # a new process took the job
        worker = ex._background.worker
        process = worker._process
        assert worker.pid != first and process.is_alive()
    finally:
        ex.close()
    assert not process.is_alive() and process.exitcode == 0  # ended cleanly, not killed
    assert not worker.alive
    with pytest.raises(RuntimeError, match="closed"):
        ex.request()


@pytest.mark.tooling  # process plumbing, not numbers: one CPU path is enough
def test_idle_worker_processes_are_capped(ex, monkeypatch):
    """Explorers left behind (a re-run cell) do not each keep a process of torch alive."""
    monkeypatch.setattr(worker_module, "MAX_OPEN", 1)
    mine = ex._background.worker
    background_run(ex)
    other = Explorer(background=True, auto_train=False, **SMALL)
    try:
        background_run(other)  # starting its process closes the idle one of `ex`
        assert not mine.alive and other._background.worker.alive
        assert background_run(ex).number == 2  # `ex` still trains: a new process, theirs closed
        assert mine.alive and not other._background.worker.alive
    finally:
        other.close()
