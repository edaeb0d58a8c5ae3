"""/api/v1/export: the team's ledger as one JSON document, or one table of it as CSV, streamed from one
snapshot each (``audit/export.py`` says what they hold and how to re-verify the chain from the JSON)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse

from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, text_body
from remit.audit import export
from remit.audit.export_records import Table

router = APIRouter(prefix="/api/v1", tags=["ledger"])
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=utf-8"
TableName = Annotated[Table, Path(description="the table: one CSV file each")]
SECTIONS = ("people", "charter_versions", "rules", "decisions", "crossings", "audit")
DOCUMENT = {  # the JSON document's outline (docs/ledger.md#exports describes every field)
    "type": "object",
    "required": ["format", "version", "exported_at", "team", "chain", *SECTIONS],
    "properties": {
        "format": {"type": "string", "const": export.FORMAT},
        "version": {"type": "integer"},
        "exported_at": {"type": "string", "format": "date-time"},
        "team": {"type": "object"},
        "chain": {"type": "object"},
        **{name: {"type": "array", "items": {"type": "object"}} for name in SECTIONS},
    },
}


def download(pieces: Iterator[str], media_type: str, filename: str) -> StreamingResponse:
    """Stream ``pieces`` as UTF-8, as a file to save (``filename`` is built from a team name: a Name)."""
    return StreamingResponse(
        (piece.encode("utf-8") for piece in pieces),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def json_file(team: str) -> str:
    return f"{team}-ledger.json"


def csv_file(team: str, table: Table) -> str:
    return f"{team}-{table.value}.csv"


@router.get(
    "/export.json",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the ledger: charters, decisions, rules, audit chain",
            "content": {JSON_TYPE: {"schema": DOCUMENT}},
        },
        **ERRORS,
    },
    summary="The team's whole ledger as one JSON document (the audit chain re-verifiable from it)",
)
def export_json(store: StoreDep, caller: Caller) -> StreamingResponse:
    pieces = export.json_document(uow=store.uow(), team=caller.team)
    return download(pieces, JSON_TYPE, json_file(caller.team))


@router.get(
    "/export/{table}.csv",
    response_class=StreamingResponse,
    responses={200: text_body(CSV_TYPE, "one table of the ledger, a header row first"), **ERRORS},
    summary="One table of the team's ledger as CSV",
)
def export_csv(table: TableName, store: StoreDep, caller: Caller) -> StreamingResponse:
    pieces = export.csv_table(uow=store.uow(), team=caller.team, table=table)
    return download(pieces, CSV_TYPE, csv_file(caller.team, table))
