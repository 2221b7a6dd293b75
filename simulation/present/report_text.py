"""The words of the HTML report, in English and Dutch, and how a difference's unit is named."""

#: How a difference is named: percentages differ in percentage points.
DIFF_UNITS = {
    # the labels of rates already say "per year"; money is written with its sign first: −€766
    "en": {"%": "percentage points", "per year": "", "days": "days", "€": "", "€ per year": "",
           "clients": "clients", "per client-year": ""},
    "nl": {"%": "procentpunt", "per year": "", "days": "dagen", "€": "", "€ per year": "",
           "clients": "klanten", "per client-year": ""},
}

TEXT = {
    "en": {
        "title": "meedoen: {names}", "subtitle_comparison": "Paired comparison, {reps} replications per scenario, seed {seed}",
        "subtitle_run": "One replication (seed {seed}, replication {replication})",
        "summary": "In brief", "summary_intro": "Each line compares a scenario with {reference}, the reference. "
        "The 95% confidence interval (CI) shows how sure we are: if it does not include zero, the difference is "
        "clear at this number of replications.",
        "summary_intro_run": "One replication has no confidence interval: these are single draws. Run "
        "<code>meedoen compare</code> with several replications to see the uncertainty.",
        "summary_intro_single": "Means over {reps} replications with 95% confidence intervals.",
        "on": "on", "ci": "95% CI", "to": "to", "versus": "against",
        "higher": "clearly higher", "lower": "clearly lower", "unclear": "no clear difference: the interval "
        "includes zero",
        "undefined": "not defined in at least one of the scenarios", "same": "the same in every replication",
        "more": "Other outcomes ({n})", "no_ci": "no confidence interval (one replication each)",
        "outcomes": "Outcomes", "outcome": "outcome", "difference": "{label} − {reference}",
        "vr_note": "VR: how many times more replications independent (unpaired) runs would need for the same precision.",
        "differs": "What differs between the scenarios",
        "differs_intro": "Every key whose value differs, taken from the scenario files themselves (merged along "
        "<code>extends</code>, with any <code>--set</code> overrides applied).",
        "no_differences": "The scenarios are identical.", "key": "key",
        "scenarios": "Scenarios", "figures": "Figures", "equity": "Outcomes by group of clients",
        "equity_intro": "Within the observation window. Membership: age at the end of the window; migrant background "
        "and household of the person; phase 4–5 at the end of the benefit spell.",
        "group": "group", "provenance": "Where these numbers come from",
        "file": "file", "chain": "extends chain", "overrides": "overrides", "hash": "scenario hash",
        "seed": "seed", "reps": "replications", "version": "meedoen version", "model_version": "model version",
        "git_commit": "source commit", "python": "Python", "command": "command", "made": "report made",
        "results_folder": "results folder", "how_to_read": "How to read this report",
        "how_to_read_text": "Every scenario is run with the same seeds, so replication i of each scenario meets the same "
        "clients with the same luck (common random numbers). A difference is computed per replication and then "
        "averaged; its confidence interval therefore reflects the policy, not chance differences between runs. "
        "The figures shade the warm-up and follow-up months: headline outcomes count the window between them.",
        "none": "none", "lang": "en",
    },
    "nl": {
        "title": "meedoen: {names}", "subtitle_comparison": "Gepaarde vergelijking, {reps} replicaties per scenario, seed {seed}",
        "subtitle_run": "Eén replicatie (seed {seed}, replicatie {replication})",
        "summary": "In het kort", "summary_intro": "Elke regel vergelijkt een scenario met {reference}, het "
        "referentiescenario. Het 95%-betrouwbaarheidsinterval (BI) laat zien hoe zeker we zijn: valt nul er niet "
        "binnen, dan is het verschil duidelijk bij dit aantal replicaties.",
        "summary_intro_run": "Eén replicatie heeft geen betrouwbaarheidsinterval: dit zijn losse trekkingen. Gebruik "
        "<code>meedoen compare</code> met meerdere replicaties om de onzekerheid te zien.",
        "summary_intro_single": "Gemiddelden over {reps} replicaties met 95%-betrouwbaarheidsintervallen.",
        "on": "op", "ci": "95%-BI", "to": "tot", "versus": "tegen",
        "higher": "duidelijk hoger", "lower": "duidelijk lager", "unclear": "geen duidelijk verschil: nul valt "
        "binnen het interval",
        "undefined": "niet gedefinieerd in ten minste één van de scenario's", "same": "in elke replicatie gelijk",
        "more": "Overige uitkomsten ({n})", "no_ci": "geen betrouwbaarheidsinterval (één replicatie)",
        "outcomes": "Uitkomsten", "outcome": "uitkomst", "difference": "{label} − {reference}",
        "vr_note": "VR: hoeveel keer meer replicaties onafhankelijke (ongepaarde) runs nodig zouden hebben voor "
        "dezelfde precisie.",
        "differs": "Wat verschilt er tussen de scenario's",
        "differs_intro": "Elke sleutel met een andere waarde, rechtstreeks uit de scenariobestanden (samengevoegd "
        "langs <code>extends</code>, met eventuele <code>--set</code>-aanpassingen).",
        "no_differences": "De scenario's zijn gelijk.", "key": "sleutel",
        "scenarios": "Scenario's", "figures": "Figuren", "equity": "Uitkomsten per groep klanten",
        "equity_intro": "Binnen de waarnemingsperiode. Indeling: leeftijd aan het eind van de periode; "
        "migratieachtergrond en huishouden van de persoon; fase 4–5 aan het eind van de uitkering.",
        "group": "groep", "provenance": "Herkomst van de cijfers",
        "file": "bestand", "chain": "extends-keten", "overrides": "aanpassingen", "hash": "scenario-hash",
        "seed": "seed", "reps": "replicaties", "version": "meedoen-versie", "model_version": "modelversie",
        "git_commit": "broncode-commit", "python": "Python", "command": "opdracht", "made": "rapport gemaakt",
        "results_folder": "resultatenmap", "how_to_read": "Zo lees je dit rapport",
        "how_to_read_text": "Elk scenario draait met dezelfde seeds, dus replicatie i van elk scenario ziet dezelfde "
        "klanten met hetzelfde geluk (common random numbers). Een verschil wordt per replicatie berekend en dan "
        "gemiddeld; het betrouwbaarheidsinterval weerspiegelt daardoor het beleid, niet toevallige verschillen "
        "tussen runs. De figuren kleuren de inloop- en naloopmaanden grijs: de kerncijfers tellen de periode daartussen.",
        "none": "geen", "lang": "nl",
    },
}
