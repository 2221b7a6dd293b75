"""Experimental designs for sweeps: a full factorial grid or a Latin hypercube over ranges.

A design point is a plain ``{dotted.key: value text}`` dict. The values stay *override text*
(``"30 days"``, ``"€250000 per year"``), so every point is applied with the same override
machinery and validated by the same loader as a hand-written run; this module never needs
to know which keys carry units.

Text forms (parsed here; ``meedoen sweep`` passes its options to these parsers)::

    parse_grid: key=v1,v2,...     values are separated by commas, so a value cannot contain one
                                  (write "€100000 per year", not "€100,000 per year")
    parse_ranges: key=lo:hi       lo and hi are numbers with the same unit text around them:
                                  "20:60", "0.1:0.6", "3 months:12 months",
                                  "€100000 per year:€400000 per year"

Errors name the API argument at fault (``grid``, ``ranges``, ``n``, ``seed``), never a flag.
"""

from __future__ import annotations

import inspect
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from simulation.errors import ScenarioError
from simulation.scenario.yamlio import load_value

__all__ = [
    "LHS_PURPOSE",
    "Range",
    "grid_points",
    "lhs_points",
    "parse_grid",
    "parse_ranges",
    "point_label",
    "point_overrides",
]

LHS_PURPOSE = 200
"""Spawn-key component of the design's Generator; the model's streams use 1-3 and 100-101."""

_SIGNIFICANT = 10  # digits kept in a sampled float: exact enough, and short in tables

# The first number in a bound is the varied one; the text around it is the unit. Thousands
# separators follow simulation/scenario/units.py ("€100,000 per year" is accepted in a range).
BOUND_RE = re.compile(
    r"^(?P<prefix>[^\d.+-]*?)(?P<num>[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+))(?P<suffix>.*)$"
)
# Text that continues the number is no unit: "1e-3" (YAML 1.1 reads it as a string), "1,5", "1.2.3".
NOT_A_UNIT_RE = re.compile(r"^(?:[eE][-+]?\d|[\d.,])")


def _normal_key(text: str, raw: str, argument: str) -> str:
    """The dotted key with blanks around segments removed, as an override reads it."""
    key = text.strip()
    if not key:
        raise ScenarioError(f"malformed '{raw}': the key before '=' is empty", argument=argument, key=None)
    segments = [s.strip() for s in key.split(".")]
    if any(not s for s in segments):
        raise ScenarioError(f"malformed '{raw}': empty key segment", argument=argument, key=key)
    return ".".join(segments)


def _split_assignment(raw: str, argument: str, form: str) -> tuple[str, str]:
    """``key=rest`` -> (normalised key, rest); the first '=' separates them."""
    key, sep, rest = raw.partition("=")
    if not sep:
        hint = f"expected {form}"
        raise ScenarioError(f"malformed '{raw}': no '='", argument=argument, key=key.strip() or None, hint=hint)
    return _normal_key(key, raw, argument), rest


def _check_unique(key: str, seen: Mapping[str, object], argument: str) -> None:
    if key in seen:
        raise ScenarioError("key given twice", argument=argument, key=key, hint="give each key once")


# ---------------------------------------------------------------- full factorial grid


def _grid_value(value: str, key: str, raw: str) -> str:
    """One stripped value text; it must not be empty and must parse as YAML like an override."""
    text = value.strip()
    if not text:
        message = f"malformed '{raw}': empty value (values are separated by commas)"
        raise ScenarioError(message, argument="grid", key=key)
    try:
        load_value(text)  # with the limits of a file: aliases, nesting, digits
    except ScenarioError as exc:
        message = f"cannot parse value {text!r}: {exc.message.removeprefix('invalid YAML: ')}"
        raise ScenarioError(message, argument="grid", key=key) from None
    return text


def parse_grid(texts: Sequence[str]) -> dict[str, list[str]]:
    """Parse ``key=v1,v2,...`` texts into key -> value texts, in the order given.

    Commas separate values, so a value cannot contain a comma; blanks inside a value are
    kept (``"30 days"``). A repeated value would repeat design points, so it is rejected.
    """
    grid: dict[str, list[str]] = {}
    for raw in texts:
        key, rest = _split_assignment(raw, "grid", "key=v1,v2,...")
        _check_unique(key, grid, "grid")
        if not rest.strip():
            raise ScenarioError(f"malformed '{raw}': no values after '='", argument="grid", key=key)
        values = [_grid_value(v, key, raw) for v in rest.split(",")]
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            message = f"value given twice: {', '.join(repeated)}"
            raise ScenarioError(message, argument="grid", key=key)
        grid[key] = values
    return grid


def grid_points(grid: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """Every combination of the grid's values; the first key varies slowest (like nested loops)."""
    keys = list(grid)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(grid[k] for k in keys))]


# ---------------------------------------------------------------- ranges


@dataclass(frozen=True)
class Range:
    """A numeric interval for one key, with the unit text that surrounds the number.

    ``integer`` is true when both bounds were written without a decimal point, so staff
    counts and slots get whole numbers; write ``3.0 months:12.0 months`` for fractional months.
    """

    lo: float
    hi: float
    prefix: str = ""
    suffix: str = ""
    integer: bool = False

    def format(self, value: float) -> str:
        """Override text for ``value``: the number between the bounds' own unit text."""
        return f"{self.prefix}{_number_text(value, self.integer)}{self.suffix}"

    @property
    def text(self) -> str:
        """The range as ``parse_ranges`` reads it, e.g. ``3 months:12 months``."""
        return f"{self.format(self.lo)}:{self.format(self.hi)}"


