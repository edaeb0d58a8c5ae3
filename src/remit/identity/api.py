"""/api/v1: who the caller is, and their API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, WRITE_ERRORS
from remit.identity import tokens
from remit.identity.commands import CreateToken, EndSessions, RevokeToken, SetTimeZone

router = APIRouter(prefix="/api/v1", tags=["identity"])
route(
    router,
    "POST",
    "/tokens",
    CreateToken,
    status=201,
    responses=WRITE_ERRORS,
    replayable=False,
    description="Not replayable with an Idempotency-Key: a replay would have to store the secret. "
    "A retry makes a second token; revoke the spare.",
)
route(router, "DELETE", "/tokens/{token_id}", RevokeToken, responses=WRITE_ERRORS)
route(
    router,
    "POST",
    "/me/sessions/end",
    EndSessions,
    responses=WRITE_ERRORS,
    description="Ends every web session of the caller (signed in on any browser). API tokens are not sessions: "
    "this one and the others keep working; revoke them with DELETE /api/v1/tokens/{token_id}.",
)
route(
    router,
    "PUT",
    "/me/time-zone",
    SetTimeZone,
    responses=WRITE_ERRORS,
    description="Sets the caller's own time zone (an IANA name), the one their pages show times in and their "
    "deadlines are read in; `{\"time_zone\": null}` follows the team's again (the charter's `[team] time_zone`). "
    "Only the caller's: there is no one else to name.",
)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/me", tags=["identity"], responses=ERRORS, summary="Who the token belongs to, their roles and time zone")
def me(caller: Caller) -> dict[str, Any]:
    return caller.as_dict()


@router.get("/tokens", tags=["identity"], responses=ERRORS, summary="Your API tokens (never their secrets)")
def list_tokens(store: StoreDep, caller: Caller) -> dict[str, Any]:
    views = tokens.list_tokens(uow=store.uow(), person_id=caller.person_id)
    return {"items": [view.as_dict() for view in views], "next_cursor": None}
