"""The API's shared bodies: the error shape, a page of items, the gate's answer, the stateless resolve
request, and the error responses every route declares. A write's request body is its command
(``api/commands.py``), never a schema written out again here."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResolveRequest(Body):
    domain: str = Field(min_length=1, max_length=100)
    positions: list[str] = Field(default_factory=list, max_length=100, examples=[["em=no-go:technical", "pm=go"]])
    evidence: list[str] = Field(default_factory=list, max_length=100)


class Problem(BaseModel):
    """Every error: a stable code, what went wrong and where, and how to fix it."""

    code: str
    message: str
    hint: str = ""


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = None


class GateRead(BaseModel):
    code: str | None = None
    message: str | None = None
    hint: str | None = None
    number: int
    approved: bool
    reason: str


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
    413: {"model": Problem, "description": "the request body is larger than the server's limit"},
}


def text_body(media_type: str, description: str) -> dict[str, Any]:
    """A 200 that is text, on a route whose errors are still JSON ``Problem`` bodies."""
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


class JsonBody(Response):
    """A JSON answer serialised by orjson, for the hot reads whose body is plain data already (strings,
    numbers, booleans, None, lists and dicts): the same bytes FastAPI would send (``tests/integration/
    test_serving.py``), without FastAPI's validation of the returned dict (a hop to a worker thread for a sync
    route) and about 3x faster to serialise than pydantic's ``dump_json`` (BENCHMARKS.md, "Middleware"). Routes
    that return it declare ``response_model`` for the docs."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
