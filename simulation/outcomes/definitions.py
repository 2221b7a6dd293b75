"""The headline outcomes: each one's key, English and Dutch label and unit, defined here and nowhere
else. Their order is the row order of every headline and summary table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """How an outcome is shown: label in English and Dutch, and its unit."""

    label: str
    label_nl: str
    unit: str


OUTCOMES: dict[str, Outcome] = {
    "average_stock": Outcome("Average stock on benefit", "Gemiddeld bestand", "clients"),
    "exits_to_work_per_year": Outcome("Exits to work per year", "Uitstroom naar werk per jaar", "per year"),
    "exits_to_work_pct_stock": Outcome("Exits to work, % of average stock", "Uitstroom naar werk, % van bestand", "%"),
    "outflow_pct_stock": Outcome("All exits (excl. pension), % of average stock",
                                 "Totale uitstroom (excl. AOW), % van bestand", "%"),
    "work_share_of_outflow": Outcome("Share of exits that are to work", "Aandeel uitstroom naar werk", "%"),
    "sustainable_exits_per_year": Outcome("Sustainable exits to work per year (no return in 12 months)",
                                          "Duurzame uitstroom naar werk per jaar", "per year"),
    "recidivism_12m": Outcome("Recidivism 12 months after exit to work", "Herinstroom binnen 12 maanden na werk", "%"),
    "recidivism_24m": Outcome("Recidivism 24 months after exit to work", "Herinstroom binnen 24 maanden na werk", "%"),
    "reinflow_any_exit_12m": Outcome("Re-inflow 12 months after any exit",
                                     "Herinstroom binnen 12 maanden na elke uitstroom", "%"),
    "share_over_1_year": Outcome("Share of stock on benefit over 1 year", "Aandeel bestand langer dan 1 jaar", "%"),
    "share_rung_3_plus": Outcome("Share on participation ladder rung ≥ 3", "Aandeel op trede ≥ 3 participatieladder", "%"),
    "volunteer_placements_per_year": Outcome("Volunteer placements per year",
                                             "Plaatsingen vrijwilligerswerk per jaar", "per year"),
    "social_activity_starts_per_year": Outcome("Social-activity starts per year",
                                               "Starts sociale activiteit per jaar", "per year"),
    "back_to_social_services_per_year": Outcome("Returned by teams to social services per year",
                                                "Terug naar Sociale Zaken per jaar", "per year"),
    "share_no_contact_12m": Outcome("Share without contact for over 12 months", "Aandeel zonder contact > 12 maanden", "%"),
    "contacts_per_client_year": Outcome("Contacts per client-year", "Contacten per klantjaar", "per client-year"),
    "wait_wijkteam_mean_days": Outcome("Wijkteam wait, mean", "Wachttijd wijkteam, gemiddeld", "days"),
    "wait_wijkteam_p90_days": Outcome("Wijkteam wait, 90th percentile", "Wachttijd wijkteam, p90", "days"),
    "wait_trajectory_mean_days": Outcome("Trajectory wait, mean", "Wachttijd traject, gemiddeld", "days"),
    "wait_trajectory_p90_days": Outcome("Trajectory wait, 90th percentile", "Wachttijd traject, p90", "days"),
    "sanctions_per_year": Outcome("Sanctions per year", "Maatregelen per jaar", "per year"),
    "activation_cost_per_year": Outcome("Activation cost per year (staff, trajectories, budgets)",
                                        "Activeringskosten per jaar", "€ per year"),
    "cost_per_sustainable_exit": Outcome("Activation cost per sustainable exit", "Kosten per duurzame uitstroom", "€"),
}

#: Which way an outcome should move for the report to call a clear difference "better" or "worse".
#: An outcome missing here is neutral: the report says "higher" or "lower" and paints neither
#: good nor bad. Each direction says why (assumption: read from the Participatiewet's aim, work
#: first and participation for those far from work, and seed 002's account of the two cities).
DIRECTION: dict[str, str] = {
    # average_stock: neutral, a smaller stock also comes from exits without work and from a smaller inflow
    "exits_to_work_per_year": "higher_is_better",  # work is the Participatiewet's first aim
    "exits_to_work_pct_stock": "higher_is_better",  # the same per client
    # outflow_pct_stock: neutral, it counts moving away, partner income and enforcement exits as well
    # work_share_of_outflow: neutral, a ratio that also rises when exits to school or elsewhere fall
    "sustainable_exits_per_year": "higher_is_better",  # work that lasts a year is the aim itself
    "recidivism_12m": "lower_is_better",  # a return to benefit within a year: the job did not last
    "recidivism_24m": "lower_is_better",  # the same over two years
    "reinflow_any_exit_12m": "lower_is_better",  # a return after any exit: the exit did not last
    # share_over_1_year: neutral, a composition that also rises when short spells end sooner
    "share_rung_3_plus": "higher_is_better",  # participation (meedoen) is the aim for those far from work
    "volunteer_placements_per_year": "higher_is_better",  # participation; seed 002's targets count them
    "social_activity_starts_per_year": "higher_is_better",  # participation: a step up from isolation
    # back_to_social_services_per_year: neutral, a hand-back means ready for work or that the team could not help
    "share_no_contact_12m": "lower_is_better",  # nobody sees them; they drift down the ladder (seed 002)
    # contacts_per_client_year: neutral, contact costs staff time; its worth shows in the other outcomes
    "wait_wijkteam_mean_days": "lower_is_better",  # waiting is time without help
    "wait_wijkteam_p90_days": "lower_is_better",  # the same for the longest waits
    "wait_trajectory_mean_days": "lower_is_better",  # waiting is time without help
    "wait_trajectory_p90_days": "lower_is_better",  # the same for the longest waits
    # sanctions_per_year: neutral, a policy may want more (enforcement) or fewer (trust)
    # activation_cost_per_year: neutral, spending is a choice; what it buys is the business case's question
    # cost_per_sustainable_exit: neutral, activation also buys care and participation, not only exits
}
