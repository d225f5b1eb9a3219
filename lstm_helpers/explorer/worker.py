"""The explorer's worker process: background runs of `run_experiment`, away from the kernel.

A slider release in JupyterLab must not block the kernel, so the run goes elsewhere. A thread
would share the kernel's global random generators with the learner's other cells (and
`nn.LSTM`'s dropout draws from them inside C++, where no private generator reaches), so a
run would change the learner's numbers and get different ones itself. A separate process
has its own generators: it seeds them exactly as a foreground run does, so the same settings
give bit-identical results in both places.

`TrainingWorker` starts one process (multiprocessing's "spawn" context, so nothing of the
kernel's state is copied), lazily on the first `submit`, and reuses it for every later job.
Each `Job` carries the frozen configs and the caller's torch thread count. The process sends
back, through a queue, ("progress", generation, History) after every epoch and then one of
("done", generation, RunResult), ("cancelled", generation, None) or ("error", generation,
(type name, message, traceback text)); results travel pickled as plain bytes. A shared
counter holds the newest job's generation: a running job that sees a newer one stops at the
end of its epoch. `close()` ends the process; one left open ends when the interpreter exits.
No ipywidgets here: the process imports only the runner.
"""

from __future__ import annotations

import atexit
import multiprocessing
import pickle
import queue
import threading
import time
import traceback
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch

from lstm_helpers.config import DataConfig, ModelConfig, TrainConfig
from lstm_helpers.explorer.runner import run_experiment
from lstm_helpers.training import History

POLL_SECONDS = 0.25  # how often a waiting side checks that the other one is still alive
# Processes kept alive at once (each holds torch, about 300 MB). Starting another closes the
# least recently used idle ones; their explorers start a new process when asked to train.
# A learner who re-runs the cell that makes an explorer leaves the old one behind, still
# holding its process: this bounds what such leftovers cost.
MAX_OPEN = 2
_OPEN: weakref.WeakSet[TrainingWorker] = weakref.WeakSet()
_STARTING = threading.Lock()  # one process start at a time, so retiring never deadlocks


@dataclass(frozen=True)
class Job:
    """One run for the worker: the configs, the optimizer and the caller's torch settings."""

    generation: int
    data_config: DataConfig
    model_config: ModelConfig
    train_config: TrainConfig
    optimizer: str
    threads: int  # torch.get_num_threads() where the run was asked for
    live: bool = True  # send a History after every epoch


class WorkerDied(RuntimeError):
    """The worker process ended while a job was running (killed, out of memory, ...)."""


