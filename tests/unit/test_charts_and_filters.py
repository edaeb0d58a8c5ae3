"""The charts' scale and the list's filters, as tables: round axis ends, and filters read, said and linked."""

from __future__ import annotations

import pytest

from remit.decisions.filters import AGE_BY_SLUG, Filters, age_of
from remit.kernel.errors import InvalidInput
from remit.web.charts import Row, Words, axis_end, bar_chart, duration_unit


@pytest.mark.parametrize(
    ("largest", "whole", "end"),
    [
        (5.05, False, 8.0),  # steps of 2
        (4.0, False, 4.0),  # steps of 1, the bar reaches the end
        (96.0, False, 100.0),  # steps of 25
        (0.3, False, 0.4),
        (3, True, 4.0),  # counts: whole steps
        (1, True, 4.0),
        (9, True, 12.0),  # steps of 3 would not be round: 2.5 is not whole, so 3 (ceil)
        (0, True, 4.0),
        (0, False, 1.0),
    ],
)
def test_an_axis_ends_on_a_round_number_at_or_above_the_largest_value(largest: float, whole: bool, end: float) -> None:
    assert axis_end(largest, whole=whole) == pytest.approx(end)


def test_a_chart_has_five_labelled_ticks_and_bars_in_percent_of_its_axis() -> None:
    chart = bar_chart(
        "c", "t", "s", ("a", "b"), [Row("x", 3, [Words("3")], part=1), Row("y", 0, [])], unit="u", whole=True
    )
    assert [(t.percent, t.label, t.anchor) for t in chart.ticks] == [
        (0.0, "0", "start"),
        (25.0, "1", "middle"),
        (50.0, "2", "middle"),
        (75.0, "3", "middle"),
        (100.0, "4", "end"),
    ]
    assert [(b.percent, b.part_percent) for b in chart.bars] == [(75.0, 25.0), (0.0, 0.0)]
    assert duration_unit(47.9) == ("hours", 1.0) and duration_unit(48) == ("days", 24.0)


KNOWN = {"domains": ["release", "engineering-hiring"], "roles": ["pm", "em", "stakeholder"], "rules": [1, 2]}


def test_filters_are_read_said_and_written_back_into_a_link() -> None:
    given = {"state": "approved", "domain": "release", "rule": "1", "crossed_by": "pm", "refused": "yes", "age": ""}
    filters = Filters.parse(given, **KNOWN)
    assert filters.link() == "/decisions?state=approved&domain=release&rule=1&crossed_by=pm&refused=yes"
    assert filters.link(after=25).endswith("&after=25")
    assert filters.words() == ["approved", "in release", "under rule 1", "with a refused boundary crossing by pm"]
    assert Filters.parse(dict(filters.params()), **KNOWN) == filters
    assert not Filters.parse({"state": " "}, **KNOWN) and Filters().link() == "/decisions"


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"state": "pending"}, "state"),
        ({"domain": "marketing"}, "domain"),
        ({"rule": "3"}, "rule"),
        ({"rule": "١"}, "rule"),  # an Arabic-Indic one is not a rule's number
        ({"before_rule": "-1"}, "before_rule"),
        ({"crossed_by": "ceo"}, "crossed_by"),
        ({"refused": "no"}, "refused"),
        ({"age": "old"}, "age"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(given: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Filters.parse(given, **KNOWN)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("days", "slug"),
    [(0, "under-1-day"), (0.99, "under-1-day"), (1, "1-3-days"), (29.9, "1-4-weeks"), (400, "over-4-weeks")],
)
def test_an_age_falls_in_one_bucket(days: float, slug: str) -> None:
    assert age_of(days) is AGE_BY_SLUG[slug]
