"""Someone with write access to the database edits a stored conclusion: Remit does not trust it. (More of
the tamper suite comes with the signed checkpoints of [4/11].)"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import text

from remit.audit import replay
from remit.audit.replay import Difference
from remit.charter import load_preset, teams
from remit.charter.render import render_charter
from remit.charter.roster import sample_roster
from remit.charter.teams import sha256
from remit.decisions import queries
from remit.decisions.commands import (
    AddEvidence,
    AddRule,
    AmendDecision,
    EvidenceItem,
    ExpireDecisions,
    OpenDecision,
    ProposeCharter,
    RecordPosition,
    RetireRule,
    WithdrawDecision,
)
from remit.decisions.rules import list_rules
from remit.demo_story import RETRO_RULE
from remit.identity.commands import CreateToken, RevokeToken
from remit.kernel.commands import act, build
from remit.kernel.errors import Conflict, RightsRefused
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM, demo_text
from tests.conftest import Api, team_text

OPEN_RELEASE = 2  # the demo's release waiting on the EM's evidence and both keys


def tamper(store: Store, statement: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement))


def test_a_decision_set_to_approved_in_the_database_does_not_open_the_gate(demo_store: Store) -> None:
    assert not queries.gate(uow=demo_store.uow(), team=DEMO_TEAM, number=OPEN_RELEASE).approved
    tamper(demo_store, "UPDATE decisions SET state = 'approved' WHERE number = 2")  # OPEN_RELEASE
    answer = queries.gate(uow=demo_store.uow(), team=DEMO_TEAM, number=OPEN_RELEASE)
    assert not answer.approved
    assert "recorded as approved, but its recorded positions resolve to open" in answer.reason


def test_an_approved_release_still_opens_the_gate(demo_store: Store) -> None:
    approved = next(
        s.number
        for s in queries.list_decisions(uow=demo_store.uow(), team=DEMO_TEAM, state="approved")
        if s.domain == "release"
    )
    assert queries.gate(uow=demo_store.uow(), team=DEMO_TEAM, number=approved).approved


def test_a_charter_version_edited_in_the_database_is_refused(demo_store: Store) -> None:
    tamper(demo_store, "UPDATE charter_versions SET text = text || '\n# edited' WHERE version = 1")
    with pytest.raises(Conflict, match="does not match its recorded sha256"):
        queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=OPEN_RELEASE)


def test_a_charter_version_edited_with_its_stored_hash_is_refused(demo_store: Store) -> None:
    """Editing the text and the hash stored beside it together is caught by the chain's adoption entry."""
    with demo_store.engine.begin() as connection:
        edited = connection.execute(text("SELECT text FROM charter_versions WHERE version = 1")).scalar_one()
        edited += "\n# edited"
        connection.execute(
            text("UPDATE charter_versions SET text = :text, sha256 = :sha WHERE version = 1"),
            {"text": edited, "sha": hashlib.sha256(edited.encode()).hexdigest()},
        )
    with pytest.raises(Conflict, match="is not the text its adoption entry in the audit chain recorded"):
        queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=OPEN_RELEASE)


def test_a_charter_edit_carried_into_its_adoption_entry_is_refused(store: Store) -> None:
    """The attacker also rewrites the adoption entry's recorded hash: the entry no longer hashes to itself."""
    charter = team_text(name="entry-edit")  # a text of its own, so no earlier test vouched for it
    teams.init_team(uow=store.uow(), text=charter, source="remit.toml")
    edited = charter + "\n# edited"
    digest = hashlib.sha256(edited.encode()).hexdigest()
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE charter_versions SET text = :text, sha256 = :sha"), {"text": edited, "sha": digest}
        )
        payload = connection.execute(text("SELECT payload FROM audit_log WHERE kind = 'CharterAdopted'")).scalar_one()
        forged = json.dumps({**json.loads(payload), "sha256": digest}, sort_keys=True, separators=(",", ":"))
        connection.execute(
            text("UPDATE audit_log SET payload = :payload WHERE kind = 'CharterAdopted'"), {"payload": forged}
        )
    with pytest.raises(Conflict, match="is not the text its adoption entry in the audit chain recorded"):
        teams.charter_status(uow=store.uow(), team="entry-edit")


# -- the chain is the record: `remit audit verify` replays it and names every table that departs from it ----------

FORGED_POSITION = (
    "INSERT INTO positions (decision_id, revision, person_id, role, stance, basis, reason, recorded_at) "
    "VALUES ((SELECT id FROM decisions WHERE number = 2), 1, (SELECT id FROM people WHERE handle = 'ezra'), "
    "'em', 'go', NULL, 'forged', '2026-11-30 09:00:00')"
)
TABLE_ONLY_PERSON = (
    "INSERT INTO people (team_id, handle, name, active) VALUES ((SELECT id FROM teams), 'mallory', 'Mallory', TRUE)"
)
EDITED_TEXT = "UPDATE charter_versions SET text = text || '\n# edited'"
CHAIN, TABLE, WHEN = "the digest the chain recorded", "what the table's text hashes to", "the rule's created_at"


