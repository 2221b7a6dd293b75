"""One stable text and hash per scenario content, to tag results with the scenario that made them."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def _canonical(value: Any) -> Any:
    """JSON-ready copy; non-string keys (``1:``) become their text so keys can be sorted."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):  # YAML !!set: order must not depend on hashing
        return sorted((_canonical(v) for v in value), key=canonical_json)
    return value


def canonical_json(data: Any) -> str:
    """One stable text per content (sorted keys, no whitespace), so equal scenarios hash equal.

    Dates become ISO text; anything else unusual falls back to ``str``.
    """
    return json.dumps(
        _canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def scenario_hash(data: Any) -> str:
    """Short sha256 of :func:`canonical_json`, to tag results with the scenario that made them."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()[:16]
