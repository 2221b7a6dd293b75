"""The exit hazards of a benefit spell: tables built once from the scenario, rates read per event.

Exit to work depends on the true phase, the spell's duration band, the labour market of the
calendar year, motivation (which decays back to the client's own level after attention), the
threat of the group's obligations and a recent sanction (``sanctions``), a trajectory, and
part-time work on benefit (``part_time``).
Other exits (moving, partner income, education, death) have rates by duration band, education higher
under 27; enforcement exits come from threat and sanction. Pension ends every spell.
"""

from __future__ import annotations

import math
from bisect import bisect_right

from simulation.model.calendar import Calendar
from simulation.model.client import OTHER_EXIT_REASONS, Client, ExitReason
from simulation.model.phases import Assessor
from simulation.model.sanctions import enforcement_rate, sanctioned_work_rate, threat_table
from simulation.scenario.schema import Scenario
from simulation.scenario.units import DAYS_PER_YEAR

INF = math.inf


def pick_reason(pairs: list[tuple[ExitReason, float]], uniform: float) -> ExitReason:
    """Which of the other exits, drawn in proportion to their rates by one uniform."""
    pick = uniform * sum(rate for _, rate in pairs)
    for candidate, rate in pairs:
        pick -= rate
        if pick <= 0.0:
            return candidate
    return pairs[-1][0]  # should rounding leave ``pick`` above 0
#: other_exits.education_multiplier_under_27 applies below this age: the under-27 line of the youth rule (cal §D)
EDUCATION_AGE_LIMIT = 27 * DAYS_PER_YEAR


class Hazards:
    """Hazard tables and rates; ``threat`` is replaced when a policy change moves obligations."""

    def __init__(self, scenario: Scenario, calendar: Calendar, assessor: Assessor) -> None:
        self.assessor = assessor
        self.half_life = scenario.attention.decay_half_life
        self.pension_days = scenario.other_exits.pension_age * DAYS_PER_YEAR
        self.sanction_spec = scenario.sanctions
        self.threat = threat_table(scenario.sanctions, scenario.policy)
        work = scenario.work_exit
        self.motivation_effect = work.motivation_effect
        self.part_time_multiplier = scenario.part_time.exit_multiplier
        self.base_work_rate = dict(work.base_rate_by_phase)
        self.band_starts = [band.after for band in work.duration_bands]
        self.band_multipliers = [band.multiplier for band in work.duration_bands]
        self.year_starts = calendar.year_starts
        self.labour_market = [work.labour_market_by_year.get(year, 1.0) for year in calendar.calendar_years]
        self.labour_market_changes = self._labour_market_changes()
        rates = scenario.other_exits.rates
        self.education_multiplier = scenario.other_exits.education_multiplier_under_27
        self.other_rates_adult = tuple(getattr(rates, reason.name.lower()) for reason in OTHER_EXIT_REASONS)
        self.other_rate_adult = sum(self.other_rates_adult)
        self.other_rate_young = self.other_rate_adult + rates.education * (self.education_multiplier - 1.0)
        self.other_band_starts = [band.after for band in scenario.other_exits.duration_bands]
        self.other_band_multipliers = [band.multiplier for band in scenario.other_exits.duration_bands]

    def _labour_market_changes(self) -> list[float]:
        """For each calendar year, when the labour-market multiplier next changes (inf: never)."""
        changes = []
        for i, value in enumerate(self.labour_market):
            later = [self.year_starts[j] for j in range(i + 1, len(self.labour_market)) if self.labour_market[j] != value]
            changes.append(later[0] if later else INF)
        return changes

    def motivation(self, client: Client, now: float) -> float:
        """Motivation gained from attention decays back to the client's own level (half-life)."""
        gap = client.motivation - client.motivation_base
        if gap != 0.0 and now > client.motivation_time:
            client.motivation = client.motivation_base + gap * 0.5 ** ((now - client.motivation_time) / self.half_life)
        client.motivation_time = now
        return client.motivation

    def pension_time(self, client: Client) -> float:
        return client.birth + self.pension_days

    def work_rate(self, client: Client, now: float) -> tuple[float, float]:
        """Exit-to-work hazard per day now, and the next time it changes by itself (per event: written out)."""
        spell_start = client.spell_start
        band_starts = self.band_starts
        # the small margin keeps a band edge that floating point puts at ``now`` from firing twice
        band = bisect_right(band_starts, now - spell_start + 1e-7) - 1
        next_change = spell_start + band_starts[band + 1] if band + 1 < len(band_starts) else INF
        year_index = bisect_right(self.year_starts, now) - 1
        if (market_change := self.labour_market_changes[year_index]) < next_change:
            next_change = market_change
        client.true_phase = phase = self.assessor.true_phase(client, now)
        rate = self.base_work_rate[phase] * self.band_multipliers[band] * self.labour_market[year_index]
        rate *= math.exp(self.motivation_effect * (self.motivation(client, now) - 0.5))
        rate, next_change = sanctioned_work_rate(rate, next_change, self.threat[client.group], self.sanction_spec, client, now)
        if client.part_time is not None:  # part-time work can grow into an exit (``part_time``)
            rate *= self.part_time_multiplier
        if now < client.trajectory_until:
            rate *= client.trajectory_multiplier
            if client.trajectory_until < next_change:
                next_change = client.trajectory_until
        return rate, next_change

    def _other_band(self, client: Client, now: float) -> tuple[float, float]:
        """The duration band's multiplier of the other exits, and when the next band starts."""
        starts = self.other_band_starts
        band = bisect_right(starts, now - client.spell_start + 1e-7) - 1  # the margin as in ``work_rate``
        return self.other_band_multipliers[band], client.spell_start + starts[band + 1] if band + 1 < len(starts) else INF

    def other_rates(self, client: Client, now: float) -> list[tuple[ExitReason, float]]:
        """Hazards per day of each exit other than work and pension."""
        multiplier = self._other_band(client, now)[0]
        rates = [rate * multiplier for rate in self.other_rates_adult]
        if now - client.birth < EDUCATION_AGE_LIMIT:
            index = OTHER_EXIT_REASONS.index(ExitReason.EDUCATION)
            rates[index] *= self.education_multiplier
        pairs = list(zip(OTHER_EXIT_REASONS, rates))
        pairs.append((ExitReason.ENFORCEMENT, enforcement_rate(self.threat[client.group], self.sanction_spec, client, now)))
        return pairs

    def other_rate(self, client: Client, now: float) -> tuple[float, float]:
        """Total of ``other_rates`` without building the list, and when it next changes by itself
        (turning 27, the next duration band)."""
        turns_27 = client.birth + EDUCATION_AGE_LIMIT
        young = now < turns_27
        total = self.other_rate_young if young else self.other_rate_adult
        multiplier, next_band = self._other_band(client, now)
        next_change = turns_27 if young and turns_27 < next_band else next_band
        return (total * multiplier + enforcement_rate(self.threat[client.group], self.sanction_spec, client, now),
                next_change)
