"""Background runs for an explorer: the newest request wins; progress comes back live.

`BackgroundRuns` keeps at most one job waiting. A thread in the kernel takes it, sends it to
the worker process (`worker.py`) and turns the replies into calls of the explorer's handlers:
`on_start(job)`, `on_progress(job, history)` after every epoch, then `on_done(job, result)`
or `on_error(job, type_name, message, traceback_text)`. A request that arrives while a job
runs replaces the waiting one and tells the running one to stop at the end of its epoch, so
five quick slider releases train twice (the run in progress, then the last settings), never
five times. Replies of a job that has been superseded are dropped. No widgets here.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from lstm_helpers.explorer.worker import Job, TrainingWorker


class BackgroundRuns:
    """Run the newest requested `Job` in a worker process and relay what happens to handlers."""

    def __init__(
        self,
        *,
        on_start: Callable[[Job], None],
        on_progress: Callable[[Job, Any], None],
        on_done: Callable[[Job, Any], None],
        on_error: Callable[[Job | None, str, str, str], None],
    ) -> None:
        self.on_start, self.on_progress, self.on_done, self.on_error = (
            on_start,
            on_progress,
            on_done,
            on_error,
        )
        self.worker = TrainingWorker()
        self._cond = threading.Condition()
        self._generation = 0  # bumped by every request and cancel; older jobs are stale
        self._pending: Job | None = None
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def request(self, job: Job) -> None:
        """Run `job` next: it replaces a waiting job and stops a running one after its epoch."""
        with self._cond:
            if self._closed:
                raise RuntimeError("this explorer was closed; make a new one to train again.")
            self._generation += 1
            self._pending = replace(job, generation=self._generation)
            self.worker.newest(self._generation)
            self._cond.notify_all()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="lstm-explorer-relay", daemon=True
                )
                self._thread.start()

    def cancel(self) -> None:
        """Drop the waiting job and stop the running one at the end of its epoch."""
        with self._cond:
            self._generation += 1
            self._pending = None
            self.worker.newest(self._generation)
            self._cond.notify_all()

    @property
    def idle(self) -> bool:
        """True when no job is waiting or running."""
        with self._cond:
            return self._pending is None and not self._busy

    def wait(self, timeout: float | None = None) -> None:
        """Block until no job is waiting or running; TimeoutError after `timeout` seconds."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._pending is None and not self._busy, timeout):
                raise TimeoutError(f"the explorer was still training after {timeout} s")

    def close(self) -> None:
        """Stop the relay thread and end the worker process."""
        with self._cond:
            self._closed = True
            self._generation += 1
            self._pending = None
            self.worker.newest(self._generation)
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.worker.close()

    def _stale(self, job: Job) -> bool:
        return job.generation != self._generation

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._closed:
                    return
                job, self._pending = self._pending, None
                self._busy = True
            try:
                self._run(job)
            except Exception as exc:  # the process died, or a handler failed: show it
                text = "".join(traceback.format_exception(exc))
                self.on_error(job, type(exc).__name__, str(exc), text)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _run(self, job: Job) -> None:
        if self._stale(job):
            return
        self.on_start(job)
        self.worker.submit(job)  # starts the process on first use (seconds)
        with self._cond:
            self.worker.newest(self._generation)  # a request may have come while it started
        for kind, payload in self.worker.replies(job.generation):
            if self._stale(job):
                continue  # superseded: wait for its end quietly, a newer job is waiting
            if kind == "progress":
                self.on_progress(job, payload)
            elif kind == "done":
                self.on_done(job, payload)
            elif kind == "error":
                self.on_error(job, *payload)
