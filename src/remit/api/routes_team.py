"""/api/v1: the caller, the charter and proposals to change it, rules, who/resolve, the ledger, insights
and API tokens."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep, decode_cursor, encode_cursor
from remit.api.schemas import Page, ResolveRequest, TokenCreate
from remit.charter import handlers as charters
from remit.charter import teams
from remit.charter.commands import ProposeCharter
from remit.decisions import insights, queries, rules
from remit.decisions.acting import domain_rights, parse_position
from remit.decisions.api import ERRORS, WRITE_ERRORS, Limit, text_body
from remit.decisions.commands import AddRule, RetireRule
from remit.decisions.resolve import resolve, who
from remit.identity import accounts as identity

router = APIRouter(prefix="/api/v1")
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
route(router, "POST", "/charter/proposals", ProposeCharter, status=201, responses=WRITE_ERRORS, tags=["charter"])
route(router, "POST", "/rules", AddRule, status=201, responses=WRITE_ERRORS, tags=["rules"])
route(router, "POST", "/rules/{rule_id}/retire", RetireRule, responses=WRITE_ERRORS, tags=["rules"])


@router.get("/me", tags=["identity"], responses=ERRORS, summary="Who the token belongs to, and their roles")
def me(caller: Caller) -> dict[str, Any]:
    return caller.as_dict()


@router.get("/charter", tags=["charter"], responses=ERRORS, summary="The adopted charter: matrix, sources, diff")
def charter(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return charters.charter_view(uow=store.uow(), team=caller.team).as_dict()


@router.get(
    "/charter/versions/{version}",
    tags=["charter"],
    response_class=Response,  # errors stay JSON: the media types are declared one by one
    responses={200: text_body("application/toml", "the charter file"), **ERRORS},
    summary="The text of an adopted charter version",
)
def charter_version(version: Id, store: StoreDep, caller: Caller) -> PlainTextResponse:
    text = teams.version_text(uow=store.uow(), team=caller.team, version=version)
    return PlainTextResponse(text, media_type="application/toml; charset=utf-8")


@router.get("/who/{domain}", tags=["charter"], responses=ERRORS, summary="Who decides, blocks, has voice, ...")
def who_decides(domain: Annotated[str, Path(max_length=100)], store: StoreDep, caller: Caller) -> dict[str, Any]:
    return who(domain_rights(charters.team_charter(uow=store.uow(), team=caller.team), domain))


@router.post(
    "/resolve", tags=["charter"], responses=ERRORS, summary="Resolve positions under the charter (writes nothing)"
)
def resolve_positions(body: ResolveRequest, store: StoreDep, caller: Caller) -> dict[str, Any]:
    rights = domain_rights(charters.team_charter(uow=store.uow(), team=caller.team), body.domain)
    positions = [parse_position(item) for item in body.positions]
    return resolve(rights, positions, evidence=set(body.evidence)).as_dict()


@router.get("/rules", tags=["rules"], response_model=Page, responses=ERRORS, summary="The team's decision rules")
def list_rules(
    store: StoreDep,
    caller: Caller,
    include_retired: bool = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    after = decode_cursor(cursor) or 0
    found = [
        rule
        for rule in rules.list_rules(uow=store.uow(), team=caller.team, include_retired=include_retired)
        if rule.id > after
    ]
    page = found[:limit]
    return {
        "items": [rule.as_dict() for rule in page],
        "next_cursor": encode_cursor(page[-1].id) if len(found) > limit else None,
    }


@router.get("/log", tags=["ledger"], response_model=Page, responses=ERRORS, summary="The audit log, oldest first")
def audit_log(
    store: StoreDep,
    caller: Caller,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    items = queries.audit_log(uow=store.uow(), team=caller.team, after=decode_cursor(cursor) or 0, limit=limit + 1)
    page = items[:limit]
    return {
        "items": [entry.as_dict() for entry in page],
        "next_cursor": encode_cursor(page[-1].seq) if len(items) > limit else None,
    }


@router.get("/audit/verify", tags=["ledger"], responses=ERRORS, summary="Verify the team's audit hash chain")
def verify_audit(store: StoreDep, caller: Caller) -> dict[str, Any]:
    (report,) = queries.verify_audit(uow=store.uow(), team=caller.team)
    return dataclasses.asdict(report)


@router.get("/insights", tags=["ledger"], responses=ERRORS, summary="Time to decision, crossings, open by age")
def team_insights(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return insights.team_insights(uow=store.uow(), team=caller.team).as_dict()


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
