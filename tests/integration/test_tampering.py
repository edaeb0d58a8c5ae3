"""Someone with write access to the database edits a stored conclusion: Remit does not trust it. (More of
the tamper suite comes with the signed checkpoints of [4/11].)"""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import text

from remit.charter import teams
from remit.decisions import queries
from remit.kernel.errors import Conflict
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from tests.conftest import team_text

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
