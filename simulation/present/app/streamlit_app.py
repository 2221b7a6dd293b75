"""The web app's page (``meedoen app`` runs it with ``streamlit run``): choose two scenarios, or a
scenario and a variant with a few knobs, run the paired comparison with a progress bar, and read
the differences with their 95% confidence intervals, the figures and the report, in English or Dutch.

Only Streamlit calls are here; what to run is ``questions``, the knobs are ``knobs`` and what is
shown is ``views``, all plain functions. Every widget has a key, so its value stays when the
language changes; a choice whose options are shown in words (a radio button, a list) is a new
widget whenever those words change, starting from the value chosen before (``choice``), because
the browser would otherwise keep showing the old words with none of them marked.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from simulation.defaults import COMPARE_REPS, default_workers
from simulation.errors import ScenarioError
from simulation.present.app import knobs, questions, views
from simulation.present.app.questions import Entry, Question
from simulation.present.app.words import LANGUAGES, WORDS, number, plain
from simulation.version import package_version

T = TypeVar("T")

MAX_REPS = 100  # the page's limit (assumption: more is a job for meedoen compare on a bigger machine)


def choice(widget: Callable[..., Any], label: str, options: Sequence[T], key: str, default: int = 0,
           format_func: Callable[[T], str] = str, **options_of_widget: Any) -> T:
    """``st.radio`` or ``st.selectbox`` whose widget is new whenever its options read differently (another
    language, another scenario named in them), starting from the option chosen last."""
    chosen = key in st.session_state and st.session_state[key] in options  # None may be an option
    index = options.index(st.session_state[key]) if chosen else min(default, len(options) - 1)
    shown = zlib.crc32("\n".join(format_func(option) for option in options).encode())
    value = widget(label, options, index=index, key=f"{key}_{shown:08x}", format_func=format_func, **options_of_widget)
    st.session_state[key] = value
    return value


def sidebar() -> tuple[str, int | None, int]:
    """Language, size (clients at the start of a quick run, or None for full size) and replications."""
    with st.sidebar:
        lang = st.radio(WORDS["en"]["language"], list(LANGUAGES), index=list(LANGUAGES).index(_env_lang()),
                        format_func=LANGUAGES.__getitem__, key="lang", horizontal=True)
        w = WORDS[lang]
        quick = questions.env_number(questions.STOCK_ENV, questions.QUICK_STOCK)
        size = choice(st.radio, w["size"], ["quick", "full"], "size", help=w["size_help"],
                        format_func=lambda s: w["quick"].format(stock=number(quick, lang)) if s == "quick" else w["full"])
        reps = st.number_input(w["reps"], min_value=2, max_value=MAX_REPS, step=1, key="reps", help=w["reps_help"],
                               value=min(MAX_REPS, questions.env_number(questions.REPS_ENV, COMPARE_REPS, low=2)))
    return lang, quick if size == "quick" else None, int(reps)


def _env_lang() -> str:
    lang = os.environ.get(questions.LANG_ENV, "en")
    return lang if lang in LANGUAGES else "en"


def choose(entries: list[Entry], label: str, key: str, default: int, lang: str) -> Entry:
    """A scenario from the list, with its description below."""
    entry = choice(st.selectbox, label, entries, key, default,
                   format_func=lambda e: f"{e.name} ({number(e.clients, lang)})")
    st.caption(plain(entry.description[lang]))
    return entry


def two_scenarios(entries: list[Entry], first: Entry, lang: str) -> tuple[str, str | None]:
    """The second scenario and where the policies are compared (None: each city as it is)."""
    w = WORDS[lang]
    second = choose(entries, w["second"], "second", 1 if entries[0] == first else 0, lang)
    options: list[str | None] = ["first", "second", None]
    names = {"first": plain(first.name), "second": plain(second.name)}  # radio options are Markdown
    place = choice(st.radio, w["where"], options, "place", help=w["where_help"],
                     format_func=lambda p: w["as_is"] if p is None else w["in_place"].format(name=names[p]))
    return second.path, place


def variant(entry: Entry, lang: str) -> tuple[dict[str, float], list[str]]:
    """The knobs, filled with the scenario's own values: the values set and what is wrong with them."""
    w = WORDS[lang]
    scenario = questions.scenario(entry.path)
    st.markdown(f"**{w['knobs'].format(name=plain(entry.name))}**", help=w["knobs_help"])
    if scenario.model.policy_changes or scenario.model.capacity_changes:
        st.caption(w["dated"])
    values, problems = {}, []
    columns = st.columns(2)
    for position, (knob, now) in enumerate(zip(knobs.KNOBS, knobs.current_values(scenario).values(), strict=True)):
        with columns[position % 2]:
            value = _knob_input(knob, now, Path(entry.path).stem, lang)
        message = knobs.problem(knob.name, value, lang)
        if message:
            problems.append(message)
        values[knob.name] = value
    changed = knobs.changed(values, scenario)
    if not changed and not problems:
        problems.append(knobs.PROBLEMS[lang]["unchanged"].format(name=entry.name))
    return changed, problems


