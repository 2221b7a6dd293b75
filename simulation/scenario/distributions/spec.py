"""Reading a distribution spec mapping (``{dist: gamma, shape: 2, scale: "3 months"}``): which
family, which parameters, each parameter parsed in its unit, with messages users can act on."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

from simulation.scenario.distributions.base import KINDS, QUANTITY_PARAMS, Distribution
from simulation.scenario.distributions.families import FAMILIES, FAMILY_TABLE, Form
from simulation.scenario.units import UnitError, parse_duration

_LIST_PARAMS = frozenset({"values", "bins", "weights"})


def build_distribution(spec: Mapping[str, Any], kind: str = "value") -> Distribution:
    """Build a distribution from a spec mapping; raises ValueError with a user-facing message."""
    family = _family_of(spec, kind)
    names = {str(k) for k in spec if k != "dist"}
    _check_names(family, names)
    p = {name: _param(family, name, spec[name], kind) for name in names}
    common: dict[str, Any] = {"kind": kind, "spec": plain_copy(spec)}
    entry = FAMILY_TABLE[family]
    if kind == "duration" and not set(entry.duration_needs) <= names:
        raise ValueError(entry.duration_message)
    return entry.build(p, common)


def _family_of(spec: Any, kind: str) -> str:
    """The spec's ``dist`` name, checked against the known families (with a did-you-mean)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    example = "{dist: gamma, shape: 2, scale: '3 months'}" if kind == "duration" else "{dist: beta, a: 2, b: 5}"
    if not isinstance(spec, Mapping):
        raise ValueError(f"a distribution must be a mapping like {example}, got {spec!r}")
    known = ", ".join(FAMILIES)
    if "dist" not in spec:
        raise ValueError(f"a distribution needs a 'dist' key naming its family ({known}), e.g. {example}")
    family = spec["dist"]
    if not isinstance(family, str) or family not in FAMILIES:
        close = difflib.get_close_matches(str(family).lower(), list(FAMILIES), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ValueError(f"unknown distribution {family!r}; {hint}known: {known}")
    return family


def _forms_text(family: str) -> str:
    parts = []
    for required, optional in FAMILIES[family]:
        text = ", ".join(required)
        parts.append(text + (f" (optional: {', '.join(optional)})" if optional else ""))
    return f"{family} takes " + " or ".join(f"{{{p}}}" for p in parts)


def _check_names(family: str, names: set[str]) -> None:
    """The parameter names must be one of the family's accepted sets: say which name is wrong."""
    forms = FAMILIES[family]
    allowed = {n for req, opt in forms for n in (*req, *opt)}
    unknown = sorted(names - allowed)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ValueError(f"{family}: unknown parameter '{unknown[0]}'{hint}; {_forms_text(family)}")
    if not any(set(req) <= names <= set(req) | set(opt) for req, opt in forms):
        raise _no_form_error(family, forms, names)


def _no_form_error(family: str, forms: tuple[Form, ...], names: set[str]) -> ValueError:
    """Known names that fit no accepted set: some are missing, or they conflict."""
    best = max(forms, key=lambda f: (len(set(f[0]) & names), -len(f[0])))
    missing = [n for n in best[0] if n not in names]
    if missing:
        return ValueError(f"{family}: missing parameter {', '.join(repr(n) for n in missing)}; {_forms_text(family)}")
    return ValueError(f"{family}: conflicting parameters {', '.join(sorted(names))}; {_forms_text(family)}")


def _number(family: str, name: str, raw: Any, kind: str, where: str = "") -> float:
    where = f"{family}: parameter '{where or name}'"
    if kind == "duration" and name in QUANTITY_PARAMS:
        try:
            return parse_duration(raw)
        except UnitError as error:
            raise ValueError(f"{where}: {error}") from None
    if isinstance(raw, bool) or not isinstance(raw, Real):
        why = "has no unit" if name not in QUANTITY_PARAMS else "is a plain number for this quantity"
        raise ValueError(f"{where} {why}, write a bare number, got {raw!r}")
    return _finite(raw, where)


def _finite(raw: Real, where: str) -> float:
    """A plain number as a float; NaN, infinity and integers beyond the float range are refused."""
    try:
        number = float(raw)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        shown = repr(raw) if len(repr(raw)) <= 60 else repr(raw)[:57] + "..."
        raise ValueError(f"{where} must be finite, got {shown}")
    return number


def _param(family: str, name: str, raw: Any, kind: str) -> float | tuple[float, ...]:
    if name not in _LIST_PARAMS:
        return _number(family, name, raw, kind)
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence) or len(raw) == 0:
        raise ValueError(f"{family}: parameter '{name}' must be a non-empty list, got {raw!r}")
    return tuple(_number(family, name, x, kind, f"{name}[{i}]") for i, x in enumerate(raw))


def plain_copy(value: Any) -> Any:
    """Deep copy into plain dicts/lists so the stored spec is independent of the caller's."""
    if isinstance(value, Mapping):
        return {str(k): plain_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_copy(v) for v in value]
    return value
