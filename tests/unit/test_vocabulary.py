"""The closed vocabularies are enums in the domain, and each says what the rest of Remit relies on."""

from __future__ import annotations

import pytest

from remit.charter import BASES, Basis, load_preset
from remit.charter.model import BASIS_NAME
from remit.decisions.model import State
from remit.decisions.notices import NoticeEvent
from remit.decisions.waiting import WaitKind, waits_of
from remit.kernel.audit_kinds import AuditKind


def test_the_standard_bases_are_the_basis_enum_and_every_charter_starts_with_them():
    assert BASES == ("business", "market", "technical", "safety")
    assert set(BASES) == set(Basis)
    assert load_preset("default").bases >= set(Basis)


@pytest.mark.parametrize("name", [*BASES, "legal", "data-privacy", "soc2", "x" * 50])
def test_a_basis_name_is_lowercase_letters_digits_and_dashes(name):
    assert BASIS_NAME.fullmatch(name)


@pytest.mark.parametrize("name", ["", "Legal", "legal risk", "-legal", "légal", "legal_risk", "x" * 51])
def test_anything_else_is_not_a_basis_name(name):
    assert not BASIS_NAME.fullmatch(name)


def test_a_notice_tells_of_the_opening_or_of_the_state_the_decision_moved_to():
    assert set(NoticeEvent) == {"opened", *State}


def test_every_wait_has_a_kind_from_the_enum():
    open_waits = waits_of(
        State.OPEN,
        {"waiting_on": {"roles": ["em"], "evidence_from": {"load-test": "em"}, "consults": ["designer"]}},
    )
    blocked_waits = waits_of(State.BLOCKED, {"blocked_by": [{"role": "em", "person": "ezra", "basis": "technical"}]})

    assert [wait.kind for wait in open_waits + blocked_waits] == [
        WaitKind.GO,
        WaitKind.EVIDENCE,
        WaitKind.CONSULT,
        WaitKind.BLOCKER,
    ]


def test_audit_kinds_are_past_tense_event_names():
    assert all(kind.value[0].isupper() and kind.value.isalnum() for kind in AuditKind)
    assert len({kind.value for kind in AuditKind}) == len(AuditKind)


def test_the_migrations_check_every_audit_kind_and_nothing_else():
    from remit.kernel.db import head_revision
    from remit.kernel.migrations import kinds

    every = [kind for added in kinds.ADDED.values() for kind in added]
    assert len(every) == len(set(every)), "a kind is added by two revisions"
    assert set(kinds.kinds_at(head_revision())) == {kind.value for kind in AuditKind}
    assert list(kinds.ADDED) == sorted(kinds.ADDED) and max(kinds.ADDED) <= head_revision()


def test_every_event_class_is_an_audit_kind_and_every_kind_an_event():
    from remit import capabilities  # noqa: F401 - every capability's events are defined on import
    from remit.kernel.audit_kinds import AuditKind
    from remit.kernel.events import Event

    assert set(Event.kinds) == {kind.value for kind in AuditKind}
