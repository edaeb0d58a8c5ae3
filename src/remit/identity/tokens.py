"""API tokens: a person's tokens for scripts and pipelines (256 random bits behind a visible prefix, stored as
SHA-256 digests, shown once, revocable), and who is calling the API with one."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select, update

from remit.charter.tables import CharterVersionRow, PersonRow
from remit.charter.teams import newest_version_id
from remit.identity.accounts import TOKEN_PREFIX, Identity, _person, digest, identity_of
from remit.identity.commands import CreateToken, RevokeToken
from remit.identity.events import TokenIssued, TokenRevoked
from remit.identity.tables import ApiTokenRow
from remit.identity.throttle import SignInLimits
from remit.identity.views import NewToken, TokenView
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import NotAuthenticated, NotFound
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork

log = logging.getLogger("remit.identity")


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


def token_identity(*, uow: UnitOfWork, limits: SignInLimits, address: str, token: str) -> Identity:
    """The person behind an API token; refuses unknown, revoked and expired tokens alike, each refusal counted
    against the client's address (a full window refuses before looking) and logged. Every API request comes
    through here, so it only reads, except to note when the token was last used (every 5 minutes)."""
    limited = limits.address_full(address)
    if limited is not None:
        raise limited.error()
    try:
        return _token_identity(uow, token)
    except NotAuthenticated as refused:
        limits.failed(address)
        log.warning("API token refused", extra={"address": address, "reason": refused.message})
        raise


def _token_statement() -> Select[*tuple[Any, ...]]:
    """Everything the check needs in one statement: the token, its owner, the team and the team's current
    charter text (an immutable version, parsed once per process)."""
    return (
        select(
            ApiTokenRow.id,
            ApiTokenRow.expires_at,
            ApiTokenRow.revoked_at,
            ApiTokenRow.last_used_at,
            PersonRow.id.label("person_id"),
            PersonRow.handle,
            PersonRow.name,
            PersonRow.active,
            PersonRow.time_zone,
            TeamRow.name.label("team"),
            CharterVersionRow.text,
        )
        .join(PersonRow, PersonRow.id == ApiTokenRow.person_id)
        .join(TeamRow, TeamRow.id == PersonRow.team_id)
        .join(CharterVersionRow, CharterVersionRow.id == newest_version_id())
        .where(ApiTokenRow.token_hash == bindparam("token_hash"))
    )


TOKEN_CHECK = _token_statement()  # built once: each request only binds the digest (SQLAlchemy caches its SQL)
LAST_USED_EVERY = timedelta(minutes=5)  # how stale "last used" may be: reading with a token is rarely a write


def _token_identity(uow: UnitOfWork, token: str) -> Identity:
    with uow.reading():
        row = uow.session.execute(TOKEN_CHECK, {"token_hash": digest(token)}).one_or_none()
        now = uow.now
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated("this API token is not valid", hint="create one on your tokens page")
    if row.expires_at is not None and row.expires_at <= now:
        raise NotAuthenticated("this API token has expired", hint="create a new one on your tokens page")
    if not row.active:
        raise NotAuthenticated("the token's owner is no longer on the team's roster")
    caller = identity_of(row.text, row.team, row.person_id, row.handle, row.name, row.time_zone)
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        with uow:  # coarse, so reading with a token is not a write every time
            uow.session.execute(update(ApiTokenRow).where(ApiTokenRow.id == row.id).values(last_used_at=uow.now))
            uow.commit()
    return caller
