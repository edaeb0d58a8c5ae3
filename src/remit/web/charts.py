"""Horizontal bar charts, laid out here and drawn as inline SVG by the ``chart`` macro: no script, no
library. Each bar carries a <title> (its tooltip and its accessible name), and every chart comes with the
same numbers as a table."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 110
ROW = 30
BAR = 18
TOP = 8


@dataclass(frozen=True)
class Row:
    """One bar: its label, its value (None: nothing to measure yet), the value as text, a tooltip and an
    optional part of the value drawn darker (e.g. the refused crossings among all crossings)."""

    label: str
    value: float | None
    text: str
    tooltip: str = ""
    part: float = 0.0


@dataclass(frozen=True)
class Bar:
    row: Row
    y: int
    width: float
    part_width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR - 4


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    summary: str  # what the chart shows, for screen readers (the <desc>)
    columns: tuple[str, str]  # the table's headers: what a label is, what a value is
    bars: list[Bar] = field(default_factory=list)
    part_label: str = ""  # what the darker part means, if any

    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def height(self) -> int:
        return TOP * 2 + ROW * max(1, len(self.bars))

    @property
    def bar_height(self) -> int:
        return BAR


def bar_chart(
    slug: str, title: str, summary: str, columns: tuple[str, str], rows: list[Row], part_label: str = ""
) -> BarChart:
    """Lay out ``rows`` as bars scaled to the largest value."""
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((row.value or 0.0 for row in rows), default=0.0)
    scale = room / largest if largest > 0 else 0.0
    bars = []
    for index, row in enumerate(rows):
        width = (row.value or 0.0) * scale
        shown = max(width, 2.0) if row.value else 0.0  # a non-zero value is always visible
        bars.append(Bar(row, TOP + index * ROW, round(shown, 1), round(min(row.part * scale, shown), 1)))
    return BarChart(slug, title, summary, columns, bars, part_label)


def hours(value: float | None) -> str:
    if value is None:
        return "no settled decisions"
    if value < 1:
        return f"{round(value * 60)} min"
    if value < 48:
        return f"{value:.1f} h"
    return f"{value / 24:.1f} days"
