"""Teams and their charters: adopt at ``remit init``; change only through a ``charter`` decision."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ScalarSelect, bindparam, func, select

from remit.charter import Charter, parse_charter
from remit.charter.events import CharterAdopted
from remit.charter.tables import CHARTER_VERSIONS, CharterVersionRow, PersonRow
from remit.kernel import audit
from remit.kernel.audit_kinds import AuditKind
from remit.kernel.errors import Conflict, InvalidInput, NotFound
from remit.kernel.tables import TEAMS, AuditRow, TeamRow
from remit.kernel.uow import TeamRef, UnitOfWork

CHARTERS_KEPT = 4096  # parsed charters a process keeps: more than an organisation has teams


@functools.lru_cache(maxsize=CHARTERS_KEPT)
def charter_from_text(text: str) -> Charter:
    """Parsing is pure, so an adopted version is parsed once per process. Every request reads its team's
    charter (who is calling, in which roles), so the cache holds every team's: at 128, 200 teams took
    turns evicting each other and a third of the requests parsed TOML (bench/org_scale.py)."""
    return parse_charter(text, "adopted charter")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Adopted:
    team: str
    version: int
    sha256: str
    people: int


def init_team(*, uow: UnitOfWork, text: str, source: str) -> Adopted:
    """Create the team and adopt its first charter, recorded as the first entry of its audit chain."""
    charter = parse_charter(text, source)
    with uow:
        if uow.session.scalars(select(TeamRow).where(TeamRow.name == charter.name)).first():
            raise Conflict(
                f"team '{charter.name}' already exists in this database",
                hint="change its charter with `remit charter propose`, or use another --database",
            )
        team = TeamRow(name=charter.name, created_at=uow.now, audit_seq=0, audit_head="", decision_seq=0)
        uow.session.add(team)
        uow.session.flush()
        adopted = adopt_charter(uow=uow, team=team, text=text, actor="remit init", decision_id=None)
        uow.commit()
    return adopted


def adopt_charter(*, uow: UnitOfWork, team: TeamRef, text: str, actor: str, decision_id: int | None) -> Adopted:
    """Store a new charter version and bring the roster in line with it (inside the caller's transaction)."""
    charter = parse_charter(text, "proposed charter")
    if charter.name != team.name:
        raise InvalidInput(
            f"the charter is for team '{charter.name}', not '{team.name}'",
            hint="a charter change cannot rename or move a team: keep [team] name as it is",
        )
    last = uow.session.scalar(select(func.max(CharterVersionRow.version)).where(CharterVersionRow.team_id == team.id))
    version = (last or 0) + 1
    digest = sha256(text)
    uow.session.add(
        CharterVersionRow(
            team_id=team.id, version=version, text=text, sha256=digest, adopted_at=uow.now, decision_id=decision_id
        )
    )
    rows = {row.handle: row for row in uow.session.scalars(select(PersonRow).where(PersonRow.team_id == team.id))}
    for handle, person in charter.people.items():
        row = rows.get(handle)
        if row is None:
            uow.session.add(PersonRow(team_id=team.id, handle=handle, name=person.name, active=True))
        else:
            row.name, row.active = person.name, True
    for handle, row in rows.items():
        if handle not in charter.people:
            row.active = False
    names = {handle: person.name for handle, person in sorted(charter.people.items())}
    adopted = CharterAdopted(version, digest, charter.preset, sorted(charter.people), names)
    uow.record(team, adopted, actor=actor, decision_id=decision_id)
    return Adopted(team.name, version, digest, len(charter.people))


_VOUCHED: set[tuple[str, int, int, str]] = set()  # (database, team id, version, sha256) found in the chain


@dataclass(frozen=True)
class Version:
    """An adopted charter version read as plain values (no ORM object): what the hot paths pass along."""

    id: int
    team_id: int
    version: int
    text: str
    sha256: str
    decision_id: int | None


class StoredVersion(Protocol):
    """What the integrity check reads of a charter version: a ``CharterVersionRow``, or a hot read's plain
    row of these columns."""

    @property
    def team_id(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def decision_id(self) -> int | None: ...


def trusted_charter(uow: UnitOfWork, row: StoredVersion) -> Charter:
    """The charter of an adopted version, refused unless its text matches the hash stored beside it *and* the
    hash its adoption entry in the audit chain recorded (an edit of the text and of the stored hash together
    is caught too). The chain's entry is looked up once per version per process."""
    digest = sha256(row.text)
    if digest != row.sha256:
        raise _edited(row, "does not match its recorded sha256")
    vouched = (str(uow.session.get_bind().engine.url), row.team_id, row.version, digest)
    if vouched not in _VOUCHED:
        if not _adoption_recorded(uow, row, digest):
            raise _edited(row, "is not the text its adoption entry in the audit chain recorded")
        _VOUCHED.add(vouched)
    return charter_from_text(row.text)


def _edited(row: StoredVersion, what: str) -> Conflict:
    return Conflict(
        f"charter version {row.version} {what}: it was changed outside Remit",
        hint="run `remit audit verify`; restore the version from the team's repository or a backup",
    )


def _adoption_recorded(uow: UnitOfWork, row: StoredVersion, digest: str) -> bool:
    """Whether an intact ``CharterAdopted`` entry of the team's chain records this version with this hash.
    The entry is found by the adopting decision (indexed), or among the team's first entries for the version
    ``remit init`` adopted."""
    query = select(AuditRow).where(AuditRow.team_id == row.team_id, AuditRow.kind == AuditKind.CHARTER_ADOPTED.value)
    if row.decision_id is None:
        query = query.where(AuditRow.decision_id.is_(None)).order_by(AuditRow.seq).limit(1)
    else:
        query = query.where(AuditRow.decision_id == row.decision_id)
    team_name = uow.session.get_one(TeamRow, row.team_id).name
    for entry in uow.session.scalars(query):
        payload = json.loads(entry.payload)
        if payload.get("version") != row.version or payload.get("sha256") != digest:
            continue
        if audit.intact(team_name, entry):
            return True
    return False


def on_roster(uow: UnitOfWork, team: str, handle: str) -> tuple[TeamRow, PersonRow]:
    """The team (not locked) and ``handle``'s row, active on its roster, or ``NotFound``: whose credentials or
    settings a person's own action changes."""
    team_row = uow.team(team, lock=False)
    person = uow.session.scalars(
        select(PersonRow).where(PersonRow.team_id == team_row.id, PersonRow.handle == handle)
    ).one_or_none()
    if person is None or not person.active:
        raise NotFound(f"nobody called '{handle}' is on team {team}'s roster")
    return team_row, person


def newest_version_id() -> ScalarSelect[int]:
    """The id of the current charter version of the team a statement selects from ``teams`` (a correlated
    subquery: one statement reads a team and its current charter). Built on the tables, so a Core statement
    that embeds it stays Core."""
    return (
        select(CHARTER_VERSIONS.c.id)
        .where(CHARTER_VERSIONS.c.team_id == TEAMS.c.id)
        .order_by(CHARTER_VERSIONS.c.version.desc())
        .limit(1)
        .correlate(TEAMS)
        .scalar_subquery()
    )


_CURRENT = (  # built once: each call only binds the team
    select(CharterVersionRow)
    .where(CharterVersionRow.team_id == bindparam("team_id"))
    .order_by(CharterVersionRow.version.desc())
    .limit(1)
)


def current_version(uow: UnitOfWork, team: TeamRef) -> CharterVersionRow:
    return uow.session.scalars(_CURRENT, {"team_id": team.id}).one()


@dataclass(frozen=True)
class CharterStatus:
    team: str
    version: int
    sha256: str
    adopted_at: str
    text: str
    file_matches: bool | None


def charter_status(*, uow: UnitOfWork, team: str, file_text: str | None = None) -> CharterStatus:
    with uow.reading():
        row = current_version(uow, uow.team(team, lock=False))
        trusted_charter(uow, row)  # an edited version is refused, not shown as the team's charter
        matches = None if file_text is None else sha256(file_text) == row.sha256
        return CharterStatus(team, row.version, row.sha256, row.adopted_at.isoformat(), row.text, matches)


def version_text(*, uow: UnitOfWork, team: str, version: int) -> str:
    with uow.reading():
        team_row = uow.team(team, lock=False)
        row = uow.session.scalars(
            select(CharterVersionRow).where(
                CharterVersionRow.team_id == team_row.id, CharterVersionRow.version == version
            )
        ).one_or_none()
        if row is None:
            latest = current_version(uow, team_row).version
            raise NotFound(f"team {team} has no charter version {version}", hint=f"its versions are 1 to {latest}")
        return row.text


def team_names(*, uow: UnitOfWork) -> list[str]:
    """The teams in this database (the sign-in form fills the team in when there is only one)."""
    with uow.reading():
        return list(uow.session.scalars(select(TeamRow.name).order_by(TeamRow.name)))
