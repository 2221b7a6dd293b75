"""Experiments as users run them: resuming after an interrupt, the result store, executors, bad input.

``compare`` and ``sweep`` keep every finished replication in a store, so an interrupted run
(Ctrl-C, ``kill``, even ``kill -9``) continues where it stopped when the same command is given
again, and the resumed tables equal an uninterrupted run's to the byte. These tests hold the
experiment layer to that, to bit-identical results whichever executor runs the replications
(one process, worker processes, a Dask cluster), and to the command-line contract: bad input
gives one ``meedoen: error:`` line, exit code 2 and nothing written.

Runs use ``tests/scenarios/tiny_*.yaml`` (200 clients, 15 months plus a year of follow-up):
about 0.1 s per replication. These are exactness tests: every comparison is exact.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from conftest import HANG_GUARD_S, ROOT, TEST_SCENARIO_DIR, meedoen, parquet_or_skip
from environment import assert_record_environment

from simulation import load_scenario
from simulation.cli.options import results_command
from simulation.cli.parser import build_parser
from simulation.errors import Interrupted
from simulation.experiments.comparison import compare
from simulation.experiments.execution import Execution, run_tasks
from simulation.experiments.progress import INTERVAL_ENV
from simulation.experiments.replication import Replicator
from simulation.experiments.store import ResultStore
from simulation.model.run import run
from simulation.outcomes.definitions import OUTCOMES
from simulation.version import model_version

TINY_A = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
TINY_B = TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml"
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}  # as conftest.meedoen runs the program

RESUME_REPS = 20
"""Per scenario: 40 replications of ~0.12 s on 2 workers take ~2.5 s; the interrupt comes once
the first MIN_STORED are stored (~0.3 s of work), so it lands mid-run with a wide margin."""
MIN_STORED = 3
RESULT_FILES = ("summary.csv", "replications.csv")


def stored(store: Path) -> int:
    """Replication records in the store (temporary ``.rep-*.tmp`` files do not count)."""
    return sum(1 for _ in store.rglob("rep-*.json"))


def compare_args(store: Path, out: Path, reps: int = RESUME_REPS) -> list[str]:
    return ["compare", str(TINY_A), str(TINY_B), "--reps", str(reps), "--workers", "2",
            "--store", str(store), "--out", str(out), "--quiet"]


def run_counts(stdout: str) -> tuple[int, int]:
    """(run, reused) from the first line of a compare or sweep."""
    match = re.search(r"\((\d+) run, (\d+) reused from the store\)", stdout.splitlines()[0] if stdout else "")
    assert match, f"no '(N run, M reused from the store)' on the first line of:\n{stdout}"
    return int(match[1]), int(match[2])


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"exit code {proc.returncode}, stderr:\n{proc.stderr}"
    return proc.stdout


def assert_same_files(left: Path, right: Path, names: tuple[str, ...]) -> None:
    """Byte-for-byte; on a difference, show it as a table diff, which says where."""
    for name in names:
        if (left / name).read_bytes() != (right / name).read_bytes():
            pd.testing.assert_frame_equal(pd.read_csv(left / name), pd.read_csv(right / name), check_exact=True)
            pytest.fail(f"{name} differs byte-wise but not as a table: formatting changed")


def skip_if_model_changed(*outs: Path) -> None:
    """Results of different model sources must differ; that is the store's job, not a failure here.

    Only happens when simulation/ is edited while the tests run (the store key includes a digest
    of the source).
    """
    versions = {json.loads((out / "manifest.json").read_text())["model_version"] for out in outs}
    if len(versions) > 1:
        pytest.skip(f"simulation/ changed while the test ran ({sorted(versions)}); rerun the test")


# --- resuming after an interrupt -------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted compare with a fresh store: ``store/`` and ``out/`` under the returned folder."""
    root = tmp_path_factory.mktemp("reference")
    proc = meedoen(*compare_args(root / "store", root / "out"))
    assert run_counts(ok(proc)) == (2 * RESUME_REPS, 0)
    return root


