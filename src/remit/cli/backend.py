"""The one seam between the commands and where the team's data lives.

A command parses its options, asks the context's ``Backend`` to act, and renders the plain dicts it gets
back: the same dicts (the API's JSON bodies) whether ``LocalBackend`` called the services on a database or
``RemoteBackend`` (``remote.py``) asked the team's server. So the output, ``--json`` included, is the same.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from remit.errors import InvalidInput, NotFound
from remit.integrations import madr
from remit.services import charters, decisions, queries, queue, rules, teams
from remit.services.uow import UnitOfWork

if TYPE_CHECKING:
    from remit.cli.context import Context

Json = dict[str, Any]
SETTLED = ("approved", "withdrawn", "expired")


class Backend(Protocol):
    """What the commands can do to a team. Writes name the ``actor``, already checked by ``actor()``."""

    def actor(self, given: str | None) -> str:
        """Who acts: ``--as`` locally; the token's person on a server (``--as``, if given, must match)."""
        ...

    def open_decision(
        self,
        *,
        actor: str,
        domain: str,
        title: str,
        context: str,
        deadline: datetime | None,
        evidence: list[tuple[str, str]],
        role: str | None,
    ) -> Json: ...

    def record_position(
        self, *, actor: str, number: int, stance: str, reason: str, basis: str | None, role: str | None
    ) -> Json: ...

    def add_evidence(self, *, actor: str, number: int, name: str, text: str, role: str | None) -> Json: ...

    def amend_decision(self, *, actor: str, number: int, title: str | None, context: str, role: str | None) -> Json: ...

    def withdraw_decision(self, *, actor: str, number: int, reason: str) -> Json: ...

    def show_decision(self, number: int) -> Json: ...

    def list_decisions(self, *, state: str | None, domain: str | None, waiting_on: str | None) -> list[Json]:
        """Every matching decision (a server's pages are followed to the end)."""
        ...

    def madr_records(self) -> list[tuple[str, str]]:
        """(file name, MADR markdown) for every settled decision."""
        ...

    def add_rule(
        self, *, actor: str, domain: str, because: str, requires: list[str], go: list[str], origin: int | None
    ) -> Json: ...

    def list_rules(self, *, include_retired: bool) -> list[Json]: ...

    def retire_rule(self, *, actor: str, rule_id: int, because: str) -> Json: ...

    def charter_status(self, *, file_text: str | None) -> Json:
        """{team, version, sha256, adopted_at, file_matches}; file_matches is None without a file."""
        ...

    def propose_charter(
        self, *, actor: str, text: str, title: str | None, deadline: datetime | None, source: str
    ) -> Json: ...

    def audit_log(self, *, limit: int | None) -> list[Json]:
        """The newest ``limit`` entries (all without one), oldest first."""
        ...

    def verify_audit(self) -> list[Json]: ...

    def gate(self, number: int) -> Json:
        """{number, approved, reason}."""
        ...

    def queue(self, *, handle: str, limit: int, cursor: str | None) -> Json:
        """My queue; ``next_cursor`` is an opaque string to pass back as ``cursor``."""
        ...

    def close(self) -> None: ...


