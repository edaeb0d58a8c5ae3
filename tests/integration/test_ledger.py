"""The ledger through the services, on SQLite and PostgreSQL: rights enforced, every write atomic."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from remit import capabilities  # noqa: F401
from remit.charter import teams
from remit.charter.tables import CrossingRow
from remit.decisions import queries, queue
from remit.decisions.commands import (
    AddEvidence,
    AddRule,
    AmendDecision,
    EvidenceItem,
    ExpireDecisions,
    OpenDecision,
    ProposeCharter,
    RecordPosition,
    WithdrawDecision,
)
from remit.decisions.tables import DecisionRow, PositionRow
from remit.decisions.views import AuditEntry, DecisionSummary, DecisionView, Queue
from remit.kernel.commands import act, build
from remit.kernel.errors import Conflict, InvalidInput, NotFound, RightsRefused
from remit.kernel.tables import AuditRow, TeamRow
from remit.kernel.uow import Store
from tests.conftest import team_text

RETRO = "PM flags the user metric cost of delay, EM flags the system risk of shipping, both have to explicitly agree."


def count(store: Store, table: type) -> int:
    with store.sessions() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def open_release(store: Store, team: str, title: str = "Ship onboarding") -> int:
    return act(store, team, "priya", OpenDecision(domain="release", title=title)).number


def position(store: Store, team: str, number: int, actor: str, stance: str, basis: str | None = None) -> str:
    outcome = act(
        store, team, actor, build(RecordPosition, number=number, stance=stance, basis=basis, reason="because")
    )
    return outcome.resolution.state.value


def test_init_adopts_the_charter_as_the_first_audit_entry(store: Store, team: str) -> None:
    log = queries.audit_log(uow=store.uow(), team=team)
    assert [row.kind for row in log] == ["CharterAdopted"]
    assert log[0].payload["version"] == 1


def test_a_team_cannot_be_initialised_twice(store: Store, team: str) -> None:
    with pytest.raises(Conflict):
        teams.init_team(uow=store.uow(), text=team_text(), source="remit.toml")


def test_release_needs_both_keys_and_the_gate_opens_only_then(store: Store, team: str) -> None:
    number = open_release(store, team)
    assert position(store, team, number, "priya", "go") == "open"
    assert not queries.gate(uow=store.uow(), team=team, number=number).approved
    assert position(store, team, number, "ezra", "go") == "approved"
    assert queries.gate(uow=store.uow(), team=team, number=number).approved


def test_pm_no_go_on_technical_grounds_is_a_recorded_crossing_not_a_veto(store: Store, team: str) -> None:
    number = open_release(store, team)
    assert position(store, team, number, "priya", "no-go", "technical") == "open"
    view = queries.show_decision(uow=store.uow(), team=team, number=number)
    assert [c.refused for c in view.crossings] == [False]
    assert "only on business, market" in view.crossings[0].why
    assert position(store, team, number, "priya", "go") == "open"
    assert position(store, team, number, "ezra", "go") == "approved"


def test_em_veto_stands_until_the_em_says_go(store: Store, team: str) -> None:
    number = open_release(store, team)
    assert position(store, team, number, "ezra", "no-go", "technical") == "blocked"
    assert position(store, team, number, "priya", "go") == "blocked"
    assert position(store, team, number, "ezra", "abstain") == "blocked"
    assert "blocked" in queries.gate(uow=store.uow(), team=team, number=number).reason
    assert position(store, team, number, "ezra", "go") == "approved"


def test_a_stakeholder_is_refused_and_the_refusal_is_recorded_but_nothing_else(store: Store, team: str) -> None:
    number = open_release(store, team)
    positions_before = count(store, PositionRow)
    with pytest.raises(RightsRefused, match="only informed"):
        position(store, team, number, "sol", "go")
    assert count(store, PositionRow) == positions_before
    with store.sessions() as session:
        crossing = session.scalars(select(CrossingRow)).one()
        assert (crossing.role, crossing.refused, crossing.action) == ("stakeholder", True, "record-position")
        assert session.scalars(select(AuditRow.kind).order_by(AuditRow.seq.desc())).first() == "ActionRefused"


@pytest.mark.parametrize(
    ("stance", "basis", "error"),
    [("maybe", None, InvalidInput), ("no-go", None, InvalidInput), ("no-go", "vibes", InvalidInput)],
    ids=["unknown stance", "pm no-go without a basis", "unknown basis"],
)
def test_bad_input_changes_nothing(store: Store, team: str, stance: str, basis: str | None, error: type) -> None:
    number = open_release(store, team)
    with store.sessions() as session:
        seq = session.scalars(select(TeamRow.audit_seq)).one()
    with pytest.raises(error):
        position(store, team, number, "priya", stance, basis)
    with store.sessions() as session:
        assert session.scalars(select(TeamRow.audit_seq)).one() == seq
    assert count(store, PositionRow) == 0


def test_unknown_decision_and_person_are_not_found(store: Store, team: str) -> None:
    with pytest.raises(NotFound, match="no decision #42"):
        position(store, team, 42, "priya", "go")
    number = open_release(store, team)
    with pytest.raises(NotFound, match="nobody called 'mallory'"):
        position(store, team, number, "mallory", "go")


def test_opening_with_evidence_the_rule_assigns_to_another_role_writes_no_decision(store: Store, team: str) -> None:
    act(
        store,
        team,
        "ezra",
        AddRule(domain="release", because=RETRO, requires=["cost-of-delay:pm", "system-risk:em"], go=["pm", "em"]),
    )
    with pytest.raises(RightsRefused, match="system-risk must come from em"):
        act(
            store,
            team,
            "priya",
            OpenDecision(
                domain="release",
                title="x",
                evidence=[
                    EvidenceItem(name="cost-of-delay", text="40% churn"),
                    EvidenceItem(name="system-risk", text="fine"),
                ],
            ),
        )
    assert count(store, DecisionRow) == 0


def test_the_retro_rule_keeps_the_next_release_open_until_both_evidences_arrive(store: Store, team: str) -> None:
    act(
        store,
        team,
        "priya",
        AddRule(domain="release", because=RETRO, requires=["cost-of-delay:pm", "system-risk:em"], go=["pm", "em"]),
    )
    number = open_release(store, team)
    position(store, team, number, "priya", "go")
    assert position(store, team, number, "ezra", "go") == "open"
    act(store, team, "priya", AddEvidence(number=number, name="cost-of-delay", text="x"))
    outcome = act(store, team, "ezra", AddEvidence(number=number, name="system-risk", text="low"))
    assert outcome.resolution.state.value == "approved"


def test_only_a_key_holder_adds_a_rule_and_a_rule_cannot_hand_out_a_key(store: Store, team: str) -> None:
    with pytest.raises(RightsRefused, match="holds no key"):
        act(store, team, "dana", AddRule(domain="release", because="x", go=["pm"]))
    with pytest.raises(InvalidInput, match="cannot require its go"):
        act(store, team, "ezra", AddRule(domain="release", because="x", go=["designer"]))


def test_amending_clears_positions_but_a_standing_veto_must_be_lifted_by_its_role(store: Store, team: str) -> None:
    number = open_release(store, team)
    position(store, team, number, "priya", "go")
    position(store, team, number, "ezra", "no-go", "safety")
    outcome = act(store, team, "priya", AmendDecision(number=number, title="Ship v2"))
    assert outcome.resolution.state.value == "open"
    assert outcome.resolution.waiting_on.roles == ["pm", "em"]
    view = queries.show_decision(uow=store.uow(), team=team, number=number)
    assert view.revision == 2 and view.summary.title == "Ship v2"
    assert position(store, team, number, "priya", "go") == "open"
    assert position(store, team, number, "ezra", "go") == "approved"


def test_only_the_proposer_withdraws_and_settled_decisions_do_not_change(store: Store, team: str) -> None:
    number = open_release(store, team)
    with pytest.raises(RightsRefused, match="only the proposer"):
        act(store, team, "ezra", WithdrawDecision(number=number))
    act(store, team, "priya", WithdrawDecision(number=number, reason="scope cut"))
    with pytest.raises(Conflict, match="withdrawn"):
        position(store, team, number, "ezra", "go")


def test_a_passed_deadline_expires_the_decision_and_settles_it_at_the_deadline(store: Store, team: str) -> None:
    clock = store.clock
    deadline = clock() + timedelta(hours=2)
    number = act(store, team, "priya", OpenDecision(domain="release", title="x", deadline=deadline)).number
    clock.advance(hours=3)  # type: ignore[attr-defined]
    with pytest.raises(Conflict, match="expired"):
        position(store, team, number, "ezra", "go")
    expired = [row for row in queries.audit_log(uow=store.uow(), team=team) if row.kind == "DecisionExpired"]
    assert len(expired) == 1
    assert expired[0].payload["deadline"] == deadline.isoformat()
    view = queries.show_decision(uow=store.uow(), team=team, number=number)
    assert (view.summary.state, view.settled_at) == ("expired", deadline.isoformat())


def test_reads_record_nothing_and_the_gate_counts_a_passed_deadline_as_expired(store: Store, team: str) -> None:
    clock = store.clock
    number = act(
        store, team, "priya", OpenDecision(domain="release", title="x", deadline=clock() + timedelta(hours=2))
    ).number
    clock.advance(hours=3)  # type: ignore[attr-defined]
    written = count(store, AuditRow)
    assert queries.show_decision(uow=store.uow(), team=team, number=number).state == "open"  # as recorded
    assert [summary.state for summary in queries.list_decisions(uow=store.uow(), team=team)] == ["open"]
    answer = queries.gate(uow=store.uow(), team=team, number=number)
    assert (answer.approved, answer.reason) == (False, f"#{number} is expired")
    assert count(store, AuditRow) == written
    assert act(store, team, "remit", ExpireDecisions()) == [number]  # the sweeper records it
    assert queries.gate(uow=store.uow(), team=team, number=number) == answer


def test_every_read_model_reads_back_from_its_json(store: Store, team: str) -> None:
    """The CLI over HTTP renders ``from_dict`` of the API's bodies: the same records the services return."""
    act(store, team, "ezra", AddRule(domain="release", because=RETRO, requires=["system-risk:em"]))
    number = open_release(store, team)
    position(store, team, number, "ezra", "no-go", "technical")
    position(store, team, number, "priya", "no-go", "technical")  # a crossing
    act(store, team, "ezra", AddEvidence(number=number, name="system-risk", text="low"))

    def again(body: object) -> object:
        return json.loads(json.dumps(body))

    view = queries.show_decision(uow=store.uow(), team=team, number=number)
    assert view.rules and view.crossings and view.evidence and view.history and view.reached
    assert DecisionView.from_dict(again(view.as_dict())) == view
    assert view.summary == DecisionSummary.from_dict(again(view.summary.as_dict()))
    for summary in queries.list_decisions(uow=store.uow(), team=team):
        assert DecisionSummary.from_dict(again(summary.as_dict())) == summary
    for entry in queries.audit_log(uow=store.uow(), team=team):
        assert AuditEntry.from_dict(again(entry.as_dict())) == entry
    for handle in ("ezra", "priya", "sol"):
        mine = queue.my_queue(uow=store.uow(), team=team, handle=handle)
        assert Queue.from_dict(again(mine.as_dict())) == mine


