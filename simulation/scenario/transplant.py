"""A transplant: the place of one scenario under the policy of another, at the same intensity.

"What would the Leeuwarden approach do in our city, to our clients, with our money?" is a
question about one population under two policies. ``transplant_raw`` keeps every place key of
the first scenario (``schema/parts.py``), takes every policy key of the second, and converts
the policy's capacities and budgets per client on benefit (``intensity.py``). The result keeps
where each value came from (the donor's file and line for policy keys) and a record of the
conversion, which tables and reports show.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from simulation.scenario.intensity import PER_CLIENTS, policy_capacities
from simulation.scenario.loader import RawScenario, child_key, validate
from simulation.scenario.loader.raw import drop_subtree, subtree
from simulation.scenario.schema import Scenario
from simulation.scenario.schema.parts import SECTIONS, exceptions_within
from simulation.scenario.yamlio import KeyPath


def _get(data: Any, path: KeyPath) -> tuple[bool, Any]:
    """(found, value) at ``path``."""
    for key in path:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return False, None
    return True, data


def _expand(pattern: KeyPath, data: Any, prefix: KeyPath = ()) -> list[KeyPath]:
    """The concrete key paths in ``data`` that match ``pattern`` (``*`` = any one key)."""
    if not pattern:
        return [prefix]
    if not isinstance(data, dict):
        return []
    head, rest = pattern[0], pattern[1:]
    keys = list(data) if head == "*" else [head] if head in data else []
    return [p for key in keys for p in _expand(rest, data[key], prefix + (key,))]


def _put(target: RawScenario, source: RawScenario, path: KeyPath) -> None:
    """Copy the value at ``path`` (and where it came from) from ``source`` into ``target``."""
    found, value = _get(source.data, path)
    if not found:
        return
    parent_found, parent = _get(target.data, path[:-1])
    if not parent_found or not isinstance(parent, dict):
        return
    parent[path[-1]] = copy.deepcopy(value)
    drop_subtree(target.sources, path)
    target.sources.update(subtree(source.sources, path))


def _set(target: RawScenario, dotted: str, text: str) -> None:
    """Set a converted capacity, written as a scenario file writes it; its source stays the donor's line."""
    container: Any = target.data
    segments = dotted.split(".")
    path: KeyPath = ()
    for seg in segments[:-1]:
        key = child_key(container, seg, path, dotted)
        path += (key,)
        container = container[key]
    container[child_key(container, segments[-1], path, dotted)] = yaml.safe_load(text)


def _clients(model: Scenario) -> int:
    return model.population.initial_stock


def transplant_raw(place: RawScenario, donor: RawScenario, donor_file: str) -> RawScenario:
    """``place`` under the policy of ``donor`` (both merged, ``donor`` complete), converted per client."""
    place_model = validate(place, Scenario)
    donor_model = validate(donor, Scenario)
    result = RawScenario(data=copy.deepcopy(place.data), sources=dict(place.sources), chain=list(place.chain),
                         overrides=list(place.overrides))
    for section, part in SECTIONS.items():
        if part == "policy":
            _put(result, donor, (section,))
    for pattern in exceptions_within("policy"):
        for path in _expand(pattern, donor.data):
            _put(result, donor, path)
    for pattern in exceptions_within("place"):
        for path in _expand(pattern, result.data):
            _put(result, place, path)
    here, there = _clients(place_model), _clients(donor_model)
    factor = here / there if there else 1.0
    conversions = []
    for capacity in policy_capacities(donor_model):
        converted = capacity.converted(factor)
        _set(result, capacity.key, capacity.text(converted))
        conversions.append({"key": capacity.key, "kind": capacity.kind, "there": capacity.value,
                            "per_1000": capacity.per_clients(there), "here": converted})
    result.data["name"] = f"{place_model.name}_with_{donor_model.name}_policy"
    result.data["description"] = (f"{place_model.name}'s clients, inflow and labour market under the "
                                  f"{donor_model.name} policy, its capacities and budgets converted per client "
                                  f"({here:,} vs {there:,} clients on benefit: ×{factor:.3g}).")
    def dutch(text: str) -> str:
        return text.replace(",", "_").replace(".", ",").replace("_", ".")

    result.data["description_nl"] = (f"Klanten, instroom en arbeidsmarkt van {place_model.name} met het beleid van "
                                     f"{donor_model.name}, capaciteit en budgetten omgerekend per klant "
                                     f"({dutch(f'{here:,}')} tegen {dutch(f'{there:,}')} klanten in de bijstand: "
                                     f"×{dutch(f'{factor:.3g}')}).")
    result.policy_from = {"file": donor_file, "chain": list(donor.chain), "policy": donor_model.name,
                          "place": place_model.name, "place_clients": here, "policy_clients": there,
                          "factor": factor, "per_clients": PER_CLIENTS, "conversions": conversions}
    return result
