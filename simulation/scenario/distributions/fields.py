"""Pydantic field types for distributions: a spec mapping in, a distribution object held, the
spec mapping back out when the scenario is dumped."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

from simulation.scenario.distributions.base import Distribution
from simulation.scenario.distributions.spec import build_distribution, plain_copy


def _validate_kind(value: Any, kind: str) -> Distribution:
    """Pydantic validator: build from a spec, or pass an existing distribution of the right kind."""
    if isinstance(value, Distribution):
        if value.kind != kind:
            raise ValueError(f"expected a {kind} distribution, got a {value.kind} one")
        return value
    return build_distribution(value, kind)


def _serialize(dist: Distribution) -> dict[str, Any]:
    return plain_copy(dist.spec)


_SPEC_IN = dict[str, Any]
#: Pydantic field types; they serialise (model_dump) back to the spec mapping.
DurationDistribution = Annotated[
    Distribution,
    PlainValidator(partial(_validate_kind, kind="duration"), json_schema_input_type=_SPEC_IN),
    PlainSerializer(_serialize, return_type=_SPEC_IN),
]
ValueDistribution = Annotated[
    Distribution,
    PlainValidator(partial(_validate_kind, kind="value"), json_schema_input_type=_SPEC_IN),
    PlainSerializer(_serialize, return_type=_SPEC_IN),
]
