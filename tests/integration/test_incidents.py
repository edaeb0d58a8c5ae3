"""Incidents on SQLite and PostgreSQL: the commands, who is told and asked (in the app and in the outbox, in
the change's own transaction), the PM's refused severity change as a boundary crossing, bad input, the
public/internal split, the ledger's replay, and the API."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from remit import capabilities  # noqa: F401 - registers the handlers
from remit.audit import replay
from remit.charter.tables import CrossingRow
from remit.incidents import queries
from remit.incidents.commands import (
    AnswerImpact,
    LinkPostmortem,
    NameCommander,
    OpenIncident,
    ResolveIncident,
    UpdateIncident,
)
from remit.incidents.model import public_updates
from remit.kernel.commands import act, build
from remit.kernel.errors import InvalidInput, NotFound, RightsRefused
from remit.kernel.messages import Message
from remit.kernel.tables import AuditRow, OutboxRow
from remit.kernel.uow import Store
from tests.conftest import Api

URL = "https://wiki.example.com/postmortems/7"


def opened(store: Store, team: str, **more: Any) -> int:
    values: dict[str, Any] = {"title": "Card payments failing", "severity": "sev2", "components": ["payments"]}
    return act(store, team, "ezra", build(OpenIncident, **values | more)).number


def outbox(store: Store) -> list[Message]:
    with store.sessions() as session:
        return [Message.from_dict(row.message) for row in session.scalars(select(OutboxRow).order_by(OutboxRow.id))]


def test_opening_tells_the_informed_asks_the_pm_once_and_tells_the_team_channel(store: Store, team: str) -> None:
    number = opened(store, team)
    sent = {(m.to, m.topic, m.asks) for m in outbox(store)}
    assert sent == {
        ("priya", "incident.impact-asked", True),  # asked, not asked and told
        ("victor", "incident.opened", False),  # engineering leadership is informed
        ("sol", "incident.opened", False),  # stakeholders are informed
        (None, "incident.opened", False),  # the team's own channels
    }
    for message in outbox(store):
        assert message.link == f"/incidents/{number}" and "Card payments failing" in message.subject
        assert ("Severity", "sev2") in message.facts and ("Commander", "ezra") in message.facts
        assert ("Status", "investigating") in message.facts
    view = queries.show_incident(uow=store.uow(), team=team, number=number)
    assert view.impact.asked == ["priya"] and view.impact.answer is None
    concerns = queries.concerns(uow=store.uow(), team=team, handle="priya")
    assert [(c.number, c.kind, c.answered) for c in concerns] == [(number, "asked", False)]


def test_every_severity_and_status_change_tells_the_pm_and_the_team(store: Store, team: str) -> None:
    number = opened(store, team)
    before = len(outbox(store))
    act(store, team, "ezra", UpdateIncident(number=number, severity="sev1", status="identified"))
    new = outbox(store)[before:]
    assert {(m.to, m.topic) for m in new} == {
        (who, topic) for who in ("priya", "victor", "sol", None) for topic in ("incident.severity", "incident.status")
    }
    severity = next(m for m in new if m.to == "priya" and m.topic == "incident.severity")
    assert "sev2 → sev1" in severity.subject and not severity.asks
    before = len(outbox(store))
    act(store, team, "ezra", UpdateIncident(number=number, message="a note, nothing changed"))
    assert len(outbox(store)) == before  # a message alone is on the timeline, not news
    act(store, team, "ezra", ResolveIncident(number=number))
    assert {m.topic for m in outbox(store)[before:]} == {"incident.resolved"}


def test_a_pm_changing_severity_is_refused_recorded_as_a_crossing_and_tells_no_one(store: Store, team: str) -> None:
    number = opened(store, team)
    before = len(outbox(store))
    with pytest.raises(RightsRefused) as refused:
        act(store, team, "priya", UpdateIncident(number=number, severity="sev1"))
    assert "priya (pm) may not change an incident's severity" in refused.value.message
    assert "not a decision-maker" in refused.value.message
    assert len(outbox(store)) == before
    view = queries.show_incident(uow=store.uow(), team=team, number=number)
    assert view.summary.severity == "sev2"
    assert [(c.person, c.action) for c in view.crossings] == [("priya", "change-incident-severity")]
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(CrossingRow).where(CrossingRow.refused)) == 1
        kinds = session.scalars(select(AuditRow.kind).order_by(AuditRow.seq)).all()
    assert kinds[-1] == "ActionRefused"
    with pytest.raises(RightsRefused):
        act(store, team, "priya", UpdateIncident(number=number, status="identified"))


def test_the_pm_answers_the_consult_and_the_record_keeps_when(store: Store, team: str) -> None:
    number = opened(store, team)
    act(store, team, "priya", AnswerImpact(number=number, impact="EU card checkouts first"))
    view = queries.show_incident(uow=store.uow(), team=team, number=number)
    assert view.impact.answer == "EU card checkouts first" and view.impact.by == "priya"
    assert view.impact.at is not None and view.impact.asked_at is not None
    assert view.impact.at > view.impact.asked_at
    assert [c.answered for c in queries.concerns(uow=store.uow(), team=team, handle="priya")] == [True]


def test_the_person_named_commander_is_told_in_the_app_and_beyond_it(store: Store, team: str) -> None:
    number = opened(store, team)
    act(store, team, "ezra", NameCommander(number=number, handle="sam"))
    concerns = queries.concerns(uow=store.uow(), team=team, handle="sam")
    assert [(c.kind, c.event) for c in concerns] == [("told", "commander")]
    with store.sessions() as session:
        rows = session.scalars(select(OutboxRow).where(OutboxRow.recipient == "sam")).all()
    told = [Message.from_dict(row.message) for row in rows]
    assert [m.topic for m in told] == ["incident.commander"]
    assert told[0].subject.startswith(f"Incident #{number}") and "yours to run" in told[0].subject
    assert told[0].link == f"/incidents/{number}" and "named its commander by ezra" in " ".join(told[0].lines)


def test_a_full_lifecycle_with_timings_and_only_public_lines_published(store: Store, team: str) -> None:
    number = opened(store, team, message="We are looking into failed payments.", public=True)
    act(store, team, "ezra", NameCommander(number=number, handle="sam"))
    act(store, team, "sam", UpdateIncident(number=number, status="identified", message="bad deploy 2.4.1"))
    act(store, team, "sam", UpdateIncident(number=number, status="monitoring", message="Fixed.", public=True))
    act(store, team, "sam", ResolveIncident(number=number, message="All good.", public=True))
    act(store, team, "ezra", LinkPostmortem(number=number, url=URL))
    view = queries.show_incident(uow=store.uow(), team=team, number=number)
    assert view.summary.status == "postmortem" and view.postmortem_url == URL
    assert view.summary.commander == "sam"
    published = [entry.text for entry in public_updates(view.timeline)]
    assert published == ["We are looking into failed payments.", "Fixed.", "All good."]
    assert "bad deploy 2.4.1" not in published
    timings = view.timings
    assert timings["acknowledge"] is not None and timings["mitigate"] is not None and timings["resolve"] is not None
    assert 0 < timings["acknowledge"] < timings["mitigate"] < timings["resolve"]
    per = queries.severity_timings(uow=store.uow(), team=team)
    assert [(s.severity.value, s.incidents) for s in per] == [("sev2", 1)]
    assert replay.verify(uow=store.uow(), team=team)[0].differences == []


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (lambda n: UpdateIncident(number=n, status="resolved"), None),
        (lambda n: UpdateIncident(number=n, status="investigating"), "is already investigating"),
        (lambda n: UpdateIncident(number=n, status="postmortem"), "when its postmortem is linked"),
        (lambda n: UpdateIncident(number=n, severity="sev2"), "already sev2"),
        (lambda n: UpdateIncident(number=n), "says nothing"),
        (lambda n: UpdateIncident(number=n, message="", public=True, severity="sev3"), "public update needs"),
        (lambda n: LinkPostmortem(number=n, url=URL), "resolve it before"),
        (lambda n: NameCommander(number=n, handle="sol"), "stakeholders read"),
    ],
)
def test_bad_moves_are_refused_in_words_and_nothing_is_written(
    store: Store, team: str, command: Any, says: str | None
) -> None:
    number = opened(store, team)
    if says is None:
        act(store, team, "ezra", command(number))
        with pytest.raises(InvalidInput, match="resolved; it cannot move to investigating"):
            act(store, team, "ezra", UpdateIncident(number=number, status="investigating"))
        return
    with store.sessions() as session:
        entries = session.scalar(select(func.count()).select_from(AuditRow))
    with pytest.raises(InvalidInput, match=says):
        act(store, team, "ezra", command(number))
    with store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditRow)) == entries


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"title": "x", "severity": "sev9"}, "unknown severity 'sev9'"),
        ({"title": "Pay\x00ments", "severity": "sev2"}, "control character U\\+0000"),
        ({"title": "two\nlines", "severity": "sev2"}, "line break"),
        ({"title": "x", "severity": "sev2", "components": ["Bad Name"]}, "component 'Bad Name' is not a valid name"),
        ({"title": " ", "severity": "sev2"}, "the title is empty"),
    ],
)
def test_bad_input_to_open_names_the_field(values: dict[str, Any], says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        build(OpenIncident, **values)


@pytest.mark.parametrize(
    "url", ["ftp://wiki/pm", "wiki.example.com/pm", "https://", "javascript:alert(1)", "http://a b"]
)
def test_a_postmortem_link_must_be_an_http_address(url: str) -> None:
    with pytest.raises(InvalidInput, match="not an http\\(s\\) address"):
        build(LinkPostmortem, number=1, url=url)


def test_an_unknown_incident_is_not_found(store: Store, team: str) -> None:
    with pytest.raises(NotFound, match="no incident #9"):
        act(store, team, "ezra", UpdateIncident(number=9, message="hello"))


def test_an_incident_edited_in_the_database_differs_from_the_chain(store: Store, team: str) -> None:
    number = opened(store, team)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE incidents SET severity = 'sev4' WHERE number = :n"), {"n": number})
    differences = replay.verify(uow=store.uow(), team=team)[0].differences
    assert [(d.table, d.row, d.field) for d in differences] == [("incidents", f"#{number}", "severity")]


def test_the_api_opens_updates_and_refuses_the_pm_with_a_crossing(api: Api) -> None:
    client = api.client
    answer = client.post(
        "/api/v1/incidents",
        json={"title": "Login errors", "severity": "sev3", "components": ["auth"]},
        headers=api.as_("ezra"),
    )
    assert answer.status_code == 201, answer.text
    number = answer.json()["number"]
    refused = client.post(f"/api/v1/incidents/{number}/updates", json={"severity": "sev1"}, headers=api.as_("priya"))
    assert refused.status_code == 403 and "may not change an incident's severity" in refused.json()["message"]
    answered = client.post(
        f"/api/v1/incidents/{number}/impact", json={"impact": "SSO customers"}, headers=api.as_("priya")
    )
    assert answered.status_code == 200, answered.text
    shown = client.get(f"/api/v1/incidents/{number}", headers=api.as_("sol")).json()
    assert shown["impact"]["answer"] == "SSO customers" and shown["statuspage_impact"] == "minor"
    assert [c["action"] for c in shown["crossings"]] == ["change-incident-severity"]
    assert (
        client.post(f"/api/v1/incidents/{number}/updates", json={"message": "hi"}, headers=api.as_("sol")).status_code
        == 403
    )
    listed = client.get("/api/v1/incidents?open=true", headers=api.as_("sol")).json()["items"]
    assert number in [item["number"] for item in listed]
    timings = client.get("/api/v1/incidents/timings", headers=api.as_("sol")).json()["items"]
    assert {item["severity"] for item in timings} >= {"sev3"}
    missing = client.get("/api/v1/incidents/999", headers=api.as_("sol"))
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    bad = client.post(f"/api/v1/incidents/{number}/postmortem", json={"url": "ftp://x"}, headers=api.as_("ezra"))
    assert bad.status_code == 422 and "http(s)" in bad.json()["message"]
