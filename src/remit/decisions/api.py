"""/api/v1: decisions, positions, evidence, the queue, the release gate, the team's rules, the ledger and
insights. Every route is thin: a write is one command dispatched as the caller (never as anyone else); a
read calls one query and renders it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep, decode_cursor, encode_cursor
from remit.api.schemas import ERRORS, WRITE_ERRORS, GateRead, JsonBody, Limit, Page, ResolveRequest, text_body
from remit.charter.enforce import domain_rights
from remit.charter.views import team_charter
from remit.decisions import (
    abilities,
    handlers,  # noqa: F401 - registers the handlers the routes dispatch to
    insights,
    madr,
    queries,
    queue,
    rules,
)
from remit.decisions.commands import (
    AddEvidence,
    AddRule,
    AmendDecision,
    MarkSeen,
    OpenDecision,
    ProposeCharter,
    RecordPosition,
    RetireRule,
    WithdrawDecision,
)
from remit.decisions.model import State
from remit.decisions.resolve import parse_position, resolve
from remit.kernel.commands import COMMANDS

router = APIRouter(prefix="/api/v1", tags=["decisions"])
Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="the decision's number in the team")]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


route(router, "POST", "/decisions", OpenDecision, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/decisions/{number}/positions", RecordPosition, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/decisions/{number}/evidence", AddEvidence, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/decisions/{number}/amend", AmendDecision, responses=WRITE_ERRORS)
route(router, "POST", "/decisions/{number}/withdraw", WithdrawDecision, responses=WRITE_ERRORS)
route(router, "POST", "/charter/proposals", ProposeCharter, status=201, responses=WRITE_ERRORS, tags=["charter"])
route(router, "POST", "/rules", AddRule, status=201, responses=WRITE_ERRORS, tags=["rules"])
route(router, "POST", "/rules/{rule_id}/retire", RetireRule, responses=WRITE_ERRORS, tags=["rules"])


@router.get("/decisions", response_model=Page, responses=ERRORS, summary="List the team's decisions")
def list_decisions(
    store: StoreDep,
    caller: Caller,
    state: Annotated[State | None, Query(description="only decisions in this state")] = None,
    domain: Annotated[str | None, Query(max_length=100)] = None,
    waiting_on: Annotated[str | None, Query(max_length=100, description="a handle")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    items = queries.list_decisions(
        uow=store.uow(),
        team=caller.team,
        state=state,
        domain=domain,
        waiting_on=waiting_on,
        after=decode_cursor(cursor),
        limit=limit + 1,
    )
    more = len(items) > limit
    items = items[:limit]
    return {
        "items": [item.as_dict() for item in items],
        "next_cursor": encode_cursor(items[-1].number) if more else None,
    }


@router.get("/decisions/{number}", responses=ERRORS, summary="A decision: state, keys, positions, history")
def show_decision(number: Number, store: StoreDep, caller: Caller) -> dict[str, Any]:
    """Opening a decision marks what it asked or told the caller as seen."""
    view, unseen = abilities.opened(uow=store.uow(), team=caller.team, handle=caller.handle, number=number)
    if unseen:  # the one write a read makes, and only when there is something to mark
        COMMANDS.dispatch(store, caller.acting, MarkSeen(number=number))
    return view.as_dict()


@router.get(
    "/decisions/{number}/madr",
    response_class=Response,  # errors stay JSON: the media types are declared one by one
    responses={200: text_body("text/markdown", "the MADR record"), **ERRORS},
    summary="The decision as a MADR markdown record",
)
def export_madr(number: Number, store: StoreDep, caller: Caller) -> PlainTextResponse:
    view = queries.show_decision(uow=store.uow(), team=caller.team, number=number).as_dict()
    return PlainTextResponse(
        madr.render(view),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{madr.filename(view)}"'},
    )


@router.get(
    "/gate/{number}",
    response_model=GateRead,
    responses={**ERRORS, 409: {"model": GateRead, "description": "not an approved release: do not deploy"}},
    summary="Release gate for deploy pipelines: 200 only for an approved release",
)
def gate(number: Number, store: StoreDep, caller: Caller) -> JSONResponse:
    answer = queries.gate(uow=store.uow(), team=caller.team, number=number)
    if answer.approved:
        return JSONResponse(answer.as_dict())
    closed = {"code": "gate_closed", "message": answer.reason, "hint": "deploy only an approved release decision"}
    return JSONResponse(closed | answer.as_dict(), status_code=409)


@router.get(
    "/queue",
    response_model=dict[str, Any],
    responses=ERRORS,
    summary="What is waiting on you, and on whom yours are waiting",
)
def my_queue(
    store: StoreDep,
    caller: Caller,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
) -> JsonBody:
    result = queue.my_queue(
        uow=store.uow(), team=caller.team, handle=caller.handle, limit=limit, before=decode_cursor(cursor)
    )
    body = result.as_dict()
    body["next_cursor"] = encode_cursor(body["next_cursor"])
    return JsonBody(body)  # orjson, and no validation of a dict built here (api/schemas.py)


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


@router.get("/insights", tags=["ledger"], responses=ERRORS, summary="Time to decision, crossings, open by age")
def team_insights(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return insights.team_insights(uow=store.uow(), team=caller.team).as_dict()


@router.post(
    "/resolve", tags=["charter"], responses=ERRORS, summary="Resolve positions under the charter (writes nothing)"
)
def resolve_positions(body: ResolveRequest, store: StoreDep, caller: Caller) -> dict[str, Any]:
    rights = domain_rights(team_charter(uow=store.uow(), team=caller.team), body.domain)
    positions = [parse_position(item) for item in body.positions]
    return resolve(rights, positions, evidence=set(body.evidence)).as_dict()
