"""/api/v1/audit/head, /audit/key and /audit/checkpoints/verify: the team's signed chain head for others to
keep copies of (as Certificate Transparency's signed tree heads), the public key that checks it, and a kept
checkpoint checked against the chain as it is now."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, Body, Problem
from remit.audit import anchoring, checkpoints, keys
from remit.audit.notary import Notary
from remit.kernel.errors import RemitError

router = APIRouter(prefix="/api/v1", tags=["ledger"])
Responses = dict[int | str, dict[str, Any]]
UNSIGNED: Responses = {503: {"model": Problem, "description": "this server has no signing key"}}
HEAD_ERRORS: Responses = {
    **ERRORS,
    **UNSIGNED,
    409: {"model": Problem, "description": "the chain no longer holds the server's latest checkpoint"},
}


class NoSigningKey(RemitError):
    code = "no_signing_key"
    status = 503


class CheckpointCheck(Body):
    checkpoint: dict[str, Any] = Field(description="a checkpoint, as GET /audit/head's `checkpoint` gives it")
    public_key: str | None = Field(
        None, max_length=1000, description="check the signature with this key (PEM), not the server's"
    )


def _notary(request: Request) -> Notary:
    notary: Notary | None = request.app.state.notary
    if notary is None:
        raise NoSigningKey(
            "this server has no signing key, so it signs no checkpoints",
            hint="start it with `remit serve` (which creates one), or set REMIT_SIGNING_KEY_FILE",
        )
    return notary


def _key(notary: Notary) -> dict[str, str]:
    return {"key_id": notary.key.id, "algorithm": "Ed25519", "public_key": keys.public_pem(notary.key.public)}


@router.get(
    "/audit/head",
    responses=HEAD_ERRORS,
    summary="The team's latest signed chain head, and the public key",
)
def signed_head(request: Request, caller: Caller) -> dict[str, Any]:
    notary = _notary(request)
    return {"checkpoint": notary.current(caller.team).as_dict(), **_key(notary)}


@router.get("/audit/key", responses=UNSIGNED, summary="The public key that checks this server's checkpoints")
def public_key(request: Request) -> dict[str, str]:
    return _key(_notary(request))


@router.post(
    "/audit/checkpoints/verify",
    responses={**ERRORS, **UNSIGNED},
    summary="Check a kept checkpoint against the chain (writes nothing)",
)
def verify_checkpoint(body: CheckpointCheck, request: Request, store: StoreDep, caller: Caller) -> dict[str, Any]:
    checkpoint = checkpoints.parse(body.checkpoint, "the checkpoint")
    if body.public_key is not None:
        public = keys.parse_public(body.public_key, "public_key")
    else:
        public = _notary(request).key.public
    return anchoring.check(uow=store.uow(), team=caller.team, checkpoint=checkpoint, public=public).as_dict()
