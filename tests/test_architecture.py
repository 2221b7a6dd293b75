"""The package's architecture, checked: layers import downward only, no import cycles, small
modules and functions, and the type checker and linter are clean (docs/architecture.md).

Imports are read from the source (every ``import`` and ``from … import``, at module level, inside
functions and under ``if TYPE_CHECKING:``), so a lazy import cannot hide an arrow.
"""

from __future__ import annotations

import ast
import re
import statistics
import subprocess
import sys
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "simulation"
#: the layers in dependency order: each may import the foundation, itself and the layers before it
LAYERS = ("scenario", "model", "outcomes", "experiments", "results", "present", "cli")
#: modules at the package root that every layer may use; they import nothing of the layers
FOUNDATION = ("errors", "defaults", "version", "files")
#: the package's front door: imports the public names of every layer on first use
FACADE = ("simulation", "simulation.__main__")
MAX_MODULE_LINES = 400  # style.md: modules under ~400 lines
MAX_MEDIAN_LINES = 200  # style.md: module median <= 200
MAX_FUNCTION_LINES = 60  # issue 11
MAX_COMPLEXITY = 10  # issue 11: cyclomatic complexity <= 10 outside a measured hot path
HOT_PATH_MARK = "# hot path:"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _target(node: ast.ImportFrom | ast.Import, alias: ast.alias) -> str:
    """The module an import statement loads for one imported name."""
    if isinstance(node, ast.Import):
        return alias.name
    base = node.module or ""
    candidate = f"{base}.{alias.name}"
    return candidate if candidate in modules() else base


@cache
def imports(name: str) -> frozenset[str]:
    """Every module of the package that ``name`` imports, wherever the import statement is."""
    tree = ast.parse(modules()[name].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                target = _target(node, alias)
                if target == "simulation" or target.startswith("simulation."):
                    found.add(target)
    found.discard(name)
    return frozenset(found)


def layer_of(name: str) -> str:
    parts = name.split(".")
    if name in FACADE:
        return "facade"
    if len(parts) == 2 and parts[1] in FOUNDATION:
        return "foundation"
    assert parts[1] in LAYERS, f"{name} is in no layer: put it in one of {LAYERS} or the foundation"
    return parts[1]


def allowed(importer: str, imported: str) -> bool:
    source, target = layer_of(importer), layer_of(imported)
    if source == "facade":
        return True
    if target == "facade":
        return False  # a layer that imports the front door reaches every layer
    if target == "foundation":
        return True
    if source == "foundation":
        return False
    return LAYERS.index(target) <= LAYERS.index(source)


def test_every_module_belongs_to_a_layer_or_the_foundation() -> None:
    for name in modules():
        layer_of(name)
    assert set(LAYERS) <= {name.split(".")[1] for name in modules() if "." in name}


def test_imports_point_down_the_layers_only() -> None:
    wrong = sorted(f"{importer} ({layer_of(importer)}) imports {imported} ({layer_of(imported)})"
                   for importer in modules() for imported in imports(importer) if not allowed(importer, imported))
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def _a_cycle() -> list[str]:
    """One import cycle among the package's modules (graphlib names one when there is any), or []."""
    graph = {name: {m for m in imports(name) if m in modules() and m not in FACADE}
             for name in modules() if name not in FACADE}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return list(error.args[1])
    return []


def test_no_import_cycles() -> None:
    assert _a_cycle() == []


def test_the_cycle_finder_finds_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: two modules importing each other form a cycle."""
    a, b = "simulation.model.world", "simulation.model.run"
    real = imports.__wrapped__

    def crossed(name: str) -> frozenset[str]:
        extra = {a: {b}, b: {a}}.get(name, set())
        return real(name) | extra

    monkeypatch.setattr(sys.modules[__name__], "imports", crossed)
    assert set(_a_cycle()) == {a, b}


FLAG = re.compile(r"(?<![\w-])--[a-z]")
ERROR_MAKERS = {"ScenarioError", "error_at"}


def _texts(node: ast.AST) -> list[str]:
    """The literal text in an expression, f-strings included."""
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_only_the_cli_speaks_of_flags() -> None:
    """Library errors name scenario keys or Python API arguments; cli/flags.py says them as --flags."""
    found = []
    for name, path in modules().items():
        if layer_of(name) == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if called in ERROR_MAKERS:
                parts = [*node.args, *(keyword.value for keyword in node.keywords)]
                found += [f"{path.relative_to(ROOT)}:{node.lineno} {text!r}"
                          for part in parts for text in _texts(part) if FLAG.search(text)]
    assert not found, "library errors that name a command-line flag:\n" + "\n".join(found)


def test_module_sizes() -> None:
    lines = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    too_long = {name: n for name, n in lines.items() if n > MAX_MODULE_LINES}
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"
    assert statistics.median(lines.values()) <= MAX_MEDIAN_LINES


def _functions(path: Path) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, bool]]:
    text = path.read_text(encoding="utf-8")
    source = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            marked = first >= 2 and source[first - 2].strip().startswith(HOT_PATH_MARK)
            found.append((node, marked))
    return found


def test_function_lengths() -> None:
    long = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in modules().values() for node, _ in _functions(path)
            if (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


def test_cyclomatic_complexity() -> None:
    """Radon's cyclomatic complexity; a hot-path function may exceed it when a comment says why."""
    cc_visit = pytest.importorskip("radon.complexity").cc_visit
    complex_ = []
    for path in modules().values():
        marked = {node.lineno for node, is_marked in _functions(path) if is_marked}
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if hasattr(block, "methods"):  # a class: its methods are listed on their own
                continue
            if block.complexity > MAX_COMPLEXITY and block.lineno not in marked:
                complex_.append(f"{path.relative_to(ROOT)}:{block.lineno} {block.name} (CC {block.complexity})")
    assert not complex_, f"functions with cyclomatic complexity over {MAX_COMPLEXITY}:\n" + "\n".join(complex_)


def test_the_package_ships_its_type_information() -> None:
    assert (PACKAGE / "py.typed").is_file()
    assert "py.typed" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def _tool(*command: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip(command[0])
    # a generous guard against hanging, not a speed requirement
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=900)


def test_mypy_is_clean() -> None:
    done = _tool("mypy")  # configuration: [tool.mypy] in pyproject.toml
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


def test_ruff_is_clean() -> None:
    done = _tool("ruff", "check", "--no-cache", "simulation", "tests", "docs", "bench")  # [tool.ruff] in pyproject.toml
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]


def test_the_public_api_keeps_its_names() -> None:
    """The names the README and the notebooks use, from the package's front door."""
    import simulation
    from simulation import plots, report

    for name in ("run", "load_scenario", "compare", "sweep", "replicate", "headline", "load_scaled"):
        assert callable(getattr(simulation, name)), name
    assert isinstance(simulation.Results, type) and isinstance(simulation.RunResult, type)
    assert callable(plots.plot_time_to_return) and "stock" in plots.FIGURES
    assert callable(report.write_report)
    with pytest.raises(AttributeError, match=r"simulation\.headline\(result\)"):
        simulation.RunResult.__getattr__(object.__new__(simulation.RunResult), "headline")
