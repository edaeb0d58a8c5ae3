"""Someone with write access to the database, but not the signing key, rewrites the audit chain and recomputes
every hash and the team's head. The chain alone cannot tell (each case below still verifies, which is why
checkpoints exist); a checkpoint signed before the edit, kept outside the database, catches every one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from remit.audit import anchoring, checkpoints
from remit.audit.checkpoints import Checkpoint
from remit.audit.keys import SigningKey
from remit.decisions import queries
from remit.decisions.commands import OpenDecision
from remit.kernel import audit
from remit.kernel.commands import act
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM

Row = dict[str, Any]
KEY = SigningKey(Ed25519PrivateKey.generate(), "test")


def rows_of(store: Store) -> list[Row]:
    with store.engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT a.team_id, a.seq, a.at, a.actor, a.kind, a.decision_id, a.payload FROM audit_log a "
                "JOIN teams t ON t.id = a.team_id WHERE t.name = :team ORDER BY a.seq"
            ),
            {"team": DEMO_TEAM},
        )
        return [dict(row._mapping) for row in found]


def rechain(store: Store, rows: list[Row]) -> None:
    """Replace the team's chain by ``rows``, numbered 1.. and hashed as Remit would, and move the head."""
    team_id = rows_of(store)[0]["team_id"]
    prev = audit.GENESIS
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE team_id = :id"), {"id": team_id})
        for seq, row in enumerate(rows, start=1):
            fields = {key: row[key] for key in ("at", "actor", "kind", "payload")}
            digest = audit.row_hash(team=DEMO_TEAM, seq=seq, decision_id=row["decision_id"], prev_hash=prev, **fields)
            connection.execute(
                text(
                    "INSERT INTO audit_log (team_id, seq, at, actor, kind, decision_id, payload, prev_hash, hash) "
                    "VALUES (:team_id, :seq, :at, :actor, :kind, :decision_id, :payload, :prev, :hash)"
                ),
                {**row, "team_id": team_id, "seq": seq, "prev": prev, "hash": digest},
            )
            prev = digest
        connection.execute(
            text("UPDATE teams SET audit_seq = :seq, audit_head = :head WHERE id = :id"),
            {"seq": len(rows), "head": prev if rows else "", "id": team_id},
        )


def cut_last_five(rows: list[Row]) -> list[Row]:
    return rows[:-5]


def wipe(rows: list[Row]) -> list[Row]:
    return []


def rewrite_a_middle_row(rows: list[Row]) -> list[Row]:
    middle = len(rows) // 2
    return [*rows[:middle], {**rows[middle], "actor": "mallory"}, *rows[middle + 1 :]]


def delete_a_row(rows: list[Row]) -> list[Row]:
    return rows[:3] + rows[4:]


def forge_a_row_before(rows: list[Row]) -> list[Row]:
    return [*rows[:3], {**rows[3], "payload": '{"forged": true}'}, *rows[3:]]


def reorder_two_rows(rows: list[Row]) -> list[Row]:
    return [*rows[:2], rows[3], rows[2], *rows[4:]]


def checkpoint_now(store: Store) -> Checkpoint:
    return anchoring.take(uow=store.uow(), team=DEMO_TEAM, key=KEY)


def check(store: Store, checkpoint: Checkpoint) -> anchoring.CheckpointReport:
    return anchoring.check(uow=store.uow(), team=DEMO_TEAM, checkpoint=checkpoint, public=KEY.public)


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (cut_last_five, "the chain has no entry {seq} (its last is entry {cut})"),
        (wipe, "the chain has no entry {seq} (its last is entry 0)"),
        (rewrite_a_middle_row, "entries up to {seq} were rewritten, inserted or deleted since the checkpoint"),
        (delete_a_row, "the chain has no entry {seq} (its last is entry {less})"),
        (forge_a_row_before, "entries up to {seq} were rewritten, inserted or deleted since the checkpoint"),
        (reorder_two_rows, "entries up to {seq} were rewritten, inserted or deleted since the checkpoint"),
    ],
)
def test_an_edit_with_recomputed_hashes_passes_the_chain_but_not_the_checkpoint(
    demo_store: Store, edit: Callable[[list[Row]], list[Row]], says: str
) -> None:
    checkpoint = checkpoint_now(demo_store)
    assert check(demo_store, checkpoint).ok
    seq = checkpoint.seq
    rechain(demo_store, edit(rows_of(demo_store)))
    (chain,) = queries.verify_audit(uow=demo_store.uow(), team=DEMO_TEAM)
    assert chain.ok, chain.problem  # the chain alone cannot tell
    report = check(demo_store, checkpoint)
    assert not report.ok
    assert says.format(seq=seq, cut=seq - 5, less=seq - 1) in report.problem
    assert (report.team, report.seq, report.hash) == (DEMO_TEAM, seq, checkpoint.hash)


def test_a_chain_that_grew_honestly_after_the_checkpoint_still_holds_it(demo_store: Store) -> None:
    checkpoint = checkpoint_now(demo_store)
    act(demo_store, DEMO_TEAM, "priya", OpenDecision(domain="release", title="Ship 4.2"))
    assert checkpoint_now(demo_store).seq > checkpoint.seq
    assert check(demo_store, checkpoint).ok


def test_an_edit_after_the_checkpoint_is_not_its_business(demo_store: Store) -> None:
    """What a checkpoint does not cover, said by a test: entries after it can be cut without it noticing."""
    checkpoint = checkpoint_now(demo_store)
    act(demo_store, DEMO_TEAM, "priya", OpenDecision(domain="release", title="Ship 4.2"))
    rechain(demo_store, rows_of(demo_store)[: checkpoint.seq])
    assert check(demo_store, checkpoint).ok


def test_a_clumsy_edit_before_the_checkpoint_is_named_by_the_chain_and_the_checkpoint(demo_store: Store) -> None:
    checkpoint = checkpoint_now(demo_store)
    with demo_store.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    report = check(demo_store, checkpoint)
    assert not report.ok
    assert report.problem == f"the chain is broken at entry 2, before the checkpoint's entry {checkpoint.seq}"


def test_a_checkpoint_of_another_team_or_key_or_a_forged_one_is_refused(demo_store: Store) -> None:
    checkpoint = checkpoint_now(demo_store)
    other = SigningKey(Ed25519PrivateKey.generate(), "other")
    theirs = anchoring.take(uow=demo_store.uow(), team=DEMO_TEAM, key=other)
    assert "it was signed by key" in check(demo_store, theirs).problem
    elsewhere = checkpoints.sign(KEY, team="payments", seq=1, head=checkpoint.hash, at=demo_store.clock())
    assert check(demo_store, elsewhere).problem == f"it is team payments's checkpoint, not team {DEMO_TEAM}'s"
    rows = rows_of(demo_store)
    rechain(demo_store, rewrite_a_middle_row(rows))
    (head,) = queries.verify_audit(uow=demo_store.uow(), team=DEMO_TEAM)
    forged = Checkpoint(**{**checkpoint.as_dict(), "hash": anchoring.head(uow=demo_store.uow(), team=DEMO_TEAM).hash})
    assert head.ok and "signature does not match its contents" in check(demo_store, forged).problem
