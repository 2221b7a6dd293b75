"""The wijkteam queue against queueing theory: reduced to M/M/c, it must reproduce Erlang C.

``tests/scenarios/mmc_wijkteam.yaml`` switches off everything but Poisson arrivals, one FIFO
group handled by the wijkteam, exponential service and ``c`` slots, with no exits at all. For
that system the mean wait in queue is known exactly (Erlang C), so the SimPy resources, the
priority queue and the wait bookkeeping can be checked against a number that owes nothing to
the model. The check is statistical: the theory must lie in a t-based 95% CI built from the
spread of independent replications, so its width is whatever the simulation noise really is.
Utilisation is checked the same way against ρ = λ/(cμ), measured exactly from the event log.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import TEST_SCENARIO_DIR
from scipy import stats

import simulation
from simulation.model.client import Activity
from simulation.scenario import LoadedScenario

SCENARIO = TEST_SCENARIO_DIR / "mmc_wijkteam.yaml"
SEED = 7
REPLICATIONS = 20
CONFIDENCE = 0.95


# --- theory ------------------------------------------------------------------------------


def erlang_c(c: int, a: float) -> float:
    """P(wait > 0) in M/M/c with offered load ``a = λ/μ`` (requires a < c).

    Computed through the Erlang-B recursion B(k) = a·B(k−1) / (k + a·B(k−1)), which only
    multiplies numbers ≤ 1, instead of a^c / c! (overflows for c in the hundreds); then
    C = c·B / (c − a·(1 − B)).
    """
    if c < 1 or a < 0:
        raise ValueError(f"need c >= 1 and a >= 0, got c={c}, a={a}")
    if a >= c:
        return 1.0
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1.0 - b))


def mmc_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue Wq = C(c, λ/μ) / (c·μ − λ); infinite when the queue is unstable."""
    if lam >= c * mu:
        return math.inf
    return erlang_c(c, lam / mu) / (c * mu - lam)


