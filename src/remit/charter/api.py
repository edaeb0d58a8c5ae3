"""/api/v1: the charter (its matrix, sources and diff; adopted versions) and who decides what. (Proposing a
change opens a decision: ``POST /charter/proposals`` is in ``decisions/api.py``.)"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import PlainTextResponse, Response

from remit.api.deps import Caller, StoreDep
from remit.api.schemas import ERRORS, text_body
from remit.charter import teams
from remit.charter import views as charters
from remit.charter.enforce import domain_rights
from remit.charter.rights import who

router = APIRouter(prefix="/api/v1", tags=["charter"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


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
