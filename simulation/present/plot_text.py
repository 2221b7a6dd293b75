"""The words of the figures, in English and Dutch: titles, axis labels, legend notes, and the
names of exit reasons, groups of clients, equity measures, ladder rungs, resources (teams and
trajectories) and budgets. Dutch domain terms stay in the English figures, explained, as
../shared/domain.md asks ("werkervaringsplaats (work-experience place)")."""

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
        "budgets": "Budget left through the year", "budget_y": "left in the budget",
        "equity": "Outcomes by group of clients (observation window)",
        "warmup": "warm-up", "follow_up": "follow-up", "band_reps": "band: 95% CI over {n} replications",
        "bars_reps": "error bars: 95% CI over {n} replications",
        "band_single": "band: 95% Greenwood CI (one run)", "single": "one replication: no confidence interval",
        "month": "month", "observation": "observation window {span}",
        "sizes_rates": "The scenarios differ in size (average stock {sizes}): shown per 1,000 clients on benefit",
        "sizes_panels": "The scenarios differ in size (average stock {sizes}): one panel per scenario, each with its own scale",
        "exits_y_rate": "exits per year\nper 1,000 clients on benefit",
        "budget_y_rate": "left in the budget\nper 1,000 clients on benefit",
        "recidivism_panel": "Back on benefit after an exit to work", "within_12": "within 12 months",
        "within_24": "within 24 months", "work_panel": "Exits to work per year",
        "work_panel_rate": "Exits to work per year per 1,000 clients on benefit", "all_work": "all exits to work",
        "sustainable": "sustainable (no return within 12 months)", "million": "million",
        "rungs": {1: "1 isolated", 2: "2 social contacts outside the home", 3: "3 organised activities",
                  4: "4 unpaid work (volunteering, internship)", 5: "5 paid work with support",
                  6: "6 paid work without support"},
        "resources_names": {
            "klantmanager": "klantmanagers (caseworkers)", "wijkteam": "wijkteam (district social team)",
            "netwerkconsulent": "netwerkconsulent (network consultant)", "homecoach": "homecoach (coach at home)",
            "work_first": "Work First (work-like activity at once)", "coaching": "coaching (lead-in to work)",
            "scholing": "scholing (training)", "werkervaringsplaats": "werkervaringsplaats (work-experience place)",
            "participatie": "participatie (social activation)", "zorg": "zorg (care plan)",
            "detachering": "detachering (secondment)", "basisbaan": "basisbaan (basic job)",
            "rust": "rust (rest plan)", "toeleiding": "toeleiding (lead-in to work)"},
        "kinds": {"rust": "rest plan", "zorg": "care plan", "participatie": "social activation",
                  "toeleiding": "lead-in to work", "scholing": "training", "werkervaringsplaats": "work-experience place",
                  "detachering": "secondment", "work_first": "Work First", "basisbaan": "basic job",
                  "coaching": "coaching"},
        "budget_names": {"reintegration": "reintegration budget", "wmo": "Wmo budget (social support)"},
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
        "budgets": "Resterend budget door het jaar", "budget_y": "resterend budget",
        "equity": "Uitkomsten per groep klanten (waarnemingsperiode)",
        "warmup": "inloopperiode", "follow_up": "naloopperiode", "band_reps": "band: 95%-BI over {n} replicaties",
        "bars_reps": "foutbalken: 95%-BI over {n} replicaties",
        "band_single": "band: 95%-Greenwood-BI (één run)", "single": "één replicatie: geen betrouwbaarheidsinterval",
        "month": "maand", "observation": "waarnemingsperiode {span}",
        "sizes_rates": "De scenario's verschillen in omvang (gemiddeld bestand {sizes}): weergegeven per 1.000 "
                       "cliënten in de bijstand",
        "sizes_panels": "De scenario's verschillen in omvang (gemiddeld bestand {sizes}): één paneel per scenario, "
                        "elk met een eigen schaal",
        "exits_y_rate": "uitstroom per jaar\nper 1.000 cliënten in de bijstand",
        "budget_y_rate": "resterend budget\nper 1.000 cliënten in de bijstand",
        "recidivism_panel": "Herinstroom na uitstroom naar werk", "within_12": "binnen 12 maanden",
        "within_24": "binnen 24 maanden", "work_panel": "Uitstroom naar werk per jaar",
        "work_panel_rate": "Uitstroom naar werk per jaar per 1.000 cliënten in de bijstand",
        "all_work": "alle uitstroom naar werk", "sustainable": "duurzaam (geen herinstroom binnen 12 maanden)",
        "million": "mln",
        "rungs": {1: "1 geïsoleerd", 2: "2 sociale contacten buitenshuis", 3: "3 deelname georganiseerde activiteiten",
                  4: "4 onbetaald werk (vrijwilligerswerk, stage)", 5: "5 betaald werk met ondersteuning",
                  6: "6 betaald werk zonder ondersteuning"},
        "resources_names": {
            "klantmanager": "klantmanagers", "wijkteam": "wijkteam", "netwerkconsulent": "netwerkconsulent",
            "homecoach": "homecoach", "work_first": "Work First (direct aan de slag)",
            "coaching": "coaching (toeleiding naar werk)", "scholing": "scholing",
            "werkervaringsplaats": "werkervaringsplaats", "participatie": "participatie (sociale activering)",
            "zorg": "zorgtraject", "detachering": "detachering", "basisbaan": "basisbaan", "rust": "rustplan",
            "toeleiding": "toeleiding naar werk"},
        "kinds": {"rust": "rustplan", "zorg": "zorgtraject", "participatie": "sociale activering",
                  "toeleiding": "toeleiding naar werk", "scholing": "scholing", "werkervaringsplaats": "werkervaringsplaats",
                  "detachering": "detachering", "work_first": "Work First", "basisbaan": "basisbaan",
                  "coaching": "coaching"},
        "budget_names": {"reintegration": "re-integratiebudget", "wmo": "Wmo-budget"},
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
