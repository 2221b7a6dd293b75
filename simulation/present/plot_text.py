"""The words of the figures, in English and Dutch: titles, axis labels, legend notes, and the
names of exit reasons, groups of clients and equity measures."""

from __future__ import annotations

from simulation.errors import ScenarioError

TEXT = {
    "en": {
        "stock": "Stock on benefit", "stock_y": "clients on benefit (month end)",
        "exits": "Exits per year by reason (observation window)", "exits_y": "exits per year",
        "time_to_exit": "Time to exit: share still on benefit (Kaplan–Meier)", "time_to_exit_y": "share still on benefit",
        "time_to_return": "Time to return after an exit to work (Kaplan–Meier)",
        "time_to_return_y": "share back on benefit", "months_since_start": "months since the spell started",
        "months_since_exit": "months since the exit to work",
        "recidivism": "Recidivism and sustainable outflow", "pct": "%", "per_year": "per year",
        "ladder": "Participation ladder: share of the stock on each rung", "rung": "rung", "share": "share of stock",
        "resources": "Waiting time and utilisation per resource", "wait": "mean wait (days)",
        "utilisation": "utilisation (busy ÷ capacity)",
        "budgets": "Budget left through the year", "budget_y": "€ left in the budget",
        "equity": "Outcomes by group of clients (observation window)",
        "warmup": "warm-up", "follow_up": "follow-up", "band_reps": "band: 95% CI over {n} replications",
        "bars_reps": "error bars: 95% CI over {n} replications",
        "band_single": "band: 95% Greenwood CI (one run)", "single": "one replication: no confidence interval",
        "month": "month",
        "reasons": {"work": "work", "moving": "moving", "partner_income": "partner's income", "education": "education",
                    "death": "death", "enforcement": "enforcement", "pension": "pension (AOW)"},
        "groups": {"all": "all clients", "age_45_plus": "aged 45+", "migrant": "migrant background",
                   "single_parent": "single parents", "phase_4_5": "phase 4–5"},
        "measures": {"share_of_client_years": "share of client-years (%)",
                     "exits_to_work_per_100_client_years": "exits to work per 100 client-years",
                     "recidivism_12m": "recidivism within 12 months (%)",
                     "sanctions_per_100_client_years": "sanctions per 100 client-years"},
    },
    "nl": {
        "stock": "Bijstandsbestand", "stock_y": "uitkeringen (einde maand)",
        "exits": "Uitstroom per jaar naar reden (waarnemingsperiode)", "exits_y": "uitstroom per jaar",
        "time_to_exit": "Duur tot uitstroom: aandeel nog in de bijstand (Kaplan–Meier)",
        "time_to_exit_y": "aandeel nog in de bijstand",
        "time_to_return": "Herinstroom na uitstroom naar werk (Kaplan–Meier)",
        "time_to_return_y": "aandeel terug in de bijstand", "months_since_start": "maanden sinds instroom",
        "months_since_exit": "maanden sinds uitstroom naar werk",
        "recidivism": "Herinstroom en duurzame uitstroom", "pct": "%", "per_year": "per jaar",
        "ladder": "Participatieladder: aandeel van het bestand per trede", "rung": "trede", "share": "aandeel bestand",
        "resources": "Wachttijd en bezetting per voorziening", "wait": "gemiddelde wachttijd (dagen)",
        "utilisation": "bezetting (bezet ÷ capaciteit)",
        "budgets": "Resterend budget door het jaar", "budget_y": "€ resterend budget",
        "equity": "Uitkomsten per groep klanten (waarnemingsperiode)",
        "warmup": "inloopperiode", "follow_up": "naloopperiode", "band_reps": "band: 95%-BI over {n} replicaties",
        "bars_reps": "foutbalken: 95%-BI over {n} replicaties",
        "band_single": "band: 95%-Greenwood-BI (één run)", "single": "één replicatie: geen betrouwbaarheidsinterval",
        "month": "maand",
        "reasons": {"work": "werk", "moving": "verhuizing", "partner_income": "inkomen partner", "education": "opleiding",
                    "death": "overlijden", "enforcement": "handhaving", "pension": "AOW"},
        "groups": {"all": "alle klanten", "age_45_plus": "45 jaar en ouder", "migrant": "migratieachtergrond",
                   "single_parent": "alleenstaande ouders", "phase_4_5": "fase 4–5"},
        "measures": {"share_of_client_years": "aandeel klantjaren (%)",
                     "exits_to_work_per_100_client_years": "uitstroom naar werk per 100 klantjaren",
                     "recidivism_12m": "herinstroom binnen 12 maanden (%)",
                     "sanctions_per_100_client_years": "maatregelen per 100 klantjaren"},
    },
}


def words(lang: str) -> dict:
    """The figures' words in ``lang`` ("en" or "nl")."""
    if lang not in TEXT:
        raise ScenarioError(f"unknown language '{lang}'", argument="lang", hint="en or nl")
    return TEXT[lang]