def _number_text(value: float, integer: bool) -> str:
    """Positional decimal without exponent: YAML 1.1 reads ``1e-05`` as a string, units.py too."""
    if integer:
        return str(int(value))
    return format(Decimal(format(value, f".{_SIGNIFICANT}g")), "f")


def _parse_bound(text: str, key: str, raw: str) -> tuple[str, float, str, bool]:
    """``"€100,000 per year"`` -> ("€", 100000.0, " per year", integer=True)."""
    match = BOUND_RE.match(text)
    if not match or NOT_A_UNIT_RE.match(match["suffix"]):
        hint = "a number with '.' as decimal point and no exponent, e.g. 20:60, 0.1:0.6, 3 months:12 months"
        message = f"malformed '{raw}': {text.strip()!r} is not a number"
        raise ScenarioError(message, argument="ranges", key=key, hint=hint)
    number = match["num"]
    value = float(number.replace(",", ""))
    if not math.isfinite(value):  # 309 digits or more
        raise ScenarioError(f"malformed '{raw[:60]}': a bound of {len(number)} digits is more than a float holds",
                            argument="ranges", key=key)
    return match["prefix"], value, match["suffix"], "." not in number


def parse_ranges(texts: Sequence[str]) -> dict[str, Range]:
    """Parse ``key=lo:hi`` texts into key -> Range, in the order given."""
    ranges: dict[str, Range] = {}
    for raw in texts:
        key, rest = _split_assignment(raw, "ranges", "key=lo:hi")
        _check_unique(key, ranges, "ranges")
        parts = rest.split(":")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            hint = "expected key=lo:hi, e.g. services.wijkteam.slots=20:60"
            raise ScenarioError(f"malformed '{raw}': expected one ':' between two bounds", argument="ranges", key=key,
                                hint=hint)
        pre_lo, lo, suf_lo, int_lo = _parse_bound(parts[0].strip(), key, raw)
        pre_hi, hi, suf_hi, int_hi = _parse_bound(parts[1].strip(), key, raw)
        if (pre_lo.strip(), suf_lo.strip()) != (pre_hi.strip(), suf_hi.strip()):
            message = f"the bounds have different units: {parts[0].strip()!r} and {parts[1].strip()!r}"
            raise ScenarioError(message, argument="ranges", key=key, hint="write the same unit on both sides")
        if not lo < hi:
            message = f"the lower bound must be below the upper bound, got {rest.strip()!r}"
            raise ScenarioError(message, argument="ranges", key=key)
        ranges[key] = Range(lo, hi, pre_lo, suf_lo, integer=int_lo and int_hi)
    return ranges


# ---------------------------------------------------------------- Latin hypercube


def _design_generator(seed: int) -> np.random.Generator:
    """The design's own stream, so drawing points never shifts any model stream."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ScenarioError(f"the seed must be a whole number ≥ 0, got {seed!r}", argument="seed")
    sequence = np.random.SeedSequence(int(seed), spawn_key=(LHS_PURPOSE,))
    return np.random.Generator(np.random.PCG64(sequence))


def _scaled_sample(lows: list[float], highs: list[float], n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` Latin-hypercube rows scaled to ``[lows, highs)``; SciPy renamed ``seed`` to ``rng`` in 1.15."""
    # imported here: scipy.stats costs a second at CLI start-up
    from scipy.stats import qmc

    keyword = "rng" if "rng" in inspect.signature(qmc.LatinHypercube).parameters else "seed"
    unit = qmc.LatinHypercube(d=len(lows), **{keyword: rng}).random(n)
    return qmc.scale(unit, lows, highs)


def lhs_points(ranges: Mapping[str, Range], n: int, seed: int) -> list[dict[str, str]]:
    """``n`` design points from a Latin hypercube over ``ranges``; same seed, same points.

    Each float range is cut into ``n`` equal strata and every stratum holds exactly one point.
    An integer range is stretched to ``[lo - 0.5, hi + 0.5)`` before rounding, so every whole
    number from lo to hi is equally likely (rounding plain ``[lo, hi]`` would give the two
    bounds half a share); strata then hold one point each but can map to the same integer,
    and when ``n`` equals the number of integers each appears exactly once.
    """
    _check_lhs(ranges, n)
    keys = list(ranges)
    spans = [ranges[k] for k in keys]
    lows = [r.lo - 0.5 if r.integer else r.lo for r in spans]
    highs = [r.hi + 0.5 if r.integer else r.hi for r in spans]
    sample = _scaled_sample(lows, highs, int(n), _design_generator(seed))
    return [{key: _snapped(span, value) for key, span, value in zip(keys, spans, row)} for row in sample]


def _check_lhs(ranges: Mapping[str, Range], n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ScenarioError(f"the number of points must be a whole number ≥ 1, got {n!r}", argument="n")
    if not ranges:
        raise ScenarioError("a Latin hypercube needs at least one range", argument="ranges",
                            hint="e.g. parse_ranges(['services.wijkteam.slots=20:60'])")


def _snapped(span: Range, value: float) -> str:
    """A sampled value as override text: rounded for an integer range, clipped to the bounds."""
    number = math.floor(value + 0.5) if span.integer else float(value)
    return span.format(min(max(number, span.lo), span.hi))  # float noise at the edges


# ---------------------------------------------------------------- using a point


def point_overrides(point: Mapping[str, str]) -> list[str]:
    """The point as override texts for ``load_scenario(path, overrides)``."""
    return [f"{key}={value}" for key, value in point.items()]


def point_label(point: Mapping[str, str]) -> str:
    """A short, stable label for tables: ``key=value, key2=value2`` in the point's key order."""
    return ", ".join(point_overrides(point))
