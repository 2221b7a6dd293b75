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
    "sustainable_exits_per_1000": Outcome("Sustainable exits to work per 1,000 clients per year",
                                          "Duurzame uitstroom naar werk per 1.000 klanten per jaar", "per year"),
    "recidivism_12m": Outcome("Recidivism 12 months after exit to work", "Herinstroom binnen 12 maanden na werk", "%"),
    "recidivism_24m": Outcome("Recidivism 24 months after exit to work", "Herinstroom binnen 24 maanden na werk", "%"),
    "reinflow_any_exit_6m": Outcome("Re-inflow 6 months after any exit",
                                    "Herinstroom binnen 6 maanden na elke uitstroom", "%"),
    "reinflow_any_exit_12m": Outcome("Re-inflow 12 months after any exit",
                                     "Herinstroom binnen 12 maanden na elke uitstroom", "%"),
    "reinflow_any_exit_24m": Outcome("Re-inflow 24 months after any exit",
                                     "Herinstroom binnen 24 maanden na elke uitstroom", "%"),
    "after_work_in_job_6m": Outcome("In a job 6 months after an exit to work",
                                    "Aan het werk 6 maanden na uitstroom naar werk", "%"),
    "after_work_in_job_18m": Outcome("In a job 18 months after an exit to work",
                                     "Aan het werk 18 maanden na uitstroom naar werk", "%"),
    "after_work_on_benefit_18m": Outcome("Back on benefit 18 months after an exit to work",
                                         "Terug in de bijstand 18 maanden na uitstroom naar werk", "%"),
    "after_work_neither_18m": Outcome("Neither job nor benefit 18 months after an exit to work",
                                      "Geen werk en geen bijstand 18 maanden na uitstroom naar werk", "%"),
    "share_under_6_months": Outcome("Share of stock on benefit under 6 months", "Aandeel bestand korter dan 6 maanden", "%"),
    "share_over_1_year": Outcome("Share of stock on benefit over 1 year", "Aandeel bestand langer dan 1 jaar", "%"),
    "share_over_5_years": Outcome("Share of stock on benefit 5 years or more", "Aandeel bestand 5 jaar of langer", "%"),
    "inflow_pct_stock": Outcome("Inflow (new and returning), % of average stock",
                                "Instroom (nieuw en herinstroom), % van bestand", "%"),
    "stock_change_pct_per_year": Outcome("Change of the stock per year, % of average stock",
                                         "Verandering van het bestand per jaar, % van bestand", "%"),
    "reinflow_share_of_inflow": Outcome("Share of inflow within 12 months of an earlier exit",
                                        "Aandeel instroom binnen 12 maanden na eerdere uitstroom", "%"),
    "share_phase_4_5": Outcome("Share of stock in phases 4-5 (little prospect of work)",
                               "Aandeel bestand in fase 4-5 (weinig kans op werk)", "%"),
    "share_rung_3_plus": Outcome("Share on participation ladder rung ≥ 3", "Aandeel op trede ≥ 3 participatieladder", "%"),
    "share_with_earnings": Outcome("Share of stock with part-time earnings", "Aandeel bestand met inkomsten uit deeltijdwerk",
                                   "%"),
    "mean_monthly_earnings": Outcome("Monthly earnings of those with part-time earnings, mean",
                                     "Maandinkomsten van wie deeltijd werkt, gemiddeld", "€"),
    "volunteer_placements_per_year": Outcome("Volunteer placements per year",
                                             "Plaatsingen vrijwilligerswerk per jaar", "per year"),
    "social_activity_starts_per_year": Outcome("Social-activity starts per year",
                                               "Starts sociale activiteit per jaar", "per year"),
    "back_to_social_services_per_year": Outcome("Returned by teams to social services per year",
                                                "Terug naar Sociale Zaken per jaar", "per year"),
    "volunteer_placements_per_1000": Outcome("Volunteer placements per 1,000 clients per year",
                                             "Plaatsingen vrijwilligerswerk per 1.000 klanten per jaar", "per year"),
    "social_activity_starts_per_1000": Outcome("Social-activity starts per 1,000 clients per year",
                                               "Starts sociale activiteit per 1.000 klanten per jaar", "per year"),
    "back_to_social_services_per_1000": Outcome("Returned by teams to social services per 1,000 clients per year",
                                                "Terug naar Sociale Zaken per 1.000 klanten per jaar", "per year"),
    "share_no_contact_12m": Outcome("Share without contact for over 12 months", "Aandeel zonder contact > 12 maanden", "%"),
    "contacts_per_client_year": Outcome("Contacts per client-year", "Contacten per klantjaar", "per client-year"),
    "wait_wijkteam_mean_days": Outcome("Wijkteam wait, mean", "Wachttijd wijkteam, gemiddeld", "days"),
    "wait_wijkteam_p90_days": Outcome("Wijkteam wait, 90th percentile", "Wachttijd wijkteam, p90", "days"),
    "wait_trajectory_mean_days": Outcome("Trajectory wait (for budget and a place), mean",
                                         "Wachttijd traject (op budget en plek), gemiddeld", "days"),
    "wait_trajectory_p90_days": Outcome("Trajectory wait (for budget and a place), 90th percentile",
                                        "Wachttijd traject (op budget en plek), p90", "days"),
    "wait_trajectory_budget_mean_days": Outcome("Trajectory wait for budget, mean",
                                                "Wachttijd traject op budget, gemiddeld", "days"),
    "wait_trajectory_budget_p90_days": Outcome("Trajectory wait for budget, 90th percentile",
                                               "Wachttijd traject op budget, p90", "days"),
    "sanctions_per_year": Outcome("Sanctions per year", "Maatregelen per jaar", "per year"),
    "sanctions_per_1000": Outcome("Sanctions per 1,000 clients per year", "Maatregelen per 1.000 klanten per jaar", "per year"),
    "activation_cost_per_year": Outcome("Activation cost per year (staff, trajectories, budgets)",
                                        "Activeringskosten per jaar", "€ per year"),
    "activation_cost_per_client_year": Outcome("Activation cost per client-year on benefit",
                                               "Activeringskosten per klantjaar", "€"),
    "cost_per_sustainable_exit": Outcome("Activation cost per sustainable exit", "Kosten per duurzame uitstroom", "€"),
    "benefits_paid_per_year": Outcome("Benefits paid per year (bijstand)", "Uitkeringslasten per jaar", "€ per year"),
    "benefits_paid_per_client_year": Outcome("Benefits paid per client-year on benefit",
                                             "Uitkeringslasten per klantjaar", "€"),
    "net_cost_per_year": Outcome("Net cost per year (benefits + activation)",
                                 "Netto kosten (uitkeringen + activering) per jaar", "€ per year"),
    "net_cost_per_client_year": Outcome("Net cost per client-year on benefit (benefits + activation)",
                                        "Netto kosten per klantjaar (uitkeringen + activering)", "€"),
    "net_cost_incl_follow_up_per_year": Outcome("Net cost per year incl. follow-up (benefits + activation)",
                                                "Netto kosten per jaar, incl. naloopperiode", "€ per year"),
    "net_cost_incl_follow_up_per_client_year": Outcome("Net cost per client-year incl. follow-up",
                                                       "Netto kosten per klantjaar, incl. naloopperiode", "€"),
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
    "sustainable_exits_per_1000": "higher_is_better",  # the same per client
    "recidivism_12m": "lower_is_better",  # a return to benefit within a year: the job did not last
    "recidivism_24m": "lower_is_better",  # the same over two years
    "reinflow_any_exit_6m": "lower_is_better",  # a return after any exit: the exit did not last
    "reinflow_any_exit_12m": "lower_is_better",  # the same within a year
    "reinflow_any_exit_24m": "lower_is_better",  # the same within two years
    "after_work_in_job_6m": "higher_is_better",  # the job found lasted, or led to the next one
    "after_work_in_job_18m": "higher_is_better",  # the same after a year and a half
    "after_work_on_benefit_18m": "lower_is_better",  # the work did not last
    # after_work_neither_18m: neutral, partner income or savings as much as hardship (cal §A: CBS 2021)
    # share_under_6_months, share_over_1_year, share_over_5_years: neutral, compositions that also move when
    # short spells end sooner
    # inflow_pct_stock, stock_change_pct_per_year: neutral, the inflow is mostly the place's (work first aside)
    # reinflow_share_of_inflow: neutral, a composition of the inflow
    # share_phase_4_5: neutral, a composition (who is assessed far from work)
    "share_rung_3_plus": "higher_is_better",  # participation (meedoen) is the aim for those far from work
    "share_with_earnings": "higher_is_better",  # paid work with a top-up benefit: rung 5 of the ladder (cal §E), a step to work
    # mean_monthly_earnings: neutral, it also rises when those with small jobs stop working
    "volunteer_placements_per_year": "higher_is_better",  # participation; seed 002's targets count them
    "social_activity_starts_per_year": "higher_is_better",  # participation: a step up from isolation
    "volunteer_placements_per_1000": "higher_is_better",  # the same per client
    "social_activity_starts_per_1000": "higher_is_better",  # the same per client
    # back_to_social_services_per_year: neutral, a hand-back means ready for work or that the team could not help
    "share_no_contact_12m": "lower_is_better",  # nobody sees them; they drift down the ladder (seed 002)
    # contacts_per_client_year: neutral, contact costs staff time; its worth shows in the other outcomes
    "wait_wijkteam_mean_days": "lower_is_better",  # waiting is time without help
    "wait_wijkteam_p90_days": "lower_is_better",  # the same for the longest waits
    "wait_trajectory_mean_days": "lower_is_better",  # waiting is time without help
    "wait_trajectory_p90_days": "lower_is_better",  # the same for the longest waits
    "wait_trajectory_budget_mean_days": "lower_is_better",  # waiting for money is time without help too
    "wait_trajectory_budget_p90_days": "lower_is_better",  # the same for the longest waits
    # sanctions_per_year: neutral, a policy may want more (enforcement) or fewer (trust)
    # activation_cost_per_year: neutral, spending is a choice; what it buys is the business case's question
    # cost_per_sustainable_exit: neutral, activation also buys care and participation, not only exits
    # benefits_paid and net_cost: neutral, less is cheaper but can mean people left without work or income
}


