"""Someone with write access to the database edits a stored conclusion: Remit does not trust it. (More of
the tamper suite comes with the signed checkpoints of [4/11].)"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from remit.decisions import queries
from remit.kernel.errors import Conflict
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM

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