def differences(store: Store, team: str = DEMO_TEAM) -> list[Difference]:
    """What verify names: the chain itself intact, so replayed; ok only without a difference."""
    [report] = replay.verify(uow=store.uow(), team=team)
    assert report.replayed, report.problem
    assert report.ok == (not report.differences)
    return report.differences


def test_the_untouched_demo_replays_clean(demo_store: Store) -> None:
    [report] = replay.verify(uow=demo_store.uow(), team=DEMO_TEAM)
    assert (report.ok, report.replayed, report.differences) == (True, True, [])


@pytest.mark.parametrize(
    ("statements", "named"),
    [
        (
            ["UPDATE decisions SET state = 'approved' WHERE number = 2"],
            [("decisions", "#2", "state", "open", "approved")],
        ),
        (["UPDATE positions SET stance = 'no-go' WHERE id = 3"], [("positions", "3 on #1", "stance", "go", "no-go")]),
        (
            ["UPDATE positions SET person_id = (SELECT id FROM people WHERE handle = 'ezra') WHERE id = 3"],
            [("positions", "3 on #1", "person", "priya", "ezra")],
        ),
        (["UPDATE positions SET role = 'em' WHERE id = 3"], [("positions", "3 on #1", "role", "pm", "em")]),
        (["DELETE FROM evidence WHERE id = 2"], [("evidence", "2 on #4", None, "present", "absent")]),
        ([FORGED_POSITION], [("positions", "11 on #2", None, "absent", "present")]),
        (
            ["UPDATE evidence SET text = 'all fine' WHERE id = 3"],
            [("evidence", "3 on #4", "text", "behind a flag, one query", "all fine")],
        ),
        (
            ["UPDATE revisions SET title = 'Ship it all' WHERE id = 2"],
            [("revisions", "1 of #2", "title", "Ship one-click reorder", "Ship it all")],
        ),
        (["UPDATE rules SET because = 'nobody agreed'"], [("rules", "1", "because", RETRO_RULE, "nobody agreed")]),
        (
            ["UPDATE rules SET retired_at = created_at"],
            [("rules", "1", "retired_at", None, WHEN)],
        ),
        (
            ["UPDATE people SET name = 'P. Raman' WHERE handle = 'priya'"],
            [("people", "priya", "name", "Priya Raman", "P. Raman")],
        ),
        (["UPDATE people SET active = FALSE WHERE handle = 'sol'"], [("people", "sol", "active", True, False)]),
        ([TABLE_ONLY_PERSON], [("people", "mallory", None, "absent", "present")]),
        ([EDITED_TEXT], [("charter_versions", "v1", "text (sha256)", CHAIN, TABLE)]),
        (
            [EDITED_TEXT, "UPDATE charter_versions SET sha256 = 'f00d'"],
            [
                ("charter_versions", "v1", "sha256", CHAIN, "f00d"),
                ("charter_versions", "v1", "text (sha256)", CHAIN, TABLE),
            ],
        ),
        (
            ["DELETE FROM decision_rules WHERE decision_id = 2"],
            [("decision_rules", "rule 1 of #2", None, "present", "absent")],
        ),
        (["DELETE FROM crossings WHERE id = 1"], [("crossings", "1", None, "present", "absent")]),
        (["UPDATE crossings SET refused = FALSE WHERE id = 3"], [("crossings", "3", "refused", True, False)]),
    ],
    ids=[
        "decision approved",
        "position stance",
        "position person",
        "position role",
        "evidence deleted",
        "position forged",
        "evidence text",
        "revision title",
        "rule because",
        "rule retired",
        "person renamed",
        "person deactivated",
        "person added",
        "charter text",
        "charter text and sha256",
        "rule unbound",
        "crossing deleted",
        "refusal hidden",
    ],
)
def test_a_table_edited_behind_remits_back_is_named_by_verify(
    demo_store: Store, statements: list[str], named: list[tuple[str, str, str | None, object, object]]
) -> None:
    for statement in statements:
        tamper(demo_store, statement)
    found = differences(demo_store)
    assert [(d.table, d.row, d.field) for d in found] == [(t, r, f) for t, r, f, _, _ in named]
    for difference, (_, _, _, expected, table_says) in zip(found, named, strict=True):
        expected = sha256(demo_text()) if expected == CHAIN else expected
        if table_says == TABLE:
            table_says = sha256(demo_text() + "\n# edited")
        elif table_says == WHEN:
            [rule] = list_rules(uow=demo_store.uow(), team=DEMO_TEAM, include_retired=True)
            table_says = rule.created_at
        assert (difference.expected, difference.found) == (expected, table_says)