def live_group_members(group: int) -> list[int]:
    """Processes of a process group that still run (zombies excluded); Linux /proc only."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def wait_for_group_to_end(group: int, seconds: float) -> list[int]:
    """Workers get SIGTERM from the parent as it exits; give them a moment. What still runs."""
    deadline = time.monotonic() + seconds
    while (left := live_group_members(group)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def kill_group(group: int) -> None:
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        pass


def interrupt(args: list[str], store: Path, sig: signal.Signals, logs: Path
              ) -> tuple[subprocess.CompletedProcess[str], list[int]]:
    """Run ``meedoen args``, send ``sig`` once MIN_STORED replications are stored.

    Returns the finished process and (unless killed hard) the processes of its group still running
    HANG_GUARD_S after it ended; that wait and the ones for the run and its exit only guard against
    hanging. Ctrl-C reaches the terminal's whole foreground process group, so SIGINT goes to the
    group (workers must ignore it); ``kill PID`` and ``kill -9 PID`` reach the parent alone.
    The group gets its own session, and whatever of it is left is killed at the end.
    """
    total = 2 * RESUME_REPS
    with open(logs / "stdout", "w+") as out, open(logs / "stderr", "w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "simulation", *args], cwd=ROOT, env=ENV,
                                stdout=out, stderr=err, start_new_session=True)
        try:
            deadline = time.monotonic() + HANG_GUARD_S
            while stored(store) < MIN_STORED:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err.seek(0)
                    state = "timed out" if proc.returncode is None else f"ended with exit code {proc.returncode}"
                    pytest.fail(f"could not interrupt mid-run: meedoen {state} with {stored(store)} replications "
                                f"stored; stderr:\n{err.read()}")
                time.sleep(0.02)
            if sig == signal.SIGINT:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
            proc.wait(timeout=HANG_GUARD_S)  # guards against hanging; how fast it stops is not asserted
            left = []
            if sig != signal.SIGKILL and Path("/proc/self/stat").exists():
                left = wait_for_group_to_end(proc.pid, seconds=HANG_GUARD_S)  # returns as soon as the group is gone
        finally:
            proc.kill()
            proc.wait()
            kill_group(proc.pid)
        out.seek(0)
        err.seek(0)
        finished = subprocess.CompletedProcess(proc.args, proc.returncode, out.read(), err.read())
    if finished.returncode == 0 or stored(store) >= total:
        pytest.fail(f"meedoen finished all {total} replications before the signal landed; raise RESUME_REPS")
    return finished, left


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["ctrl-c", "kill", "kill-9"])
def test_interrupted_compare_resumes_to_the_same_tables(reference: Path, tmp_path: Path, sig: signal.Signals) -> None:
    """The acceptance test of resuming: stop a compare mid-run, give the same command again,
    and get exactly the tables of a run that was never stopped, reusing what was finished."""
    store, logs = tmp_path / "store", tmp_path / "logs"
    logs.mkdir()
    stopped, left = interrupt(compare_args(store, tmp_path / "first"), store, sig, logs)
    done = stored(store)
    assert MIN_STORED <= done < 2 * RESUME_REPS
    if sig != signal.SIGKILL:  # the CLI treats SIGTERM as Ctrl-C
        assert stopped.returncode == 130, stopped.stderr
        assert stopped.stderr == (f"meedoen: interrupted after {done} of {2 * RESUME_REPS} replications; the "
                                  f"{done} finished replications are stored in {store}; run the same command "
                                  "again to continue\n")
        assert not left, f"worker processes {left} still running after {sig.name}"
    else:
        assert stopped.returncode == -signal.SIGKILL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logs", "store"]  # no results, no .partial- folder

    resumed = meedoen(*compare_args(store, tmp_path / "second"))
    run, reused = run_counts(ok(resumed))
    skip_if_model_changed(reference / "out", tmp_path / "second")
    assert (run, reused) == (2 * RESUME_REPS - done, done)
    assert_same_files(tmp_path / "second", reference / "out", RESULT_FILES)


# --- the result store ------------------------------------------------------------------------


def test_rerun_recomputes_damaged_and_half_written_records(reference: Path, tmp_path: Path) -> None:
    """A truncated record, an edited one (its checksum no longer fits) and a temporary file left
    by a crash mid-write are never read as results: the rerun recomputes exactly those three."""
    store = tmp_path / "store"
    shutil.copytree(reference / "store", store)
    results = ResultStore(store, model_version())
    paths = [results.path(load_scenario(TINY_A).hash, 1, replication) for replication in range(4)]
    if not paths[0].is_file():
        pytest.skip("simulation/ changed since the reference run (its store is keyed by another model version)")
    original = [path.read_bytes() for path in paths]

    paths[1].write_bytes(original[1][: len(original[1]) // 2])
    edited = json.loads(original[2])
    edited["values"]["average_stock"] += 1.0
    paths[2].write_text(json.dumps(edited, sort_keys=True))
    paths[3].with_name(f".{paths[3].name}.k3x9q2.tmp").write_bytes(original[3][: len(original[3]) // 2])
    paths[3].unlink()
    assert [results.get(load_scenario(TINY_A).hash, 1, r) is None for r in range(4)] == [False, True, True, True]

    proc = meedoen(*compare_args(store, tmp_path / "out"))
    assert run_counts(ok(proc)) == (3, 2 * RESUME_REPS - 3)
    skip_if_model_changed(reference / "out", tmp_path / "out")
    assert_same_files(tmp_path / "out", reference / "out", RESULT_FILES)
    for path, before in zip(paths[1:], original[1:], strict=True):
        assert json.loads(path.read_text())["values"] == json.loads(before)["values"]  # valid again, same numbers


TRICKY = {"third": 1 / 3, "sum": 0.1 + 0.2, "subnormal": 5e-324, "largest": 1.7976931348623157e308,
          "negative_zero": -0.0, "long": 123456789.12345679, "undefined": math.nan, "count": 7}


def bits(value: float | None) -> tuple[type, bytes | int | None]:
    """Type and exact bits: ``-0.0`` differs from ``0.0`` here, and ``1`` from ``1.0``."""
    return type(value), struct.pack("<d", value) if isinstance(value, float) else value


def test_store_round_trip_is_exact(tmp_path: Path) -> None:
    """What put wrote, get returns to the bit; NaN is stored as JSON null (JSON has no NaN)."""
    store = ResultStore(tmp_path, "0.0+test")
    written = store.put("abc123", 5, 2, TRICKY, runtime_s=0.25, events=1234)
    read = store.get("abc123", 5, 2)
    assert read == written
    assert json.dumps(read) == json.dumps(written)  # in the same order too: a fresh record is what a reread one is
    assert {k: bits(v) for k, v in read["values"].items()} == {
        k: bits(None if isinstance(v, float) and math.isnan(v) else v) for k, v in TRICKY.items()}
    assert json.loads(store.path("abc123", 5, 2).read_text())["values"]["undefined"] is None
    assert [p.name for p in store.path("abc123", 5, 2).parent.iterdir()] == ["rep-00002.json"]  # no temporary left


def test_stored_null_is_nan_again_in_the_table(tmp_path: Path) -> None:
    """NaN → null on disk → NaN in the tidy table, and every other value bit-equal; read from the
    store without running anything."""
    scenario = load_scenario(TINY_A)
    values = {name: i + 0.1 for i, name in enumerate(OUTCOMES)}
    values["recidivism_24m"] = math.nan
    store = ResultStore(tmp_path, "0.0+test")
    store.put(scenario.hash, 1, 0, values, runtime_s=0.1, events=10)
    replicator = Replicator([scenario], ["tiny"], 1, Execution(), store)
    replicator.ensure(1)
    assert (replicator.computed, replicator.reused) == (0, 1)
    table = replicator.table(1).set_index("outcome")["value"]
    assert math.isnan(table.pop("recidivism_24m"))
    assert {k: bits(v) for k, v in table.items()} == {k: bits(v) for k, v in values.items() if k != "recidivism_24m"}


@pytest.mark.parametrize("other", ["model_version", "seed", "scenario_hash", "replication"])
def test_store_never_reuses_another_runs_record(tmp_path: Path, other: str) -> None:
    """Nothing is found under another key, and a record copied there (a renamed folder, a hand-made
    copy) is refused too: the record's own fields must match the run asked for."""
    store = ResultStore(tmp_path, "0.0+test")
    store.put("abc123", 5, 2, {"average_stock": 1.5}, runtime_s=0.1, events=10)
    key = {"scenario_hash": "abc123", "seed": 5, "replication": 2}
    reader = ResultStore(tmp_path, "0.0+other") if other == "model_version" else store
    if other != "model_version":
        key[other] = {"seed": 6, "scenario_hash": "def456", "replication": 3}[other]
    assert reader.get(**key) is None
    target = reader.path(**key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(store.path("abc123", 5, 2), target)
    assert reader.get(**key) is None
    assert store.get("abc123", 5, 2) is not None


def test_an_interrupt_just_after_a_record_is_written_counts_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C can land after a record reached the store and before the experiment counted it (it
    did once on a busy machine): the message must say what the store holds, so the count is taken
    from the store."""
    store = ResultStore(tmp_path, model_version())
    put = store.put

    def put_then_ctrl_c(*args: object, **kwargs: object) -> dict:
        put(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "put", put_then_ctrl_c)
    with pytest.raises(Interrupted) as caught:
        Replicator([load_scenario(TINY_A)], ["tiny"], 1, Execution(), store).ensure(2)
    assert (caught.value.done, caught.value.total, stored(tmp_path)) == (1, 2, 1)


def test_store_without_root_keeps_nothing(tmp_path: Path) -> None:
    """--no-store: the record is built (same checksum) but never written, and never found."""
    store = ResultStore(None, "0.0+test")
    record = store.put("abc123", 5, 2, TRICKY, runtime_s=0.1, events=10)
    assert record == ResultStore(tmp_path, "0.0+test").put("abc123", 5, 2, TRICKY, runtime_s=0.1, events=10)
    assert store.get("abc123", 5, 2) is None


def get_guarded(store: ResultStore, target: Path) -> dict | None:
    """``store.get`` of the record at ``target``; if it has not answered in a minute (a reader blocked
    on a FIFO), the FIFO is opened for writing so the reader gets end of file, and the test fails."""
    found: list[dict | None] = []
    reader = threading.Thread(target=lambda: found.append(store.get("abc123", 5, 2)), daemon=True)
    reader.start()
    reader.join(timeout=60)
    if reader.is_alive():
        os.close(os.open(target, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=60)
        pytest.fail("reading the record blocked")
    return found[0]


@pytest.mark.parametrize("damage", ["folder", "deeply-nested", "fifo"])
def test_damaged_record_is_a_miss_and_is_replaced(tmp_path: Path, damage: str) -> None:
    """A folder in a record's place, JSON nested past the decoder's recursion limit or a FIFO (which
    would block a reader) is treated like a truncated record: a miss, then replaced by the put."""
    store = ResultStore(tmp_path, "0.0+test")
    target = store.path("abc123", 5, 2)
    target.parent.mkdir(parents=True)
    if damage == "folder":
        target.mkdir()
        (target / "inside.txt").write_text("x")
    elif damage == "deeply-nested":
        depth = sys.getrecursionlimit() * 10
        target.write_text("[" * depth + "]" * depth)
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(target)
    assert get_guarded(store, target) is None  # no exception, no wait
    written = store.put("abc123", 5, 2, TRICKY, runtime_s=0.1, events=10)
    assert target.is_file() and store.get("abc123", 5, 2) == written


def test_record_made_with_other_libraries_is_a_miss(tmp_path: Path) -> None:
    """A record names numpy, scipy and simpy's versions; another version of one of them misses (NumPy
    promises the same streams only on the same build), the same versions hit."""
    here = ResultStore(tmp_path, "0.0+test")
    assert sorted(here.libraries) == ["numpy", "scipy", "simpy"]
    here.put("abc123", 5, 2, TRICKY, runtime_s=0.1, events=10)
    record = json.loads(here.path("abc123", 5, 2).read_text())
    assert record["libraries"] == here.libraries
    assert_record_environment(record)  # and Python and pandas, as a manifest records them (not part of the key)
    for name in here.libraries:
        other = ResultStore(tmp_path, "0.0+test", {**here.libraries, name: "0.0.0"})
        assert other.get("abc123", 5, 2) is None, name
    assert ResultStore(tmp_path, "0.0+test", dict(here.libraries)).get("abc123", 5, 2) is not None


def test_a_worker_with_other_library_versions_is_refused(tmp_path: Path) -> None:
    """The worker check compares the libraries too: a replication computed under other versions of
    numpy, scipy or simpy than this machine's is refused before it is stored (here this machine is
    told it has another numpy, as a Dask worker with another installation would differ)."""
    from simulation import ScenarioError

    scenario = load_scenario(TINY_A)
    store = ResultStore(tmp_path, model_version(), {**ResultStore(None, "").libraries, "numpy": "0.0.0"})
    replicator = Replicator([scenario], ["tiny"], 1, Execution(), store)
    with pytest.raises(ScenarioError, match="a worker runs meedoen .* numpy") as error:
        replicator.ensure(1)
    assert error.value.argument == "scheduler" and stored(tmp_path) == 0


# --- executors -------------------------------------------------------------------------------


def started_then_finished(folder: str, task: int, seconds: float) -> None:
    """A worker's task for the Ctrl-C test: note that it started, sleep, note that it finished."""
    Path(folder, f"started-{task}").touch()
    time.sleep(seconds)
    Path(folder, f"finished-{task}").touch()


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="POSIX signals")
def test_ctrl_c_stops_running_workers_at_once(tmp_path: Path) -> None:
    """Ctrl-C during replications stops the worker processes now, not after their current and
    queued runs: once both workers have started a task that sleeps as long as the hang guard,
    Ctrl-C ends them, and no task ever finishes. ``meedoen`` turns SIGTERM into Ctrl-C before the pool starts, and forked workers
    inherit that handler, so it is installed here the same way. How fast it happens is not asserted:
    the waits for the workers to start and to be gone only guard against hanging."""
    before = set(multiprocessing.active_children())
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    main_thread = threading.main_thread().ident
    assert main_thread is not None

    def ctrl_c_once_both_run() -> None:  # a real SIGINT, aimed at the main thread, which it must wake from its wait
        deadline = time.monotonic() + HANG_GUARD_S
        while len(list(tmp_path.glob("started-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        signal.pthread_kill(main_thread, signal.SIGINT)

    tasks = [(task, (str(tmp_path), task, HANG_GUARD_S)) for task in range(4)]
    try:
        with pytest.raises(KeyboardInterrupt):
            threading.Thread(target=ctrl_c_once_both_run, daemon=True).start()
            for _ in run_tasks(started_then_finished, tasks, Execution(workers=2)):
                pass
        assert sorted(p.name for p in tmp_path.glob("started-*")) == ["started-0", "started-1"]
        deadline = time.monotonic() + HANG_GUARD_S
        while (left := set(multiprocessing.active_children()) - before) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not left, f"{len(left)} worker processes still running after Ctrl-C"
        assert not list(tmp_path.glob("finished-*")), "a task ran to its end after Ctrl-C"
    finally:
        signal.signal(signal.SIGTERM, previous)
        for process in set(multiprocessing.active_children()) - before:
            process.kill()
            process.join()


@pytest.fixture
def start_dask(request: pytest.FixtureRequest) -> Callable[[], str]:
    """Start a two-worker local Dask cluster on demand; its scheduler address; closed at teardown.

    On demand, so the test can fork its worker processes before the cluster's threads exist.
    """
    distributed = pytest.importorskip("distributed")

    def start() -> str:
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
        request.addfinalizer(cluster.close)
        return cluster.scheduler_address

    return start


@pytest.mark.slow
def test_results_are_identical_on_every_executor(start_dask: Callable[[], str]) -> None:
    """Serial, two worker processes and a Dask cluster give bit-identical replications: a
    replication's numbers depend on (scenario, seed, replication) only, never on where it ran."""
    scenarios = [load_scenario(TINY_A), load_scenario(TINY_B)]  # LoadedScenario objects travel pickled

    def replications(**execution: object) -> pd.DataFrame:
        return compare(scenarios, reps=4, seed=5, store=False, **execution).attrs["replications"]

    serial = replications(workers=1)
    assert serial["value"].notna().any() and serial["value"].isna().any()  # NaN must survive too
    pd.testing.assert_frame_equal(replications(workers=2), serial, check_exact=True)
    pd.testing.assert_frame_equal(replications(executor="dask", scheduler=start_dask()), serial, check_exact=True)


def test_the_recorded_command_leaves_out_where_and_how_it_ran() -> None:
    """The manifest's command: the arguments and result-changing options, one canonical spelling, in
    ``--help``'s order; not --out, --store, --workers, --executor, --quiet, --lang ... (nor defaults),
    so folders of the same results are the same to the byte. With --reps auto the workers set the
    rounds (whole multiples of them), so they stay, even at their default."""
    parse = build_parser().parse_args
    typed = ["compare", A, B, "--reps", "2", "--set", "clock.horizon=2 years", "--workers", "2", "--store", "s",
             "--out", "x", "--quiet", "--lang", "nl", "--decompose", "--seed", "1"]
    other = ["compare", A, B, "--decomp", "--work=1", "--executor", "dask", "--scheduler", "tcp://h:1", "--no-store",
             "--set=clock.horizon=2 years", "--reps=2", "--overwrite", "--report", "r.html"]
    expected = ["meedoen", "compare", A, B, "--reps", "2", "--set", "clock.horizon=2 years", "--decompose"]
    assert results_command(parse(typed)) == results_command(parse(other)) == expected
    auto = ["meedoen", "compare", A, B, "--reps", "auto", "--seed", "7", "--workers"]
    assert results_command(parse(["compare", A, B, "--reps", "auto", "--workers", "3", "--seed", "7"])) == [*auto, "3"]
    assert results_command(parse(["compare", A, B, "--reps", "auto", "--seed", "7"]))[:-1] == auto
    sweep = ["sweep", A, "--grid", "a=1,2", "--grid", "b=3,4", "--reps", "3"]
    assert results_command(parse([*sweep, "--workers", "2", "--out", "x"])) == ["meedoen", *sweep]


#: compare and sweep of a few replications each (2 × 2 runs of ~0.1 s), and how to fill a store with half of them.
BYTE_COMMANDS = {
    "compare": (["compare", str(TINY_A), str(TINY_B), "--reps", "2"], ["compare", str(TINY_A), "--reps", "2"]),
    "sweep": (["sweep", str(TINY_A), "--grid", "services.netwerkconsulent.staff=3,5", "--reps", "2"],
              ["sweep", str(TINY_A), "--grid", "services.netwerkconsulent.staff=3", "--reps", "2"]),
    # Parquet: no time in the files, and no table attrs (where the reused count would be)
    "compare-parquet": (["compare", str(TINY_A), str(TINY_B), "--reps", "2", "--format", "parquet"],
                        ["compare", str(TINY_A), "--reps", "2"]),
}
#: Files each kind's folder must hold.
BYTE_FILES = {"sweep": {"manifest.json", "sweep.csv"},
              "compare": {"manifest.json", "summary.csv", "replications.csv", "series.csv", "curves.csv", "resources.csv",
                          "equity.csv", "careers.csv"}}
BYTE_FILES["compare-parquet"] = {name.replace(".csv", ".parquet") for name in BYTE_FILES["compare"]}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(BYTE_COMMANDS))
def test_every_file_is_the_same_to_the_byte_however_replications_ran(tmp_path: Path, kind: str,
                                                                      start_dask: Callable[[], str]) -> None:
    """``compare --out`` (as CSV and as Parquet) and ``sweep --out``: every file of the folder, the manifest included, is the
    same to the byte whether the replications ran now in this process, in two worker processes or
    on a Dask cluster, were read back from the store, or half and half. A stored record is JSON
    with sorted keys; tables must not follow a record's key order, and the manifest records what
    the results are and the command that gives them, not how they ran."""
    if kind.endswith("parquet"):
        parquet_or_skip()
    command, half = BYTE_COMMANDS[kind]
    store = str(tmp_path / "store")
    ok(meedoen(*half, "--workers", "1", "--store", str(tmp_path / "half"), "--quiet"))
    ways = {  # way: (options, replications (run, reused))
        "serial": (["--workers", "1", "--store", store], (4, 0)),
        "from-store": (["--workers", "1", "--store", store], (0, 4)),
        "workers": (["--workers", "2", "--no-store"], (4, 0)),
        "dask": (["--executor", "dask", "--scheduler", start_dask(), "--no-store"], (4, 0)),
        "half-stored": (["--workers", "1", "--store", str(tmp_path / "half")], (2, 2)),
    }
    for way, (options, counts) in ways.items():
        proc = meedoen(*command, *options, "--out", str(tmp_path / way), "--quiet")
        assert run_counts(ok(proc)) == counts, way
    reference = tmp_path / "serial"
    names = sorted(p.name for p in reference.iterdir())
    assert BYTE_FILES[kind] <= set(names)
    skip_if_model_changed(*(tmp_path / way for way in ways))
    for way in list(ways)[1:]:
        assert sorted(p.name for p in (tmp_path / way).iterdir()) == names, way
        differ = [name for name in names if (tmp_path / way / name).read_bytes() != (reference / name).read_bytes()]
        assert not differ, f"{way}: {differ} differ from the serial run's"


# --- bad input -------------------------------------------------------------------------------

A, B = str(TINY_A), str(TINY_B)
BAD_INPUT: dict[str, tuple[list[str], str]] = {
    # name: (arguments after the defaults, which win over them; text the message must contain)
    "dask-unreachable": (["compare", A, B, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"],
                         "cannot reach the Dask scheduler"),
    "precision-zero": (["compare", A, B, "--reps", "auto", "--precision", "0"], "--precision"),
    "precision-above-one": (["compare", A, B, "--reps", "auto", "--precision", "1.5"], "--precision"),
    "one-replication": (["compare", A, B, "--reps", "1"], "--reps"),
    "reps-not-a-number": (["compare", A, B, "--reps", "abc"], "--reps"),
    "no-workers": (["compare", A, B, "--workers", "0"], "--workers"),
    "dask-without-scheduler": (["compare", A, B, "--executor", "dask"], "--scheduler"),
    "grid-unknown-key": (["sweep", A, "--grid", "services.netwerkconsultent.staff=3,4"],
                         "'netwerkconsultent' under services (did you mean 'netwerkconsulent'?)"),
    "grid-malformed": (["sweep", A, "--grid", "foo"], "--grid"),
    # a grid value the scenario refuses is named as the sweep's, not as a --set's
    "grid-value-refused": (["sweep", A, "--grid", "services.wijkteam.slots=many,2"],
                           "error: sweep: key 'services.wijkteam.slots': must be a whole number"),
    "grid-recursive-alias": (["sweep", A, "--grid", "services.wijkteam.slots=[&a [*a]]"],
                             "--grid: key 'services.wijkteam.slots': cannot parse value '[&a [*a]]': recursive YAML alias"),
    "lhs-without-range": (["sweep", A, "--lhs", "5"], "--range"),
    "range-reversed": (["sweep", A, "--lhs", "5", "--range", "services.wijkteam.slots=5:1"], "lower bound"),
    "grid-and-lhs": (["sweep", A, "--grid", "services.wijkteam.slots=1,2", "--lhs", "3",
                      "--range", "services.wijkteam.slots=1:5"], "either --grid"),
    "store-below-a-file": (["compare", A, B, "--store", "{case}/a-file/store"], "cannot write"),
    "store-read-only": (["compare", A, B, "--store", "{case}/read-only/store"], "cannot write"),
    "out-holds-files": (["compare", A, B, "--out", "{case}/full"], "already holds"),
    "plot-folder-missing": (["warmup", A, "--plot", "{case}/missing/warmup.png"], "does not exist"),
    "plot-not-an-image": (["warmup", A, "--plot", "{case}/warmup.txt"], ".png or .svg"),
    "warmup-run-too-short": (["warmup", A, "--plot", "{case}/warmup.png", "--set", "clock.warmup=1 months",
                              "--set", "clock.horizon=4 months"], "too short to judge a warm-up"),
    "seed-negative": (["compare", A, B, "--seed", "-5"], "argument --seed: expected a whole number from 0"),
    "seed-400-digits": (["sweep", A, "--grid", "services.wijkteam.slots=1,2", "--seed", "9" * 400],
                        "argument --seed: expected a whole number from 0"),
    "warmup-seed-negative": (["warmup", A, "--plot", "{case}/warmup.png", "--seed", "-1"], "argument --seed"),
    "reps-zero-deep-out": (["compare", A, B, "--reps", "0", "--out", "{case}/new/deep/x"], "--reps"),
    "reps-beyond-any-experiment": (["compare", A, B, "--reps", "1" + "0" * 20], "--reps: must be at most 100,000"),
    "warmup-reps-beyond": (["warmup", A, "--plot", "{case}/warmup.png", "--reps", "100001"], "--reps: must be at most"),
    "set-date-out-of-range": (["compare", A, B, "--set", "clock.start=9999-12-31", "--out", "{case}/new/deep/x"],
                              "key 'clock.start': must fall between 1900-01-01 and 2200-12-31"),
    "range-400-digit-bound": (["sweep", A, "--lhs", "2", "--range", f"services.wijkteam.slots=1:{10**400}"],
                              "a bound of 401 digits is more than a float holds"),
    "set-400-digit-number": (["sweep", A, "--grid", "services.wijkteam.slots=1,2",
                              "--set", f"population.initial_stock={10**400}"], "must be at most 2,000,000"),
}
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
PREPARED = {"a-file", "full/notes.txt"}
PREPARED_FOLDERS = {"full", "read-only"}


def bad_input_argv(name: str, case: Path) -> list[str]:
    """Quick, writable defaults first (argparse keeps the last value), then the case's own."""
    args = [arg.replace("{case}", str(case)) for arg in BAD_INPUT[name][0]]
    count = 2 if args[0] == "compare" else 1
    defaults = ["--reps", "2", "--workers", "1"]
    if args[0] != "warmup":
        defaults += ["--store", str(case / "store"), "--out", str(case / "out"), "--quiet"]
    return [*args[: count + 1], *defaults, *args[count + 1:]]


@pytest.fixture(scope="module")
def bad_input_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple]]:
    """Every case at once (each pays ~1.5 s to start; the unreachable scheduler waits 10 s), each in
    a folder holding a file, a folder with a file, and a read-only folder. Values: (process, folder)."""
    cases = {}
    for name in BAD_INPUT if not AS_ROOT else [n for n in BAD_INPUT if n != "store-read-only"]:
        case = tmp_path_factory.mktemp(name)
        (case / "a-file").write_text("not a folder\n")
        (case / "full").mkdir()
        (case / "full" / "notes.txt").write_text("someone's notes\n")
        (case / "read-only").mkdir(mode=0o500)
        cases[name] = case

    def run(name: str) -> tuple:
        return meedoen(*bad_input_argv(name, cases[name])), cases[name]  # meedoen() gives up after HANG_GUARD_S

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = dict(zip(cases, pool.map(run, cases), strict=True))
    yield runs
    for case in cases.values():
        (case / "read-only").chmod(0o700)


@pytest.mark.slow  # not the tests: their shared setup starts 16 programs (~1.5 s each) and waits 10 s for Dask
@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.skipif(AS_ROOT, reason="root writes to read-only folders"))
    if name == "store-read-only" else name for name in BAD_INPUT])
