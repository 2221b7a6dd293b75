"""Numbers on the figures' axes as people read them: money in € with thousands separators
(€1.2 million, €500,000; in Dutch € 1,2 mln, € 500.000), counts with separators (1,500 /
1.500), shares in %. One formatter per axis picks one unit and one number of decimals for all
its ticks, so an axis never mixes "€500,000" with "€1 million"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.ticker import Formatter, PercentFormatter

from simulation.present.plot_text import words

MILLION = 1_000_000


def grouped(value: float, decimals: int, lang: str) -> str:
    """``value`` with thousands separators and a decimal point (English) or comma (Dutch)."""
    if round(value, decimals) == 0:
        value = 0.0  # never "−0"
    text = f"{abs(value):,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return ("−" if value < 0 else "") + text


def money(value: float, lang: str, decimals: int | None = None, millions: bool | None = None) -> str:
    """€1.2 million / €500,000 (Dutch: € 1,2 mln / € 500.000); a minus sign before the €."""
    euro = "€ " if lang == "nl" else "€"
    if millions is None:
        millions = abs(value) >= MILLION
    shown = abs(value) / MILLION if millions else abs(value)
    if decimals is None:
        decimals = 0 if not millions or abs(shown - round(shown)) < 0.05 else 1
    if round(shown, decimals) == 0:
        return f"{euro}0"
    suffix = f" {words(lang)['million']}" if millions else ""
    return f"{'−' if value < 0 else ''}{euro}{grouped(shown, decimals, lang)}{suffix}"


def decimals_for(values: Sequence[float], scale: float = 1.0, most: int = 3) -> int:
    """The fewest decimals (up to ``most``) that write every tick exactly, in units of ``scale``."""
    for decimals in range(most + 1):
        if all(abs(round(v / scale, decimals) - v / scale) < 1e-9 * max(1.0, abs(v / scale)) for v in values):
            return decimals
    return most


class MoneyFormatter(Formatter):
    """€ ticks: all in millions when the largest is a million or more, else whole euros."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return money(x, self.lang)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        values = sorted(values)
        millions = bool(values) and max(abs(v) for v in values) >= MILLION
        decimals = decimals_for(values, MILLION if millions else 1.0)
        return [money(v, self.lang, decimals, millions) for v in values]


class NumberFormatter(Formatter):
    """Counts and rates: thousands separators, and as many decimals as the tick spacing needs."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return grouped(x, 0 if abs(x) >= 10 else 1, self.lang)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        decimals = decimals_for(sorted(values))
        return [grouped(v, decimals, self.lang) for v in values]


def money_axis(axis: Any, lang: str) -> None:
    axis.set_major_formatter(MoneyFormatter(lang))


def number_axis(axis: Any, lang: str) -> None:
    axis.set_major_formatter(NumberFormatter(lang))


def share_axis(axis: Any, of: float = 1.0) -> None:
    """A share (0–1, or 0–100 with ``of=100``) shown as a percentage: 20%."""
    axis.set_major_formatter(PercentFormatter(xmax=of, decimals=0))
