"""The class's set-up check, headless: the facts it reports and the widget line's two states.

Without a kernel, ipywidgets uses a dummy comm, so setting `_view_count` by hand runs the
observer as a front end's first view would. The real-browser test renders it in JupyterLab.
"""

import platform

import torch

import lstm_helpers as lh
from lstm_helpers.environment import NOT_RENDERED, WAITING, WORKING, Environment


def test_reports_python_torch_threads_cpus_and_package_versions():
    report = lh.setup_check()
    text = str(report)
    assert f"Python {platform.python_version()}" in text
    assert f"torch {torch.__version__}, device cpu" in text or "device cuda" in text
    assert f"{torch.get_num_threads()} torch thread" in text
    for name in ("ipywidgets", "jupyterlab", "jupyterlab-rise", "lstm-helpers"):
        line = next(line for line in text.splitlines() if line.strip().startswith(name + " "))
        assert report.env.packages[name] in line
    assert report.env.problems() == []


def test_widget_line_says_waiting_until_a_front_end_draws_it_then_that_widgets_work():
    report = lh.setup_check()
    assert report.probe._view_count == 0 and not report.widgets_render and not report.ok
    assert WAITING in report.probe.value and WORKING not in report.probe.value
    report.probe._view_count = 1  # what JupyterLab's widget manager does when it draws it
    assert report.widgets_render and report.ok
    assert WORKING in report.probe.value and WAITING not in report.probe.value


def test_where_nothing_draws_it_the_plain_text_says_what_to_fix():
    bundle = lh.setup_check()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # a live front end shows this
    plain = bundle["text/plain"]  # a static view or a front end without widgets shows this
    assert plain.endswith(NOT_RENDERED)
    assert "python3 tasks.py lab" in plain and "jupyterlab_widgets" in plain


def test_problems_name_their_fix():
    env = Environment(
        python="3.10.4",
        platform="Linux x86_64",
        torch="2.13.0",
        device="cpu",
        torch_threads=1,
        cpu_count=4,
        packages={"lstm-helpers": "0.1.0", "ipywidgets": None, "ipykernel": "7.4.0"},
    )
    problems = env.problems()
    assert any("3.11 or newer" in p for p in problems)
    assert any(
        p.startswith("ipywidgets is not installed") and "tasks.py lab" in p for p in problems
    )
    assert "1 torch thread," in "\n".join(env.lines())
    assert "✗ ipywidgets is not installed" in "\n".join(env.lines())
