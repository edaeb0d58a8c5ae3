"""Who is calling: passwords (argon2id), web sessions, one-time sign-in links and API tokens.

A person is a member of one team's roster (``PersonRow``); every identity is that person, so whatever they
do through the web or the API is done as themselves and checked against their roles in the charter.
Secrets are never stored: passwords as argon2id hashes; session, link and API tokens (256 random bits,
so a fast hash is enough and lets us look them up) as SHA-256 digests. Tokens are shown once.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from remit.charter.tables import PersonRow
from remit.charter.teams import charter_from_text, current_version
from remit.identity.commands import ChangePassword, CreateToken, RevokeToken
from remit.identity.events import LoginLinkIssued, PasswordSet, TokenIssued, TokenRevoked
from remit.identity.tables import ApiTokenRow, CredentialRow, LoginLinkRow, WebSessionRow
from remit.identity.views import NewToken, TokenView
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import InvalidInput, NotAuthenticated, NotFound
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

HASHER = PasswordHasher()

MIN_PASSWORD = 10
SESSION_TTL = timedelta(hours=12)
LINK_TTL = timedelta(minutes=30)
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

    @property
    def acting(self) -> Caller:
        """Who the commands they send act as."""
        return Caller(self.team, self.handle)

    def as_dict(self) -> dict[str, object]:
        return {"team": self.team, "handle": self.handle, "name": self.name, "roles": list(self.roles)}


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf: str
    expires_at: datetime
    identity: Identity


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _person(uow: UnitOfWork, team: str, handle: str) -> tuple[TeamRow, PersonRow]:
    team_row = uow.team(team, lock=False)
    person = uow.session.scalars(
        select(PersonRow).where(PersonRow.team_id == team_row.id, PersonRow.handle == handle)
    ).one_or_none()
    if person is None or not person.active:
        raise NotFound(f"nobody called '{handle}' is on team {team}'s roster")
    return team_row, person


def _identity(uow: UnitOfWork, person: PersonRow, csrf: str = "") -> Identity:
    team = uow.session.get_one(TeamRow, person.team_id)
    charter = charter_from_text(current_version(uow, team).text)
    member = charter.person(person.handle)
    roles = tuple(member.roles) if member is not None else ()
    return Identity(person.id, team.name, person.handle, person.name, roles, csrf)


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
    """Set a person's password (by themselves, or by whoever runs the server's database)."""
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
        uow.commit()


def _stored_hash(uow: UnitOfWork, team: str, handle: str) -> str | None:
    """The person's password hash, read without taking any lock (None: no such person, or no password)."""
    with uow.reading():
        person = uow.session.scalars(
            select(PersonRow)
            .join(TeamRow, TeamRow.id == PersonRow.team_id)
            .where(TeamRow.name == team, PersonRow.handle == handle, PersonRow.active.is_(True))
        ).one_or_none()
        credential = uow.session.get(CredentialRow, person.id) if person is not None else None
        return credential.password_hash if credential is not None else None


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
        team_row, _person_row, row = _credential_still(uow, team, handle, stored)
        row.password_hash, row.updated_at = hashed, uow.now
        uow.record(team_row, PasswordSet(handle), actor=handle)
        uow.commit()


def _new_session(uow: UnitOfWork, person: PersonRow, ttl: timedelta) -> NewSession:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = uow.now + ttl
    uow.session.add(
        WebSessionRow(token_hash=digest(token), person_id=person.id, csrf=csrf, created_at=uow.now, expires_at=expires)
    )
    return NewSession(token, csrf, expires, _identity(uow, person, csrf))


def sign_in(*, uow: UnitOfWork, team: str, handle: str, password: str, ttl: timedelta = SESSION_TTL) -> NewSession:
    """A new web session for the right handle and password; one message for every wrong combination. The
    hash is read, then verified outside any transaction, then the session written: one client guessing
    passwords never holds up the team's writers."""
    refused = NotAuthenticated("wrong team, name or password", hint="ask your team for a sign-in link")
    stored = _stored_hash(uow, team, handle)
    if not _verified(stored, password) or stored is None:
        raise refused
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
        return _identity(uow, person, row.csrf)


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