def test_a_chain_written_by_every_command_replays_clean(store: Store, team: str) -> None:
    """Open (with context and evidence), record, add evidence, amend, withdraw, expire, a crossing, a refusal,
    add and retire a rule, and a charter change that renames, drops and adds people: the tables are exactly
    what the chain's events rebuild."""
    clock = store.clock
    act(store, team, "ezra", AddRule(domain="release", because="both keys", requires=["system-risk:em"]))
    first = act(
        store,
        team,
        "priya",
        OpenDecision(
            domain="release",
            title="Ship it",
            context="the why",
            evidence=[EvidenceItem(name="cost-of-delay", text="a lot")],
        ),
    ).number
    act(store, team, "ezra", build(RecordPosition, number=first, stance="no-go", basis="technical", reason="slow"))
    act(store, team, "priya", build(RecordPosition, number=first, stance="no-go", basis="technical", reason="x"))
    act(store, team, "ezra", AddEvidence(number=first, name="system-risk", text="low once indexed"))
    act(store, team, "priya", AmendDecision(number=first, title="Ship it, indexed", context="indexed now"))
    for handle in ("ezra", "priya"):
        act(store, team, handle, build(RecordPosition, number=first, stance="go", reason="ok"))
    second = act(store, team, "priya", OpenDecision(domain="release", title="Withdrawn")).number
    act(store, team, "priya", WithdrawDecision(number=second, reason="scope cut"))
    with pytest.raises(RightsRefused):
        act(store, team, "sol", OpenDecision(domain="release", title="not mine to open"))
    act(store, team, "ezra", RetireRule(rule_id=1, because="done its job"))
    deadline = clock() + timedelta(hours=2)
    third = act(store, team, "priya", OpenDecision(domain="release", title="late", deadline=deadline)).number
    clock.advance(hours=3)  # type: ignore[attr-defined]
    assert act(store, team, "remit", ExpireDecisions()) == [third]
    people = {person.handle: person for person in sample_roster(load_preset("default"))}
    people["sol"] = replace(people["sol"], name="Sol Martins")
    people["nina"] = replace(people.pop("sam"), handle="nina", name="Nina Berg")
    text = render_charter(replace(load_preset("default"), name=team, preset="default", people=people), team=team)
    proposal = act(store, team, "ezra", ProposeCharter(text=text, title="roster")).number
    for handle in ("ezra", "priya"):
        act(store, team, handle, build(RecordPosition, number=proposal, stance="go", reason="ok"))
    assert queries.show_decision(uow=store.uow(), team=team, number=proposal).summary.state == "approved"
    assert differences(store, team) == []
    tamper(store, "UPDATE decisions SET charter_version_id = (SELECT id FROM charter_versions WHERE version = 2)")
    tamper(store, "UPDATE people SET active = TRUE WHERE handle = 'sam'")
    named = [(d.table, d.row, d.field, d.expected, d.found) for d in differences(store, team)]
    assert named == [
        ("people", "sam", "active", False, True),
        *[("decisions", f"#{n}", "charter_version", 1, 2) for n in (first, second, third, proposal)],
    ]


def test_the_api_reports_the_differences_and_not_ok(api: Api) -> None:
    assert api.client.get("/api/v1/audit/verify", headers=api.as_("sol")).json()["ok"] is True
    tamper(api.store, "UPDATE positions SET stance = 'no-go' WHERE id = 3")
    body = api.client.get("/api/v1/audit/verify", headers=api.as_("sol")).json()
    assert (body["ok"], body["replayed"], body["first_bad"]) == (False, True, None)
    assert body["differences"] == [
        {"table": "positions", "row": "3 on #1", "field": "stance", "expected": "go", "found": "no-go"}
    ]


def test_a_broken_chain_is_not_replayed(demo_store: Store) -> None:
    tamper(demo_store, "UPDATE decisions SET state = 'approved' WHERE number = 2")
    tamper(demo_store, "UPDATE audit_log SET payload = '{}' WHERE seq = 5")
    [report] = replay.verify(uow=demo_store.uow(), team=DEMO_TEAM)
    assert (report.ok, report.replayed, report.first_bad, report.differences) == (False, False, 5, [])


def test_a_token_the_chain_never_issued_or_a_revocation_undone_is_named(demo_store: Store) -> None:
    act(demo_store, DEMO_TEAM, "priya", CreateToken(name="ci"))
    revoked = act(demo_store, DEMO_TEAM, "ezra", CreateToken(name="old")).view.id
    act(demo_store, DEMO_TEAM, "ezra", RevokeToken(token_id=revoked))
    assert differences(demo_store) == []
    tamper(demo_store, "UPDATE api_tokens SET revoked_at = NULL WHERE name = 'old'")
    tamper(
        demo_store,
        "INSERT INTO api_tokens (token_hash, prefix, person_id, name, created_at) "
        "SELECT 'f00d', 'remit_forged', person_id, 'forged', created_at FROM api_tokens WHERE name = 'ci'",
    )
    [unrevoked, forged] = differences(demo_store)
    assert (unrevoked.table, unrevoked.row, unrevoked.field, unrevoked.found) == (
        "api_tokens",
        str(revoked),
        "revoked_at",
        None,
    )
    assert unrevoked.expected is not None
    assert (forged.table, forged.row, forged.field, forged.found) == ("api_tokens", str(revoked + 1), None, "present")
