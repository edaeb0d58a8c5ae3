"""Every error the server answers, rendered once per medium: the HTML error page for a page (or a browser
that asked for HTML off the API), a JSON problem ``{code, message, hint}`` otherwise. Remit's own errors,
invalid requests, unknown routes, an unreachable database (``Unavailable``, 503: the unit of work turns
the driver's error into it) and anything unexpected (500, logged) all come through ``answer``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from remit.kernel.errors import RateLimited, RemitError

log = logging.getLogger("remit.server")
STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found"}
STATUS_CODES |= {405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type"}
API_HINT = "see /api/v1/docs for the API"
HtmlPage = Callable[[Request, int, str, str], Response]


def problem(status: int, code: str, message: str, hint: str = "", **extra: Any) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "hint": hint, **extra}, status_code=status)


def is_page(request: Request) -> bool:
    """A web page (its route says so), or a browser asking for HTML anywhere but the API."""
    if request.scope.get("remit.page"):
        return True
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def answer(request: Request, status: int, code: str, message: str, hint: str = "", **extra: Any) -> Response:
    html: HtmlPage | None = getattr(request.app.state, "error_page", None)
    if html is not None and is_page(request):
        return html(request, status, message, hint)
    return problem(status, code, message, hint, **extra)


async def _remit_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RemitError)  # noqa: S101 - registered for RemitError only
    extra = {"problems": [str(p) for p in error.problems]} if hasattr(error, "problems") else {}
    response = answer(request, error.status, error.code, error.message, error.hint, **extra)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)  # noqa: S101
    if is_page(request):
        fields = sorted({str(item.get("loc", ("", ""))[-1]) for item in error.errors()})
        message = f"the form is missing or has a bad {', '.join(fields)}"
        return answer(request, 422, "invalid_input", message, "go back, fix it and send it again")
    details = []
    for item in error.errors()[:20]:
        if item.get("type") == "json_invalid":
            details.append(f"the body is not valid JSON ({item.get('ctx', {}).get('error', 'syntax error')})")
            continue
        where = ".".join(str(part) for part in item.get("loc", ()))
        details.append(f"{where}: {item.get('msg', 'invalid')}")
    message = "; ".join(details) or "the request is not valid"
    return problem(422, "invalid_input", message, "the OpenAPI document at /api/v1/openapi.json describes each body")


def _unreadable_body(error: HTTPException) -> str:
    """Why FastAPI could not parse a body it answers 400 for (its JSON syntax errors are already 422)."""
    if error.status_code != 400:
        return ""
    if isinstance(error.__cause__, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(error.__cause__, RecursionError):
        return "it is nested too deeply"
    return ""


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)  # noqa: S101
    unreadable = _unreadable_body(error)
    if unreadable and not is_page(request):  # like malformed JSON: the body is not valid input
        return problem(422, "invalid_input", f"the body is not valid JSON ({unreadable})", "send UTF-8 JSON")
    code = STATUS_CODES.get(error.status_code, "http_error")
    message = str(error.detail) if error.detail else code.replace("_", " ")
    if error.status_code == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}"
    response = answer(request, error.status_code, code, message, "" if is_page(request) else API_HINT)
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


async def _unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error", extra={"path": request.url.path})
    request_id = request.scope.get("state", {}).get("request_id", "")
    message = f"Remit hit an unexpected error (request {request_id})"
    hint = "it is logged; try again, or tell whoever runs Remit" if is_page(request) else "it is logged"
    return answer(request, 500, "internal_error", message, hint)


def handle_errors(app: FastAPI) -> None:
    app.add_exception_handler(RemitError, _remit_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
