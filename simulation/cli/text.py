"""What the commands print around their tables, in English and in Dutch (``--lang nl``): a Dutch
reader sees no English sentence. Numbers in the texts are formatted by ``simulation.present.tables``."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "run": "meedoen run: {name} (seed {seed}, replication {replication}, hash {hash})",
        "window": "observation window {observation}",
        "warmup": "warm-up {warmup}",
        "follow_up": "exits followed until {end}",
        "events": "{events} SimPy events in {seconds} s",
        "run_written": "results written to {target}/ (monthly.csv, clients.csv, events.csv, manifest.json, ...)",
        "run_hint": "(add --out DIR to save the monthly series, per-client records, event log and manifest)",
        "compare": "meedoen compare: {scenarios} scenarios, {reps} replications each, seed {seed}; "
                   "paired on common random numbers ({computed} run, {reused} reused from the store)",
        "precision": "precision ±{target} of the mean on every {chosen}outcome: {state} with {reps} replications",
        "chosen": "chosen ",
        "reached": "reached",
        "not_reached": "NOT reached within --max-reps {max_reps}",
        "still_wide": "still wider than that: ",
        "compare_written": "results written to {target}/ (summary.csv, replications.csv, series.csv, curves.csv, "
                           "resources.csv, equity.csv, manifest.json{extra})",
        "report_written": "report written to {target}",
        "sweep": "meedoen sweep: {name}, {points} points × {reps} replications, seed {seed} "
                 "({computed} run, {reused} reused from the store)",
        "sweep_written": "results written to {target}/ (sweep.csv, manifest.json)",
        "trial": "meedoen trial: {name}, {reps} replications, seed {seed}; arms paired with control per replication",
        "trial_written": "results written to {target}/ (experiment.csv, experiment_summary.csv, manifest.json)",
        "sweep_hint": "(add --out DIR for the tidy table of every point, replication and outcome)",
        "sensitivity": "meedoen sensitivity: {name}, {method}, {points} design points × {reps} replications",
        "sensitivity_written": "results written to {target}/ (indices.csv, noise.csv, design.csv, runs.csv, plots/, "
                               "manifest.json)",
        "calibrate_written": "results written to {target}/ (fit.md, fit.csv, parameters.csv, evaluations.csv, "
                             "replications.csv, manifest.json, {scenario})",
        "calibrate_hint": "(add --out DIR for the tables, the manifest and the calibrated scenario file)",
        "plots_written": "{count} figures ({formats}) written to {folder}/: {names}",
        "journeys_written": "journeys of {n} clients of {label} written to {target}",
        "rerun": "rerunning replication 0 of {label} (seed {seed}) for its event log ...",
        "other_model": "note: these results came from model {then}, this is {now}; the rerun may differ from them",
        "list_scenarios": "Scenarios shipped with meedoen {version}; give a name where a scenario file goes "
                          "(meedoen run tilburg):",
        "list_targets": "Calibration targets (meedoen calibrate base --targets nl_national):",
        "list_where": "They are in {folder}; meedoen init DIR copies them into DIR to edit.",
        "init_written": "copied {scenarios} scenario files to {folder}/ and the calibration targets to "
                        "{folder}/targets/; edit one and run it: meedoen run {example}",
    },
    "nl": {
        "run": "meedoen run: {name} (seed {seed}, replicatie {replication}, hash {hash})",
        "window": "observatieperiode {observation}",
        "warmup": "opwarmperiode {warmup}",
        "follow_up": "uitstroom gevolgd tot en met {end}",
        "events": "{events} SimPy-gebeurtenissen in {seconds} s",
        "run_written": "resultaten geschreven naar {target}/ (monthly.csv, clients.csv, events.csv, manifest.json, ...)",
        "run_hint": "(met --out MAP worden de maandreeksen, de gegevens per klant, het gebeurtenissenlog en het "
                    "manifest bewaard)",
        "compare": "meedoen compare: {scenarios} scenario's, elk {reps} replicaties, seed {seed}; gepaard op "
                   "gemeenschappelijke toevalsgetallen ({computed} gedraaid, {reused} hergebruikt uit de opslag)",
        "precision": "precisie ±{target} van het gemiddelde op elke {chosen}uitkomst: {state} met {reps} replicaties",
        "chosen": "gekozen ",
        "reached": "bereikt",
        "not_reached": "NIET bereikt binnen --max-reps {max_reps}",
        "still_wide": "nog breder dan dat: ",
        "compare_written": "resultaten geschreven naar {target}/ (summary.csv, replications.csv, series.csv, "
                           "curves.csv, resources.csv, equity.csv, manifest.json{extra})",
        "report_written": "rapport geschreven naar {target}",
        "sweep": "meedoen sweep: {name}, {points} punten × {reps} replicaties, seed {seed} "
                 "({computed} gedraaid, {reused} hergebruikt uit de opslag)",
        "sweep_written": "resultaten geschreven naar {target}/ (sweep.csv, manifest.json)",
        "trial": "meedoen trial: {name}, {reps} replicaties, seed {seed}; armen per replicatie gepaard met controle",
        "trial_written": "resultaten geschreven naar {target}/ (experiment.csv, experiment_summary.csv, manifest.json)",
        "sweep_hint": "(met --out MAP komt er een tabel van elk punt, elke replicatie en elke uitkomst bij)",
        "sensitivity": "meedoen sensitivity: {name}, {method}, {points} ontwerppunten × {reps} replicaties",
        "sensitivity_written": "resultaten geschreven naar {target}/ (indices.csv, noise.csv, design.csv, runs.csv, "
                               "plots/, manifest.json)",
        "calibrate_written": "resultaten geschreven naar {target}/ (fit.md, fit.csv, parameters.csv, evaluations.csv, "
                             "replications.csv, manifest.json, {scenario})",
        "calibrate_hint": "(met --out MAP komen de tabellen, het manifest en het gekalibreerde scenariobestand erbij)",
        "plots_written": "{count} figuren ({formats}) geschreven naar {folder}/: {names}",
        "journeys_written": "levenslopen van {n} klanten van {label} geschreven naar {target}",
        "rerun": "replicatie 0 van {label} (seed {seed}) wordt opnieuw gedraaid voor het gebeurtenissenlog ...",
        "other_model": "let op: deze resultaten komen van model {then}, dit is {now}; de herhaling kan ervan afwijken",
        "list_scenarios": "Scenario's die met meedoen {version} worden meegeleverd; geef een naam waar een "
                          "scenariobestand hoort (meedoen run tilburg):",
        "list_targets": "Kalibratiedoelen (meedoen calibrate base --targets nl_national):",
        "list_where": "Ze staan in {folder}; meedoen init MAP kopieert ze naar MAP om ze aan te passen.",
        "init_written": "{scenarios} scenariobestanden gekopieerd naar {folder}/ en de kalibratiedoelen naar "
                        "{folder}/targets/; pas er een aan en draai het: meedoen run {example}",
    },
}


def say(lang: str, key: str, **values: object) -> str:
    """The text ``key`` in ``lang`` (English when there is no such language), filled in."""
    return TEXT.get(lang, TEXT["en"])[key].format(**values)


def written(text: str, table_format: str) -> str:
    """A "results written to ..." line naming the tables' files in the format they were written in."""
    return text if table_format == "csv" else text.replace(".csv", f".{table_format}")


def window_line(periods: dict[str, str], events: str, seconds: str, lang: str) -> str:
    """``observation window 2017 (warm-up 2016; exits followed until Dec 2019); 8,693 SimPy events in 0.3 s``."""
    around = [say(lang, key, **periods) for key in ("warmup", "follow_up") if key in periods]
    window = say(lang, "window", observation=periods.get("observation", "–"))
    return window + (f" ({'; '.join(around)})" if around else "") + "; " + say(lang, "events", events=events,
                                                                              seconds=seconds)
