"""The bounds of a scenario's numbers, each with its reason: the largest (or smallest) value a run can hold.

Found by setting every number of a scenario to extremes and running it (issue 15): beyond these a run
overflowed a float or pandas' dates, hung with a clock that never moved on, or filled memory. Each
bound sits far beyond any real scenario (the reasons say how far), so it only stops mistakes; the
validators in ``units.py`` and the schema quote the reason in their message. Bounds of one key live
beside it: the clock's dates and the part-time release factor (``schema/clock_jobs.py``),
``leavers_history`` (``schema/people.py``), a lognormal's width (``distributions/parametric.py``);
seeds and replications are the experiments' (``defaults.py``).
"""

from __future__ import annotations

MAX_COUNT = 2_000_000
"""The largest whole-number count a scenario may give (clients, places, caseloads, targets per year):
about 5× the national bijstand stock (~415,000, cal §A), so no real scenario comes near it, while
counts beyond it overflow inside a run or outgrow any machine's memory (~2.3 KB a client, README)."""

MAX_MONEY = 1e12
"""The largest amount of money a scenario may give, one-off or per year: a trillion euros, some 150 times what
all municipalities spend on bijstand in a year; sums of larger amounts (in cents, over clients and years) overflow."""
MONEY_REASON = "a trillion euros, far beyond any budget"

MAX_RATE_PER_YEAR = float(MAX_COUNT)
"""The most events a year a total rate may give (applications, urgent-care cases): ``MAX_COUNT``, about
20× the national inflow (88,400 in 2019, cal §A); more would fill memory with people, not answer a question."""
MAX_HAZARD_PER_YEAR = 52.0
"""The largest hazard of one person (leaving benefit, starting or ending part-time work, a job's end,
a return): once a week. Observed hazards are far below (cal §A: about 0.2-0.3 exits a client-year);
above it a spell lasts days, and the initial world's history (stock × hazard × leavers_history
recent leavers, ``model/history.py``) grows without bound."""

MAX_MULTIPLIER = 100.0
"""The largest multiplier of a hazard, odds or probability (duration bands, the labour market, a sanction's
or a trajectory's effect): a hundredfold. Measured effects are far smaller (cal §B: a sanction's hazard
ratio ≈ 2.4); much larger ones fill the initial world's history with recent leavers (``model/history.py``)."""
MAX_EFFECT = 20.0
"""The largest coefficient (either sign) of a logistic or log-linear effect per unit (motivation, trust,
a year on benefit, €100 kept): exp(20 × ½) ≈ 22,000× between the middle and the end of the motivation
scale, far beyond any measured effect; a larger one overflows a float's exponential."""
MIN_INTERVAL_DAYS = 1.0
"""The shortest time between recurring events of one person or one caseload (contacts, reviews), on
average: a day. A shorter one schedules event after event at almost the same time, and the run's clock
never moves on (a time of 0 hung the run)."""
INTERVAL_REASON = "the time between recurring contacts or reviews; shorter ones never let the run's clock move on"
