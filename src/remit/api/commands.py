"""A command as an API route, declared in one line: ``route(router, "POST", "/decisions/{number}/positions",
RecordPosition, status=201)``. The request body is the command less its path parameters (so the OpenAPI
document shows the command's own fields and limits); the route dispatches it through the registry as the
caller, honouring an Idempotency-Key, and answers with the result's JSON.

``ROUTES`` keeps every declaration, so the CLI over HTTP sends a command to the same path the server reads
it from.
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, create_model

from remit.api.deps import Write
from remit.kernel.commands import Command

PARAM = re.compile(r"{(\w+)(?::path)?}")  # {number}, or {key:path} for a text that may hold "/" (a bug's key)


@dataclass(frozen=True)
class Route:
    command: type[Command[Any]]
    method: str
    path: str  # under /api/v1, e.g. /decisions/{number}/positions
    status: int

    @property
    def params(self) -> list[str]:
        return PARAM.findall(self.path)

    def url(self, command: Command[Any]) -> str:
        """The path for ``command``: each parameter quoted whole ("panjf2000/ants#12" as one segment's text)."""
        values = {name: quote(str(getattr(command, name)), safe="") for name in self.params}
        return PARAM.sub(lambda found: values[found.group(1)], self.path)

    def body(self, command: Command[Any]) -> dict[str, Any]:
        return command.model_dump(mode="json", exclude=set(self.params), exclude_defaults=False)


ROUTES: dict[type[Command[Any]], Route] = {}


@functools.cache
def body_model(command: type[Command[Any]], params: tuple[str, ...]) -> type[BaseModel]:
    """The command's fields less the path's, as the request body (named after the command)."""
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in command.model_fields.items()
        if name not in params and not info.exclude
    }
    model: type[BaseModel] = create_model(
        command.__name__, __config__=ConfigDict(extra="forbid"), __doc__=command.__doc__, **fields
    )
    return model


def _path_type(command: type[Command[Any]], name: str) -> Any:
    """A path parameter: a number (``{number}``), or a text the command's own field checks (a component's
    name, a bug's key)."""
    info = command.model_fields.get(name)
    if info is None or info.annotation is int:
        return Annotated[int, Path(ge=1, le=2**31 - 1, description=_described(command, name))]
    return Annotated[str, Path(max_length=200, description=_described(command, name))]


def route(
    router: APIRouter,
    method: str,
    path: str,
    command: type[Command[Any]],
    *,
    status: int = 200,
    responses: dict[int | str, dict[str, Any]] | None = None,
    tags: list[str] | None = None,
    replayable: bool = True,
    description: str | None = None,
) -> None:
    declared = Route(command, method, path, status)
    ROUTES[command] = declared
    params = tuple(declared.params)
    model = body_model(command, params)

    def endpoint(write: Write, body: BaseModel | None = None, **path_values: Any) -> JSONResponse:
        values = (body.model_dump(exclude_unset=True) if body is not None else {}) | path_values
        return write(command(**values), status=status, replayable=replayable)

    has_body = bool(model.model_fields)  # a command whose every field is in the path has no body
    signature = [
        inspect.Parameter("write", inspect.Parameter.KEYWORD_ONLY, annotation=Write),
        *(
            [inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[model, Body()])]
            if has_body
            else []
        ),
        *(
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=_path_type(command, name))
            for name in params
        ),
    ]
    endpoint.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    endpoint.__name__ = re.sub(r"(?<!^)(?=[A-Z])", "_", command.__name__).lower()
    router.add_api_route(
        path,
        endpoint,
        methods=[method],
        status_code=status,
        responses=responses,
        summary=(command.__doc__ or command.__name__).strip().splitlines()[0].rstrip("."),
        description=description,
        tags=list(tags or []),
    )


def _described(command: type[Command[Any]], name: str) -> str:
    info = command.model_fields.get(name)
    return (info.description if info else None) or name
