"""The 90-day uptime bar and the maintenance lifecycle, pure: days cut at midnight in the team's zone, each
second counted once in the worst state covering it, open spans lasting until now; a maintenance moved by the
clock while it is scheduled, and by hand otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from remit.kernel.errors import Conflict, InvalidInput
from remit.status import uptime
from remit.status.maintenance import MaintenanceLine, MaintenanceStatus, PublicMaintenance, maintenance_lines, move
from remit.status.uptime import Span

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_a_day_without_spans_says_no_incidents_and_is_fully_up() -> None:
    days = uptime.bar([], NOW)
    assert len(days) == 90 and days[-1].day == date(2026, 11, 20) and days[0].day == date(2026, 8, 23)
    assert days[-1].title == "2026-11-20: no incidents" and days[-1].worst == "operational"
    assert uptime.uptime(days) == 100.0


def test_a_span_across_midnight_counts_on_both_days() -> None:
    days = uptime.bar([Span(at(11, 23, 0), at(12, 1, 10), "partial_outage")], NOW)
    by_day = {d.day: d for d in days}
    assert by_day[date(2026, 11, 11)].title == "2026-11-11: partial outage 1 h"
    assert by_day[date(2026, 11, 12)].title == "2026-11-12: partial outage 1 h 10 min"
    assert by_day[date(2026, 11, 13)].title == "2026-11-13: no incidents"


def test_overlapping_spans_count_each_minute_once_in_the_worst_state() -> None:
    spans = [Span(at(12, 10), at(12, 14), "degraded_performance"), Span(at(12, 11), at(12, 12), "major_outage")]
    day = uptime.day_of(spans, date(2026, 11, 12), uptime.ZoneInfo("UTC"), NOW)
    assert day.worst == "major_outage"
    assert day.seconds == {"degraded_performance": 3 * 3600, "major_outage": 3600}
    assert day.title == "2026-11-12: major outage 1 h, degraded performance 3 h"


def test_an_open_incident_lasts_until_now_and_today_counts_only_the_time_passed() -> None:
    days = uptime.bar([Span(at(20, 10), None, "major_outage")], NOW)
    assert days[-1].title == "2026-11-20: major outage 2 h" and days[-1].counted == 12 * 3600
    assert uptime.uptime(days) == round(100 * (1 - 7200 / (89 * 86400 + 12 * 3600)), 2)


def test_a_partial_outage_weighs_thirty_percent_and_maintenance_nothing() -> None:
    spans = [Span(at(12, 0), at(12, 10), "partial_outage"), Span(at(13, 0), at(13, 5), "under_maintenance")]
    days = uptime.bar(spans, NOW)
    total = 89 * 86400 + 12 * 3600
    assert uptime.uptime(days) == round(100 * (1 - 0.3 * 36000 / total), 2)
    assert {d.day: d.worst for d in days}[date(2026, 11, 13)] == "under_maintenance"


def test_days_are_the_team_zone_calendar_days() -> None:
    # 23:30 UTC on the 11th is 00:30 on the 12th in Berlin
    days = uptime.bar([Span(at(11, 23, 30), at(11, 23, 50), "major_outage")], NOW, "Europe/Berlin")
    assert {d.day: d.worst for d in days}[date(2026, 11, 12)] == "major_outage"
    assert {d.day: d.worst for d in days}[date(2026, 11, 11)] == "operational"


def test_a_span_older_than_the_window_is_not_shown() -> None:
    days = uptime.bar([Span(NOW - timedelta(days=200), NOW - timedelta(days=150), "major_outage")], NOW)
    assert all(d.worst == "operational" for d in days)


@pytest.mark.parametrize(
    ("seconds", "words"), [(20, "under 1 min"), (60, "1 min"), (3600, "1 h"), (7800, "2 h 10 min")]
)
def test_durations_read_as_people_say_them(seconds: int, words: str) -> None:
    assert uptime.duration(seconds) == words


def maintenance(**changes: object) -> PublicMaintenance:
    values: dict[str, object] = {
        "number": 1,
        "name": "Database upgrade",
        "status": "scheduled",
        "components": ("payments",),
        "scheduled_for": at(21, 22).isoformat(),
        "scheduled_until": at(21, 23).isoformat(),
        "created_at": at(20, 9).isoformat(),
        "started_at": None,
        "ended_at": None,
        "updates": (MaintenanceLine(1, at(20, 9).isoformat(), "scheduled", "We upgrade the database."),),
    }
    return PublicMaintenance(**(values | changes))  # type: ignore[arg-type]


def test_a_scheduled_maintenance_begins_and_ends_by_the_clock_with_statuspage_words() -> None:
    m = maintenance()
    assert m.status_at(at(21, 21).isoformat()) == "scheduled" and m.window(at(21, 21).isoformat()) is None
    during = at(21, 22, 30).isoformat()
    assert m.status_at(during) == "in_progress" and m.window(during) == (m.scheduled_for, None)
    after = at(21, 23, 1).isoformat()
    assert m.status_at(after) == "completed" and m.window(after) == (m.scheduled_for, m.scheduled_until)
    assert [line.status for line in maintenance_lines(m, after)] == ["scheduled", "in_progress", "completed"]
    assert m.next_change(at(21, 21).isoformat()) == m.scheduled_for and m.next_change(after) is None


def test_a_maintenance_moved_by_hand_stays_there_past_its_window() -> None:
    m = maintenance(status="in_progress", started_at=at(21, 21, 50).isoformat())
    late = at(22, 1).isoformat()
    assert m.status_at(late) == "in_progress" and m.window(late) == (at(21, 21, 50).isoformat(), None)
    assert [line.status for line in maintenance_lines(m, late)] == ["scheduled"]  # no clock line: it began early


def test_a_cancelled_maintenance_never_took_anything_down() -> None:
    m = maintenance(status="cancelled", ended_at=at(21, 10).isoformat())
    assert m.window(at(22, 0).isoformat()) is None


def test_moves_are_refused_in_words() -> None:
    assert move(1, MaintenanceStatus.SCHEDULED, MaintenanceStatus.CANCELLED) is MaintenanceStatus.CANCELLED
    with pytest.raises(Conflict, match="in_progress: it may move to verifying, completed, not cancelled"):
        move(1, MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.CANCELLED)
    with pytest.raises(InvalidInput, match="already completed"):
        move(1, MaintenanceStatus.COMPLETED, MaintenanceStatus.COMPLETED)


def test_an_incident_counts_each_stretch_in_the_state_its_severity_showed_then() -> None:
    """Opened as degraded performance, raised to a major outage two hours later, lowered to a partial outage
    an hour after that, resolved an hour later: the bar says so, not four hours of the last state."""
    from remit.status.model import PublicIncident, Snapshot

    incident = PublicIncident(
        1, "Slow checkout", "resolved", "minor", "partial_outage", ("api",), at(12, 8).isoformat(),
        at(12, 12).isoformat(), (),
        changes=((at(12, 10).isoformat(), "major_outage"), (at(12, 11).isoformat(), "partial_outage")),
        opened_as="degraded_performance",
    )  # fmt: skip
    page = Snapshot("t", "T", "https://example.com", "UTC", at(1, 0).isoformat(), ("api",), (incident,),
                    now=NOW.isoformat())  # fmt: skip
    day = {d.day: d for d in page.bar("api")}[date(2026, 11, 12)]
    assert day.seconds == {"degraded_performance": 2 * 3600, "major_outage": 3600, "partial_outage": 3600}
    assert day.title == "2026-11-12: major outage 1 h, partial outage 1 h, degraded performance 2 h"
    unchanged = PublicIncident(
        2, "Slow search", "resolved", "minor", "degraded_performance", ("api",), at(13, 8).isoformat(),
        at(13, 9).isoformat(), (),
    )  # fmt: skip
    again = Snapshot("t", "T", "https://example.com", "UTC", at(1, 0).isoformat(), ("api",), (unchanged,),
                     now=NOW.isoformat())  # fmt: skip
    assert {d.day: d for d in again.bar("api")}[date(2026, 11, 13)].seconds == {"degraded_performance": 3600}


def test_the_page_is_rendered_again_every_few_minutes_while_something_is_down_and_at_midnight_otherwise() -> None:
    from remit.status.model import WHILE_OPEN, PublicIncident, Snapshot

    def page(resolved_at: str | None) -> Snapshot:
        incident = PublicIncident(
            1, "Slow", "resolved" if resolved_at else "investigating", "minor", "degraded_performance", ("api",),
            at(20, 8).isoformat(), resolved_at, (),
        )  # fmt: skip
        return Snapshot("t", "T", "https://example.com", "UTC", at(1, 0).isoformat(), ("api",), (incident,),
                        now=NOW.isoformat())  # fmt: skip

    assert page(None).next_change() == (NOW + WHILE_OPEN).isoformat()
    assert page(at(20, 9).isoformat()).next_change() == datetime(2026, 11, 21, tzinfo=UTC).isoformat()