def _knob_input(knob: knobs.Knob, now: float, stem: str, lang: str) -> float:
    """One number input; its key names the scenario, so another scenario starts from its own values."""
    whole = knob.kind == "count"
    value = st.number_input(knob.label[lang], min_value=0 if whole else 0.0, max_value=knob.maximum,
                            value=int(now) if whole else float(now), step=1 if whole else knob.step,
                            format="%d" if whole else "%.2f" if knob.kind == "millions_per_year" else "%.1f",
                            help=knob.help[lang], key=f"knob_{knob.name}_{stem}")
    return float(value)


def ask_page(entries: list[Entry], lang: str, stock: int | None, reps: int) -> tuple[Question | None, list[str]]:
    """The question the page asks now, or the problems that stop it."""
    w = WORDS[lang]
    mode = choice(st.radio, w["question"], ["two", "variant"], "mode", horizontal=True, format_func=w.__getitem__)
    first = choose(entries, w["first"], "first", 0, lang)
    if mode == "two":
        second, place = two_scenarios(entries, first, lang)
        return Question(first.path, second, place, stock=stock, reps=reps), []
    changes, problems = variant(first, lang)
    return (None if problems else Question(first.path, changes=tuple(changes.items()), stock=stock, reps=reps)), problems


def run(question: Question, lang: str) -> None:
    """Run the comparison with a progress bar; keep the answer (or show why it could not run)."""
    w = WORDS[lang]
    bar = st.progress(0.0, text=w["starting"])

    def on_progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=w["running"].format(done=done, total=total))

    try:
        answer = questions.ask(question, on_progress, default_workers())
    except ScenarioError as error:
        bar.empty()
        st.error(plain(f"{w['error']}: {knobs.explain(error, lang)}"))
        return
    bar.progress(1.0, text=w["done"].format(total=answer.computed + answer.reused))
    st.session_state["answer"] = answer


def show(answer: questions.Answer, question: Question | None, lang: str) -> None:
    """The answer: how it was made, in brief, all outcomes, what differs, the figures, the report."""
    w = WORDS[lang]
    results = answer.results
    st.header(w["results"])
    if question != answer.question:
        st.info(w["stale"])
    st.caption(views.run_note(answer, lang, questions.scale(answer.question)))
    st.subheader(w["brief"])
    st.html(views.brief_html(results, lang))
    with st.expander(w["legend"]):
        st.html(views.legend_html(lang))
    with st.expander(w["all_outcomes"]):
        st.html(views.outcomes_html(results, lang))
    with st.expander(w["differs"]):
        st.html(views.differences_html(results, lang))
    st.download_button(w["download"], data=lambda: views.report_bytes(results, lang), on_click="ignore",
                       file_name=f"meedoen_report_{lang}.html", mime="text/html", key="download")
    st.subheader(w["figures"])
    columns = st.columns(2)
    for position, png in enumerate(views.figure_pngs(answer, lang)):
        columns[position % 2].image(png)


def main() -> None:
    st.set_page_config(page_title="meedoen", layout="wide")
    lang, stock, reps = sidebar()
    w = WORDS[lang]
    st.title(w["title"])
    st.write(w["intro"])
    folder = questions.scenario_folder()
    entries = questions.catalogue(folder)
    if not entries:
        st.error(plain(w["no_scenarios"].format(folder=folder)))
        return
    question, problems = ask_page(entries, lang, stock, reps)
    for message in problems:
        st.warning(plain(message))
    if st.button(w["run"], type="primary", key="run", disabled=question is None) and question is not None:
        run(question, lang)
    if "answer" in st.session_state:
        show(st.session_state["answer"], question, lang)
    st.caption(w["footer"].format(version=package_version()))  # last: the page is complete when it shows


main()
