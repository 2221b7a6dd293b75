"""What every schema section shares: the strict base class, the domain's fixed names, share checks."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from simulation.scenario.bounds import INTERVAL_REASON, MIN_INTERVAL_DAYS
from simulation.scenario.units import format_days

PHASES = (1, 2, 3, 4, 5)
BARRIERS = (
    "medical",
    "psychological",
    "debts",
    "addiction",
    "criminal_record",
    "care_duties",
    "language",
    "no_work_experience",
)
ObligationMode = Literal["enforce", "ask", "waive"]
UptakeKind = Literal["voluntary", "obligatory"]
JobKind = Literal["stable", "flex", "subsidised", "secondment", "basisbaan"]
TrajectoryKind = Literal[
    "rust",
    "zorg",
    "participatie",
    "toeleiding",
    "scholing",
    "werkervaringsplaats",
    "detachering",
    "work_first",
    "basisbaan",
    "coaching",
]
KLANTMANAGER = "klantmanager"
NO_HANDLER = "none"


class Strict(BaseModel):
    """Base for every section: unknown keys are errors, values are immutable after loading, and a
    plain number field refuses NaN and infinity (``.nan``, ``"inf"``; a NaN phase cut-off would put
    nearly everyone in phase 5). Unit-bearing and other custom number types check this in ``units``."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def check_shares(values: dict[str, float], what: str) -> None:
    """Shares of one whole (household types, education levels) must add up to 1."""
    total = sum(values.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} must add up to 1, they add up to {total:g}")


def check_interval_mean(interval: Any) -> Any:
    """A distribution of the time between recurring contacts is at least ``units.MIN_INTERVAL_DAYS`` on average."""
    if interval.mean < MIN_INTERVAL_DAYS:
        raise ValueError(f"must be at least {format_days(MIN_INTERVAL_DAYS)} on average ({INTERVAL_REASON}), "
                         f"got a mean of {format_days(interval.mean)}")
    return interval
