"""The student notebooks in ``notebooks/``: stored clean, built on the package, and runnable.

Each notebook is executed from top to bottom in a fresh ``python3`` kernel with ``notebooks/``
as its working directory, as Jupyter would; any error fails the test with the cell and its
traceback. Executing needs nbclient, nbformat and ipykernel (``pip install '.[notebooks]'``).
Without them those tests are skipped, unless ``MEEDOEN_REQUIRE_NOTEBOOKS=1`` says they must
run (CI), and then they fail. The other checks read the files as JSON and always run.
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import HANG_GUARD_S

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = ["01_quickstart.ipynb", "02_tilburg_vs_leeuwarden.ipynb", "03_sanctions_vs_motivation.ipynb",
            "04_design_your_own_policy.ipynb"]
CELL_TIMEOUT = HANG_GUARD_S  # per cell and for the kernel's start, only against hanging; a notebook takes under two minutes
REQUIRED = os.environ.get("MEEDOEN_REQUIRE_NOTEBOOKS") == "1"

each_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(path: Path) -> list[str]:
    cells = [c for c in read(path)["cells"] if c["cell_type"] == "code"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]


def python_source(path: Path) -> str:
    """The notebook's code as Python: IPython magics and shell lines (``%…``, ``!…``) left out."""
    lines = [line for cell in code_cells(path) for line in cell.splitlines()]
    return "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))


def package_function_names() -> set[str]:
    names = set()
    for source in (ROOT / "simulation").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("__"):
                names.add(node.name)
    return names


def test_the_four_notebooks_are_there() -> None:
    missing = sorted(set(EXPECTED) - {p.name for p in NOTEBOOKS})
    assert not missing, f"missing from notebooks/: {missing}"


@each_notebook
def test_stored_without_outputs(path: Path) -> None:
    cells = read(path)["cells"]
    dirty = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: code cells {dirty} keep outputs or execution counts; clear them before "
                       f"committing (jupyter nbconvert --clear-output --inplace notebooks/{path.name})")


@each_notebook
def test_uses_the_package_and_redefines_no_model(path: Path) -> None:
    source = python_source(path)
    tree = ast.parse(source, filename=path.name)  # also: every code cell is valid Python
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "simulation" in imported, f"{path.name} does not import from simulation"
    assert "simpy" not in imported, f"{path.name} imports simpy: notebooks call the model, they never rebuild it"
    classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    assert not classes, f"{path.name} defines classes {classes}: model code belongs in simulation/"
    defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    shadowed = sorted(defined & package_function_names())
    assert not shadowed, f"{path.name} redefines {shadowed}, which simulation/ already defines: import them instead"


@each_notebook
def test_no_paths_into_the_machine(path: Path) -> None:
    """Notebooks find the repository themselves; no absolute paths of the machine they were written on."""
    source = "\n".join(code_cells(path))
    assert not re.search(r"""["'](/work/|/home/|/Users/|[A-Z]:\\)""", source), f"{path.name} hard-codes a path"


def notebook_tools():
    """nbformat and NotebookClient, or a skip (a failure when MEEDOEN_REQUIRE_NOTEBOOKS=1)."""
    try:
        import ipykernel  # noqa: F401  (provides the python3 kernel for this interpreter)
        import nbformat
        from nbclient import NotebookClient
    except ImportError as error:
        message = f"executing notebooks needs nbclient, nbformat and ipykernel (pip install '.[notebooks]'): {error}"
        if REQUIRED:
            pytest.fail(message + " [MEEDOEN_REQUIRE_NOTEBOOKS=1]")
        pytest.skip(message)
    return nbformat, NotebookClient


@each_notebook
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat, NotebookClient = notebook_tools()
    notebook = nbformat.read(path, as_version=4)
    # first, in the kernel: which Python is it? It must be this one, with this meedoen installed
    notebook.cells.insert(0, nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the notebooks' tempfile folders land here, not in /tmp
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, startup_timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.execute()  # raises CellExecutionError with the failing cell and its traceback
    kernel_prefix = "".join(o.get("text", "") for o in notebook.cells[0].outputs).strip()
    assert Path(kernel_prefix).resolve() == Path(sys.prefix).resolve(), (
        f"the python3 kernel runs {kernel_prefix}, not this environment ({sys.prefix}); "
        "install ipykernel here or remove the other python3 kernelspec")
    errors = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs
              if o.output_type == "error"]
    assert not errors
    images = sum("image/png" in o.get("data", {}) for cell in notebook.cells if cell.cell_type == "code"
                 for o in cell.outputs)
    assert images > 0, f"{path.name} drew no figure"