def test_a_decision_stays_bound_to_the_charter_it_was_opened_under(store: Store, team: str) -> None:
    before = open_release(store, team, "under v1")
    new_text = team_text().replace(
        'rights.pm = { right = "decide", on = ["business", "market"], why = "PM owns go/no-go for business and '
        'market reasons." }',
        'rights.pm = { right = "voice", note = "test: PM has voice only" }',
        1,
    )
    assert new_text != team_text()
    proposal = act(store, team, "ezra", ProposeCharter(text=new_text, title="PM voice at release")).number
    position(store, team, proposal, "ezra", "go")
    assert teams.charter_status(uow=store.uow(), team=team).version == 1
    assert position(store, team, proposal, "priya", "go") == "approved"
    assert teams.charter_status(uow=store.uow(), team=team).version == 2
    after = open_release(store, team, "under v2")
    assert position(store, team, before, "ezra", "go") == "open"  # v1: still waits on the PM's key
    assert position(store, team, after, "ezra", "go") == "approved"  # v2: the EM alone holds the key


def test_waiting_on_lists_what_each_person_must_act_on(store: Store, team: str) -> None:
    first = open_release(store, team, "a")
    second = open_release(store, team, "b")
    position(store, team, second, "ezra", "no-go", "technical")
    mine = [s.number for s in queries.list_decisions(uow=store.uow(), team=team, waiting_on="ezra")]
    assert mine == [first, second]
    position(store, team, first, "priya", "go")
    assert [s.number for s in queries.list_decisions(uow=store.uow(), team=team, waiting_on="priya")] == []


