"""/api/v1/bugs: the board for the team's signed-in members (and their tokens), imports (parsed by the
caller, or a tracker's raw JSON sent as it is), the board's publication, and the published board."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from remit.api.commands import route
from remit.api.deps import Caller, StoreDep, Write, decode_cursor, encode_cursor
from remit.api.schemas import ERRORS, WRITE_ERRORS, Limit
from remit.integrations import github, jira
from remit.integrations.issues import Source
from remit.tracker import board
from remit.tracker.commands import ImportIssues, LinkBug, PublishBoard, UnlinkBug, import_command
from remit.tracker.views import UPLOAD_LIMIT

router = APIRouter(prefix="/api/v1", tags=["bugs"])
route(router, "POST", "/bugs/imports", ImportIssues, responses=WRITE_ERRORS)
route(router, "POST", "/bugs/board", PublishBoard, responses=WRITE_ERRORS)
route(router, "POST", "/bugs/{key:path}/incident", LinkBug, responses=WRITE_ERRORS)
route(router, "DELETE", "/bugs/{key:path}/incident", UnlinkBug, responses=WRITE_ERRORS)
Filter = Annotated[str, Query(max_length=200)]
Status = Annotated[Literal["", "open", "in-progress", "done"], Query(description="where the bugs stand")]
READERS = {Source.GITHUB: github.read, Source.JIRA: jira.read}
UPLOAD_PATHS = {f"/api/v1/bugs/import/{source.value}": UPLOAD_LIMIT for source in Source}  # over the 1 MB default
RAW_BODY = {
    "requestBody": {
        "required": True,
        "description": "GitHub: the issues endpoint's JSON (a list). Jira: one issue, a search response or JSON "
        "lines of issues. Gzipped or not.",
        "content": {
            "application/json": {"schema": {"type": "string", "format": "binary"}},
            "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
            "application/gzip": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.get("/bugs", responses=ERRORS, summary="The team's bug board: search and filter where each bug stands")
def list_bugs(
    store: StoreDep,
    caller: Caller,
    q: Filter = "",
    label: Filter = "",
    component: Filter = "",
    customer: Filter = "",
    status: Status = "",
    incident: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="only bugs linked to it")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = board.PAGE,
) -> dict[str, Any]:
    search = board.Search(q, label, component, customer, status, incident)
    found = board.board(
        uow=store.uow(), team=caller.team, search=search, limit=limit, offset=decode_cursor(cursor) or 0
    )
    return found.as_dict() | {"next_cursor": encode_cursor(found.next_offset)}


@router.post(
    "/bugs/import/{source}",
    responses=WRITE_ERRORS,
    summary="Import a tracker's export as it is (GitHub issues JSON, Jira issue JSON or JSON lines)",
    openapi_extra=RAW_BODY,
)
async def import_raw(request: Request, write: Write, source: Source) -> JSONResponse:
    data = await request.body()
    return await run_in_threadpool(_import_raw, write, source, data)


def _import_raw(write: Write, source: Source, data: bytes) -> JSONResponse:
    parsed = READERS[source](data, f"the request body ({source.value})")
    return write(import_command(source, f"POST /api/v1/bugs/import/{source.value}", parsed))


@router.get(
    "/public/{team}/bugs",
    responses={404: ERRORS[404], 422: ERRORS[422]},
    summary="A team's published bug board (no token): key, title, status, last update, link, linked incident",
)
def public_bugs(
    store: StoreDep,
    team: Annotated[str, Path(max_length=100)],
    q: Filter = "",
    status: Status = "",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = board.PAGE,
) -> dict[str, Any]:
    search = board.Search(q=q, status=status)
    found = board.board(
        uow=store.uow(), team=team, search=search, limit=limit, offset=decode_cursor(cursor) or 0, public=True
    )
    return {
        "team": found.team,
        "items": [bug.public() for bug in found.items],
        "total": found.total,
        "counts": found.counts,
        "next_cursor": encode_cursor(found.next_offset),
    }
