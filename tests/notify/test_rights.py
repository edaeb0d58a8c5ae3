"""Who may see and re-queue the team's deliveries, in every preset and role: the page offers it (the
settings' ``may_manage``) exactly when the handler accepts a retry, and exactly for a key holder of the
charter or team-process domain; a refused retry is a boundary crossing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from remit import capabilities  # noqa: F401 - registers the handlers
from remit.charter import ROLES, Person, Right, load_preset, preset_names, teams
from remit.charter.render import render_charter
from remit.charter.tables import CrossingRow
from remit.kernel.commands import act
from remit.kernel.errors import RightsRefused
from remit.kernel.messages import Message
from remit.kernel.uow import Store
from remit.notify import handlers, outbox
from remit.notify.commands import RetryDelivery
from remit.notify.tables import DeliveryRow

TEAM = "matrix"


@pytest.mark.parametrize("preset", preset_names())
def test_the_deliveries_are_offered_exactly_to_whom_a_retry_is_allowed(preset: str, tmp_path: Path) -> None:
    base = load_preset(preset)
    people = {role: Person(role, role, (role,), notify=("json://127.0.0.1:9/x",)) for role in ROLES}
    store = Store.open(f"sqlite:///{tmp_path / 'matrix.db'}", migrate=True)
    try:
        teams.init_team(
            uow=store.uow(),
            text=render_charter(replace(base, name=TEAM, preset=preset, people=people), team=TEAM),
            source="t",
        )
        with store.uow() as uow:
            team = uow.team(TEAM)
            for role in ROLES:
                uow.tell(team, Message(topic="other.news", subject=role, lines=(), link="/", to=role))
            uow.commit()
        outbox.expand(store.uow())
        with store.uow() as uow:
            for row in uow.session.scalars(select(DeliveryRow)):
                row.state = "dead"
            ids = list(uow.session.scalars(select(DeliveryRow.id).order_by(DeliveryRow.id)))
            uow.commit()
        mismatches, allowed = [], set()
        for role, delivery in zip(ROLES, ids, strict=True):
            keys = [
                name
                for name in ("charter", "team-process")
                if (rights := base.domain(name)) and (grant := rights.grant(role)) and grant.right is Right.DECIDE
            ]
            offered = handlers.my_settings(uow=store.uow(), team=TEAM, handle=role).may_manage
            try:
                act(store, TEAM, role, RetryDelivery(delivery_id=delivery))
                took = True
            except RightsRefused:
                took = False
            if not offered == took == bool(keys):
                mismatches.append(f"{role}: offered={offered} accepted={took} keys={keys}")
            if took:
                allowed.add(role)
        assert mismatches == []
        assert allowed, "someone can keep the team's notifications running"
        with store.sessions() as session:
            refused = session.scalars(select(CrossingRow.action)).all()
        assert refused == ["manage-deliveries"] * (len(ROLES) - len(allowed))
    finally:
        store.close()
