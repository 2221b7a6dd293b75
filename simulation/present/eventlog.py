"""Exporting a run's event log for process-mining tools: plain CSV, OCEL 2.0 JSON, XES.

The simulation records one row per thing that happens to a client (``result.tables["events"]``).
Process mining discovers the *actual* routes clients take through the bijstand from such a log;
pm4py, ProM, Celonis and Disco read these formats, so a simulated policy can be inspected with the
same tools (and the same eyes) as a municipality's real case-management log.

- ``csv``: ``case_id, activity, timestamp, resource, phase``; timestamps ``YYYY-MM-DDTHH:MM:SS``
  (truncated to the second), an empty resource stays empty. Log order.
- ``ocel``: OCEL 2.0 JSON (https://www.ocel-standard.org). Objects: one ``client`` per case
  (``client-<case_id>``, static attributes from the clients table) and one ``resource`` per
  resource kind used (``resource-<name>``). Every activity is an event type with an integer
  attribute ``phase``; each event is related to its client (qualifier ``client``) and, if any,
  its resource (qualifier ``resource``). Event ids ``e1, e2, ...`` in log order.
- ``xes``: IEEE 1849 XES. One trace per case (``concept:name`` = case id, client attributes as
  trace attributes), events sorted by (case, time) with ``concept:name``, ``time:timestamp``,
  ``org:resource`` (when there is one) and an int ``phase``. A second classifier, activity plus
  resource, tells e.g. ``queue`` for a wijkteam from ``queue`` for a trajectory.

Simulated timestamps carry no time zone; OCEL and XES state them as UTC (to the millisecond).
Everything is written in chunks, so a national ten-year log never becomes one string in memory.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from simulation.errors import ScenarioError
from simulation.files import atomic_write

EXPORT_FORMATS = ("csv", "ocel", "xes")

#: Client attributes that do not change during a run (or say when they hold, like ``age_at_end``);
#: those present in the clients table go into OCEL objects and XES trace attributes.
CLIENT_ATTRIBUTES = ("origin", "age_at_end", "male", "household", "migrant", "statushouder", "education")

EVENT_COLUMNS = ("case_id", "activity", "timestamp", "resource", "phase")
CHUNK = 50_000  # assumption: events per write; bounds memory (~86 MB extra at 1M events) at full speed
STATIC_TIME = "1970-01-01T00:00:00Z"  # OCEL 2.0: the time of an attribute value that never changes
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def export_event_log(events: pd.DataFrame, path: str | Path, fmt: str, clients: pd.DataFrame | None = None,
                     scenario_name: str = "") -> Path:
    """Write ``events`` to ``path`` as ``fmt`` (one of :data:`EXPORT_FORMATS`); return the path.

    ``clients`` (the run's clients table) adds client attributes to OCEL objects and XES traces;
    ``scenario_name`` names the XES log. The file appears whole or not at all.
    """
    writers: dict[str, Callable[[IO[str], pd.DataFrame, pd.DataFrame | None, str], None]] = {
        "csv": _write_csv, "ocel": _write_ocel, "xes": _write_xes,
    }
    if fmt not in writers:
        raise ScenarioError(f"unknown event-log format {fmt!r}", argument="fmt",
                            hint=f"choose one of {', '.join(EXPORT_FORMATS)}")
    target = Path(path)
    log = _normalise(events)
    target.parent.mkdir(parents=True, exist_ok=True)

    def write(raw: IO[bytes]) -> None:  # UTF-8 and "\n" whatever the platform's locale says
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        writers[fmt](stream, log, clients, scenario_name)
        stream.flush()
        stream.detach()

    atomic_write(target, write, binary=True)
    return target


# --- input ------------------------------------------------------------------------------------


def _normalise(events: pd.DataFrame) -> pd.DataFrame:
    """The five columns with fixed types: categorical activity and resource ("" = none), naive
    datetime64 timestamps, integer phase. Also accepts an ``events.csv`` read back with pandas."""
    missing = [column for column in EVENT_COLUMNS if column not in events.columns]
    if missing:
        raise ScenarioError(f"the event log lacks column(s) {', '.join(missing)}", key="events",
                            hint=f"expected {', '.join(EVENT_COLUMNS)}")
    timestamp = pd.to_datetime(events["timestamp"])
    if timestamp.dt.tz is not None:
        timestamp = timestamp.dt.tz_convert("UTC").dt.tz_localize(None)
    resource = _categorical(events["resource"])
    if resource.isna().any():
        if "" not in resource.cat.categories:
            resource = resource.cat.add_categories([""])
        resource = resource.fillna("")
    activity = _categorical(events["activity"])
    if activity.isna().any():
        raise ScenarioError(f"{int(activity.isna().sum())} event(s) without an activity", key="events.activity")
    phase = events["phase"].to_numpy()
    if not np.issubdtype(phase.dtype, np.integer):
        phase = phase.astype("int64")
    return pd.DataFrame({
        "case_id": events["case_id"].to_numpy(dtype="int64"),
        "activity": _text_categories(activity),
        "timestamp": timestamp.to_numpy(dtype="datetime64[ns]"),
        "resource": _text_categories(resource),
        "phase": phase,
    }, copy=False)


def _categorical(column: pd.Series) -> pd.Series:
    return column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")


def _text_categories(column: pd.Series) -> pd.Categorical:
    """The values with every category as text (a CSV read back may hold numbers)."""
    return column.cat.rename_categories([str(c) for c in column.cat.categories]).array


def _chunks(n: int) -> Iterator[slice]:
    for start in range(0, n, CHUNK):
        yield slice(start, min(start + CHUNK, n))


def _times(timestamps: np.ndarray, unit: Literal["s", "ms"]) -> list[str]:
    """ISO 8601 strings (``2016-01-01T00:00:00`` for unit ``s``, ``...00.000`` for ``ms``)."""
    return np.datetime_as_string(timestamps.astype(f"datetime64[{unit}]"), unit=unit).tolist()


def _categories(values: pd.Categorical, render: Callable[[str], str]) -> list[str]:
    """``render`` of each category (computed once per category), taken by the codes."""
    table = np.array([render(str(c)) for c in values.categories], dtype=object)
    return table[np.asarray(values.codes)].tolist()


def _present(values: pd.Categorical) -> list[str]:
    """The non-empty categories that occur, in category order (activities: the Activity enum's)."""
    used = np.bincount(np.asarray(values.codes)[np.asarray(values.codes) >= 0], minlength=len(values.categories))
    return [str(c) for c, n in zip(values.categories, used) if n and str(c)]


def _client_attributes(clients: pd.DataFrame | None, cases: np.ndarray) -> tuple[list[tuple[str, str]], list[list]]:
    """The static client attributes present, as (name, OCEL type), and per case (in ``cases``
    order) the list of their values as plain Python values (None when missing or unknown)."""
    if clients is None or "client" not in clients.columns or len(cases) == 0:
        return [], _no_values(cases)
    table = clients.drop_duplicates("client", keep="last").set_index("client").reindex(cases)
    names = [(name, _ocel_type(clients[name])) for name in CLIENT_ATTRIBUTES if name in table.columns]
    columns = [_python_values(table[name], kind) for name, kind in names]
    return names, [list(row) for row in zip(*columns)] if columns else _no_values(cases)


def _no_values(cases: np.ndarray) -> list[list]:
    return [[] for _ in cases]


def _ocel_type(column: pd.Series) -> str:
    """The OCEL 2.0 attribute type of a column of the clients table."""
    if pd.api.types.is_bool_dtype(column):
        return "boolean"
    if pd.api.types.is_integer_dtype(column):
        return "integer"
    return "float" if pd.api.types.is_float_dtype(column) else "string"


def _python_values(column: pd.Series, kind: str) -> list[bool | int | float | str | None]:
    return [_python_value(v, kind) for v in column.astype(object).tolist()]


def _python_value(value: Any, kind: str) -> bool | int | float | str | None:
    """A JSON/XML-ready value, or None for a missing one (NaN, None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "boolean":
        return bool(value)
    if kind == "integer":
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


# --- csv --------------------------------------------------------------------------------------


def _csv(value: str) -> str:
    """A CSV field, quoted only when it holds a comma, quote or line break (RFC 4180)."""
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\r\n') else value


def _write_csv(stream: IO[str], log: pd.DataFrame, clients: pd.DataFrame | None, scenario_name: str) -> None:
    stream.write(",".join(EVENT_COLUMNS) + "\n")
    for part in _chunks(len(log)):
        chunk = log.iloc[part]
        stream.write("".join(
            f"{c},{a},{t},{r},{p}\n" for c, a, t, r, p in zip(
                chunk["case_id"].to_numpy().tolist(),
                _categories(chunk["activity"].array, _csv),
                _times(chunk["timestamp"].to_numpy(), "s"),
                _categories(chunk["resource"].array, _csv),
                chunk["phase"].to_numpy().tolist())))


# --- OCEL 2.0 JSON ----------------------------------------------------------------------------


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _ocel_resource(name: str) -> str:
    """The event's relationship to its resource, after the one to its client ("" when none)."""
    return f',{{"objectId":{_json("resource-" + name)},"qualifier":"resource"}}' if name else ""


def _write_ocel(stream: IO[str], log: pd.DataFrame, clients: pd.DataFrame | None, scenario_name: str) -> None:
    cases = np.unique(log["case_id"].to_numpy())
    attributes, rows = _client_attributes(clients, cases)
    object_types = [
        {"name": "client", "attributes": [{"name": name, "type": kind} for name, kind in attributes]},
        {"name": "resource", "attributes": []},
    ]
    event_types = [{"name": str(a), "attributes": [{"name": "phase", "type": "integer"}]}
                   for a in _present(log["activity"].array)]
    stream.write('{\n"objectTypes": ' + _json(object_types) + ',\n"eventTypes": ' + _json(event_types)
                 + ',\n"objects": [\n')
    objects = _ocel_objects(cases, attributes, rows, _present(log["resource"].array))
    for number, obj in enumerate(objects):
        stream.write(("" if number == 0 else ",\n") + _json(obj))
    stream.write('\n],\n"events": [\n')
    _write_ocel_events(stream, log)
    stream.write("\n]\n}\n")


def _ocel_objects(cases: np.ndarray, attributes: list[tuple[str, str]], rows: list[list],
                  resources: list[str]) -> Iterator[dict]:
    """One object per client (its known static attributes), then one per resource."""
    for case, row in zip(cases.tolist(), rows):
        values = [{"name": name, "time": STATIC_TIME, "value": value}
                  for (name, _), value in zip(attributes, row) if value is not None]
        yield {"id": f"client-{case}", "type": "client", "attributes": values}
    for name in resources:
        yield {"id": f"resource-{name}", "type": "resource", "attributes": []}


def _write_ocel_events(stream: IO[str], log: pd.DataFrame) -> None:
    """Every event, in log order, related to its client and (if any) its resource."""
    for part in _chunks(len(log)):
        chunk = log.iloc[part]
        lines = [f'{{"id":"e{i}","type":{a},"time":"{t}Z","attributes":[{{"name":"phase","value":{p}}}],'
                 f'"relationships":[{{"objectId":"client-{c}","qualifier":"client"}}{r}]}}'
                 for i, a, t, p, c, r in zip(
                     range(part.start + 1, part.stop + 1),
                     _categories(chunk["activity"].array, _json),
                     _times(chunk["timestamp"].to_numpy(), "ms"),
                     chunk["phase"].to_numpy().tolist(),
                     chunk["case_id"].to_numpy().tolist(),
                     _categories(chunk["resource"].array, _ocel_resource))]
        stream.write(("" if part.start == 0 else ",\n") + ",\n".join(lines))


# --- XES --------------------------------------------------------------------------------------


def _xml(value: object) -> str:
    """Text for an XML attribute value: escaped, characters XML 1.0 cannot hold dropped."""
    text = _NOT_XML.sub("", str(value))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


XES_TAGS = {"boolean": "boolean", "integer": "int", "float": "float", "string": "string"}


def _xes_attribute(key: str, kind: str, value: bool | float | str) -> str:
    if kind == "boolean":
        value = "true" if value else "false"
    elif kind == "float":
        value = repr(float(value))
    return f'<{XES_TAGS[kind]} key="{_xml(key)}" value="{_xml(value)}"/>'


def _write_xes(stream: IO[str], log: pd.DataFrame, clients: pd.DataFrame | None, scenario_name: str) -> None:
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">\n'
                 '\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>\n'
                 '\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>\n'
                 '\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>\n'
                 '\t<global scope="trace">\n\t\t<string key="concept:name" value="__INVALID__"/>\n\t</global>\n'
                 '\t<global scope="event">\n\t\t<string key="concept:name" value="__INVALID__"/>\n'
                 '\t\t<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>\n'
                 '\t\t<int key="phase" value="0"/>\n\t</global>\n'
                 '\t<classifier name="Activity" keys="concept:name"/>\n'
                 '\t<classifier name="Activity and resource" keys="concept:name org:resource"/>\n')
    if scenario_name:
        stream.write(f'\t{_xes_attribute("concept:name", "string", scenario_name)}\n')

    order = np.lexsort((log["timestamp"].to_numpy(), log["case_id"].to_numpy()))  # stable: ties keep log order
    cases = log["case_id"].to_numpy()[order]
    starts = np.flatnonzero(np.r_[True, cases[1:] != cases[:-1]]) if len(cases) else np.array([], dtype=int)
    attributes, rows = _client_attributes(clients, cases[starts])

    def trace_head(number: int, first: bool) -> str:
        """``number``: the trace's position; closes the previous trace unless ``first``."""
        lines = [f'\t<trace>\n\t\t{_xes_attribute("concept:name", "string", cases[starts[number]])}\n']
        lines += [f"\t\t{_xes_attribute(name, kind, value)}\n"
                  for (name, kind), value in zip(attributes, rows[number]) if value is not None]
        return ("" if first else "\t</trace>\n") + "".join(lines)

    for part in _chunks(len(order)):
        chunk = log.iloc[order[part]]
        heads = [""] * (part.stop - part.start)
        for number in range(*np.searchsorted(starts, [part.start, part.stop]).tolist()):
            heads[starts[number] - part.start] = trace_head(number, number == 0)
        lines = [f'{h}\t\t<event><string key="concept:name" value="{a}"/>'
                 f'<date key="time:timestamp" value="{t}+00:00"/>{r}<int key="phase" value="{p}"/></event>\n'
                 for h, a, t, r, p in zip(
                     heads,
                     _categories(chunk["activity"].array, _xml),
                     _times(chunk["timestamp"].to_numpy(), "ms"),
                     _categories(chunk["resource"].array,
                                 lambda r: f'<string key="org:resource" value="{_xml(r)}"/>' if r else ""),
                     chunk["phase"].to_numpy().tolist())]
        stream.write("".join(lines))
    if len(order):
        stream.write("\t</trace>\n")
    stream.write("</log>\n")
