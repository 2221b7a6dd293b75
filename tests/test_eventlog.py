"""Process-mining exports of the event log (simulation.present.eventlog): CSV, OCEL 2.0 JSON and XES.

Each export is read back with a plain parser (csv, json, ElementTree) and compared with the
DataFrame it came from: events per activity and per case, timestamps, resources, phases. The
checks are shared helpers, and one test shows they reject a corrupted file. With the optional
``process-mining`` extra installed, pm4py itself reads both files and discovers a DFG.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from conftest import TEST_SCENARIO_DIR

from simulation.errors import ScenarioError
from simulation.model.run import run
from simulation.present import eventlog
from simulation.present.eventlog import EXPORT_FORMATS, export_event_log

XES = "{http://www.xes-standard.org/}"
NASTY = 'Zorg & <werk> "2026" \'plan\', fase\n1 (één €)'


@pytest.fixture(scope="module")
def result():
    return run(TEST_SCENARIO_DIR / "tiny_tilburg.yaml", seed=3)


@pytest.fixture(scope="module")
def events(result) -> pd.DataFrame:
    return result.tables["events"]


@pytest.fixture(scope="module")
def clients(result) -> pd.DataFrame:
    return result.tables["clients"]


def nasty_events(events: pd.DataFrame) -> pd.DataFrame:
    """The log with one resource and one activity renamed to names full of special characters."""
    nasty = events.copy()
    resources = [NASTY if r == "klantmanager" else r for r in nasty["resource"].cat.categories]
    activities = [f"{a} <&\"'>" if a == "contact" else a for a in nasty["activity"].cat.categories]
    nasty["resource"] = nasty["resource"].cat.rename_categories(resources)
    nasty["activity"] = nasty["activity"].cat.rename_categories(activities)
    return nasty


def counts(frame: pd.DataFrame, column: str) -> dict:
    return {str(k): int(v) for k, v in frame[column].astype(str).value_counts().items()}


# --- readers and checks shared by the tests -----------------------------------------------------


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, dtype={"activity": str, "resource": str})


def check_csv(path: Path, events: pd.DataFrame) -> None:
    back = read_csv(path)
    assert list(back.columns) == ["case_id", "activity", "timestamp", "resource", "phase"]
    assert len(back) == len(events)
    assert counts(back, "activity") == counts(events, "activity")
    assert counts(back, "case_id") == counts(events, "case_id")
    assert back["case_id"].tolist() == events["case_id"].tolist()  # log order kept
    assert back["activity"].tolist() == events["activity"].astype(str).tolist()
    assert back["resource"].tolist() == events["resource"].astype(str).tolist()
    assert back["phase"].tolist() == events["phase"].tolist()
    assert back["timestamp"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d").all()
    assert (pd.to_datetime(back["timestamp"]).to_numpy() == events["timestamp"].dt.floor("s").to_numpy()).all()


def read_ocel(path: Path) -> dict:
    with open(path, encoding="utf-8") as stream:
        return json.load(stream)


def check_ocel(path: Path, events: pd.DataFrame) -> dict:
    log = read_ocel(path)
    assert set(log) == {"objectTypes", "eventTypes", "objects", "events"}
    rows = log["events"]
    assert len(rows) == len(events)
    assert [e["id"] for e in rows] == [f"e{i}" for i in range(1, len(events) + 1)]
    assert {t["name"] for t in log["eventTypes"]} == set(events["activity"].astype(str))
    back = pd.DataFrame({
        "activity": [e["type"] for e in rows],
        "case_id": [next(int(r["objectId"].removeprefix("client-")) for r in e["relationships"]
                         if r["qualifier"] == "client") for e in rows],
        "resource": [next((r["objectId"].removeprefix("resource-") for r in e["relationships"]
                           if r["qualifier"] == "resource"), "") for e in rows],
        "phase": [next(a["value"] for a in e["attributes"] if a["name"] == "phase") for e in rows],
        "time": pd.to_datetime([e["time"] for e in rows]).tz_convert("UTC").tz_localize(None),
    })
    assert counts(back, "activity") == counts(events, "activity")
    assert counts(back, "case_id") == counts(events, "case_id")
    assert back["resource"].tolist() == events["resource"].astype(str).tolist()
    assert back["phase"].tolist() == events["phase"].tolist()
    assert (back["time"].to_numpy() == events["timestamp"].dt.floor("ms").to_numpy()).all()
    ids = [o["id"] for o in log["objects"]]
    assert len(ids) == len(set(ids))
    related = {r["objectId"] for e in rows for r in e["relationships"]}
    assert related <= set(ids)
    by_type = pd.Series([o["type"] for o in log["objects"]]).value_counts().to_dict()
    used = set(events["resource"].astype(str)) - {""}
    assert by_type == {"client": events["case_id"].nunique(), **({"resource": len(used)} if used else {})}
    return log


def read_xes(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def attribute(element: ET.Element, key: str) -> str | None:
    found = [child.get("value") for child in element if child.get("key") == key]
    return found[0] if found else None


def check_xes(path: Path, events: pd.DataFrame, scenario_name: str = "") -> ET.Element:
    root = read_xes(path)
    assert root.tag == f"{XES}log"
    assert {e.get("prefix") for e in root.iter(f"{XES}extension")} >= {"concept", "time", "org"}
    assert attribute(root, "concept:name") == (scenario_name or None)
    traces = root.findall(f"{XES}trace")
    case_ids = [int(attribute(trace, "concept:name")) for trace in traces]
    assert case_ids == sorted(events["case_id"].unique().tolist())
    ordered = events.sort_values(["case_id", "time"], kind="stable")
    rows = []
    for case, trace in zip(case_ids, traces):
        for event in trace.findall(f"{XES}event"):
            tags = {child.get("key"): child.tag.removeprefix(XES) for child in event}
            assert tags.get("time:timestamp") == "date" and tags.get("phase") == "int"
            rows.append((case, attribute(event, "concept:name"), attribute(event, "time:timestamp"),
                         attribute(event, "org:resource"), int(attribute(event, "phase"))))
    back = pd.DataFrame(rows, columns=["case_id", "activity", "timestamp", "resource", "phase"])
    assert counts(back, "activity") == counts(events, "activity")
    assert counts(back, "case_id") == counts(events, "case_id")
    assert back["case_id"].tolist() == ordered["case_id"].tolist()
    assert back["activity"].tolist() == ordered["activity"].astype(str).tolist()
    assert back["resource"].fillna("").tolist() == ordered["resource"].astype(str).tolist()
    assert "" not in set(back["resource"].dropna())  # an empty resource is left out, not written empty
    assert back["phase"].tolist() == ordered["phase"].tolist()
    assert back["timestamp"].str.endswith("+00:00").all()
    stamps = pd.to_datetime(back["timestamp"]).dt.tz_convert("UTC").dt.tz_localize(None)
    assert (stamps.to_numpy() == ordered["timestamp"].dt.floor("ms").to_numpy()).all()
    return root


# --- the exports ----------------------------------------------------------------------------------


def test_csv_round_trip(events, tmp_path):
    path = export_event_log(events, tmp_path / "log.csv", "csv")
    assert path == tmp_path / "log.csv"
    check_csv(path, events)
    assert path.read_text().splitlines()[0] == "case_id,activity,timestamp,resource,phase"


def test_ocel_round_trip_with_client_attributes(events, clients, tmp_path):
    log = check_ocel(export_event_log(events, tmp_path / "log.json", "ocel", clients=clients), events)
    client_type = next(t for t in log["objectTypes"] if t["name"] == "client")
    declared = {a["name"]: a["type"] for a in client_type["attributes"]}
    assert declared["origin"] == "string" and declared["migrant"] == "boolean" and declared["age_at_end"] == "float"
    truth = clients.set_index("client")
    for obj in (o for o in log["objects"] if o["type"] == "client"):
        case = int(obj["id"].removeprefix("client-"))
        values = {a["name"]: a["value"] for a in obj["attributes"]}
        assert all(a["time"] == "1970-01-01T00:00:00Z" for a in obj["attributes"])
        assert values["origin"] == truth.at[case, "origin"]
        assert values["migrant"] is bool(truth.at[case, "migrant"])
        assert values["education"] == truth.at[case, "education"]
    resources = {o["id"] for o in log["objects"] if o["type"] == "resource"}
    assert "resource-klantmanager" in resources


def test_xes_round_trip_sorted_per_case(events, clients, tmp_path):
    root = check_xes(export_event_log(events, tmp_path / "log.xes", "xes", clients=clients), events)
    first = root.find(f"{XES}trace")
    case = int(attribute(first, "concept:name"))
    row = clients.set_index("client").loc[case]
    assert attribute(first, "origin") == row["origin"]
    assert attribute(first, "migrant") == str(bool(row["migrant"])).lower()


def test_missing_client_attributes_are_left_out(events, clients, tmp_path):
    """A client missing from the clients table, or with an unknown value, gets no attribute for it."""
    first, second = sorted(events["case_id"].unique())[:2]
    partial = clients[clients["client"] != first].astype({"education": object})
    partial.loc[partial["client"] == second, "education"] = None
    log = check_ocel(export_event_log(events, tmp_path / "log.json", "ocel", clients=partial), events)
    objects = {o["id"]: {a["name"] for a in o["attributes"]} for o in log["objects"]}
    assert objects[f"client-{first}"] == set()
    assert "education" not in objects[f"client-{second}"] and "origin" in objects[f"client-{second}"]
    traces = check_xes(export_event_log(events, tmp_path / "log.xes", "xes", clients=partial), events)
    heads = {int(attribute(t, "concept:name")): t for t in traces.findall(f"{XES}trace")}
    assert attribute(heads[first], "origin") is None
    assert attribute(heads[second], "education") is None and attribute(heads[second], "origin") is not None


def test_special_characters_are_escaped_in_every_format(events, tmp_path):
    nasty = nasty_events(events)
    name = 'tilburg <test> & "quotes" \'apostrophes\' – ’s-Hertogenbosch €'
    check_csv(export_event_log(nasty, tmp_path / "log.csv", "csv", scenario_name=name), nasty)
    check_ocel(export_event_log(nasty, tmp_path / "log.json", "ocel", scenario_name=name), nasty)
    check_xes(export_event_log(nasty, tmp_path / "log.xes", "xes", scenario_name=name), nasty, scenario_name=name)


def test_chunked_writing_matches_one_chunk(events, clients, tmp_path, monkeypatch):
    """Chunk boundaries (a trace split over two chunks, commas between JSON chunks) change nothing."""
    whole = {fmt: export_event_log(events, tmp_path / f"whole.{fmt}", fmt, clients=clients).read_bytes()
             for fmt in EXPORT_FORMATS}
    monkeypatch.setattr(eventlog, "CHUNK", 7)
    for fmt in EXPORT_FORMATS:
        assert export_event_log(events, tmp_path / f"small.{fmt}", fmt, clients=clients).read_bytes() == whole[fmt]


def test_xes_sorts_per_case_and_csv_keeps_log_order(events, tmp_path):
    """The simulated log is already in time order; shuffled, XES still sorts each trace by time."""
    shuffled = events.sample(frac=1.0, random_state=7)
    check_csv(export_event_log(shuffled, tmp_path / "log.csv", "csv"), shuffled)
    check_ocel(export_event_log(shuffled, tmp_path / "log.json", "ocel"), shuffled)
    check_xes(export_event_log(shuffled, tmp_path / "log.xes", "xes"), shuffled)


def test_events_csv_read_back_exports_the_same(result, events, tmp_path):
    """An ``events.csv`` from ``meedoen run --out`` (read with pandas) exports like the table did."""
    events.to_csv(tmp_path / "events.csv", index=False, date_format="%Y-%m-%dT%H:%M:%S")
    from_file = pd.read_csv(tmp_path / "events.csv")
    assert export_event_log(from_file, tmp_path / "a.csv", "csv").read_bytes() == \
        export_event_log(events, tmp_path / "b.csv", "csv").read_bytes()
    check_xes(export_event_log(from_file, tmp_path / "a.xes", "xes"), events.assign(
        timestamp=events["timestamp"].dt.floor("s")))


def test_empty_log(events, tmp_path):
    empty = events.iloc[:0]
    assert read_csv(export_event_log(empty, tmp_path / "log.csv", "csv")).empty
    assert read_ocel(export_event_log(empty, tmp_path / "log.json", "ocel"))["events"] == []
    assert read_xes(export_event_log(empty, tmp_path / "log.xes", "xes")).findall(f"{XES}trace") == []


# --- the checks can fail ------------------------------------------------------------------------


def test_checks_catch_a_corrupted_export(events, tmp_path):
    """A dropped event, a wrong timestamp or a truncated file must not pass the checks above."""
    xes = export_event_log(events, tmp_path / "log.xes", "xes")
    lines = xes.read_text().splitlines(keepends=True)
    dropped = next(i for i, line in enumerate(lines) if "<event>" in line)
    (tmp_path / "dropped.xes").write_text("".join(lines[:dropped] + lines[dropped + 1:]))
    with pytest.raises(AssertionError):
        check_xes(tmp_path / "dropped.xes", events)
    (tmp_path / "truncated.xes").write_text("".join(lines[: len(lines) // 2]))
    with pytest.raises(ET.ParseError):
        check_xes(tmp_path / "truncated.xes", events)

    ocel = read_ocel(export_event_log(events, tmp_path / "log.json", "ocel"))
    ocel["events"][5]["time"] = "2030-01-01T00:00:00.000Z"
    (tmp_path / "moved.json").write_text(json.dumps(ocel))
    with pytest.raises(AssertionError):
        check_ocel(tmp_path / "moved.json", events)

    csv = export_event_log(events, tmp_path / "log.csv", "csv").read_text()
    (tmp_path / "swapped.csv").write_text(csv.replace(",contact,", ",review,", 1))
    with pytest.raises(AssertionError):
        check_csv(tmp_path / "swapped.csv", events)


def test_failed_export_leaves_no_file(events, tmp_path, monkeypatch):
    """Writing is atomic: an error halfway leaves neither the target nor a temporary file."""
    target = tmp_path / "log.xes"
    target.write_text("old")
    calls = []

    def failing_times(timestamps, unit):
        calls.append(unit)
        if len(calls) > 1:
            raise OSError("disk full")
        return original(timestamps, unit)

    original = eventlog._times
    monkeypatch.setattr(eventlog, "CHUNK", 100)
    monkeypatch.setattr(eventlog, "_times", failing_times)
    with pytest.raises(OSError, match="disk full"):
        export_event_log(events, target, "xes")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["log.xes"]


# --- bad input --------------------------------------------------------------------------------


def test_unknown_format_is_a_scenario_error(events, tmp_path):
    with pytest.raises(ScenarioError) as caught:
        export_event_log(events, tmp_path / "log.parquet", "parquet")
    assert "parquet" in str(caught.value)
    assert all(fmt in str(caught.value) for fmt in EXPORT_FORMATS)
    assert not (tmp_path / "log.parquet").exists()


def test_missing_column_is_a_scenario_error(events, tmp_path):
    with pytest.raises(ScenarioError, match="resource"):
        export_event_log(events.drop(columns="resource"), tmp_path / "log.csv", "csv")


# --- a real process-mining library ----------------------------------------------------------------


@pytest.fixture(scope="module")
def pm4py():
    return pytest.importorskip("pm4py")


@pytest.mark.filterwarnings("ignore:Install the optional requirement")
@pytest.mark.parametrize("variant", [None, "iterparse"])
def test_pm4py_reads_the_xes_and_discovers_a_dfg(pm4py, events, clients, tmp_path, variant):
    path = export_event_log(events, tmp_path / "log.xes", "xes", clients=clients, scenario_name="tiny <&> tilburg")
    log = pm4py.read_xes(str(path), **({"variant": variant} if variant else {}))
    assert len(log) == len(events)
    assert log["case:concept:name"].nunique() == events["case_id"].nunique()
    assert counts(log, "concept:name") == counts(events, "activity")
    assert counts(log, "case:concept:name") == counts(events, "case_id")
    assert log["org:resource"].notna().sum() == (events["resource"].astype(str) != "").sum()
    assert sorted(log["phase"].unique().tolist()) == sorted(events["phase"].unique().tolist())

    dfg, starts, ends = pm4py.discover_dfg(log)
    cases = events["case_id"].nunique()
    assert sum(dfg.values()) == len(events) - cases  # one directly-follows pair per event but the first
    assert sum(starts.values()) == cases and sum(ends.values()) == cases
    assert set(starts) <= set(events["activity"].astype(str))


def test_pm4py_reads_the_ocel(pm4py, events, clients, tmp_path):
    path = export_event_log(events, tmp_path / "log.json", "ocel", clients=clients)
    ocel = pm4py.read_ocel2_json(str(path))
    assert len(ocel.events) == len(events)
    assert counts(ocel.events, "ocel:activity") == counts(events, "activity")
    by_type = ocel.objects["ocel:type"].value_counts().to_dict()
    assert by_type["client"] == events["case_id"].nunique()
    assert by_type["resource"] == len(set(events["resource"].astype(str)) - {""})
    assert len(ocel.relations) == len(events) + (events["resource"].astype(str) != "").sum()
    assert "origin" in ocel.objects.columns and "phase" in ocel.events.columns
    per_client = ocel.relations[ocel.relations["ocel:qualifier"] == "client"]["ocel:oid"].value_counts()
    assert per_client.to_dict() == {f"client-{k}": v for k, v in counts(events, "case_id").items()}
