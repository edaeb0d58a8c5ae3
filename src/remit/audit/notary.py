"""The server's checkpoints: one after every settled decision (an after-commit subscriber) and, when a chain
head has moved, on a schedule, written to the checkpoint directory as ``<team>/<seq>.json`` and
``<team>/latest.json``. The last ``keep`` per team are kept: the latest anchors every entry before it, so
older ones add nothing a kept copy of the latest does not (they are for the copies kept elsewhere). A head
whose chain no longer holds the latest checkpoint here is not signed: the server does not vouch for a
rewrite of what it signed before."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from remit.audit import anchoring, checkpoints
from remit.audit.checkpoints import Checkpoint
from remit.audit.keys import SigningKey
from remit.kernel.errors import Conflict, RemitError
from remit.kernel.events import Recorded
from remit.kernel.singleton import one_process
from remit.kernel.tables import TeamRow
from remit.kernel.uow import Store

log = logging.getLogger("remit.checkpoints")
LATEST = "latest.json"
SAFE = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")


def folder_name(team: str) -> str:
    """A team's folder: its name, or (for a name a file system might not take as it is) a digest of it."""
    return team if SAFE.fullmatch(team) else "team-" + hashlib.sha256(team.encode()).hexdigest()[:16]


class Notary:
    """Signs ``store``'s chain heads with ``key`` and keeps them in ``directory`` (None: sign, keep nothing)."""

    def __init__(self, store: Store, key: SigningKey, directory: Path | None, keep: int = 1000) -> None:
        self.store, self.key, self.directory, self.keep = store, key, directory, max(1, keep)

    def latest(self, team: str) -> Checkpoint | None:
        if self.directory is None:
            return None
        path = self.directory / folder_name(team) / LATEST
        try:
            return checkpoints.read(path)
        except RemitError:  # none yet, or unreadable: the next one replaces it
            return None

    def current(self, team: str) -> Checkpoint:
        """The latest checkpoint of ``team``, signed now if there is none of its current head. One server
        process at a time per team (they may share the directory): the head is read, signed and kept under
        the team's lock, so a slower process never replaces a newer ``latest.json`` with an older head."""
        with one_process(self.store.engine, f"checkpoint {team}", wait=True):
            return self._current(team)

    def _current(self, team: str) -> Checkpoint:
        head = anchoring.head(uow=self.store.uow(), team=team)
        kept = self.latest(team)
        if kept is not None and (kept.seq, kept.hash, kept.key_id) == (head.seq, head.hash, self.key.id):
            return kept
        if kept is not None and kept.key_id == self.key.id:  # never sign over a rewrite of what we signed
            report = anchoring.check(uow=self.store.uow(), team=team, checkpoint=kept, public=self.key.public)
            if not report.ok:
                log.error(
                    "the chain no longer holds the latest checkpoint", extra={"team": team, "problem": report.problem}
                )
                raise Conflict(
                    f"team {team}'s chain no longer holds this server's latest checkpoint (entry {kept.seq}): "
                    f"{report.problem}",
                    hint="the audit log was rewritten in the database; nothing new is signed until it is restored",
                )
        checkpoint = anchoring.take(uow=self.store.uow(), team=team, key=self.key)
        self._keep(checkpoint)
        return checkpoint

    def after_settled(self, store: Store, records: Sequence[Recorded]) -> None:
        """The bus subscriber: a checkpoint of each team a decision settled in (this server's store only)."""
        if store is not self.store:
            return
        for team in sorted({record.team for record in records}):
            self.current(team)

    def sweep(self) -> bool:
        """The schedule: a checkpoint of every team whose head moved since its latest one, by one server
        process at a time (False: another one was at it, this pass is skipped)."""
        with one_process(self.store.engine, "checkpoint sweep") as mine:
            if not mine:
                return False
            with self.store.uow().reading() as uow:
                names = list(uow.session.scalars(select(TeamRow.name).order_by(TeamRow.name)))
            for name in names:
                try:
                    self.current(name)
                except Exception:  # one team's failure must not stop the others'
                    log.exception("checkpoint failed", extra={"team": name})
            return True

    def _keep(self, checkpoint: Checkpoint) -> None:
        if self.directory is None:
            return
        folder = self.directory / folder_name(checkpoint.team)
        kept = self.latest(checkpoint.team)  # a process on a shared directory without the lock (SQLite) wrote
        newer = kept is not None and kept.key_id == checkpoint.key_id and kept.seq > checkpoint.seq
        for name in (f"{checkpoint.seq:010d}.json",) + (() if newer else (LATEST,)):  # latest never goes back
            checkpoints.save(checkpoint, folder / name)
        history = sorted(path for path in folder.glob("*.json") if path.name != LATEST)
        for old in history[: -self.keep]:
            with contextlib.suppress(FileNotFoundError):  # another worker pruned it first
                old.unlink()
        log.info("checkpoint written", extra={"team": checkpoint.team, "seq": checkpoint.seq})
