"""The CLI's local backend: where the team's data lives when there is no --server.

A CLI command parses its options, asks the context's ``Backend`` to act, and renders the plain dicts it
gets back: the same dicts (the API's JSON bodies) whether ``LocalBackend`` dispatched the command and called
the queries on a database, or ``RemoteBackend`` (``remote.py``) posted it to the team's server. So the
output, ``--json`` included, is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from remit.charter import teams
from remit.cli.context import SETTLED, Json
from remit.decisions import madr, queries
from remit.kernel.errors import InvalidInput, NotFound

SEARCHED = ("q", "label", "component", "customer", "status")

if TYPE_CHECKING:
    from remit.kernel.commands import Command
    from remit.kernel.uow import Store, UnitOfWork


class LocalBackend:
    """The handlers and queries, on the database named by --database."""

    def __init__(self, store: Callable[[], Store], team: Callable[[], str], team_name: str | None) -> None:
        self._store = store  # opened on first use
        self._team_of = team  # read on first use (--team, REMIT_TEAM, or the charter file)
        self._team_name = team_name  # as given: audit verify checks every team without one

    def _uow(self) -> UnitOfWork:
        return self._store().uow()

    @property
    def _team(self) -> str:
        return self._team_of()

    def actor(self, given: str | None) -> str:
        if not given:
            raise InvalidInput("who acts? name yourself with --as HANDLE", hint="e.g. --as priya")
        return given

    def act(self, actor: str, command: Command[Any]) -> Json:
        from remit import capabilities  # noqa: F401 - registers the handlers the commands dispatch to
        from remit.kernel.commands import COMMANDS, Caller, as_json

        result: Json = as_json(COMMANDS.dispatch(self._store(), Caller(self._team, actor), command))
        return result

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

    def export_json(self) -> Iterator[bytes]:
        from remit.audit import export

        return _utf8(export.json_document(uow=self._uow(), team=self._team))

    def export_csv(self, table: str) -> Iterator[bytes]:
        from remit.audit import export
        from remit.audit.export_records import Table

        return _utf8(export.csv_table(uow=self._uow(), team=self._team, table=Table(table)))

    def list_rules(self, *, include_retired: bool) -> list[Json]:
        from remit.decisions import rules  # with the handlers it registers (pydantic): not for the gate

        views = rules.list_rules(uow=self._uow(), team=self._team, include_retired=include_retired)
        return [view.as_dict() for view in views]

    def charter_status(self, *, file_text: str | None) -> Json:
        status = teams.charter_status(uow=self._uow(), team=self._team, file_text=file_text)
        return {
            "team": status.team,
            "version": status.version,
            "sha256": status.sha256,
            "adopted_at": status.adopted_at,
            "file_matches": status.file_matches,
        }

    def audit_log(self, *, limit: int | None) -> list[Json]:
        return [entry.as_dict() for entry in queries.audit_log(uow=self._uow(), team=self._team, limit=limit)]

    def verify_audit(self) -> list[Json]:
        from remit import capabilities  # noqa: F401 - registers the projectors that replay every capability
        from remit.audit import replay

        return [report.as_dict() for report in replay.verify(uow=self._uow(), team=self._team_name)]

    def checkpoint(self) -> Json:
        from remit.audit import anchoring, keys  # cryptography: only for the commands that sign or check

        return anchoring.take(uow=self._uow(), team=self._team, key=keys.load()).as_dict()

    def check_checkpoint(self, checkpoint: Json, source: str, public_key: str | None) -> Json:
        from remit.audit import anchoring, checkpoints, keys

        if public_key is not None:
            public = keys.parse_public(public_key, "--public-key")
        else:
            try:
                public = keys.load().public
            except NotFound as missing:
                raise NotFound(missing.message, hint="check with the server's public key: --public-key FILE") from None
        kept = checkpoints.parse(checkpoint, source)
        return anchoring.check(uow=self._uow(), team=self._team, checkpoint=kept, public=public).as_dict()

    def gate(self, number: int) -> Json:
        return queries.gate(uow=self._uow(), team=self._team, number=number).as_dict()

    def queue(self, *, handle: str, limit: int, cursor: str | None) -> Json:
        from remit.decisions import queue

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

    def show_incident(self, number: int) -> Json:
        from remit.incidents import queries as incidents

        return incidents.show_incident(uow=self._uow(), team=self._team, number=number).as_dict()

    def list_incidents(self, *, open_only: bool) -> list[Json]:
        from remit.incidents import queries as incidents

        found = incidents.list_incidents(uow=self._uow(), team=self._team, open_only=open_only)
        return [summary.as_dict() for summary in found]

    def incident_concerns(self, *, handle: str) -> list[Json]:
        from remit.incidents import queries as incidents

        return [item.as_dict() for item in incidents.concerns(uow=self._uow(), team=self._team, handle=handle)]

    def bugs(self, asked: Json) -> Json:
        from remit.tracker import board as tracker_board

        found = tracker_board.board(
            uow=self._uow(),
            team=self._team,
            search=tracker_board.Search(
                **{name: asked.get(name) or "" for name in SEARCHED}, incident=asked.get("incident") or None
            ),
            limit=int(asked.get("limit") or tracker_board.PAGE),
        )
        return found.as_dict()

    def status_board(self) -> Json:
        from remit.status import board

        return board.manage_view(uow=self._uow(), team=self._team, handle=None).as_dict()

    def close(self) -> None:
        """The context closes the store."""


def _utf8(pieces: Iterator[str]) -> Iterator[bytes]:
    return (piece.encode("utf-8") for piece in pieces)
