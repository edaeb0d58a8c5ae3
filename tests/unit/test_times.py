"""Times as people read and write them: a stored moment shown in a zone, and a deadline typed in a zone or
as a span from now (``kernel.times``), and the pages' one filter that renders a moment (``web.render``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from remit.charter.loader import read_charter
from remit.charter.render import render_charter
from remit.kernel.errors import InvalidInput
from remit.kernel.times import check_zone, exact, parse_deadline, relative
from remit.web.render import moment_html
from tests.conftest import team_text

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        ("2026-11-30T11:59:30+00:00", "just now"),
        ("2026-11-30T09:00:00+00:00", "3 hours ago"),
        ("2026-11-29T11:00:00+00:00", "1 day ago"),
        ("2026-12-02T12:00:00+00:00", "in 2 days"),
        ("2026-11-30T12:01:00+00:00", "in 1 minute"),
    ],
)
def test_a_moment_reads_relative_to_now(stored: str, said: str) -> None:
    assert relative(stored, NOW) == said


def test_beyond_a_month_a_moment_is_the_day_it_falls_on_in_the_zone() -> None:
    assert relative("2026-09-01T23:30:00+00:00", NOW) == "2026-09-01"
    assert relative("2026-09-01T23:30:00+00:00", NOW, BERLIN) == "2026-09-02"  # 01:30 the next day in Berlin


def test_the_exact_time_is_in_the_zone_with_its_abbreviation() -> None:
    assert exact("2026-11-30T13:05:00+00:00", BERLIN) == "2026-11-30 14:05 CET"
    assert exact("2026-07-01T07:00:00+00:00", BERLIN) == "2026-07-01 09:00 CEST"
    assert exact("2026-11-30T13:05:00+00:00", "UTC") == "2026-11-30 13:05 UTC"
    assert exact("2026-11-30T13:05:00+00:00", "America/New_York") == "2026-11-30 08:05 EST"


def test_the_filter_renders_a_time_element_relative_with_the_exact_time_on_hover() -> None:
    html = moment_html("2026-11-30T09:00:00+00:00", zone=BERLIN, now=NOW)
    assert str(html) == '<time datetime="2026-11-30T09:00:00+00:00" title="2026-11-30 10:00 CET">3 hours ago</time>'
    deadline = moment_html(datetime(2026, 12, 2, 8, 0, tzinfo=UTC), zone=BERLIN, now=NOW, exact=True)
    assert str(deadline) == (
        '<time datetime="2026-12-02T08:00:00+00:00" title="2026-12-02 09:00 CET">2026-12-02 09:00 CET (in 1 day)</time>'
    )
    far_off = moment_html("2027-06-01T07:00:00+00:00", zone=BERLIN, now=NOW, exact=True)
    assert str(far_off).endswith('title="2027-06-01 09:00 CEST">2027-06-01 09:00 CEST</time>')  # no "(2027-06-01)"
    assert str(moment_html(None, zone=BERLIN, now=NOW)) == "—"
    assert "CET" not in str(moment_html("2026-11-30T09:00:00+00:00", zone="UTC", now=NOW))


def test_a_deadline_typed_as_a_wall_clock_time_is_read_in_the_persons_zone() -> None:
    assert parse_deadline("2026-12-02T09:00", now=NOW, zone_name=BERLIN) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert parse_deadline("2026-12-02 09:00", now=NOW) == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    summer = datetime(2027, 7, 1, 7, 0, tzinfo=UTC)
    assert parse_deadline("2027-07-01T09:00", now=NOW, zone_name=BERLIN) == summer  # CEST: UTC+2
    # an offset says where it is, whatever the person's zone
    assert parse_deadline("2026-12-02T09:00Z", now=NOW, zone_name=BERLIN) == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert parse_deadline("", now=NOW, zone_name=BERLIN) is None and parse_deadline(None, now=NOW) is None


@pytest.mark.parametrize(
    ("typed", "hours"),
    [("in 3 days", 72), ("3d", 72), ("in 36 hours", 36), ("36h", 36), ("90m", 1.5), ("2w", 336), ("in a week", 168)],
)
def test_a_deadline_can_be_a_span_from_now(typed: str, hours: float) -> None:
    settle_by = parse_deadline(typed, now=NOW, zone_name=BERLIN)
    assert settle_by is not None and (settle_by - NOW).total_seconds() == hours * 3600


def test_days_are_calendar_days_across_a_clock_change_and_hours_are_elapsed() -> None:
    before_spring = datetime(2027, 3, 27, 8, 0, tzinfo=UTC)  # Saturday 09:00 in Berlin; clocks go forward Sunday
    assert parse_deadline("in 3 days", now=before_spring, zone_name=BERLIN) == datetime(2027, 3, 30, 7, 0, tzinfo=UTC)
    assert parse_deadline("in 72 hours", now=before_spring, zone_name=BERLIN) == datetime(2027, 3, 30, 8, 0, tzinfo=UTC)


def test_a_time_the_spring_change_skips_is_refused_and_an_autumn_time_that_happens_twice_is_the_first() -> None:
    with pytest.raises(InvalidInput, match=r"2027-03-28 02:30 does not exist in Europe/Berlin") as skipped:
        parse_deadline("2027-03-28T02:30", now=NOW, zone_name=BERLIN)
    assert skipped.value.field == "deadline"
    twice = parse_deadline("2027-10-31T02:30", now=NOW, zone_name=BERLIN)
    assert twice == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first of the two


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("soon", "cannot read the deadline 'soon'"),
        ("2026-11-30T09:00", "the deadline 2026-11-30 09:00 CET has already passed"),
        ("in 0 days", "has already passed"),
        ("999999w", "too far away"),
    ],
)
def test_a_deadline_that_cannot_be_met_or_read_is_refused_in_words(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        parse_deadline(typed, now=NOW, zone_name=BERLIN)
    assert refused.value.field == "deadline" and "--" not in refused.value.hint


def test_a_zone_is_an_iana_name_and_a_near_miss_is_named() -> None:
    assert check_zone(BERLIN) == BERLIN and check_zone("UTC") == "UTC"
    with pytest.raises(InvalidInput, match="unknown time zone 'Europe/Berln'") as unknown:
        check_zone("Europe/Berln", "time_zone")
    assert unknown.value.field == "time_zone" and unknown.value.hint.startswith("did you mean Europe/Berlin?")
    for bad in ("CET/../../etc/passwd", "/etc/localtime", "", "Mars/Olympus_Mons", "x" * 500):
        with pytest.raises(InvalidInput, match="unknown time zone"):
            check_zone(bad)


def test_the_charter_check_names_an_unknown_team_zone_with_the_fix() -> None:
    text = team_text().replace("reserve = 0.2\n", 'reserve = 0.2\ntime_zone = "Europe/Berln"\n')
    _charter, problems = read_charter(text, "remit.toml")
    assert [str(problem) for problem in problems] == [
        "remit.toml: team.time_zone: unknown time zone 'Europe/Berln' — did you mean Europe/Berlin? write an IANA "
        'name, e.g. time_zone = "Europe/Berlin", or leave it out for UTC'
    ]
    kept, none = read_charter(text.replace("Europe/Berln", BERLIN), "remit.toml")
    assert none == [] and kept is not None and kept.time_zone == BERLIN
    assert "time_zone" not in team_text() and read_charter(team_text())[0].time_zone == "UTC"  # type: ignore[union-attr]
    assert f'time_zone = "{BERLIN}"' in render_charter(kept, team="checkout")  # written back as it was read
