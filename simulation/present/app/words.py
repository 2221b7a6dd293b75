"""The web app's own words, in English and Dutch (the results speak the report's words: ``views``)."""

from __future__ import annotations

import re

LANGUAGES = {"en": "English", "nl": "Nederlands"}

WORDS = {
    "en": {
        "title": "meedoen: try a policy",
        "intro": "Simulate the clients of a municipality's social assistance (bijstand) under two policies, on the "
                 "same people with the same luck, and read each difference with its 95% confidence interval.",
        "language": "Language / Taal",
        "size": "Size of the run", "quick": "Quick: cities scaled down to {stock} clients at the start",
        "full": "Full size (slower)",
        "size_help": "A scaled-down city keeps its staff, places and budgets per client, so queues stay as tight.",
        "reps": "Paired replications per scenario",
        "reps_help": "More replications give narrower confidence intervals and take longer. Replications run before "
                     "are reused at once.",
        "question": "What do you want to compare?", "two": "Two scenarios", "variant": "A scenario and a variant of it",
        "first": "Scenario (the reference)", "second": "Compared with",
        "where": "Where", "as_is": "Each city as it is", "in_place": "Both policies in the place of {name}",
        "where_help": "A policy compared within one city: the same clients, inflow and labour market under both "
                      "policies, the other policy's capacities and budgets converted per client (meedoen compare --in).",
        "knobs": "Your variant of {name}", "knobs_help": "Values for the city at full size; a quick run scales the "
                 "places and the budget with the city.",
        "dated": "This scenario changes its policy or capacities at dates; your values hold until such a change.",
        "run": "Run", "running": "Running {done} of {total} replications", "starting": "Preparing the scenarios",
        "done": "Done: {total} replications", "results": "Results", "brief": "In brief", "legend": "Colours",
        "all_outcomes": "All outcomes with 95% confidence intervals", "differs": "What differs between the scenarios",
        "figures": "Figures", "download": "Download the HTML report", "error": "Cannot run this question",
        "stale": "The settings changed since this run; press Run to see them.",
        "no_scenarios": "No scenario files found in {folder}.",
        "footer": "Made with meedoen {version}. A simulation, not a forecast: the numbers follow from the scenario "
                  "files, where every parameter names its source or says that it is an assumption.",
    },
    "nl": {
        "title": "meedoen: probeer een beleid",
        "intro": "Simuleer de bijstandsklanten van een gemeente onder twee beleidsvormen, met dezelfde mensen en "
                 "hetzelfde toeval, en lees elk verschil met zijn 95%-betrouwbaarheidsinterval.",
        "language": "Language / Taal",
        "size": "Grootte van de run", "quick": "Snel: steden verkleind tot {stock} klanten bij de start",
        "full": "Volle grootte (trager)",
        "size_help": "Een verkleinde stad houdt haar personeel, plekken en budgetten per klant, dus wachtrijen blijven "
                     "even krap.",
        "reps": "Gepaarde replicaties per scenario",
        "reps_help": "Meer replicaties geven smallere betrouwbaarheidsintervallen en duren langer. Eerder gedraaide "
                     "replicaties worden meteen hergebruikt.",
        "question": "Wat wilt u vergelijken?", "two": "Twee scenario's", "variant": "Een scenario en een variant ervan",
        "first": "Scenario (de referentie)", "second": "Vergeleken met",
        "where": "Waar", "as_is": "Elke stad zoals ze is", "in_place": "Beide beleidsvormen in {name}",
        "where_help": "Beleid vergeleken binnen één stad: dezelfde klanten, instroom en arbeidsmarkt onder beide "
                      "beleidsvormen, de capaciteit en budgetten van het andere beleid omgerekend per klant "
                      "(meedoen compare --in).",
        "knobs": "Uw variant van {name}", "knobs_help": "Waarden voor de stad op volle grootte; een snelle run "
                 "verkleint de plekken en het budget met de stad mee.",
        "dated": "Dit scenario wijzigt zijn beleid of capaciteit op bepaalde data; uw waarden gelden tot zo'n wijziging.",
        "run": "Start", "running": "Bezig: {done} van {total} replicaties", "starting": "De scenario's worden voorbereid",
        "done": "Klaar: {total} replicaties", "results": "Resultaten", "brief": "In het kort", "legend": "Kleuren",
        "all_outcomes": "Alle uitkomsten met 95%-betrouwbaarheidsintervallen",
        "differs": "Wat verschilt er tussen de scenario's", "figures": "Figuren",
        "download": "Download het HTML-rapport", "error": "Deze vraag kan niet worden uitgevoerd",
        "stale": "De instellingen zijn veranderd sinds deze run; druk op Start om ze te zien.",
        "no_scenarios": "Geen scenariobestanden gevonden in {folder}.",
        "footer": "Gemaakt met meedoen {version}. Een simulatie, geen voorspelling: de getallen volgen uit de "
                  "scenariobestanden, waarin elke parameter zijn bron noemt of zegt dat hij een aanname is.",
    },
}


#: Characters Streamlit's Markdown would read as markup (``$`` starts a formula).
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain(text: str) -> str:
    """Text from a scenario file or an error shown as it is in Streamlit's Markdown, never as markup."""
    return _MARKDOWN.sub(r"\\\1", text)


def number(value: float, lang: str) -> str:
    """A whole number with the language's thousands separator: 1,000 or 1.000."""
    text = f"{value:,.0f}"
    return text.replace(",", ".") if lang == "nl" else text
