"""What a page offers is exactly what the handler accepts: every command × every role × every preset.

One person per role (so a role's rights are all a person has). For each domain: each person tries to open
a decision; then, on a decision its first decider opened, each person tries to take a position, add
evidence, amend and withdraw. The page's abilities (read from the rights table) must have offered the
action exactly when the handler (which checks the same table) accepted it. Run on SQLite: the question is
the rights, not the database.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from remit import capabilities  # noqa: F401 - registers the handlers
from remit.charter import CHARTER_DOMAIN, ROLES, Person, load_preset, preset_names, teams
from remit.charter import abilities as charter_abilities
from remit.charter.render import render_charter
from remit.decisions import abilities
from remit.decisions.commands import (
    AddEvidence,
    AmendDecision,
    OpenDecision,
    ProposeCharter,
    RecordPosition,
    WithdrawDecision,
)
from remit.decisions.model import Stance
from remit.integrations.issues import Source
from remit.kernel.commands import Command, act
from remit.kernel.errors import RightsRefused
from remit.kernel.uow import Store
from remit.tracker import board
from remit.tracker.commands import ImportIssues, PublishBoard

TEAM = "matrix"


class Matrix:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.mismatches: list[str] = []

    def check(self, offered: bool, handle: str, command: Command[Any], what: str) -> None:
        """``handle`` sends ``command``: it must be accepted exactly when the page offered it."""
        try:
            act(self.store, TEAM, handle, command)
            took = True
        except RightsRefused:
            took = False
        if offered != took:
            self.mismatches.append(f"{what}: offered={offered} accepted={took}")


@pytest.mark.parametrize("preset", preset_names())
def test_what_a_page_offers_is_what_the_handler_accepts(preset: str, tmp_path: Path) -> None:
    base = load_preset(preset)
    people = {role: Person(role, role, (role,)) for role in ROLES}
    text = render_charter(replace(base, name=TEAM, preset=preset, people=people), team=TEAM)
    store = Store.open(f"sqlite:///{tmp_path / 'matrix.db'}", migrate=True)
    matrix = Matrix(store)
    try:
        teams.init_team(uow=store.uow(), text=text, source="matrix")
        charter = teams.charter_from_text(text)
        for handle in ROLES:
            can = charter_abilities.open_abilities(uow=store.uow(), team=TEAM, handle=handle)
            offered = {name for name, _about in can.domains}
            for domain in charter.domains:
                if domain == CHARTER_DOMAIN:
                    proposal = ProposeCharter(text=text + f"\n# proposed by {handle}\n")
                    matrix.check(can.propose_charter, handle, proposal, f"{handle} proposes")
                    continue
                opening = OpenDecision(domain=domain, title=f"{handle} opens")
                matrix.check(domain in offered, handle, opening, f"{handle} opens {domain}")
        for domain, rights in charter.domains.items():
            if domain == CHARTER_DOMAIN:
                continue
            proposer = rights.deciders[0]
            number = act(store, TEAM, proposer, OpenDecision(domain=domain, title="the matrix")).number
            for handle in ROLES:
                can = abilities.decision_abilities(uow=store.uow(), team=TEAM, handle=handle, number=number)
                at = f"{handle} on {preset}/{domain}"
                position = RecordPosition(number=number, stance=Stance.ABSTAIN, reason="heard")
                matrix.check(can.position, handle, position, f"{at}: position")
                evidence = AddEvidence(number=number, name=f"note-{handle}", text="seen")
                matrix.check(can.evidence, handle, evidence, f"{at}: evidence")
                amend = AmendDecision(number=number, role=can.amend_role)
                matrix.check(can.amend, handle, amend, f"{at}: amend")
                if handle != proposer:
                    withdraw = WithdrawDecision(number=number)
                    matrix.check(can.withdraw, handle, withdraw, f"{at}: withdraw")
            can = abilities.decision_abilities(uow=store.uow(), team=TEAM, handle=proposer, number=number)
            withdraw = WithdrawDecision(number=number)
            matrix.check(can.withdraw, proposer, withdraw, f"{proposer} withdraws")
        for handle in ROLES:  # the bug board: the page offers import and publish exactly when they are taken
            can_board = board.abilities(uow=store.uow(), team=TEAM, handle=handle)
            issues = ImportIssues(tracker=Source.JIRA, origin=f"{handle}'s export")
            matrix.check(can_board.can_import, handle, issues, f"{handle} on {preset}: import issues")
            publish = PublishBoard(published=handle != "stakeholder")
            matrix.check(can_board.can_publish, handle, publish, f"{handle} on {preset}: publish the board")
    finally:
        store.close()
    assert matrix.mismatches == []
