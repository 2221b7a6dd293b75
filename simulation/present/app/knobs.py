"""The web app's policy knobs: a few settings in plain words, each mapped to one scenario key.

A knob's value is written as a ``--set``-style override (``klantmanagers.caseload=200``), so the
scenario loader checks it exactly as it checks the command line's. The values a user sees and
types are those of the full-size city; in a quick, scaled-down run (``load_scaled``) the places
and the budget are scaled by the same factor as the city's own capacities, so a knob left as it
was changes nothing, and a knob that is changed keeps its intensity per client.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from simulation.errors import ScenarioError
from simulation.scenario import LoadedScenario
from simulation.scenario.units import DAYS_PER_YEAR

Kind = Literal["count", "months", "percent", "millions_per_year"]

DAYS_PER_MONTH = DAYS_PER_YEAR / 12


@dataclass(frozen=True)
class Knob:
    """One setting: the scenario key it sets, how its value is shown and written, its words."""

    name: str
    key: str
    kind: Kind
    label: dict[str, str]
    help: dict[str, str]
    #: the value as the user sees it, from the scenario's validated model (in days, € per day, ...)
    current: Callable[[LoadedScenario], float]
    #: a capacity that grows with the city (scaled with a scaled-down run)
    scales: bool = False
    maximum: float | None = None

    @property
    def step(self) -> float:
        return {"count": 1.0, "months": 1.0, "percent": 5.0, "millions_per_year": 0.1}[self.kind]


def _review_months(scenario: LoadedScenario) -> float:
    interval = scenario.model.policy.groups["group3"].review_interval
    return 0.0 if interval is None else interval / DAYS_PER_MONTH


KNOBS: tuple[Knob, ...] = (
    Knob("caseload", "klantmanagers.caseload", "count",
         {"en": "Clients per klantmanager (caseload)", "nl": "Klanten per klantmanager (caseload)"},
         {"en": "How many clients of groups 1 and 2 one klantmanager takes on; the others wait for a place.",
          "nl": "Hoeveel klanten uit groep 1 en 2 één klantmanager heeft; de anderen wachten op een plek."},
         lambda s: float(s.model.klantmanagers.caseload)),
    Knob("review_group3", "policy.groups.group3.review_interval", "months",
         {"en": "Group 3 (phases 4-5): months between reviews (0 = none)",
          "nl": "Groep 3 (fase 4-5): maanden tussen heronderzoeken (0 = geen)"},
         {"en": "How often Sociale Zaken sees clients with little prospect of work; 12 is once a year.",
          "nl": "Hoe vaak Sociale Zaken klanten met weinig kans op werk ziet; 12 is eens per jaar."},
         _review_months),
    Knob("sanctions", "sanctions.detection_probability", "percent",
         {"en": "Sanction strictness: % of missed obligations sanctioned",
          "nl": "Strengheid: % van niet-nagekomen verplichtingen met een maatregel"},
         {"en": "The chance that a missed obligation, seen at a monitoring contact, leads to a sanction (maatregel).",
          "nl": "De kans dat een niet-nagekomen verplichting, gezien bij een controle, tot een maatregel leidt."},
         lambda s: 100.0 * s.model.sanctions.detection_probability, maximum=100.0),
    Knob("wijkteam_places", "services.wijkteam.slots", "count",
         {"en": "Wijkteam places (cases at a time)", "nl": "Plekken in de wijkteams (casussen tegelijk)"},
         {"en": "How many clients the wijkteams can help at the same time, urgent care included.",
          "nl": "Hoeveel klanten de wijkteams tegelijk kunnen helpen, spoedzorg meegeteld."},
         lambda s: float(s.model.services["wijkteam"].slots), scales=True),
    Knob("reintegration_budget", "budgets.reintegration.annual_amount", "millions_per_year",
         {"en": "Reintegration budget (€ million per year)", "nl": "Re-integratiebudget (miljoen € per jaar)"},
         {"en": "The money for reintegration trajectories each year; a trajectory waits when it is spent.",
          "nl": "Het geld voor re-integratietrajecten per jaar; een traject wacht als het op is."},
         lambda s: s.model.budgets["reintegration"].annual_amount * DAYS_PER_YEAR / 1e6, scales=True),
)
BY_NAME = {knob.name: knob for knob in KNOBS}
BY_KEY = {knob.key: knob for knob in KNOBS}

PROBLEMS = {
    "en": {"number": "{label}: give a number", "whole": "{label}: give a whole number of at least 0",
           "negative": "{label}: give a number of at least 0", "percent": "{label}: give a percentage from 0 to 100",
           "unknown": "unknown setting '{name}'", "unchanged": "Change at least one setting: the variant is the same "
           "as {name}.", "month": "{label}: give 0 (none) or at least 1 month"},
    "nl": {"number": "{label}: geef een getal", "whole": "{label}: geef een geheel getal van minstens 0",
           "negative": "{label}: geef een getal van minstens 0", "percent": "{label}: geef een percentage van 0 tot 100",
           "unknown": "onbekende instelling '{name}'", "unchanged": "Verander minstens één instelling: de variant is "
           "gelijk aan {name}.", "month": "{label}: geef 0 (geen) of minstens 1 maand"},
}


def current_values(scenario: LoadedScenario) -> dict[str, float]:
    """Every knob's value in the scenario as it is (full size), in the knob's own unit."""
    return {knob.name: round(knob.current(scenario), 6) for knob in KNOBS}


#: Per kind of knob: which values besides negative ones it cannot take, and the words for both.
_LIMITS: dict[Kind, tuple[Callable[[float], bool], str]] = {
    "count": (lambda v: v != int(v), "whole"),
    "percent": (lambda v: v > 100, "percent"),
    "months": (lambda v: 0 < v < 1, "month"),
}


def problem(name: str, value: object, lang: str = "en") -> str | None:
    """Why ``value`` cannot be the knob's value, in plain words; None when it can."""
    words = PROBLEMS[lang]
    knob = BY_NAME.get(name)
    if knob is None:
        return words["unknown"].format(name=name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return words["number"].format(label=knob.label[lang])
    wrong, which = _LIMITS.get(knob.kind, (lambda v: False, "negative"))
    if value < 0 or wrong(value):
        return words[which].format(label=knob.label[lang])
    return None


def changed(values: Mapping[str, float], scenario: LoadedScenario) -> dict[str, float]:
    """The knobs whose value differs from the scenario's own (by more than rounding to the knob's step)."""
    now = current_values(scenario)
    return {name: value for name, value in values.items()
            if name in now and abs(value - now[name]) > BY_NAME[name].step / 1000}


def overrides(values: Mapping[str, float], factor: float = 1.0) -> list[str]:
    """``key=value`` overrides of the knobs' values for a city scaled by ``factor`` (1: full size);
    raises ScenarioError (argument ``knobs``) for a value no knob can take."""
    texts = []
    for name, value in values.items():
        message = problem(name, value)
        if message:
            raise ScenarioError(message, argument="knobs", key=BY_NAME[name].key if name in BY_NAME else name)
        knob = BY_NAME[name]
        texts.append(f"{knob.key}={_text(knob, value * factor if knob.scales else value)}")
    return texts


def _text(knob: Knob, value: float) -> str:
    """The value as a scenario file writes it; places of a scaled city stay whole, and one that
    exists is never rounded away (as ``load_scaled`` scales the city's own places)."""
    if knob.kind == "count":
        return str(0 if value == 0 else max(1, round(value)) if knob.scales else int(value))
    if knob.kind == "months":
        return "null" if value == 0 else f"{value:g} months"
    if knob.kind == "percent":
        return f"{value / 100:g}"
    return f"€{value * 1e6:.2f} per year"


def explain(error: ScenarioError, lang: str = "en") -> str:
    """A loader's error about a knob's key said with the knob's label; any other error as it is."""
    if error.argument == "knobs":  # said in plain words already (``problem``)
        return error.message
    knob = BY_KEY.get(error.key or "")
    return f"{knob.label[lang]}: {error.message}" if knob and error.argument == "overrides" else str(error)
