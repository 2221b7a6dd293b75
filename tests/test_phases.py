"""Phase assessment (simulation.model.phases): noise that partly stays with the client, and a margin.

A client's assessor noise is a persistent part (drawn once, its own stream) plus a fresh part per
assessment, with shares ``noise_persistence`` and 1 - ``noise_persistence`` of the variance. The
checks come from that definition: one assessment's phase has the distribution of score + N(0, sd²)
whatever the share; with all of it persistent a reassessment of an unchanged client never moves
the phase; with none of it persistent the fresh draws are the old ones, number for number, and a
reassessment changes the phase with probability 1 - Σ p_k² (two independent draws disagree).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import SCENARIO_DIR
from scipy import stats

from simulation.model.client import Client
from simulation.model.phases import Assessor
from simulation.model.rng import Streams
from simulation.scenario import load_scenario
from simulation.scenario.schema import Assessment

N = 4000  # clients (or reassessments) per check
SCORE = 2.6  # near the cut-off 2.78 between phases 3 and 4: the noise matters
NOW = 0.0


def spec(persistence: float, margin: float = 0.0) -> Assessment:
    base = load_scenario(SCENARIO_DIR / "base.yaml").model.assessment
    return base.model_copy(update={"noise_persistence": persistence, "reassessment_margin": margin})


def clients(count: int, seed: int = 11) -> list[Client]:
    streams = Streams(seed)
    return [Client(i, streams.client_streams(i), "inflow") for i in range(count)]


def fixed_score(assessor: Assessor, score: float = SCORE) -> Assessor:
    assessor.score = lambda client, now: score  # type: ignore[method-assign]  # the situation never changes
    return assessor


def phase_probabilities(assessor: Assessor, score: float = SCORE) -> np.ndarray:
    """P(phase 1..5) for score + N(0, noise_sd²)."""
    edges = [-math.inf, *assessor.cutoffs, math.inf]
    return np.diff(stats.norm.cdf(edges, loc=score, scale=assessor.spec.noise_sd))


@pytest.mark.parametrize("persistence", [0.0, 0.5, 0.8, 1.0])
def test_the_first_assessment_has_the_same_distribution_whatever_the_persistence(persistence: float) -> None:
    """Chi-square against the phases of score + N(0, sd²); a wrong split of the variance fails."""
    assessor = fixed_score(Assessor(spec(persistence)))
    phases = [assessor.assess(c, NOW, c.rng.assessment) for c in clients(N)]
    observed = np.bincount(phases, minlength=6)[1:]
    expected = N * phase_probabilities(assessor)
    keep = expected > 5  # phases the noise hardly reaches are pooled with their neighbour
    observed = np.append(observed[keep], observed[~keep].sum())
    expected = np.append(expected[keep], expected[~keep].sum())
    p = stats.chisquare(observed, expected, ddof=0).pvalue
    assert p > 0.001, f"phases at first assessment {observed} differ from N(0, sd²) noise {expected.round()}"


def test_with_all_noise_persistent_an_unchanged_client_keeps_its_phase() -> None:
    assessor = fixed_score(Assessor(spec(1.0)))
    group = clients(500)
    first = [assessor.assess(c, NOW, c.rng.assessment) for c in group]
    assert len(set(first)) > 1  # the noise does place clients in different phases
    for _ in range(5):
        again = [assessor.assess(c, NOW, c.rng.assessment, reassessment=True) for c in group]
        assert again == first


@pytest.mark.parametrize("persistence", [0.0, 0.5])
def test_the_fresh_part_is_the_kth_draw_of_the_assessment_stream(persistence: float) -> None:
    """The persistent part has a stream of its own, so the k-th assessment's fresh noise is the
    k-th normal of the client's assessment stream, as before issue 14: no other draw shifts, and
    with ρ = 0 the noise is the old one, number for number."""
    assessor = fixed_score(Assessor(spec(persistence)))
    group = clients(200)
    old = [Streams(11).client_streams(c.id).assessment for c in group]
    for round_no in range(4):
        for client, stream in zip(group, old):
            phase = assessor.assess(client, NOW, client.rng.assessment, reassessment=round_no > 0)
            bias = client.assessor_bias or 0.0
            assert (client.assessor_bias is None) == (persistence == 0.0)
            assert phase == assessor.phase_of(SCORE + bias + stream.normal(0.0, assessor.fresh_sd))


def test_with_no_persistence_an_unchanged_client_flickers_as_before() -> None:
    """ρ = 0: a reassessment of an unchanged client changes its phase with probability
    1 - Σ p_k² (two independent draws disagree), within 3 binomial sd."""
    assessor = fixed_score(Assessor(spec(0.0)))
    group = clients(N // 4)
    changes = 0
    for round_no in range(5):
        for client in group:
            before = client.phase
            phase = assessor.assess(client, NOW, client.rng.assessment, reassessment=round_no > 0)
            changes += round_no > 0 and phase != before
    trials = 4 * len(group)
    rate = 1.0 - float((phase_probabilities(assessor) ** 2).sum())
    assert abs(changes - trials * rate) < 3 * math.sqrt(trials * rate * (1 - rate))


def test_the_margin_holds_the_phase_near_a_cut_off_and_lets_a_clear_change_through() -> None:
    assessor = Assessor(spec(0.0, margin=0.2))
    cut = assessor.cutoffs[2]  # between phases 3 and 4
    assert assessor.phase_beyond_margin(cut + 0.15, 3) == 3
    assert assessor.phase_beyond_margin(cut - 0.15, 4) == 4
    assert assessor.phase_beyond_margin(cut + 0.25, 3) == 4
    assert assessor.phase_beyond_margin(cut - 0.25, 4) == 3
    assert assessor.phase_beyond_margin(assessor.cutoffs[3] + 0.5, 2) == 5  # far past: where the score is


def test_the_margin_applies_to_reassessments_only() -> None:
    """An intake (or re-entry) is a new judgement: the phase is where the score falls."""
    noiseless = spec(0.0, margin=0.2).model_copy(update={"noise_sd": 0.0})
    assessor = Assessor(noiseless)
    fixed_score(assessor, assessor.cutoffs[2] + 0.1)  # just inside phase 4
    client = clients(1)[0]
    client.phase = 3
    assert assessor.assess(client, NOW, client.rng.assessment, reassessment=True) == 3
    assert assessor.assess(client, NOW, client.rng.assessment) == 4