def test_bad_input_is_one_line_exit_2_and_nothing_written(bad_input_runs: dict, name: str) -> None:
    """A user's mistake: one ``meedoen: error:`` line naming what is wrong, exit code 2, no
    traceback, and nothing left behind: no results, no staging folder, no replication records,
    and no folder at all (not an empty store, not the parents of --out)."""
    proc, case = bad_input_runs[name]
    assert proc.returncode == 2, f"exit code {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert proc.stderr.startswith("meedoen: error: ") and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert BAD_INPUT[name][1] in proc.stderr
    files = {p.relative_to(case).as_posix() for p in case.rglob("*") if p.is_file()}
    assert files == PREPARED, f"written: {sorted(files - PREPARED)}"
    folders = {p.relative_to(case).as_posix() for p in case.rglob("*") if p.is_dir()}
    assert folders == PREPARED_FOLDERS, f"made: {sorted(folders - PREPARED_FOLDERS)}"
    assert not (case / "out").exists()
    assert not [p for p in case.rglob("*") if ".partial-" in p.name or "probe" in p.name]


@pytest.mark.parametrize(("call", "argument"), [
    (lambda: run(TINY_A, seed=-5), "seed"),
    (lambda: run(TINY_A, seed=1, replication=-1), "replication"),
    (lambda: run(TINY_A, seed=10**400), "seed"),
    (lambda: compare([TINY_A, TINY_B], reps=2, seed=-5, store=False), "seed"),
    (lambda: compare([TINY_A, TINY_B], reps=2, seed=2**64, store=False), "seed"),
])
def test_api_refuses_a_seed_the_streams_cannot_take(call: Callable[[], object], argument: str) -> None:
    """NumPy takes no negative seed and a client's stream keys hold 64 bytes: the API names the
    argument (the command line refuses such a --seed before loading anything)."""
    from simulation import ScenarioError

    with pytest.raises(ScenarioError, match="must be a whole number from 0 to 9223372036854775807") as error:
        call()
    assert error.value.argument == argument


