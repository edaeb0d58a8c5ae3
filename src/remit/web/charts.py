"""Horizontal bar charts with a scale, laid out here and drawn by the ``chart`` macro as a table: each row's
label and its numbers are HTML text (the counts link to what they count), the bar an inline SVG sized in
percent with no viewBox, so no text shrinks with the page; under the bars, an axis with labelled ticks and
its unit. No script, no library, no inline style (the pages' CSP forbids it)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)  # a tick every 1, 2, 2.5 or 5 times a power of ten
TICKS = 4  # steps from zero to the axis's end


@dataclass(frozen=True)
class Words:
    """A piece of what a row says; with ``href`` it links to the decisions it counts."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class Row:
    """One bar: its label, its value in the chart's unit (None: nothing to measure yet), what it says in
    words, and an optional part of the value drawn in a second colour (e.g. the refused crossings)."""

    label: str
    value: float | None
    said: list[Words]
    part: float = 0.0


@dataclass(frozen=True)
class Bar:
    row: Row
    percent: float  # of the axis
    part_percent: float


@dataclass(frozen=True)
class Tick:
    percent: float
    label: str

    @property
    def anchor(self) -> str:
        """Where the tick's label sits on it: the ends inside the chart, the others centred."""
        return "start" if self.percent == 0 else "end" if self.percent == 100 else "middle"


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    summary: str  # what the chart shows, in a visible sentence
    columns: tuple[str, str]  # what a label is, what a value is
    unit: str  # the axis's unit, e.g. "days"
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    part_label: str = ""  # what the second colour means, if any


def axis_end(largest: float, *, whole: bool) -> float:
    """The end of an axis that reaches ``largest`` in ``TICKS`` equal, round steps (whole numbers for counts)."""
    if largest <= 0:
        return float(TICKS) if whole else 1.0
    raw = largest / TICKS
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in STEPS if m * power >= raw * (1 - 1e-9))
    if whole:
        step = float(max(1, math.ceil(step)))
    return step * TICKS


def _number(value: float) -> str:
    return f"{value:.10g}"


def bar_chart(
    slug: str,
    title: str,
    summary: str,
    columns: tuple[str, str],
    rows: list[Row],
    *,
    unit: str,
    whole: bool = False,
    part_label: str = "",
) -> BarChart:
    """Lay out ``rows`` as bars on an axis from zero to a round number at or above the largest value."""
    end = axis_end(max((row.value or 0.0 for row in rows), default=0.0), whole=whole)
    bars = []
    for row in rows:
        percent = (row.value or 0.0) / end * 100
        shown = max(percent, 0.5) if row.value else 0.0  # a non-zero value is always visible
        bars.append(Bar(row, round(shown, 2), round(min(row.part / end * 100, shown), 2)))
    ticks = [Tick(100 * i / TICKS, _number(end * i / TICKS)) for i in range(TICKS + 1)]
    return BarChart(slug, title, summary, columns, unit, bars, ticks if rows else [], part_label)


def duration_unit(largest_hours: float) -> tuple[str, float]:
    """The unit a time axis is read in, and the hours in one: hours up to two days, then days."""
    return ("hours", 1.0) if largest_hours < 48 else ("days", 24.0)


def hours(value: float | None) -> str:
    if value is None:
        return "no approved decisions"
    if value < 1:
        return f"{round(value * 60)} min"
    if value < 48:
        return f"{value:.1f} hours"
    return f"{value / 24:.1f} days"