@pytest.mark.parametrize(
    ("tamper", "bad", "problem"),
    [
        ("UPDATE audit_log SET payload = '{}' WHERE seq = 3", 3, "altered"),
        ("DELETE FROM audit_log WHERE seq = 2", 2, "missing"),
        ("DELETE FROM audit_log WHERE seq = 3", 3, "removed from the end"),
    ],
    ids=["altered row", "removed row", "cut tail"],
)
def test_audit_verify_names_the_first_bad_entry(store: Store, team: str, tamper: str, bad: int, problem: str) -> None:
    number = open_release(store, team)
    position(store, team, number, "priya", "go")
    assert all(report.ok for report in queries.verify_audit(uow=store.uow()))
    with store.engine.begin() as connection:
        connection.execute(text(tamper))
    [report] = queries.verify_audit(uow=store.uow())
    assert not report.ok
    assert report.first_bad == bad
    assert problem in report.problem


def test_a_crossing_heard_as_voice_is_an_audit_entry_of_its_own(store: Store, team: str) -> None:
    number = open_release(store, team)
    position(store, team, number, "priya", "no-go", "technical")  # the PM's scope is business, market
    entries = [entry for entry in queries.audit_log(uow=store.uow(), team=team) if entry.decision == number]
    kinds = [entry.kind for entry in entries]
    assert kinds[kinds.index("PositionRecorded") + 1] == "CrossingRecorded"
    crossed = entries[kinds.index("CrossingRecorded")]
    assert crossed.actor == "priya"
    assert crossed.payload["role"] == "pm" and crossed.payload["basis"] == "technical"
    assert "only on business, market" in crossed.payload["why"]