# --- sweeps ----------------------------------------------------------------------------------

GRID = ["--grid", "services.netwerkconsulent.staff=3,5"]
LHS = ["--lhs", "3", "--range", "services.wijkteam.slots=1:9",
       "--range", "services.netwerkconsulent.service_time.mean=1 months:3 months"]
SWEEP_COLUMNS = ["scenario", "point", "scenario_hash", "replication", "outcome", "value"]


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    """A grid and a Latin hypercube sweep into one store (at once), then the grid again.

    No --quiet: the output is captured, so there must be no progress bar anyway; and progress
    lines come at most every hour, so none is due however slow the machine is today.
    """
    root = tmp_path_factory.mktemp("sweep")

    def sweep(name: str, design: list[str]) -> tuple[subprocess.CompletedProcess[str], Path]:
        out = root / name
        return meedoen("sweep", str(TINY_A), *design, "--reps", "2", "--workers", "1",
                       "--store", str(root / "store"), "--out", str(out)), out

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(INTERVAL_ENV, "3600")
        with ThreadPoolExecutor(max_workers=2) as pool:
            grid, lhs = pool.map(sweep, ["grid", "lhs"], [GRID, LHS])
        return {"grid": grid, "lhs": lhs, "again": sweep("again", GRID)}


def read_sweep(run: tuple[subprocess.CompletedProcess[str], Path]) -> pd.DataFrame:
    ok(run[0])
    return pd.read_csv(run[1] / "sweep.csv")


