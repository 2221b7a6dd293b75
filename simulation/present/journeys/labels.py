"""The words of a journey picture, in English and Dutch, and each row's label."""

from __future__ import annotations

import pandas as pd

from simulation.present.journeys.clock import RunClock

TEXT = {
    "en": {
        "client": "client", "phase": "phase", "not_assessed": "not assessed", "job": "job",
        "trajectory": "trajectory", "waiting": "waiting (team / trajectory)", "sanction": "sanction",
        "reentry": "re-entry", "exit_work": "exit to work", "exit_other": "other exit",
        "placement": "participation placement", "since": "since", "before": "on benefit before start",
        "warmup": "warm-up", "follow_up": "follow-up", "title": "Client journeys",
        "sampled": "{k} sampled clients, seed {seed}", "of": "of {total} on benefit in the run",
        "years": "years since start",
    },
    "nl": {
        "client": "cliënt", "phase": "fase", "not_assessed": "niet gediagnosticeerd", "job": "baan",
        "trajectory": "traject", "waiting": "wachten (team / traject)", "sanction": "maatregel",
        "reentry": "herinstroom", "exit_work": "uitstroom naar werk", "exit_other": "andere uitstroom",
        "placement": "participatieplek", "since": "sinds", "before": "al in de bijstand vóór de start",
        "warmup": "inloopperiode", "follow_up": "naloopperiode", "title": "Klantreizen",
        "sampled": "{k} cliënten getrokken, seed {seed}", "of": "van {total} in de bijstand tijdens de run",
        "years": "jaren sinds de start",
    },
}
HOUSEHOLD = {
    "en": {"single": "single", "single_parent": "single parent", "couple": "couple"},
    "nl": {"single": "alleenstaand", "single_parent": "eenoudergezin", "couple": "paar"},
}
EXIT_REASON = {
    "en": {"work": "work", "moving": "moving", "partner_income": "partner income", "education": "education",
           "death": "death", "pension": "pension", "enforcement": "enforcement"},
    "nl": {"work": "werk", "moving": "verhuizing", "partner_income": "inkomen partner", "education": "opleiding",
           "death": "overlijden", "pension": "AOW", "enforcement": "handhaving"},
}
JOB_TYPE = {
    "en": {"stable": "stable", "flex": "flex", "subsidised": "subsidised", "secondment": "secondment",
           "basisbaan": "basisbaan"},
    "nl": {"stable": "vast", "flex": "flex", "subsidised": "gesubsidieerd", "secondment": "detachering",
           "basisbaan": "basisbaan"},
}


def row_label(client: int, info: pd.DataFrame, lang: str, since: float | None, clock: RunClock) -> str:
    """``client 12 (34, single, since 2014)``: age at the end, household, and when a spell that
    began before the run started (``since``, in days) began."""
    text = TEXT[lang]
    parts = _person(info.loc[client], lang) if client in info.index else []
    if since is not None:
        if clock.start is not None:
            parts.append(f"{text['since']} {(clock.start + pd.to_timedelta(since, unit='D')).year}")
        else:
            parts.append(f"{text['since']} {since / 365.25:.1f}")
    label = f"{text['client']} {client}"
    return f"{label} ({', '.join(parts)})" if parts else label


def _person(row: pd.Series, lang: str) -> list[str]:
    parts = []
    age = row.get("age_at_end")
    if age is not None and not pd.isna(age):
        parts.append(str(int(age)))
    household = row.get("household")
    if household is not None and not pd.isna(household):
        parts.append(HOUSEHOLD[lang].get(str(household), str(household)))
    return parts