class LocalBackend:
    """The services, on the database named by --database."""

    def __init__(self, context: Context) -> None:
        self._context = context

    def _uow(self) -> UnitOfWork:
        return self._context.store().uow()

    @property
    def _team(self) -> str:
        return self._context.team

    def actor(self, given: str | None) -> str:
        if not given:
            raise InvalidInput("who acts? name yourself with --as HANDLE", hint="e.g. --as priya")
        return given

    def open_decision(
        self,
        *,
        actor: str,
        domain: str,
        title: str,
        context: str,
        deadline: datetime | None,
        evidence: list[tuple[str, str]],
        role: str | None,
    ) -> Json:
        return decisions.open_decision(
            uow=self._uow(),
            team=self._team,
            actor=actor,
            domain=domain,
            title=title,
            context=context,
            deadline=deadline,
            evidence=evidence,
            role=role,
        ).as_dict()

    def record_position(
        self, *, actor: str, number: int, stance: str, reason: str, basis: str | None, role: str | None
    ) -> Json:
        return decisions.record_position(
            uow=self._uow(),
            team=self._team,
            actor=actor,
            number=number,
            stance=stance,
            basis=basis,
            reason=reason,
            role=role,
        ).as_dict()

    def add_evidence(self, *, actor: str, number: int, name: str, text: str, role: str | None) -> Json:
        return decisions.add_evidence(
            uow=self._uow(), team=self._team, actor=actor, number=number, name=name, text=text, role=role
        ).as_dict()

    def amend_decision(self, *, actor: str, number: int, title: str | None, context: str, role: str | None) -> Json:
        return decisions.amend_decision(
            uow=self._uow(), team=self._team, actor=actor, number=number, title=title, context=context, role=role
        ).as_dict()

    def withdraw_decision(self, *, actor: str, number: int, reason: str) -> Json:
        return decisions.withdraw_decision(
            uow=self._uow(), team=self._team, actor=actor, number=number, reason=reason
        ).as_dict()

    def show_decision(self, number: int) -> Json:
        return queries.show_decision(uow=self._uow(), team=self._team, number=number).as_dict()

    def list_decisions(self, *, state: str | None, domain: str | None, waiting_on: str | None) -> list[Json]:
        found = queries.list_decisions(
            uow=self._uow(), team=self._team, state=state, domain=domain, waiting_on=waiting_on
        )
        return [summary.as_dict() for summary in found]

    def madr_records(self) -> list[tuple[str, str]]:
        settled = [s for s in self.list_decisions(state=None, domain=None, waiting_on=None) if s["state"] in SETTLED]
        views = [self.show_decision(summary["number"]) for summary in settled]
        return [(madr.filename(view), madr.render(view)) for view in views]

    def add_rule(
        self, *, actor: str, domain: str, because: str, requires: list[str], go: list[str], origin: int | None
    ) -> Json:
        return rules.add_rule(
            uow=self._uow(),
            team=self._team,
            actor=actor,
            domain=domain,
            because=because,
            requires=requires,
            go=go,
            origin=origin,
        ).as_dict()

    def list_rules(self, *, include_retired: bool) -> list[Json]:
        views = rules.list_rules(uow=self._uow(), team=self._team, include_retired=include_retired)
        return [view.as_dict() for view in views]

    def retire_rule(self, *, actor: str, rule_id: int, because: str) -> Json:
        return rules.retire_rule(
            uow=self._uow(), team=self._team, actor=actor, rule_id=rule_id, because=because
        ).as_dict()

    def charter_status(self, *, file_text: str | None) -> Json:
        status = teams.charter_status(uow=self._uow(), team=self._team, file_text=file_text)
        return {
            "team": status.team,
            "version": status.version,
            "sha256": status.sha256,
            "adopted_at": status.adopted_at,
            "file_matches": status.file_matches,
        }

    def propose_charter(
        self, *, actor: str, text: str, title: str | None, deadline: datetime | None, source: str
    ) -> Json:
        return charters.propose_charter(
            uow=self._uow(), team=self._team, actor=actor, text=text, title=title, deadline=deadline, source=source
        ).as_dict()

    def audit_log(self, *, limit: int | None) -> list[Json]:
        return [entry.as_dict() for entry in queries.audit_log(uow=self._uow(), team=self._team, limit=limit)]

    def verify_audit(self) -> list[Json]:
        reports = queries.verify_audit(uow=self._uow(), team=self._context.team_name)
        return [dataclasses.asdict(report) for report in reports]

    def gate(self, number: int) -> Json:
        return queries.gate(uow=self._uow(), team=self._team, number=number).as_dict()

    def queue(self, *, handle: str, limit: int, cursor: str | None) -> Json:
        status = teams.charter_status(uow=self._uow(), team=self._team)
        roster = teams.charter_from_text(status.text).people
        if handle not in roster:
            raise NotFound(
                f"nobody called '{handle}' is on team {self._team}'s roster", hint=f"people: {', '.join(roster)}"
            )
        before = None
        if cursor is not None:
            if not cursor.isdigit():
                raise InvalidInput(f"'{cursor}' is not a cursor this command gave out", hint="pass back next_cursor")
            before = int(cursor)
        body = queue.my_queue(uow=self._uow(), team=self._team, handle=handle, limit=limit, before=before).as_dict()
        body["next_cursor"] = None if body["next_cursor"] is None else str(body["next_cursor"])
        return body

    def close(self) -> None:
        """The context closes the store."""