def assert_every_outcome_once(table: pd.DataFrame, points: int, reps: int) -> None:
    assert len(table) == points * reps * len(OUTCOMES)
    for _, block in table.groupby(["point", "replication"]):
        assert sorted(block["outcome"]) == sorted(OUTCOMES)
    assert sorted(table["point"].unique()) == list(range(points))
    assert sorted(table["replication"].unique()) == list(range(reps))
    assert (table["scenario"] == "tiny_tilburg").all()


def test_grid_sweep_writes_a_tidy_table(sweeps: dict) -> None:
    """2 points × 2 replications × every headline outcome, one row each, with the parameter as a column."""
    proc, _ = sweeps["grid"]
    table = read_sweep(sweeps["grid"])
    assert run_counts(proc.stdout) == (4, 0)
    parameter = "services.netwerkconsulent.staff"
    assert list(table.columns) == [*SWEEP_COLUMNS[:2], parameter, *SWEEP_COLUMNS[2:]]
    assert_every_outcome_once(table, points=2, reps=2)
    per_point = table.drop_duplicates("point").set_index("point")
    assert per_point[parameter].to_dict() == {0: 3, 1: 5}
    assert per_point["scenario_hash"].nunique() == 2  # each point is its own scenario


def test_lhs_sweep_gives_distinct_points_within_the_ranges(sweeps: dict) -> None:
    """Three Latin-hypercube points over two ranges; a unit goes into the column name."""
    proc, _ = sweeps["lhs"]
    table = read_sweep(sweeps["lhs"])
    assert run_counts(proc.stdout) == (6, 0)
    slots, mean = "services.wijkteam.slots", "services.netwerkconsulent.service_time.mean [months]"
    assert list(table.columns) == [*SWEEP_COLUMNS[:2], slots, mean, *SWEEP_COLUMNS[2:]]
    assert_every_outcome_once(table, points=3, reps=2)
    per_point = table.drop_duplicates("point")
    assert per_point[slots].between(1, 9).all() and per_point[slots].nunique() == 3  # one per third of 1..9
    assert per_point[mean].between(1, 3).all() and per_point[mean].nunique() == 3
    assert per_point["scenario_hash"].nunique() == 3


