"""Where replications run: in this process, in worker processes, or on a Dask cluster.

Every backend calls the same picklable function with the same (scenario, seed, replication)
arguments, and a replication's numbers depend on nothing else (``simulation/model/rng.py``), so the
results are identical to the bit whichever backend ran them; only the order in which they
finish differs, and callers sort by (scenario, replication).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from simulation.errors import ScenarioError

EXECUTORS = ("processes", "dask")
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Execution:
    """How to run: ``workers`` local processes (1 = in this process) or a Dask ``scheduler``."""

    workers: int = 1
    executor: str = "processes"
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise ScenarioError(f"unknown executor '{self.executor}'", argument="executor", hint="processes or dask")
        if self.executor == "dask" and not self.scheduler:
            raise ScenarioError("the dask executor needs the address of a running scheduler", argument="scheduler",
                                hint="e.g. scheduler='tcp://10.0.0.5:8786'")
        if self.workers < 1:
            raise ScenarioError(f"must be at least 1, got {self.workers}", argument="workers")


def _worker_setup() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (no traceback from every worker);
    ``terminate()`` must end them at once (forked workers inherit the CLI's SIGTERM handler);
    and on Linux they die with the parent, so a ``kill -9`` leaves no orphans holding the terminal."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no glibc (e.g. musl): orphans exit when their pipe closes
            pass


def run_tasks(function: Callable[..., Any], tasks: Sequence[tuple[Any, tuple]], execution: Execution
              ) -> Iterator[tuple[Any, Any]]:
    """Yield ``(key, function(*args))`` for every ``(key, args)`` task, as each one finishes.

    On Ctrl-C (or any error) pending work is cancelled and running workers are stopped before
    the exception propagates, so the caller can report and exit at once.
    """
    if not tasks:
        return
    if execution.executor == "dask":
        yield from _run_dask(function, tasks, execution.scheduler or "")
    elif execution.workers == 1 or len(tasks) == 1:
        for key, args in tasks:
            yield key, function(*args)
    else:
        yield from _run_processes(function, tasks, execution.workers)


def _run_processes(function: Callable[..., Any], tasks: Sequence[tuple[Any, tuple]], workers: int
                   ) -> Iterator[tuple[Any, Any]]:
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)), initializer=_worker_setup)
    try:
        pending: dict[Future, Any] = {pool.submit(function, *args): key for key, args in tasks}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield pending.pop(future), future.result()
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() sets it to None
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # stop runs in progress now
            process.terminate()
        raise
    pool.shutdown(wait=True)


def connect_dask(scheduler: str) -> Any:
    """A client of a running Dask scheduler; a missing extra or a dead address is bad input."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise ScenarioError("the dask executor needs the optional extra: pip install 'meedoen[dask]'",
                            argument="executor") from None
    try:
        return Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError(f"cannot reach the Dask scheduler ({exc})", argument="scheduler", key=scheduler,
                            hint="start one with `dask scheduler` and `dask worker ADDRESS`, or check the address") from None


def _run_dask(function: Callable[..., Any], tasks: Sequence[tuple[Any, tuple]], scheduler: str
              ) -> Iterator[tuple[Any, Any]]:
    from dask.distributed import as_completed

    client = connect_dask(scheduler)
    futures: dict[Any, Any] = {}
    try:
        for key, args in tasks:
            futures[client.submit(function, *args, pure=False)] = key
        for future in as_completed(list(futures), loop=client.loop):  # the client is not the default one
            yield futures[future], future.result()
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        client.close()
