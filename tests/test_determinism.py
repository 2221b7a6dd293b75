"""Reproducibility: a (scenario, seed, replication) triple fixes every number the model writes.

Results are only citable if rerunning the command reproduces them, and comparisons between
scenarios (common random numbers) and parallel replications are only valid if nothing but the
seed and replication number feeds the random streams: no global RNG, no state left behind
by an earlier run in the same process, nothing that depends on the worker process.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import struct
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import (
    HANG_GUARD_S,
    ROOT,
    SCENARIO_DIR,
    SCENARIO_FILES,
    assert_tables_equal,
    load_small,
    small_overrides,
)

import simulation
from simulation.model.rng import ClientStreams, Purpose, Streams
from simulation.scenario import LoadedScenario

SEED = 5
STOCK = 300  # small: each test runs a scenario several times


@pytest.fixture(scope="module")
def base() -> LoadedScenario:
    return load_small(SCENARIO_DIR / "base.yaml", stock=STOCK)


def _tables(scenario: LoadedScenario, seed: int = SEED, replication: int = 0) -> dict[str, pd.DataFrame]:
    return simulation.run(scenario, seed=seed, replication=replication).tables


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda path: path.stem)
def test_same_seed_same_tables(path: Path) -> None:
    """Two runs in one process: every table equal, the event log included."""
    scenario = load_small(path, stock=STOCK)
    first, second = _tables(scenario), _tables(scenario)
    assert len(first["events"]) > 0 and len(first["spells"]) > 0  # something to compare
    assert_tables_equal(first, second)


def test_loading_twice_gives_the_same_run() -> None:
    """A freshly loaded scenario object runs the same as the first one (no state kept in it)."""
    path = SCENARIO_DIR / "leeuwarden.yaml"
    assert_tables_equal(_tables(load_small(path, stock=STOCK)), _tables(load_small(path, stock=STOCK)))


def test_different_seed_different_results(base: LoadedScenario) -> None:
    """A different seed (or replication) must change the run, else the seed is not used."""
    first = _tables(base, seed=SEED)
    for other in (_tables(base, seed=SEED + 1), _tables(base, seed=SEED, replication=1)):
        assert not first["monthly"].equals(other["monthly"])
        assert not first["events"].equals(other["events"])
        assert not first["clients"]["motivation"].equals(other["clients"]["motivation"])


def test_replication_alone_equals_replication_after_others(base: LoadedScenario) -> None:
    """Replication 2 run first equals replication 2 run after replications 0 and 1 and after
    another scenario: no hidden global state (module caches, class counters, global RNG)."""
    alone = _tables(base, replication=2)
    _tables(base, replication=0)
    _tables(base, replication=1)
    _tables(load_small(SCENARIO_DIR / "tilburg.yaml", stock=STOCK), replication=2)
    assert_tables_equal(alone, _tables(base, replication=2))


def test_process_pool_equals_serial(base: LoadedScenario) -> None:
    """Replications in a 2-worker pool of fresh interpreters equal the same ones run serially.

    ``spawn`` (not fork) so the workers inherit nothing from this process but the arguments.
    """
    jobs = [(SEED, 0), (SEED, 1), (SEED + 1, 0)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = [pool.submit(simulation.run, base, seed=seed, replication=rep) for seed, rep in jobs]
        pooled = [future.result() for future in futures]
    for (seed, rep), result in zip(jobs, pooled):
        assert (result.seed, result.replication) == (seed, rep)
        assert_tables_equal(_tables(base, seed=seed, replication=rep), result.tables)


def _cli_run(cwd: Path, scenario: Path, overrides: list[str], hash_seed: int) -> Path:
    """``python -m simulation run`` writing to ``cwd/out``; the same relative --out in both runs
    keeps the recorded command line identical, so the manifests can be compared whole.
    Each run gets its own PYTHONHASHSEED: output must not depend on set/dict hash order."""
    cwd.mkdir()
    command = [sys.executable, "-m", "simulation", "run", str(scenario), "--seed", str(SEED), "--out", "out"]
    for text in overrides:
        command += ["--set", text]
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert done.returncode == 0, done.stderr
    return cwd / "out"


def test_cli_writes_identical_files(tmp_path: Path) -> None:
    """Twice through the CLI: every CSV identical byte for byte; manifests equal but for runtime_s."""
    scenario = SCENARIO_DIR / "leeuwarden.yaml"
    overrides = small_overrides(scenario, stock=STOCK)
    first = _cli_run(tmp_path / "a", scenario, overrides, hash_seed=1)
    second = _cli_run(tmp_path / "b", scenario, overrides, hash_seed=2)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    csvs = [name for name in names if name.endswith(".csv")]
    assert {"monthly.csv", "events.csv", "spells.csv", "waits.csv"} <= set(csvs)
    for name in csvs:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs between runs"
    manifests = [json.loads((folder / "manifest.json").read_text()) for folder in (first, second)]
    for manifest in manifests:
        assert manifest["seed"] == SEED
        manifest.pop("runtime_s")
    assert manifests[0] == manifests[1]
    assert Path(manifests[0]["scenario_file"]).resolve().is_relative_to(ROOT)


def test_a_clients_stream_is_made_on_first_use_from_its_own_key() -> None:
    """Lazy (most clients never need most kinds), kept once made, and its numbers fixed by seed,
    replication, client and kind alone: not by which kinds were made before it, in this run or
    process. Kinds, clients and replications differ; the k-th number is the documented keyed
    hash of (client, purpose, k), recomputed here from its definition with hashlib."""
    streams = Streams(seed=3, replication=1).client_streams(7)
    slot = ClientStreams.__dict__["service"]  # the slot itself, read without making the stream
    with pytest.raises(AttributeError):
        slot.__get__(streams)
    made = streams.service
    assert slot.__get__(streams) is made and streams.service is made
    other = Streams(seed=3, replication=1).client_streams(7)
    other.review.random(3), other.monitoring.random(2)
    np.testing.assert_array_equal(made.random(5), other.service.random(5))
    firsts = [Streams(3, 1).client_streams(7).service.random(), Streams(3, 1).client_streams(7).review.random(),
              Streams(3, 1).client_streams(8).service.random(), Streams(3, 2).client_streams(7).service.random()]
    assert len(set(firsts)) == len(firsts)
    luck = Streams(3, 1).client_streams(7).luck
    expected = []
    for k in range(6):  # four numbers per hash: words 0-3 of hash 0, then words 0-1 of hash 1
        digest = hashlib.blake2b(struct.pack("<QIQ", 7, Purpose.CLIENT_LUCK, k // 4), digest_size=32,
                                 key=b"meedoen:3:1").digest()
        word = struct.unpack_from("<Q", digest, 8 * (k % 4))[0]
        expected.append(((word >> 11) + 0.5) / 2.0**53)
    assert [luck.random() for _ in range(6)] == expected
    with pytest.raises(AttributeError, match="no stream"):
        _ = streams.servce  # type: ignore[attr-defined]  # a misspelt stream fails loudly


def test_a_run_leaves_no_garbage_cycles(base: LoadedScenario) -> None:
    """The cyclic collector is off during a run (``model/run.py``); that is safe only because a
    run makes no reference cycles that outlive their use. With the world still alive (its own
    components refer to each other), collecting afterwards must find next to nothing, whatever
    the size of the run: a per-event cycle would leave thousands."""
    from simulation.model.world import World

    gc.collect()
    gc.disable()
    try:
        world = World(base.model, seed=SEED, event_log=False)
        world.run()
        found = gc.collect()
    finally:
        gc.enable()
    assert world.events_scheduled() > 5_000  # enough events that a cycle per event would show
    assert found < 50, f"{found} objects in reference cycles left by one run"
