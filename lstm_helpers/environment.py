"""The set-up check for a class: what this kernel runs on, and whether widgets render here.

    import lstm_helpers as lh
    lh.setup_check()

shows Python, torch (version, device, threads), the CPU count, the versions of the packages
the notebooks need, and one line about widgets. That line is itself a small widget: its
front end counts the views it draws (ipywidgets' `_view_count`, started at 0), and when the
count reaches 1 the kernel rewrites the line to say that widgets work. Where nothing draws it
(a static viewer, a front end without the widget manager) the plain-text form is shown
instead, and it says what to fix. A teacher can walk past thirty screens and look for one
green line.
"""

from __future__ import annotations

import html
import importlib.metadata
import os
import platform
from dataclasses import dataclass, field
from typing import Any

import torch

# (distribution name, what it is for): the packages whose versions matter in class.
PACKAGES = (
    ("lstm-helpers", "this series' helpers"),
    ("numpy", "arrays"),
    ("matplotlib", "plots"),
    ("ipywidgets", "the explorer's sliders (kernel side)"),
    ("ipykernel", "the notebook kernel"),
    ("jupyterlab", "the notebook front end"),
    ("jupyterlab_widgets", "the explorer's sliders (JupyterLab side)"),
    ("jupyterlab-rise", "slideshows"),
)
MIN_PYTHON = (3, 11)
WAITING = "… widgets: waiting for this page to draw this line"
WORKING = "✓ widgets render here: the explorer's sliders will work"
NOT_RENDERED = (
    "✗ widgets do not render here, so the sliders of notebook 06 will not work. "
    "In JupyterLab: open the notebooks with `python3 tasks.py lab` (it installs "
    "jupyterlab_widgets), then reload the page and run this cell again. In VS Code: install the "
    "Jupyter extension. A static view (GitHub, the course web site) cannot run widgets."
)


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True)
class Environment:
    """The facts a teacher compares across laptops."""

    python: str
    platform: str
    torch: str
    device: str
    torch_threads: int
    cpu_count: int
    packages: dict[str, str | None] = field(default_factory=dict)  # None: not installed

    @classmethod
    def current(cls) -> Environment:
        device = "cuda" if torch.cuda.is_available() else "cpu"
        if device == "cuda":
            device += f" ({torch.cuda.get_device_name(0)})"
        return cls(
            python=platform.python_version(),
            platform=f"{platform.system()} {platform.machine()}",
            torch=torch.__version__,
            device=device,
            torch_threads=torch.get_num_threads(),
            cpu_count=os.cpu_count() or 1,
            packages={name: _version(name) for name, _ in PACKAGES},
        )

    def problems(self) -> list[str]:
        """What would stop the notebooks, each with its fix."""
        found = []
        if tuple(int(p) for p in self.python.split(".")[:2]) < MIN_PYTHON:
            found.append(
                f"Python {self.python} is too old: the notebooks need "
                f"{'.'.join(map(str, MIN_PYTHON))} or newer."
            )
        for name in ("lstm-helpers", "ipywidgets", "ipykernel"):
            if self.packages.get(name) is None:
                found.append(f"{name} is not installed in this kernel: run `python3 tasks.py lab`.")
        return found

    def lines(self) -> list[str]:
        threads = "thread" if self.torch_threads == 1 else "threads"
        lines = [
            f"Python {self.python} on {self.platform}",
            f"torch {self.torch}, device {self.device}, {self.torch_threads} torch {threads}, "
            f"{self.cpu_count} CPUs",
        ]
        width = max(len(name) for name, _ in PACKAGES)
        for name, purpose in PACKAGES:
            version = self.packages.get(name) or "not installed in this kernel"
            lines.append(f"  {name:<{width}}  {version:<12}  {purpose}")
        lines += [f"✗ {p}" for p in self.problems()]
        return lines


class SetupReport:
    """The check's result: shows as a widget (live front ends) or as text (anywhere else)."""

    def __init__(self, env: Environment, probe: Any) -> None:
        self.env = env
        self.probe = probe  # an ipywidgets.HTML whose front-end views are counted

    @property
    def widgets_render(self) -> bool:
        """True once a front end has drawn the probe widget."""
        return bool(self.probe._view_count)

    @property
    def ok(self) -> bool:
        return not self.env.problems() and self.widgets_render

    def text(self, widget_line: str) -> str:
        return "\n".join([*self.env.lines(), widget_line])

    def __str__(self) -> str:
        return self.text(WORKING if self.widgets_render else NOT_RENDERED)

    __repr__ = __str__

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.probe._repr_mimebundle_(**kwargs) or {}
        # Shown only where the widget is not drawn: a static copy, a front end without widgets.
        bundle["text/plain"] = self.text(NOT_RENDERED)
        return bundle


def _html(text: str) -> str:
    return f'<pre class="lstm-setup-check">{html.escape(text, quote=False)}</pre>'


def setup_check() -> SetupReport:
    """Report this kernel's set-up; as a cell's last line it shows itself ("run this cell").

    The returned report's `widgets_render` turns True when a front end draws it; `ok` also
    requires Python, lstm_helpers, ipywidgets and ipykernel to be in place.
    Shape: none.
    """
    import ipywidgets as widgets

    env = Environment.current()
    probe = widgets.HTML()
    report = SetupReport(env, probe)
    probe.value = _html(report.text(WAITING))
    probe.add_class("lstm-setup-check")

    def drawn(change: dict[str, Any]) -> None:
        if change["new"]:
            probe.value = _html(report.text(WORKING))

    probe.observe(drawn, names="_view_count")
    probe._view_count = 0  # start counting the views front ends create
    return report
