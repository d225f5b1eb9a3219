"""A throw-away JupyterLab server on 127.0.0.1, for real-browser tests and screenshots.

    with lab_server(folder) as lab:        # folder: the notebooks to serve
        page.goto(lab.url_for("lab/tree/x.ipynb"))

Free port, random token, its own settings, workspaces, runtime and IPython folders (nothing
read from or left in the user's Jupyter set-up), settings that remove JupyterLab's dialogs,
and the app exposed as `window.jupyterapp` so a page can wait for the kernel. The server runs
in its own process group and is stopped by its process id (and that group, for the kernels)
when the block ends. Chromium: Debian's /usr/bin/chromium, never `playwright install`.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# JupyterLab settings that remove dialogs: start the kernel without asking, no news prompt.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
KERNEL_IDLE = """() => {
  const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = nb && nb.sessionContext && nb.sessionContext.session
    && nb.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""
ALL_CELLS_RAN = """() => {
  const nb = window.jupyterapp.shell.currentWidget;
  const cells = nb.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code' && !cell.executionCount) return false;
  }
  return nb.sessionContext.session.kernel.status === 'idle';
}"""


@dataclass
class Lab:
    url: str
    token: str
    log: Path

    def url_for(self, path: str) -> str:
        return f"{self.url}/{path}?token={self.token}"

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return "\n".join(text[-lines:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def only_local(request_url: str) -> bool:
    """True for the requests a page may make offline: this machine, data: and blob: URLs."""
    return request_url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:", "file:")
    )


@contextmanager
def lab_server(root: Path, timeout: float = 90) -> Iterator[Lab]:
    """Run JupyterLab on `root` until the block ends."""
    with tempfile.TemporaryDirectory(prefix="lab-") as tmp:
        base = Path(tmp)
        settings, home, workspaces = base / "settings", base / "home", base / "workspaces"
        for folder in (settings, home, workspaces):
            folder.mkdir()
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        port, token = free_port(), secrets.token_hex(16)
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={workspaces}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "IPYTHONDIR": str(home / "ipython"),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
            # nbgrader's server extensions (full set) start `alembic` from this environment.
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        }
        env.pop("MPLBACKEND", None)
        lab = Lab(url=f"http://127.0.0.1:{port}", token=token, log=base / "jupyterlab.log")
        with lab.log.open("w") as log:
            server = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True
            )
            try:
                deadline = time.monotonic() + timeout
                while True:
                    if server.poll() is not None:
                        raise RuntimeError(
                            f"JupyterLab exited with {server.returncode}:\n{lab.tail()}"
                        )
                    try:
                        with urllib.request.urlopen(lab.url_for("api/status"), timeout=5):
                            break
                    except (urllib.error.URLError, ConnectionError, TimeoutError):
                        if time.monotonic() > deadline:
                            raise RuntimeError(
                                f"JupyterLab did not answer:\n{lab.tail()}"
                            ) from None
                        time.sleep(0.25)
                yield lab
            finally:
                server.terminate()  # SIGTERM: the server shuts its kernels down and exits
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait(timeout=10)
                try:
                    os.killpg(server.pid, signal.SIGKILL)  # a kernel left behind, if any
                except (ProcessLookupError, PermissionError, AttributeError):
                    pass