class TrainingWorker:
    """A reusable process that runs `Job`s one at a time and streams back what happens."""

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._jobs: Any = None
        self._replies: Any = None
        self._latest: Any = None  # shared counter: the newest generation asked for
        self._lock = threading.RLock()  # guards starting, submitting and closing
        self.busy = False  # a job was sent and its final reply has not come back
        self.last_used = 0.0  # time.monotonic() of the last submit or final reply
        self.started_seconds: float | None = None  # how long the process took to start

    @property
    def alive(self) -> bool:
        """True while the worker process runs."""
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        """The process id of the worker (None before the first job)."""
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        if self._process is not None:  # it died: release its queues before starting anew
            self.close(timeout=1.0)
        _retire_idle(keep=MAX_OPEN - 1, starting=self)
        start = time.perf_counter()
        self._jobs, self._replies = self._ctx.Queue(), self._ctx.Queue()
        self._latest = self._ctx.Value("q", 0)
        self._process = self._ctx.Process(
            target=serve,
            args=(self._jobs, self._replies, self._latest),
            name="lstm-explorer-worker",
            daemon=True,  # never outlives the kernel
        )
        self._process.start()
        while True:  # wait for "ready": torch and the runner are imported
            try:
                self._replies.get(timeout=POLL_SECONDS)
                break
            except queue.Empty:
                if not self._process.is_alive():
                    raise WorkerDied(
                        f"the explorer's worker process did not start (exit code "
                        f"{self._process.exitcode}); see the kernel's log for why."
                    ) from None
        self.started_seconds = time.perf_counter() - start
        _OPEN.add(self)

    def submit(self, job: Job) -> None:
        """Send a job, starting the process first if it is not running."""
        with self._lock:
            if not self.alive:
                with _STARTING:
                    self._start()
            self.busy, self.last_used = True, time.monotonic()
            self.newest(job.generation)
            self._jobs.put(job)

    def newest(self, generation: int) -> None:
        """Tell a running job that a newer one (`generation`) exists: it stops after its epoch."""
        if self._latest is not None:
            self._latest.value = generation

    def replies(self, generation: int) -> Iterator[tuple[str, Any]]:
        """Yield (kind, payload) for job `generation` until it is done, cancelled or failed."""
        try:
            while True:
                try:
                    kind, gen, payload = self._replies.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    if not self.alive:
                        code = self._process.exitcode if self._process is not None else None
                        raise WorkerDied(
                            f"the explorer's worker process ended (exit code {code}) during a "
                            "run; the next run starts a new one."
                        ) from None
                    continue
                if gen != generation:
                    continue  # left over from a job that was given up
                if kind == "done":
                    payload = pickle.loads(payload)
                yield kind, payload
                if kind != "progress":
                    return
        finally:
            self.busy, self.last_used = False, time.monotonic()

    def close(self, timeout: float = 10.0) -> None:
        """End the process (after its current epoch) and wait for it."""
        with self._lock:
            self._close(timeout)

    def close_if_idle(self, timeout: float = 10.0) -> bool:
        """End the process unless a job is running or being sent; True if it was ended."""
        if not self._lock.acquire(blocking=False):
            return False  # its explorer is starting or sending a job right now
        try:
            if self.busy or not self.alive:
                return False
            self._close(timeout)
            return True
        finally:
            self._lock.release()

    def _close(self, timeout: float) -> None:
        _OPEN.discard(self)
        process, self._process = self._process, None
        if process is None:
            return
        if process.is_alive():
            self._latest.value = -1  # stops a running job after its epoch
            self._jobs.put(None)
            process.join(timeout)
            if process.is_alive():
                process.terminate()
                process.join(timeout)
        for q in (self._jobs, self._replies):
            q.close()
            q.join_thread()


def serve(jobs: Any, replies: Any, latest: Any) -> None:
    """The worker process: run jobs until a None arrives or the parent process ends."""
    parent = multiprocessing.parent_process()
    replies.put(("ready", 0, None))
    while True:
        try:
            job = jobs.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                return  # the kernel is gone (killed): do not linger
            continue
        if job is None:
            return
        replies.put(run_job(job, replies, latest))


def run_job(job: Job, replies: Any, latest: Any) -> tuple[str, int, Any]:
    """Run one job; send its progress; return the final ("done" | "cancelled" | "error") reply."""
    torch.set_num_threads(job.threads)

    def on_epoch(history: History) -> bool:
        stale = latest.value != job.generation
        if job.live and not stale:
            replies.put(("progress", job.generation, pickle.loads(pickle.dumps(history))))
        return stale

    try:
        result = run_experiment(
            job.data_config,
            job.model_config,
            job.train_config,
            optimizer=job.optimizer,
            callback=on_epoch,
        )
    except Exception as exc:
        text = "".join(traceback.format_exception(exc))
        return "error", job.generation, (type(exc).__name__, str(exc), text)
    if latest.value != job.generation:
        return "cancelled", job.generation, None
    # Plain pickle bytes: tensors copied, not moved to shared memory (torch's queue pickler).
    return "done", job.generation, pickle.dumps(result)


def _retire_idle(keep: int, starting: TrainingWorker) -> None:
    """Close the least recently used idle workers until at most `keep` others are alive."""
    others = [w for w in list(_OPEN) if w is not starting and w.alive]
    for worker in sorted((w for w in others if not w.busy), key=lambda w: w.last_used):
        if len(others) <= keep:
            return
        if worker.close_if_idle(timeout=2.0):
            others.remove(worker)


@atexit.register
def _close_all() -> None:
    for worker in list(_OPEN):
        worker.close(timeout=2.0)
