"""The package keeps one obvious room for everything: small modules with a stated purpose,
no import cycles, documented public functions, and checkers that need no widgets."""

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import lstm_helpers as lh

PACKAGE = Path(lh.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 420  # "no module over ~400 lines"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_what_it_is_for_and_stays_small(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and len(doc.split()) >= 5, "open the module with a docstring saying its purpose"
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines: split it by job"


def top_level_imports(path: Path) -> set[str]:
    """The lstm_helpers modules a module imports when it is imported (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lstm_"):
            found.add(node.module)
            for alias in node.names:  # `from lstm_helpers import _checks` imports a module
                candidate = f"{node.module}.{alias.name}"
                if any(module_name(p) == candidate for p in MODULES):
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("lstm_")}
    return found


def test_no_import_cycles():
    graph = {module_name(p): top_level_imports(p) - {module_name(p)} for p in MODULES}
    graph = {
        m: {d for d in deps if d in graph and d != "lstm_helpers"} for m, deps in graph.items()
    }
    visiting, done = set(), set()

    def visit(module, trail):
        if module in done:
            return
        assert module not in visiting, "import cycle: " + " -> ".join([*trail, module])
        visiting.add(module)
        for dep in sorted(graph[module]):
            visit(dep, [*trail, module])
        visiting.discard(module)
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


@pytest.mark.tooling  # what an import loads, not numbers: one CPU path is enough
@pytest.mark.parametrize(
    "module", ["lstm_helpers", "lstm_helpers.explorer.runner", "lstm_helpers.exercises.nb06"]
)
def test_importing_without_widgets(module):
    code = f"import sys, {module}; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", f"{module} imports ipywidgets"


PUBLIC_FUNCTIONS = sorted(name for name in lh.__all__ if inspect.isfunction(getattr(lh, name)))


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_public_functions_have_hints_a_docstring_and_a_shape_line(name):
    function = getattr(lh, name)
    signature = inspect.signature(function)
    unhinted = [p for p in signature.parameters.values() if p.annotation is inspect.Parameter.empty]
    unhinted = [p.name for p in unhinted if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert not unhinted, f"{name}: add type hints for {unhinted}"
    assert signature.return_annotation is not inspect.Signature.empty, f"{name}: return type"
    doc = inspect.getdoc(function) or ""
    assert doc and doc.splitlines()[0].endswith("."), f"{name}: a one-line summary first"
    assert "Shape:" in doc, f"{name}: say the shapes in and out (a `Shape:` line)"


def test_every_model_has_the_same_interface_and_a_config():
    import torch

    from lstm_helpers.models import MODELS

    for config_class in MODELS:
        model = lh.build_model(config_class())
        assert model.config == config_class()
        # a character model reads ids (B, T); the others read features (B, T, F)
        x = (
            torch.zeros(2, 5, dtype=torch.long)
            if config_class is lh.CharLMConfig
            else torch.zeros(2, 5, 1)
        )
        y, hidden = model(x)  # forward(x, hidden=None) -> (y, hidden)
        y_again, _ = model(x, None)
        assert y.shape[0] == 2 and y_again.shape == y.shape
        assert isinstance(hidden, tuple) and len(hidden) == 2


def test_the_scratch_lstm_returns_one_type():
    import torch

    scratch = lh.ScratchLSTM(1, 3, 2)
    result = scratch(torch.zeros(2, 4, 1))
    assert isinstance(result, tuple) and len(result) == 2  # always (output, (h_n, c_n))
    output, (h_n, c_n) = result
    trace = scratch.trace(torch.zeros(2, 4, 1))
    torch.testing.assert_close(trace.h[-1], output)
    assert h_n.shape == c_n.shape == (2, 2, 3)


def test_the_tutorials_weight_names_are_kept():
    names = set(lh.LSTMPredictor().state_dict())
    assert names == {
        *(
            f"lstm.{kind}_l{k}"
            for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            for k in (0, 1)
        ),
        "fc.weight",
        "fc.bias",
    }
    assert set(lh.ScratchLSTMPredictor().state_dict()) == names
