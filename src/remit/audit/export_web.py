"""The ledger page: what the exports hold, and the links that download them as the signed-in person."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from remit.audit import export
from remit.audit.export_api import CSV_TYPE, JSON_TYPE, TableName, csv_file, download, json_file
from remit.audit.export_records import Table
from remit.web.render import PageRoute, page
from remit.web.session import Viewer, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/ledger")
def ledger_page(request: Request, who: Viewer) -> HTMLResponse:
    return page(request, "ledger.html", title="Ledger", tables=list(Table))


@router.get("/ledger/export.json")
def export_json(request: Request, who: Viewer) -> StreamingResponse:
    pieces = export.json_document(uow=store_of(request).uow(), team=who.team)
    return download(pieces, JSON_TYPE, json_file(who.team))


@router.get("/ledger/export/{table}.csv")
def export_csv(request: Request, who: Viewer, table: TableName) -> StreamingResponse:
    pieces = export.csv_table(uow=store_of(request).uow(), team=who.team, table=table)
    return download(pieces, CSV_TYPE, csv_file(who.team, table))
