"""The incident domain, read as the seed's sentences: the lifecycle's moves, severities as Statuspage reads
them, the postmortem link, the public/internal split and the timings. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from remit.incidents.model import (
    MOVES,
    Severity,
    Status,
    Update,
    UpdateKind,
    check_postmortem_url,
    component_status,
    move,
    public_updates,
)
from remit.incidents.notices import Facts, News, NoticeEvent, NoticeKind, message
from remit.incidents.timings import Timings, by_severity, duration, timings
from remit.kernel.errors import InvalidInput

INV, ID, M, R, P = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING, Status.RESOLVED, Status.POSTMORTEM)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        pytest.param(INV, ID, id="investigating: the cause is found"),
        pytest.param(INV, R, id="a quick fix goes straight to resolved"),
        pytest.param(ID, M, id="identified: a fix is in, watch it"),
        pytest.param(M, R, id="monitoring: it held, resolve"),
        pytest.param(M, INV, id="monitoring: it did not hold, back to investigating"),
        pytest.param(ID, INV, id="identified: the cause was wrong"),
        pytest.param(R, P, id="resolved: its postmortem"),
    ],
)
def test_a_move_the_lifecycle_allows(current: Status, to: Status) -> None:
    assert move(3, current, to) is to


@pytest.mark.parametrize(
    ("current", "to", "says", "hint"),
    [
        pytest.param(
            R, INV, "#3 is resolved; it cannot move to investigating", "a recurrence is a new incident", id="reopen"
        ),
        pytest.param(INV, P, "#3 is investigating; it cannot move to postmortem", "resolve it first", id="skip to pm"),
        pytest.param(P, R, "in its postmortem: its lifecycle has ended", "new incident", id="after the end"),
        pytest.param(M, M, "#3 is already monitoring", "a different status", id="no move"),
    ],
)
def test_a_move_the_lifecycle_refuses_says_where_it_can_go(current: Status, to: Status, says: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        move(3, current, to)
    assert says in refused.value.message and hint in refused.value.hint
    assert refused.value.field == "status"


def test_every_open_status_can_reach_resolved_and_only_resolved_reaches_postmortem() -> None:
    assert all(R in MOVES[status] for status in (INV, ID, M))
    assert [status for status, moves in MOVES.items() if P in moves] == [R]
    assert MOVES[P] == ()


@pytest.mark.parametrize(
    ("severity", "impact"), [("sev1", "critical"), ("sev2", "major"), ("sev3", "minor"), ("sev4", "none")]
)
def test_a_severity_is_the_impact_a_statuspage_consumer_reads(severity: str, impact: str) -> None:
    assert Severity(severity).impact == impact


@pytest.mark.parametrize(
    ("severity", "status", "component"),
    [
        (Severity.SEV1, INV, "major_outage"),
        (Severity.SEV2, M, "partial_outage"),
        (Severity.SEV3, ID, "degraded_performance"),
        (Severity.SEV4, INV, "degraded_performance"),
        (Severity.SEV1, R, "operational"),
        (Severity.SEV2, P, "operational"),
    ],
)
def test_an_affected_component_reads_as_statuspage_v2_says(severity: Severity, status: Status, component: str) -> None:
    assert component_status(severity, status) == component


def test_the_statuses_are_statuspage_v2s_own() -> None:
    assert [s.value for s in Status] == ["investigating", "identified", "monitoring", "resolved", "postmortem"]


@pytest.mark.parametrize("url", ["https://wiki.example.com/pm/1", "http://intranet/postmortems/42?x=1"])
def test_a_postmortem_link_is_an_http_address(url: str) -> None:
    assert check_postmortem_url(url) == url


@pytest.mark.parametrize(
    "url", ["ftp://wiki/pm", "wiki/pm", "https://", "mailto:a@b.c", "javascript:alert(1)", "https://a b"]
)
def test_anything_else_is_not_a_postmortem_link(url: str) -> None:
    with pytest.raises(InvalidInput, match="is not an http\\(s\\) address"):
        check_postmortem_url(url)


START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def line(minutes: float, kind: UpdateKind, status: Status, *, public: bool = False, text: str = "") -> Update:
    at = (START + timedelta(minutes=minutes)).isoformat()
    return Update(at, kind, "ezra", "em", text, public, status, Severity.SEV2)


OPENED = line(0, UpdateKind.OPENED, INV, public=True, text="We are looking into it.")


def test_only_public_lines_are_published_in_order() -> None:
    timeline = [
        OPENED,
        line(5, UpdateKind.UPDATE, ID, text="bad deploy 2.4.1"),
        line(9, UpdateKind.IMPACT, ID, text="EU customers first"),
        line(20, UpdateKind.UPDATE, M, public=True, text="A fix is in."),
    ]
    assert [u.text for u in public_updates(timeline)] == ["We are looking into it.", "A fix is in."]


def test_timings_from_the_timeline() -> None:
    timeline = [
        OPENED,
        line(4, UpdateKind.COMMANDER, INV),  # acknowledged: a commander named after opening
        line(10, UpdateKind.UPDATE, ID),
        line(30, UpdateKind.UPDATE, M),
        line(45, UpdateKind.UPDATE, R),
        line(300, UpdateKind.POSTMORTEM, P),
    ]
    assert timings(timeline) == Timings(4 * 60, 30 * 60, 45 * 60)


def test_an_incident_resolved_without_monitoring_was_mitigated_when_resolved() -> None:
    timeline = [OPENED, line(12, UpdateKind.UPDATE, R)]
    assert timings(timeline) == Timings(12 * 60, 12 * 60, 12 * 60)


def test_an_impact_answer_alone_does_not_acknowledge_an_incident() -> None:
    assert timings([OPENED, line(3, UpdateKind.IMPACT, INV)]) == Timings(None, None, None)


def test_timings_per_severity_are_medians_of_those_that_got_there() -> None:
    found = by_severity(
        [
            (Severity.SEV2, Timings(60, 600, 1200)),
            (Severity.SEV2, Timings(180, None, None)),
            (Severity.SEV2, Timings(120, 1200, 3600)),
            (Severity.SEV1, Timings(30, 300, 900)),
        ]
    )
    assert [(s.severity, s.incidents, s.acknowledge, s.mitigate, s.resolve) for s in found] == [
        (Severity.SEV1, 1, 30, 300, 900),
        (Severity.SEV2, 3, 120, 900, 2400),
    ]


@pytest.mark.parametrize(
    ("seconds", "said"), [(None, "—"), (45, "45s"), (720, "12m"), (11100, "3h 05m"), (187200, "2d 4h")]
)
def test_durations_as_people_say_them(seconds: float | None, said: str) -> None:
    assert duration(seconds) == said


FACTS = Facts(7, "Card payments failing", "sev1", "identified", "sam", ("payments",))


def test_the_impact_consult_is_a_question_readable_on_its_own() -> None:
    asked = message(FACTS, News(NoticeEvent.OPENED), NoticeKind.ASKED, to="priya", role="pm")
    assert asked.topic == "incident.impact-asked" and asked.asks and asked.to == "priya"
    assert asked.link == "/incidents/7" and "Card payments failing" in asked.subject
    assert ("Severity", "sev1") in asked.facts and ("Commander", "sam") in asked.facts
    assert any("customer-impact prioritization" in text for text in asked.lines)


@pytest.mark.parametrize(
    ("news", "topic", "subject"),
    [
        (News(NoticeEvent.OPENED), "incident.opened", "Incident #7 opened (sev1): Card payments failing"),
        (News(NoticeEvent.SEVERITY, "sev2 → sev1"), "incident.severity", "Incident #7 severity sev2 → sev1"),
        (News(NoticeEvent.STATUS, "investigating → identified"), "incident.status", "Incident #7 is identified"),
        (News(NoticeEvent.RESOLVED, "monitoring → resolved"), "incident.resolved", "Incident #7 resolved"),
    ],
)
def test_each_kind_of_news_has_its_topic_and_says_what_happened(news: News, topic: str, subject: str) -> None:
    told = message(FACTS, news, NoticeKind.TOLD, to=None)
    assert told.topic == topic and told.subject.startswith(subject) and told.to is None and not told.asks
    assert "Affected: payments." in told.lines