def use_login_link(*, uow: UnitOfWork, token: str, ttl: timedelta = SESSION_TTL) -> NewSession:
    with uow:
        row = uow.session.scalars(
            select(LoginLinkRow).where(LoginLinkRow.token_hash == digest(token)).with_for_update()
        ).one_or_none()
        if row is None or row.used_at is not None or row.expires_at <= uow.now:
            raise NotAuthenticated("this sign-in link is used up or has expired", hint="ask for a new one")
        row.used_at = uow.now
        person = uow.session.get_one(PersonRow, row.person_id)
        if not person.active:
            raise NotAuthenticated("you are no longer on this team's roster")
        session = _new_session(uow, person, ttl)
        uow.commit()
        return session


def _token_view(row: ApiTokenRow) -> TokenView:
    return TokenView(
        row.id,
        row.name,
        row.prefix,
        row.created_at.isoformat(),
        row.expires_at.isoformat() if row.expires_at else None,
        row.last_used_at.isoformat() if row.last_used_at else None,
        row.revoked_at is not None,
    )


@COMMANDS.handles(CreateToken)
def create_token(uow: UnitOfWork, caller: Caller, command: CreateToken) -> NewToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    days = command.expires_in_days
    with uow:
        team_row, person = _person(uow, caller.team, caller.handle)
        row = ApiTokenRow(
            token_hash=digest(token),
            prefix=token[: len(TOKEN_PREFIX) + 6],
            person_id=person.id,
            name=command.name,
            created_at=uow.now,
            expires_at=uow.now + timedelta(days=days) if days else None,
        )
        uow.session.add(row)
        uow.session.flush()
        uow.record(team_row, TokenIssued(row.id, command.name), actor=caller.handle)
        new = NewToken(token, _token_view(row))
        uow.commit()  # never under an Idempotency-Key: a stored answer would keep the secret
        return new


def list_tokens(*, uow: UnitOfWork, person_id: int) -> list[TokenView]:
    with uow.reading():
        rows = uow.session.scalars(
            select(ApiTokenRow).where(ApiTokenRow.person_id == person_id).order_by(ApiTokenRow.id)
        ).all()
        return [_token_view(row) for row in rows]


@COMMANDS.handles(RevokeToken)
def revoke_token(uow: UnitOfWork, caller: Caller, command: RevokeToken) -> TokenView:
    """Revoke one of the caller's own tokens."""
    with uow:
        team_row, person = _person(uow, caller.team, caller.handle)
        row = uow.session.get(ApiTokenRow, command.token_id, with_for_update=True)
        if row is None or row.person_id != person.id:
            raise NotFound(f"you have no token {command.token_id}", hint="GET /api/v1/tokens lists yours")
        if row.revoked_at is None:
            row.revoked_at = uow.now
            uow.record(team_row, TokenRevoked(row.id, row.name), actor=caller.handle)
        view = _token_view(row)
        uow.commit(view)
        return view


def token_identity(*, uow: UnitOfWork, token: str) -> Identity:
    """The person behind an API token; refuses unknown, revoked and expired tokens alike. Every API request
    comes through here, so it only reads, except to note when the token was last used (every 5 minutes)."""
    with uow.reading():
        row = uow.session.scalars(select(ApiTokenRow).where(ApiTokenRow.token_hash == digest(token))).one_or_none()
        if row is None or row.revoked_at is not None:
            raise NotAuthenticated("this API token is not valid", hint="create one on your tokens page")
        if row.expires_at is not None and row.expires_at <= uow.now:
            raise NotAuthenticated("this API token has expired", hint="create a new one on your tokens page")
        person = uow.session.get_one(PersonRow, row.person_id)
        if not person.active:
            raise NotAuthenticated("the token's owner is no longer on the team's roster")
        caller, token_id = _identity(uow, person), row.id
        due = row.last_used_at is None or uow.now - row.last_used_at > timedelta(minutes=5)
    if due:  # coarse, so reading with a token is not a write every time
        with uow:
            uow.session.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=uow.now))
            uow.commit()
    return caller