def _erlang_c_direct(c: int, a: float) -> float:
    """Textbook formula, fine for small c; only used to check :func:`erlang_c`."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


# --- the scenario as a queue -----------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    """λ, μ (per day), c and the observation window, read from the loaded scenario."""

    lam: float
    mu: float
    c: int
    warmup: float
    horizon: float

    @property
    def rho(self) -> float:
        return self.lam / (self.c * self.mu)

    @property
    def wq(self) -> float:
        return mmc_wait(self.lam, self.mu, self.c)


def queue_of(scenario: LoadedScenario) -> Queue:
    model = scenario.model
    team = model.services["wijkteam"]
    return Queue(lam=model.inflow.applications, mu=1.0 / team.service_time.mean, c=team.slots,
                 warmup=model.clock.warmup, horizon=model.clock.horizon)


@dataclass(frozen=True)
class Replication:
    mean_wait: float
    utilisation: float
    served: int


def slot_holdings(result: simulation.RunResult) -> tuple[np.ndarray, np.ndarray]:
    """Grant and release time of every wijkteam slot held in the run (needs ``event_log=True``).

    In ``ServiceDesk.episode`` (simulation/model/services.py) SERVICE_START is logged at the instant
    the slot request is granted (every client engages here, so there is no refusal branch),
    and the ``with`` block releases the slot at the instant SERVICE_END is logged (the
    outcome in between does not yield). A case still in service at the end of the run has no
    SERVICE_END: it holds its slot to +inf. With ``follow_up: null`` a client is served once.
    """
    events = result.tables["events"]
    team = events[events["resource"] == "wijkteam"]
    start = team[team["activity"] == Activity.SERVICE_START.name.lower()].set_index("case_id")["time"]
    end = team[team["activity"] == Activity.SERVICE_END.name.lower()].set_index("case_id")["time"]
    assert start.index.is_unique and end.index.is_unique, "a client was served twice"
    return start.to_numpy(), end.reindex(start.index, fill_value=np.inf).to_numpy()


def busy_fraction(grant: np.ndarray, release: np.ndarray, queue: Queue) -> float:
    """Exact time-average of busy slots over (warmup, horizon], divided by c.

    Each holding contributes its overlap with the window, so this is ∫ busy(t) dt / (c·T),
    not a sample of it.
    """
    held = np.clip(release, queue.warmup, queue.horizon) - np.clip(grant, queue.warmup, queue.horizon)
    return float(held.sum() / (queue.c * (queue.horizon - queue.warmup)))


def measure(result: simulation.RunResult, queue: Queue) -> Replication:
    """Mean wait of cases that STARTED service in the window, and the exact busy fraction.

    Selecting by start time (not by arrival) keeps the censoring at the end unbiased: in a
    FIFO queue the cases started in the window are one unbroken run of arrivals, none cut off.

    Utilisation is the exact time-average busy fraction over the window, from the slot
    holdings in the event log (:func:`busy_fraction`). Its expectation is ρ, as was that of
    the month-end snapshots of ``wijkteam_busy / capacity`` used before, but the snapshots are
    only ~22 coarse values (multiples of 1/c) per run: their replication SD was about 0.050
    against 0.021 for the time-average (180 replications, seeds 7-9), so the t-interval over
    R replications was 2.4 times as wide and, being built from a noisy SD, more erratic.
    """
    waits = result.tables["waits"]
    served = waits[(waits["resource"] == "wijkteam") & (waits["kind"] == "assigned") & waits["served"]
                   & (waits["started"] > queue.warmup) & (waits["started"] <= queue.horizon)]
    utilisation = busy_fraction(*slot_holdings(result), queue)
    return Replication(float((served["started"] - served["requested"]).mean()), utilisation, len(served))


def _replicate(scenario: LoadedScenario, replication: int) -> Replication:
    """One replication, reduced to its summary in the worker (small to send back)."""
    result = simulation.run(scenario, seed=SEED, replication=replication, event_log=True)
    return measure(result, queue_of(scenario))


def confidence_interval(values: list[float]) -> tuple[float, float, float]:
    """Mean and t-based CI of independent replication means (normal by the CLT per run)."""
    x = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean()), float(x.mean() - half), float(x.mean() + half)


@pytest.fixture(scope="module")
def scenario() -> LoadedScenario:
    return simulation.load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def replications(scenario: LoadedScenario) -> list[Replication]:
    """R independent replications (seed 7, replication 0..R−1), on two processes when possible.

    Running them in a pool is safe: test_determinism checks that pooled runs equal serial ones.
    """
    workers = min(2, os.cpu_count() or 1)
    if workers < 2:
        return [_replicate(scenario, i) for i in range(REPLICATIONS)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_replicate, [scenario] * REPLICATIONS, range(REPLICATIONS)))


# --- tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("c", [1, 2, 3, 5, 8, 13])
@pytest.mark.parametrize("rho", [0.1, 0.5, 0.8, 0.95])
def test_erlang_c_matches_textbook_formula(c: int, rho: float) -> None:
    """The stable recursion equals the closed form where the closed form is safe."""
    assert erlang_c(c, rho * c) == pytest.approx(_erlang_c_direct(c, rho * c), rel=1e-12)


def test_erlang_c_known_values_and_large_c() -> None:
    """M/M/1: C = ρ; M/M/2 at a = 1: C = 1/3; c = 1000 must not overflow."""
    assert erlang_c(1, 0.8) == pytest.approx(0.8)
    assert erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0)
    assert mmc_wait(0.8, 1.0, 1) == pytest.approx(4.0)  # ρ / (μ − λ)
    big = erlang_c(1000, 950.0)
    assert 0.0 < big < 1.0 and math.isfinite(big)
    assert mmc_wait(1.0, 1.0, 1) == math.inf


def test_scenario_is_an_mmc_queue(scenario: LoadedScenario) -> None:
    """One replication: the reduction holds (else the Erlang-C comparison would mean nothing).

    Every applicant is admitted, queues once at the wijkteam as its assigned handler, nobody
    leaves benefit, nothing else queues; the chosen parameters give ρ ≈ 0.8 and a few
    thousand served cases. The slot holdings read from the event log are the resource's own
    holders: they start at the waits' grant times and reproduce ``wijkteam_busy`` at every
    month end, so :func:`busy_fraction` integrates what the resource really did.
    """
    queue = queue_of(scenario)
    assert queue.rho == pytest.approx(0.8, abs=1e-9)
    result = simulation.run(scenario, seed=SEED, replication=0, event_log=True)
    tables = result.tables
    waits, spells, clients = tables["waits"], tables["spells"], tables["clients"]
    assert set(waits["resource"]) == {"wijkteam"} and set(waits["kind"]) == {"assigned"}
    assert (spells["reason"] == "censored").all(), "some client left benefit: exits are not switched off"
    assert len(clients) == len(spells) and waits["client"].is_unique and waits["served"].all()
    # a wait is written when it ends; those still queued at the end have none (yet)
    assert len(clients) - len(waits) == tables["monthly"]["wijkteam_queue"].iloc[-1]
    assert (clients["origin"] == "inflow").all() and (clients["group"] == "group3").all()
    grant, release = slot_holdings(result)
    assert np.array_equal(np.sort(grant), np.sort(waits["started"].to_numpy()))
    monthly = tables["monthly"]
    holders = [int(((grant <= t) & (release > t)).sum()) for t in monthly["time"]]
    assert holders == monthly["wijkteam_busy"].tolist()
    assert measure(result, queue).served > 2000


@pytest.mark.slow
def test_mean_wait_matches_erlang_c(replications: list[Replication], scenario: LoadedScenario) -> None:
    """Erlang-C Wq lies inside the 95% CI of the replication mean waits.

    Tolerance: none is chosen by hand. The CI half-width is t(0.975, R−1)·s/√R, with s the
    spread of the R replication means, so it is exactly the simulation noise at this run length
    (a few thousand cases, autocorrelated waits at ρ = 0.8). The test fails by chance in ~5%
    of seed choices; the seed is fixed, so the outcome is reproducible.
    """
    queue = queue_of(scenario)
    mean, low, high = confidence_interval([r.mean_wait for r in replications])
    print(f"\nWq theory {queue.wq:.4f} d; simulated {mean:.4f} d, 95% CI [{low:.4f}, {high:.4f}] "
          f"(R={len(replications)}, served/rep ≈ {np.mean([r.served for r in replications]):.0f})")
    assert low <= queue.wq <= high


@pytest.mark.slow
def test_utilisation_matches_rho(replications: list[Replication], scenario: LoadedScenario) -> None:
    """ρ = λ/(cμ) lies inside the 95% CI of the replications' exact busy fractions.

    Each replication contributes the time-average of busy slots over the observation window
    divided by c (:func:`busy_fraction`), not month-end snapshots. As for Wq, the tolerance
    is the t-based CI from the spread of the R replications, chosen by no one; a slot held
    too long or granted too early would move the mean by its share of E[S] and show here.
    """
    queue = queue_of(scenario)
    mean, low, high = confidence_interval([r.utilisation for r in replications])
    print(f"\nutilisation theory {queue.rho:.4f}; simulated {mean:.4f}, 95% CI [{low:.4f}, {high:.4f}]")
    assert low <= queue.rho <= high


@pytest.mark.slow
def test_wait_check_can_fail(replications: list[Replication], scenario: LoadedScenario) -> None:
    """The CI is narrow enough to reject nearby wrong models, so passing above means something.

    Rejected: one server fewer (c − 1, here unstable: Wq = ∞), a service time 20% longer
    (Wq ≈ 5.4 d) and even 10% longer (≈ 1.3 d), and on the other side one server more.
    """
    queue = queue_of(scenario)
    _, low, high = confidence_interval([r.mean_wait for r in replications])
    wrong = {
        "c - 1 servers": mmc_wait(queue.lam, queue.mu, queue.c - 1),
        "service 20% longer": mmc_wait(queue.lam, queue.mu / 1.2, queue.c),
        "service 10% longer": mmc_wait(queue.lam, queue.mu / 1.1, queue.c),
        "c + 1 servers": mmc_wait(queue.lam, queue.mu, queue.c + 1),
    }
    for label, wq in wrong.items():
        assert not low <= wq <= high, f"the CI [{low:.3f}, {high:.3f}] also fits {label} (Wq = {wq:.3f})"