def test_sweep_rerun_reuses_the_store(sweeps: dict) -> None:
    """The same sweep again runs nothing and writes the same table."""
    proc, out = sweeps["again"]
    ok(proc)
    skip_if_model_changed(sweeps["grid"][1], out)
    assert run_counts(proc.stdout) == (0, 4)
    assert_same_files(out, sweeps["grid"][1], ("sweep.csv",))


# --- progress bar ----------------------------------------------------------------------------


def test_no_progress_bar_when_output_is_captured(sweeps: dict) -> None:
    """Without a terminal (a log file, CI) the bar is off, and a run shorter than the progress
    interval (10 s; an hour here, so the machine's speed does not matter) prints no progress line
    either: stderr stays empty, no --quiet needed."""
    for name in ("grid", "lhs", "again"):
        assert sweeps[name][0].stderr == "", sweeps[name][0].stderr


def on_terminal(*args: str) -> str:
    """Run meedoen with stderr on a 24×120 pseudo-terminal; what it wrote there."""
    pty = pytest.importorskip("pty")
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # tqdm draws nothing at 0 columns
    proc = subprocess.Popen([sys.executable, "-m", "simulation", *args], cwd=ROOT, env=ENV,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    written = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        written += chunk
    os.close(master)
    assert proc.wait(timeout=HANG_GUARD_S) == 0, written.decode(errors="replace")
    return written.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("quiet", [False, True], ids=["terminal", "quiet"])
def test_progress_bar_on_a_terminal(quiet: bool) -> None:
    """On a terminal the bar counts replications with an ETA; --quiet silences it."""
    written = on_terminal("compare", A, B, "--reps", "4", "--workers", "1", "--no-store",
                          *(["--quiet"] if quiet else []))
    if quiet:
        assert written == ""
    else:
        assert re.search(r"replications: +\d+%\|.*\| *\d+/8 \[\d\d:\d\d<\d\d:\d\d", written), written


# --- warm-up ---------------------------------------------------------------------------------


def test_warmup_suggests_a_length_and_saves_the_plot(tmp_path: Path) -> None:
    """meedoen warmup prints the suggestion in months and days and writes the plot behind it."""
    from simulation.cli.main import build_parser

    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    if "warmup" not in commands:
        pytest.skip("no warmup command")
    plot = tmp_path / "warmup.png"
    proc = meedoen("warmup", A, "--reps", "2", "--workers", "1", "--plot", str(plot))
    assert re.search(r"suggested warm-up: \d+ months \(\d+ days\)", ok(proc)), proc.stdout
    assert plot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and plot.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == ["warmup.png"]  # no temporary file left
