"""Who is calling: passwords (argon2id), web sessions and one-time sign-in links (API tokens: ``tokens``).

A person is a member of one team's roster (``PersonRow``); every identity is that person, so whatever they
do through the web or the API is done as themselves and checked against their roles in the charter.
Secrets are never stored: passwords as argon2id hashes; session, link and API tokens (256 random bits,
so a fast hash is enough and lets us look them up) as SHA-256 digests. Tokens are shown once.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from remit.charter.abilities import opens_in, roles_allowed
from remit.charter.rights import Action
from remit.charter.tables import PersonRow
from remit.charter.teams import charter_from_text, current_version, on_roster
from remit.identity import failures
from remit.identity.commands import ChangePassword, EndSessions
from remit.identity.events import Failure, LoginLinkIssued, PasswordSet, SessionsEnded, SignInFailed
from remit.identity.tables import CredentialRow, LoginLinkRow, WebSessionRow
from remit.identity.throttle import SignInLimits
from remit.identity.views import EndedSessions
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import InvalidInput, NotAuthenticated
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

HASHER = PasswordHasher()
log = logging.getLogger("remit.identity")

MIN_PASSWORD = 10
SESSION_TTL = timedelta(hours=12)
LINK_TTL = timedelta(minutes=30)
EVERYWHERE = "signed out everywhere"
TOKEN_PREFIX = "remit_"  # noqa: S105 - a prefix that marks a token in logs, not a secret


@functools.cache
def _dummy() -> str:
    """A hash to verify against when the person is unknown (same cost as a real miss). Made on first use, not
    at import: argon2 takes a noticeable moment and 64 MiB, and every CLI command and server worker imports this."""
    return HASHER.hash("remit: a password nobody has")


@dataclass(frozen=True)
class Identity:
    person_id: int
    team: str
    handle: str
    name: str
    roles: tuple[str, ...]
    csrf: str = ""  # web sessions only
    session_id: int | None = None  # web sessions only
    may_open: bool = False  # may open a decision in some domain (the pages offer "Open a decision")
    team_time_zone: str = "UTC"  # the team's, from its charter
    own_time_zone: str | None = None  # their own choice, if they made one
    may_manage_status: bool = False  # may manage the status page's components and maintenance (the nav's link)

    @property
    def time_zone(self) -> str:
        """The zone they read and write times in: their own choice, else the team's."""
        return self.own_time_zone or self.team_time_zone

    @property
    def acting(self) -> Caller:
        """Who the commands they send act as."""
        return Caller(self.team, self.handle)

    def as_dict(self) -> dict[str, object]:
        return {
            "team": self.team,
            "handle": self.handle,
            "name": self.name,
            "roles": list(self.roles),
            "time_zone": self.time_zone,
            "own_time_zone": self.own_time_zone,
        }


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf: str
    expires_at: datetime
    identity: Identity


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_person = on_roster  # the person whose credentials an action changes


def _identity(uow: UnitOfWork, person: PersonRow, csrf: str = "", session_id: int | None = None) -> Identity:
    team = uow.session.get_one(TeamRow, person.team_id)
    charter_text = current_version(uow, team).text
    return identity_of(
        charter_text, team.name, person.id, person.handle, person.name, person.time_zone, csrf, session_id
    )


def identity_of(
    charter_text: str,
    team: str,
    person_id: int,
    handle: str,
    name: str,
    own_time_zone: str | None,
    csrf: str = "",
    session_id: int | None = None,
) -> Identity:
    """A person's identity from their team's current charter (parsed once per version per process)."""
    charter = charter_from_text(charter_text)
    member = charter.person(handle)
    roles = tuple(member.roles) if member is not None else ()
    may_open = bool(opens_in(charter, handle))  # the rights table, on the charter already read
    zones = (charter.time_zone, own_time_zone)
    response = charter.domain("incident-response")
    manages = response is not None and bool(roles_allowed(charter, response, handle, Action.MANAGE_MAINTENANCE))
    return Identity(person_id, team, handle, name, roles, csrf, session_id, may_open, *zones, manages)


def _check_length(password: str, what: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"the {what} is {len(password)} characters long; use at least {MIN_PASSWORD}")


