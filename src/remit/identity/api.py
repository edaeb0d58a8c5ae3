"""/api/v1: who the caller is, and their API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, WRITE_ERRORS, TokenCreate
from remit.identity import accounts as identity

router = APIRouter(prefix="/api/v1", tags=["identity"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/me", tags=["identity"], responses=ERRORS, summary="Who the token belongs to, and their roles")
def me(caller: Caller) -> dict[str, Any]:
    return caller.as_dict()


@router.get("/tokens", tags=["identity"], responses=ERRORS, summary="Your API tokens (never their secrets)")
def list_tokens(store: StoreDep, caller: Caller) -> dict[str, Any]:
    views = identity.list_tokens(uow=store.uow(), person_id=caller.person_id)
    return {"items": [view.as_dict() for view in views], "next_cursor": None}


@router.post(
    "/tokens",
    tags=["identity"],
    status_code=201,
    responses=WRITE_ERRORS,
    summary="Create a token (shown once)",
    description="Not replayable with an Idempotency-Key: a replay would have to store the secret. "
    "A retry makes a second token; revoke the spare.",
)
def create_token(store: StoreDep, caller: Caller, body: TokenCreate) -> JSONResponse:
    lifetime = timedelta(days=body.expires_in_days) if body.expires_in_days else None
    new = identity.create_token(
        uow=store.uow(), team=caller.team, handle=caller.handle, name=body.name, expires_in=lifetime
    )
    return JSONResponse(new.as_dict(), status_code=201)


@router.delete("/tokens/{token_id}", tags=["identity"], responses=WRITE_ERRORS, summary="Revoke one of your tokens")
def revoke_token(token_id: Id, request: Request, store: StoreDep, caller: Caller) -> dict[str, Any]:
    return identity.revoke_token(uow=store.uow(), person_id=caller.person_id, token_id=token_id).as_dict()
