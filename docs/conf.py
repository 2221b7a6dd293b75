"""Sphinx configuration of meedoen's documentation (``python -m sphinx -b html docs docs/_build/html``).

Pages are Markdown (MyST); the notebooks render through MyST-NB without being run (the tests run
them); the parameter reference, the CLI reference, the API reference and the model diagram are made
from the code of this checkout at build time (``_ext/``).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE / "_ext")]  # this checkout's package, not an installed one

from simulation.version import package_version  # noqa: E402 - needs the path above

project = "meedoen"
author = "the meedoen authors"
copyright = "the meedoen authors"  # noqa: A001 - Sphinx's name
release = version = package_version()

extensions = [
    "myst_nb",  # Markdown and notebooks (it brings myst_parser)
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "sphinxarg.ext",
    "meedoen_docs",
]
# the scripts that regenerate pages live beside them; the notebooks' folder README is a page
exclude_patterns = ["_build", "_ext", "**/.ipynb_checkpoints", "scenario_figures"]

smartquotes_action = "qe"  # quotes and ellipses; "--set" stays two hyphens
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3  # "#base" in scenarios.md, "#seed-002"-style anchors
nb_execution_mode = "off"  # tests/test_notebooks.py executes them
nb_merge_streams = True

autodoc_member_order = "bysource"
autodoc_typehints = "description"

html_theme = "furo"
html_title = f"meedoen {release}"
html_static_path = ["_static"]
html_css_files = ["meedoen.css"]
html_show_sourcelink = False