def _verified(stored: str | None, password: str) -> bool:
    """argon2 verification, costly by design: always called outside any transaction and the writers' lock.
    With no stored hash it verifies against a dummy, so a miss costs the same whoever was named."""
    try:
        HASHER.verify(stored or _dummy(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


def set_password(*, uow: UnitOfWork, team: str, handle: str, password: str) -> None:
    """Set a person's password (by whoever runs the server's database): every web session of theirs ends."""
    _check_length(password)
    hashed = HASHER.hash(password)  # before the transaction: argon2 never runs inside the writers' lock
    with uow:
        team_row, person = _person(uow, team, handle)
        row = uow.session.get(CredentialRow, person.id)
        if row is None:
            uow.session.add(CredentialRow(person_id=person.id, password_hash=hashed, updated_at=uow.now))
        else:
            row.password_hash, row.updated_at = hashed, uow.now
        uow.record(team_row, PasswordSet(handle), actor=handle)
        _end_sessions(uow, team_row, person, "password set by the operator", actor="remit")
        uow.commit()


def _credential(uow: UnitOfWork, team: str, handle: str) -> tuple[PersonRow | None, str | None]:
    """The person on the roster and their password hash, read without taking any lock (None: nobody by that
    name, or no password)."""
    with uow.reading():
        person = uow.session.scalars(
            select(PersonRow)
            .join(TeamRow, TeamRow.id == PersonRow.team_id)
            .where(TeamRow.name == team, PersonRow.handle == handle, PersonRow.active.is_(True))
        ).one_or_none()
        credential = uow.session.get(CredentialRow, person.id) if person is not None else None
        return person, credential.password_hash if credential is not None else None


def _stored_hash(uow: UnitOfWork, team: str, handle: str) -> str | None:
    return _credential(uow, team, handle)[1]


def _credential_still(uow: UnitOfWork, team: str, handle: str, stored: str) -> tuple[TeamRow, PersonRow, CredentialRow]:
    """Inside the write: the credential that was verified, unchanged since (else the check is void)."""
    team_row, person = _person(uow, team, handle)
    row = uow.session.get(CredentialRow, person.id)
    if row is None or row.password_hash != stored:
        raise NotAuthenticated("the password changed while you were signing in", hint="try again")
    return team_row, person, row


@COMMANDS.handles(ChangePassword)
def change_password(uow: UnitOfWork, caller: Caller, command: ChangePassword) -> None:
    """A person changes their own password: the current one must be right, and still be the current one
    when the new hash is written."""
    team, handle, current, new = caller.team, caller.handle, command.current, command.new
    _check_length(new, "new password")
    stored = _stored_hash(uow, team, handle)
    if not _verified(stored, current) or stored is None:
        raise InvalidInput("the current password is wrong", hint="type the password you signed in with")
    hashed = HASHER.hash(new)
    with uow:
        team_row, person, row = _credential_still(uow, team, handle, stored)
        row.password_hash, row.updated_at = hashed, uow.now
        uow.record(team_row, PasswordSet(handle), actor=handle)
        _end_sessions(uow, team_row, person, "password changed", actor=handle, keep=command.keep_session)
        uow.commit()


def _end_sessions(
    uow: UnitOfWork, team: TeamRow, person: PersonRow, reason: str, *, actor: str, keep: int | None = None
) -> int:
    """End the person's open web sessions but ``keep`` (one of theirs, if it is); recorded when any ended."""
    ended = len(
        uow.session.scalars(
            update(WebSessionRow)
            .where(
                WebSessionRow.person_id == person.id,
                WebSessionRow.revoked_at.is_(None),
                WebSessionRow.expires_at > uow.now,
                WebSessionRow.id != (keep or 0),
            )
            .values(revoked_at=uow.now)
            .returning(WebSessionRow.id)
        ).all()
    )
    if ended or reason == EVERYWHERE:
        kept = 0 if keep is None else 1
        uow.record(team, SessionsEnded(person.handle, ended, kept, reason), actor=actor)
    return ended


@COMMANDS.handles(EndSessions)
def end_sessions(uow: UnitOfWork, caller: Caller, command: EndSessions) -> EndedSessions:
    """Sign out everywhere: every web session of the caller ends (only the caller's: there is no one else to
    name). API tokens are not sessions: they keep working until revoked."""
    with uow:
        team_row, person = _person(uow, caller.team, caller.handle)
        result = EndedSessions(_end_sessions(uow, team_row, person, EVERYWHERE, actor=caller.handle))
        uow.commit(result)
        return result


def _new_session(uow: UnitOfWork, person: PersonRow, ttl: timedelta) -> NewSession:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = uow.now + ttl
    row = WebSessionRow(
        token_hash=digest(token), person_id=person.id, csrf=csrf, created_at=uow.now, expires_at=expires
    )
    uow.session.add(row)
    uow.session.flush()
    return NewSession(token, csrf, expires, _identity(uow, person, csrf, row.id))


def _why(uow: UnitOfWork, team: str, handle: str) -> Failure:
    """Why a sign-in failed, for the record (the person is told one message whatever the cause)."""
    person, stored = _credential(uow, team, handle)
    if person is None:
        return Failure.UNKNOWN_PERSON
    return Failure.WRONG_PASSWORD if stored is not None else Failure.NO_PASSWORD


def sign_in(
    *,
    uow: UnitOfWork,
    limits: SignInLimits,
    address: str,
    team: str,
    handle: str,
    password: str,
    ttl: timedelta = SESSION_TTL,
) -> NewSession:
    """A new web session for the right handle and password; one message for every wrong combination. A full
    sign-in window (``limits``, per account and per client ``address``) refuses before any password is
    checked. The hash is read, then verified outside any transaction, then the session written: one client
    guessing passwords never holds up the team's writers. Every failure is recorded (``failures``)."""
    limited = limits.attempt(team, handle, address)
    if limited is not None:
        failures.refuse_limited(uow, limits, limited, team=team, handle=handle, address=address)
    stored = _stored_hash(uow, team, handle)
    if not _verified(stored, password) or stored is None:
        limits.failed(address)
        event = SignInFailed(failures.as_typed(handle), address, _why(uow, team, handle), "password")
        failures.record(uow, team, event)
        raise NotAuthenticated("wrong team, name or password", hint="ask your team for a sign-in link")
    limits.succeeded(team, handle)
    try:
        return _open_session(uow, team, handle, stored, password, ttl)
    except NotAuthenticated:  # the hash moved: another sign-in (on any server) may have rehashed this password
        again = _stored_hash(uow, team, handle)
        if again is None or again == stored or not _verified(again, password):
            raise
        return _open_session(uow, team, handle, again, password, ttl)


def _open_session(uow: UnitOfWork, team: str, handle: str, stored: str, password: str, ttl: timedelta) -> NewSession:
    """The session, if the verified hash is still the person's (rehashed first if its parameters are old)."""
    rehashed = HASHER.hash(password) if HASHER.check_needs_rehash(stored) else None
    with uow:
        _team_row, person, credential = _credential_still(uow, team, handle, stored)
        if rehashed is not None:
            credential.password_hash = rehashed
        session = _new_session(uow, person, ttl)
        uow.commit()
        return session


def session_identity(*, uow: UnitOfWork, token: str) -> Identity:
    with uow.reading():
        row = uow.session.scalars(select(WebSessionRow).where(WebSessionRow.token_hash == digest(token))).one_or_none()
        if row is None or row.revoked_at is not None or row.expires_at <= uow.now:
            raise NotAuthenticated("your session has ended", hint="sign in again")
        person = uow.session.get_one(PersonRow, row.person_id)
        if not person.active:
            raise NotAuthenticated("you are no longer on this team's roster")
        return _identity(uow, person, row.csrf, row.id)


def sign_out(*, uow: UnitOfWork, token: str) -> None:
    with uow:
        row = uow.session.scalars(select(WebSessionRow).where(WebSessionRow.token_hash == digest(token))).one_or_none()
        if row is not None and row.revoked_at is None:
            row.revoked_at = uow.now
            uow.commit()


def create_login_link(*, uow: UnitOfWork, team: str, handle: str, ttl: timedelta = LINK_TTL) -> str:
    """A one-time sign-in token (the path of the link is the caller's business)."""
    token = secrets.token_urlsafe(32)
    with uow:
        team_row, person = _person(uow, team, handle)
        uow.session.add(
            LoginLinkRow(token_hash=digest(token), person_id=person.id, created_at=uow.now, expires_at=uow.now + ttl)
        )
        uow.record(team_row, LoginLinkIssued(handle), actor="remit")
        uow.commit()
    return token


def use_login_link(
    *, uow: UnitOfWork, limits: SignInLimits, address: str, token: str, ttl: timedelta = SESSION_TTL
) -> NewSession:
    """Sign in with a one-time link. A link is a secret too: a failure counts against the client's address
    (a full window refuses before looking), and a spent link is recorded in its team's chain."""
    limited = limits.address_full(address)
    if limited is not None:
        raise limited.error()
    spent: tuple[str, str] | None = None  # (team, handle) of a link that is used up or expired
    with uow:
        row = uow.session.scalars(
            select(LoginLinkRow).where(LoginLinkRow.token_hash == digest(token)).with_for_update()
        ).one_or_none()
        person = uow.session.get_one(PersonRow, row.person_id) if row is not None else None
        if row is not None and person is not None and row.used_at is None and row.expires_at > uow.now:
            row.used_at = uow.now
            if not person.active:
                raise NotAuthenticated("you are no longer on this team's roster")
            session = _new_session(uow, person, ttl)
            uow.commit()
            return session
        if person is not None:
            spent = (uow.session.get_one(TeamRow, person.team_id).name, person.handle)
    limits.failed(address)
    if spent is None:
        log.warning("sign-in link refused: no such link", extra={"address": address})
    else:
        failures.record(uow, spent[0], SignInFailed(spent[1], address, Failure.LINK_SPENT, "link"))
    raise NotAuthenticated("this sign-in link is used up or has expired", hint="ask for a new one")