#: Each count (per year, €, clients) with the rate that takes the size of the place out of it:
#: per 1,000 clients on benefit (the average stock of the window) per year, or per client-year.
#: Worlds of different sizes are compared on these rates (issue 12: compare policies, not cities).
RATE_OF: dict[str, str] = {
    "exits_to_work_per_year": "exits_to_work_pct_stock",
    "sustainable_exits_per_year": "sustainable_exits_per_1000",
    "volunteer_placements_per_year": "volunteer_placements_per_1000",
    "social_activity_starts_per_year": "social_activity_starts_per_1000",
    "back_to_social_services_per_year": "back_to_social_services_per_1000",
    "sanctions_per_year": "sanctions_per_1000",
    "activation_cost_per_year": "activation_cost_per_client_year",
    "benefits_paid_per_year": "benefits_paid_per_client_year",
    "net_cost_per_year": "net_cost_per_client_year",
    "net_cost_incl_follow_up_per_year": "net_cost_incl_follow_up_per_client_year",
}

SIZE_OUTCOME = "average_stock"
"""The outcome that measures a world's size (clients on benefit)."""
SIZE_DIFFERENCE = 0.10
"""Worlds whose average stocks differ by more than this fraction are "of different sizes" (assumption:
beyond this, counts mostly show size; rates lead)."""


def is_count(outcome: str) -> bool:
    """True for outcomes that grow with the size of the place (a count, a total, the stock itself)."""
    return outcome in RATE_OF or outcome == SIZE_OUTCOME


def sizes_differ(stocks: list[float]) -> bool:
    """Whether worlds with these average stocks differ in size by more than :data:`SIZE_DIFFERENCE`."""
    finite = [s for s in stocks if s == s and s > 0]
    return len(finite) > 1 and max(finite) > (1 + SIZE_DIFFERENCE) * min(finite)


def rates_first(outcomes: list[str]) -> list[str]:
    """``outcomes`` with the size-free ones (rates, shares, waits) first and the counts after, each in order."""
    return [o for o in outcomes if not is_count(o)] + [o for o in outcomes if is_count(o)]
