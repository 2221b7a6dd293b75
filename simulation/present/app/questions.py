"""What the web app runs: a question (two scenarios, or one and a variant) turned into worlds and
compared over paired replications, through the same result store as ``meedoen compare``.

Nothing here draws on the screen, so every step can be tested without a browser: which scenario
files there are, which worlds a question means (each city as it is, both policies in one city's
place, or a scenario against its variant), and the comparison with a progress function.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from simulation.defaults import COMPARE_REPS
from simulation.errors import ScenarioError
from simulation.experiments.comparison import compare
from simulation.present.app import knobs
from simulation.results.collection import Results
from simulation.scenario import LoadedScenario, load_scenario, transplant
from simulation.scenario.scaling import load_scaled
from simulation.scenario.shipped import shipped_files

#: Environment variables the ``meedoen app`` command (and the tests) set for the app.
SCENARIOS_ENV = "MEEDOEN_APP_SCENARIOS"  # the folder of scenario files
STOCK_ENV = "MEEDOEN_APP_STOCK"  # clients at the start of a quick run
REPS_ENV = "MEEDOEN_APP_REPS"  # replications offered first
LANG_ENV = "MEEDOEN_APP_LANG"  # the language the page opens in
#: A quick run's city: this many clients at the start (assumption: a few seconds a replication, and
#: enough clients for the queues and budgets to bind as in the full city).
QUICK_STOCK = 1000
#: Scenarios offered first, in this order (the two of the seeds); then the rest by name.
FIRST = ("tilburg", "leeuwarden")
PLACES = ("first", "second")


@dataclass(frozen=True)
class Entry:
    """A scenario file the app offers: its path, name, size and descriptions."""

    path: str
    name: str
    clients: int
    description: dict[str, str]


@dataclass(frozen=True)
class Question:
    """Two scenarios (``second``), or ``first`` and a variant of it (``changes``: knob name → value).

    ``place``: None compares each scenario as it is; "first" or "second" runs both policies in that
    scenario's place (``compare --in``). ``stock``: clients at the start of a scaled-down run, or
    None for the full size.
    """

    first: str
    second: str | None = None
    place: str | None = None
    changes: tuple[tuple[str, float], ...] = ()
    stock: int | None = None
    reps: int = COMPARE_REPS
    seed: int = 1


@dataclass
class Answer:
    """A question's results, and how many replications were computed now or reused from the store."""

    question: Question
    results: Results
    computed: int
    reused: int
    #: figures already drawn, per language (PNG bytes), so switching language redraws each once
    figures: dict[str, list[bytes]] = field(default_factory=dict)


def scenario_folder() -> Path:
    """Where the scenario files are: ``$MEEDOEN_APP_SCENARIOS``, else ``scenarios/`` here, else the
    scenarios that ship with the package (from a wheel as from a source checkout)."""
    if os.environ.get(SCENARIOS_ENV):
        return Path(os.environ[SCENARIOS_ENV])
    here = Path.cwd() / "scenarios"
    if any(here.glob("*.yaml")):
        return here
    shipped = shipped_files()
    return next(iter(shipped.values())).parent if shipped else here


def _stamp(folder: Path) -> tuple[tuple[str, int], ...]:
    """The scenario files of a folder with the times they were changed: a new stamp means read them again."""
    return tuple((str(p), p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml")))


def scenario(path: str | os.PathLike[str]) -> LoadedScenario:
    """The scenario at ``path`` as it is, read once while no file of its folder changes (the page asks
    for it at every click)."""
    where = Path(path)
    return _scenario(str(where), _stamp(where.parent))


@functools.lru_cache(maxsize=64)
def _scenario(path: str, stamp: tuple[tuple[str, int], ...]) -> LoadedScenario:
    return load_scenario(path)


def catalogue(folder: str | os.PathLike[str]) -> list[Entry]:
    """Every valid scenario file in ``folder``, the seeds' two first; a file that does not load is left out."""
    entries = []
    for path, _ in _stamp(Path(folder)):
        try:
            model = scenario(path).model
        except ScenarioError:
            continue
        described = {"en": model.description or "", "nl": model.description_nl or model.description or ""}
        entries.append(Entry(path, model.name, model.population.initial_stock, described))
    return sorted(entries, key=lambda e: (FIRST.index(e.name) if e.name in FIRST else len(FIRST), e.name))


def env_number(name: str, default: int, low: int = 1) -> int:
    """A whole number from the environment, or ``default`` when it is unset or not one."""
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= low else default


def worlds(question: Question) -> list[LoadedScenario]:
    """The scenarios the question compares, the reference first (raises ScenarioError in plain words)."""
    first_full = scenario(question.first)
    factor = _factor(question.stock, first_full.model.population.initial_stock)
    if question.second is None:
        return _variant(question, first_full, factor)
    if Path(question.second).resolve() == Path(question.first).resolve():
        raise ScenarioError("choose two different scenarios", argument="second")
    a, b = _sized(question.first, factor), _sized(question.second, factor)
    if question.place is None:
        return [a, b]
    if question.place not in PLACES:
        raise ScenarioError(f"unknown place '{question.place}'", argument="place", hint="first, second or None")
    return [a, transplant(a, b)] if question.place == "first" else [transplant(b, a), b]


def scale(question: Question) -> float:
    """How much smaller than the first scenario's city the question's cities are (1: full size)."""
    return _factor(question.stock, scenario(question.first).model.population.initial_stock)


def _factor(stock: int | None, clients: int) -> float:
    """How much smaller the quick run's cities are: ``stock`` of the first one's clients (never larger)."""
    if stock is None or not clients:
        return 1.0
    return min(1.0, stock / clients)


def _sized(path: str, factor: float, extra: Sequence[str] = ()) -> LoadedScenario:
    """The scenario at ``path`` at ``factor`` of its size (``load_scaled``), then ``extra`` overrides."""
    stock = _stock(scenario(path), factor)
    return load_scenario(path, list(extra)) if stock is None else load_scaled(path, stock, list(extra))


def _stock(scenario: LoadedScenario, factor: float) -> int | None:
    """Clients at the start of the scenario made ``factor`` times as large; None for its full size."""
    clients = scenario.model.population.initial_stock
    return None if factor >= 1.0 else max(1, round(clients * factor))


def _variant(question: Question, full: LoadedScenario, factor: float) -> list[LoadedScenario]:
    """The scenario and its variant: the changed knobs as overrides (scaled as the city is), and a
    name of its own."""
    changes = knobs.changed(dict(question.changes), full)
    if not changes:
        raise ScenarioError(knobs.PROBLEMS["en"]["unchanged"].format(name=full.name), argument="knobs")
    stock = _stock(full, factor)
    scale = 1.0 if stock is None else stock / full.model.population.initial_stock
    name = f"name={full.name}_variant"
    return [_sized(question.first, factor), _sized(question.first, factor, [*knobs.overrides(changes, scale), name])]


def ask(question: Question, progress: Callable[[int, int], None] | None = None, workers: int = 1) -> Answer:
    """Compare the question's worlds over paired replications, reusing what the store holds."""
    summary: pd.DataFrame = compare(worlds(question), question.reps, question.seed, workers=workers, store=True,
                                    progress=progress or False)
    return Answer(question, Results.from_comparison(summary), summary.attrs["computed"], summary.attrs["reused"])

