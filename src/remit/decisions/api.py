"""/api/v1: decisions, positions, evidence, the queue and the release gate. Every route is thin: parse,
call one service as the caller (never as anyone else), render."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep, decode_cursor, encode_cursor
from remit.api.schemas import GateRead, Page, Problem
from remit.decisions import (
    handlers,  # noqa: F401 - registers the handlers the routes dispatch to
    queries,
    queue,
)
from remit.decisions import reached as notices
from remit.decisions.commands import AddEvidence, AmendDecision, OpenDecision, RecordPosition, WithdrawDecision
from remit.integrations import madr

router = APIRouter(prefix="/api/v1", tags=["decisions"])
Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="the decision's number in the team")]
Limit = Annotated[int, Query(ge=1, le=200, description="items per page")]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no valid API token"},
    404: {"model": Problem, "description": "no such decision"},
    422: {"model": Problem, "description": "the request is not valid"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": Problem, "description": "the charter gives your role no right to this (recorded)"},
    409: {"model": Problem, "description": "the decision is settled"},
}


route(router, "POST", "/decisions", OpenDecision, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/decisions/{number}/positions", RecordPosition, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/decisions/{number}/evidence", AddEvidence, status=201, responses=WRITE_ERRORS)
route(router, "POST", "/decisions/{number}/amend", AmendDecision, responses=WRITE_ERRORS)
route(router, "POST", "/decisions/{number}/withdraw", WithdrawDecision, responses=WRITE_ERRORS)


def text_body(media_type: str, description: str) -> dict[str, Any]:
    """A 200 that is text, on a route whose errors are still JSON ``Problem`` bodies."""
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


@router.get("/decisions", response_model=Page, responses=ERRORS, summary="List the team's decisions")
def list_decisions(
    store: StoreDep,
    caller: Caller,
    state: Annotated[str | None, Query(pattern="^(open|blocked|approved|withdrawn|expired)$")] = None,
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
    notices.mark_seen(uow=store.uow(), team=caller.team, handle=caller.handle, number=number)
    return queries.show_decision(uow=store.uow(), team=caller.team, number=number).as_dict()


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


@router.get("/queue", responses=ERRORS, summary="What is waiting on you, and on whom yours are waiting")
def my_queue(
    store: StoreDep,
    caller: Caller,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    result = queue.my_queue(
        uow=store.uow(), team=caller.team, handle=caller.handle, limit=limit, before=decode_cursor(cursor)
    )
    body = result.as_dict()
    body["next_cursor"] = encode_cursor(body["next_cursor"])
    return body
