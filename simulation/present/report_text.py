"""The words of the HTML report, in English and Dutch, and how a difference's unit is named.

Texts with ``<code>`` or ``<strong>`` are our own markup (the template marks them safe); anything
filled into them comes from scenario files and is escaped by ``Markup.format``.
"""

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
        "title": "meedoen: {names}", "subtitle_comparison": "Paired comparison, {reps} replications per scenario",
        "subtitle_run": "One replication", "subtitle_single": "{reps} replications",
        # how to read
        "how_to_read": "How to read this report",
        "read_paired": "<strong>Paired difference.</strong> Every scenario is run {reps} times (replications), and "
        "replication 1 of each scenario meets the same clients with the same luck, and so on. A difference is taken "
        "within each replication and then averaged, so the chance the scenarios share cancels out: what remains is "
        "the effect of what differs between them.",
        "read_ci": "<strong>95% confidence interval (CI).</strong> The range that holds the true difference with 95% "
        "confidence, given these replications. <em>Clearly higher</em> or <em>clearly lower</em> means the whole "
        "interval lies above or below zero. <em>No clear difference</em> means it includes zero: the scenarios may "
        "still differ, by less than these replications can show.",
        "read_order": "<strong>Order.</strong> “In brief” lists first the differences that are largest compared with "
        "their uncertainty (the difference divided by half the width of its interval), whatever the outcome.",
        "read_single": "Means over {reps} replications, each with its 95% confidence interval: the range that holds "
        "the true mean with 95% confidence, given these replications.",
        "read_run": "One replication, so no confidence interval: every number is a single draw of chance. Run "
        "<code>meedoen compare</code> with several replications to see the uncertainty.",
        "legend": "Colours", "legend_better": "better: a clear difference in the direction this report names as "
        "better for that outcome (for example fewer clients without contact)",
        "legend_worse": "worse: a clear difference in the other direction",
        "legend_clear": "a clear difference, higher or lower, where neither is better in itself (for example "
        "sanctions: a policy may want more or fewer)",
        "legend_unclear": "no clear difference: the interval includes zero",
        # in brief
        "summary": "In brief", "summary_intro": "Each line compares a scenario with {reference}, the reference, "
        "the largest differences first.",
        "summary_intro_run": "The values of this replication, without confidence intervals.",
        "summary_intro_single": "Means over {reps} replications with 95% confidence intervals.",
        "on": "on", "ci": "95% CI", "to": "to", "versus": "against",
        "higher": "clearly higher", "lower": "clearly lower", "unclear": "no clear difference: the interval "
        "includes zero", "better": "better", "worse": "worse",
        "undefined": "not defined in at least one of the scenarios", "same": "no difference in any replication",
        "same_difference": "the same difference in every replication",
        "more": "The other outcomes ({n})", "no_ci": "no confidence interval (one replication each)",
        # what differs
        "differs": "What differs between the scenarios",
        "differs_intro": "Every setting whose value differs, read from the scenario files (merged with the files "
        "they build on, and with any changes given on the command line). A dash: the scenario has no such setting.",
        "no_differences": "The scenarios are identical.", "setting": "setting",
        # outcomes
        "outcomes": "Outcomes", "outcome": "outcome", "difference": "{label} − {reference}",
        "outcomes_intro": "Means with their 95% confidence intervals in brackets; the difference column is paired "
        "per replication and coloured as in “In brief”.",
        # figures and equity
        "figures": "Figures", "figures_intro": "In the figures over time the months before and after the observation "
        "window (warm-up and follow-up) are marked; the outcomes above count the window itself.",
        "equity": "Outcomes by group of clients",
        "equity_intro": "Within the observation window. Membership: age at the end of the window; migrant background "
        "and household of the person; phase 4–5 at the end of the benefit spell.",
        "group": "group", "scenario": "scenario",
        # the technical section
        "technical": "Technical details",
        "technical_intro": "For checking and repeating the runs; a policy maker can skip this.",
        "variance_ratios": "Variance reduction by pairing",
        "vr_note": "VR: how many times more replications independent (unpaired) runs would need for the same "
        "precision as these paired ones.",
        "scenario_files": "Scenario files", "file": "file", "chain": "built on (base first)",
        "overrides": "command-line changes", "hash": "scenario hash", "policy_from": "policy from",
        "provenance": "Where these numbers come from",
        "seed": "seed", "reps": "replications", "replication": "replication", "version": "meedoen version",
        "model_version": "model version",
        "git_commit": "source commit", "python": "Python", "libraries": "libraries", "command": "command", "made": "report made",
        "results_folder": "results folder", "none": "none", "lang": "en",
    },
    "nl": {
        "title": "meedoen: {names}", "subtitle_comparison": "Gepaarde vergelijking, {reps} replicaties per scenario",
        "subtitle_run": "Eén replicatie", "subtitle_single": "{reps} replicaties",
        "how_to_read": "Zo lees je dit rapport",
        "read_paired": "<strong>Gepaard verschil.</strong> Elk scenario draait {reps} keer (replicaties), en "
        "replicatie 1 van elk scenario ziet dezelfde klanten met hetzelfde toeval, enzovoort. Een verschil wordt "
        "binnen elke replicatie bepaald en daarna gemiddeld, zodat het toeval dat de scenario's delen wegvalt: wat "
        "overblijft is het effect van wat er tussen hen verschilt.",
        "read_ci": "<strong>95%-betrouwbaarheidsinterval (BI).</strong> Het bereik waarin het werkelijke verschil met "
        "95% zekerheid ligt, gegeven deze replicaties. <em>Duidelijk hoger</em> of <em>duidelijk lager</em> betekent "
        "dat het hele interval boven of onder nul ligt. <em>Geen duidelijk verschil</em> betekent dat nul erin valt: "
        "de scenario's kunnen nog steeds verschillen, maar minder dan deze replicaties kunnen laten zien.",
        "read_order": "<strong>Volgorde.</strong> “In het kort” noemt eerst de verschillen die het grootst zijn "
        "vergeleken met hun onzekerheid (het verschil gedeeld door de halve breedte van het interval), welke "
        "uitkomst het ook is.",
        "read_single": "Gemiddelden over {reps} replicaties, elk met een 95%-betrouwbaarheidsinterval: het bereik "
        "waarin het werkelijke gemiddelde met 95% zekerheid ligt, gegeven deze replicaties.",
        "read_run": "Eén replicatie, dus geen betrouwbaarheidsinterval: elk getal is een enkele trekking van het toeval. "
        "Gebruik <code>meedoen compare</code> met meerdere replicaties om de onzekerheid te zien.",
        "legend": "Kleuren", "legend_better": "beter: een duidelijk verschil in de richting die dit rapport voor die "
        "uitkomst beter noemt (bijvoorbeeld minder klanten zonder contact)",
        "legend_worse": "slechter: een duidelijk verschil de andere kant op",
        "legend_clear": "een duidelijk verschil, hoger of lager, waarbij geen van beide op zich beter is "
        "(bijvoorbeeld maatregelen: beleid kan er meer of juist minder willen)",
        "legend_unclear": "geen duidelijk verschil: nul valt binnen het interval",
        "summary": "In het kort", "summary_intro": "Elke regel vergelijkt een scenario met {reference}, het "
        "referentiescenario, de grootste verschillen eerst.",
        "summary_intro_run": "De waarden van deze replicatie, zonder betrouwbaarheidsintervallen.",
        "summary_intro_single": "Gemiddelden over {reps} replicaties met 95%-betrouwbaarheidsintervallen.",
        "on": "op", "ci": "95%-BI", "to": "tot", "versus": "tegen",
        "higher": "duidelijk hoger", "lower": "duidelijk lager", "unclear": "geen duidelijk verschil: nul valt "
        "binnen het interval", "better": "beter", "worse": "slechter",
        "undefined": "niet gedefinieerd in ten minste één van de scenario's", "same": "in geen enkele replicatie een verschil",
        "same_difference": "in elke replicatie hetzelfde verschil",
        "more": "De overige uitkomsten ({n})", "no_ci": "geen betrouwbaarheidsinterval (één replicatie)",
        "differs": "Wat verschilt er tussen de scenario's",
        "differs_intro": "Elke instelling met een andere waarde, gelezen uit de scenariobestanden (samengevoegd met "
        "de bestanden waarop ze voortbouwen, en met aanpassingen op de opdrachtregel). Een streepje: het scenario "
        "heeft deze instelling niet.",
        "no_differences": "De scenario's zijn gelijk.", "setting": "instelling",
        "outcomes": "Uitkomsten", "outcome": "uitkomst", "difference": "{label} − {reference}",
        "outcomes_intro": "Gemiddelden met hun 95%-betrouwbaarheidsinterval tussen haken; de verschilkolom is per "
        "replicatie gepaard en gekleurd zoals in “In het kort”.",
        "figures": "Figuren", "figures_intro": "In de figuren door de tijd zijn de maanden vóór en na de "
        "waarnemingsperiode (inloop en naloop) gemarkeerd; de uitkomsten hierboven tellen de periode zelf.",
        "equity": "Uitkomsten per groep klanten",
        "equity_intro": "Binnen de waarnemingsperiode. Indeling: leeftijd aan het eind van de periode; "
        "migratieachtergrond en huishouden van de persoon; fase 4–5 aan het eind van de uitkering.",
        "group": "groep", "scenario": "scenario",
        "technical": "Technische gegevens",
        "technical_intro": "Om de runs te controleren en te herhalen; een beleidsmaker kan dit overslaan.",
        "variance_ratios": "Winst in precisie door het paren",
        "vr_note": "VR (variantieverhouding): hoeveel keer meer replicaties onafhankelijke (ongepaarde) runs nodig "
        "zouden hebben voor dezelfde precisie als deze gepaarde.",
        "scenario_files": "Scenariobestanden", "file": "bestand", "chain": "bouwt voort op (basis eerst)",
        "overrides": "aanpassingen op de opdrachtregel", "hash": "vingerafdruk van het scenario",
        "policy_from": "beleid uit",
        "provenance": "Herkomst van de cijfers",
        "seed": "startgetal van het toeval", "reps": "replicaties", "replication": "replicatie", "version": "meedoen-versie",
        "model_version": "modelversie", "git_commit": "versie van de broncode", "python": "Python",
        "libraries": "bibliotheken", "command": "opdracht",
        "made": "rapport gemaakt", "results_folder": "resultatenmap", "none": "geen", "lang": "nl",
    },
}
