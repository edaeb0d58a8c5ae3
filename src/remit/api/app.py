"""The server: ``create_app(settings)`` builds the ASGI app. Importing this module touches nothing; the
store opens when the app starts. The app keeps no state of its own beyond the store handle, so several
copies can run behind a load balancer on one PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import select, text
from starlette.exceptions import HTTPException

from remit.api.observe import BodyLimit, Metrics, Observe, configure_logging
from remit.charter import api as charter_api
from remit.decisions import api as decision_api
from remit.decisions import handlers  # noqa: F401 - the decision handlers the sweeper dispatches to
from remit.decisions.commands import ExpireDecisions
from remit.identity import api as identity_api
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.db import READ_ONLY
from remit.kernel.errors import RemitError
from remit.kernel.tables import TeamRow
from remit.kernel.uow import Store

log = logging.getLogger("remit.server")

STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found"}
STATUS_CODES |= {405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type"}


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    max_body_bytes: int = 1_000_000
    sweep_seconds: float = 60.0  # how often open decisions past their deadline are expired
    secure_cookies: bool = False  # set behind HTTPS
    migrate: bool = True


def problem(status: int, code: str, message: str, hint: str = "", **extra: Any) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "hint": hint, **extra}, status_code=status)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


async def _remit_error(request: Request, error: Exception) -> Response:
    if not isinstance(error, RemitError):  # pragma: no cover - registered for RemitError only
        raise error
    if _wants_html(request):
        from remit.web.pages import error_page

        return error_page(request, error.status, error.message, error.hint)
    extra = {"problems": [str(p) for p in error.problems]} if hasattr(error, "problems") else {}
    return problem(error.status, error.code, error.message, error.hint, **extra)


async def _validation_error(request: Request, error: Exception) -> Response:
    if not isinstance(error, RequestValidationError):  # pragma: no cover
        raise error
    details = []
    for item in error.errors()[:20]:
        if item.get("type") == "json_invalid":
            details.append(f"the body is not valid JSON ({item.get('ctx', {}).get('error', 'syntax error')})")
            continue
        where = ".".join(str(part) for part in item.get("loc", ()))
        details.append(f"{where}: {item.get('msg', 'invalid')}")
    message = "; ".join(details) or "the request is not valid"
    if _wants_html(request):
        from remit.web.pages import error_page

        return error_page(request, 422, message, "check the form and send it again")
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
    if not isinstance(error, HTTPException):  # pragma: no cover
        raise error
    unreadable = _unreadable_body(error)
    if unreadable and not _wants_html(request):  # like malformed JSON: the body is not valid input
        return problem(422, "invalid_input", f"the body is not valid JSON ({unreadable})", "send UTF-8 JSON")
    code = STATUS_CODES.get(error.status_code, "http_error")
    message = str(error.detail) if error.detail else code.replace("_", " ")
    if error.status_code == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}"
    if _wants_html(request):
        from remit.web.pages import error_page

        return error_page(request, error.status_code, message, "")
    response = problem(error.status_code, code, message, "see /api/v1/docs for the API")
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


async def _unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error", extra={"path": request.url.path})
    request_id = request.scope.get("state", {}).get("request_id", "")
    message = f"Remit hit an unexpected error (request {request_id})"
    if _wants_html(request):
        from remit.web.pages import error_page

        return error_page(request, 500, message, "it is logged; try again, or tell whoever runs Remit")
    return problem(500, "internal_error", message, "it is logged")


async def _sweep(app: FastAPI, every: float) -> None:
    """Record the expiry of decisions whose deadline passed, so it happens on time, not when someone looks."""
    store: Store = app.state.store
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(_sweep_once, store)
        except Exception:  # keep sweeping; the failure is logged
            log.exception("expiry sweep failed")


def _sweep_once(store: Store) -> None:
    with store.uow().reading() as uow:
        names = list(uow.session.scalars(select(TeamRow.name)))
    for name in names:
        expired = COMMANDS.dispatch(store, Caller(name, "remit"), ExpireDecisions())
        if expired:
            log.info("decisions expired", extra={"team": name, "decisions": expired})


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The ASGI app (``uvicorn --factory remit.api.app:create_app``: settings from REMIT_DATABASE_URL, and
    REMIT_SECURE_COOKIES=1 behind HTTPS)."""
    settings = settings or Settings(
        database_url=os.environ.get("REMIT_DATABASE_URL"),
        secure_cookies=os.environ.get("REMIT_SECURE_COOKIES", "") not in ("", "0", "false", "no"),
    )
    configure_logging()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store is None
        app.state.store = store or Store.open(settings.database_url, migrate=settings.migrate)
        sweeper = asyncio.create_task(_sweep(app, settings.sweep_seconds)) if settings.sweep_seconds > 0 else None
        try:
            yield
        finally:
            if sweeper is not None:
                sweeper.cancel()
            if opened:
                app.state.store.close()

    app = FastAPI(
        title="Remit",
        version="1",
        summary="Decision rights for product and engineering teams: written down, enforced, visible.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    if store is not None:
        app.state.store = store
    app.add_exception_handler(RemitError, _remit_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    for capability in (decision_api, charter_api, identity_api):
        app.include_router(capability.router)
    metrics = Metrics()
    app.state.metrics = metrics

    @app.get("/healthz", tags=["operations"], summary="Liveness and database reachability")
    def healthz(request: Request) -> JSONResponse:
        try:
            with request.app.state.store.engine.connect() as connection:  # a read: on SQLite, no write lock
                connection.execution_options(**{READ_ONLY: True}).execute(text("SELECT 1"))
        except Exception as error:
            return problem(503, "database_unreachable", f"the database does not answer: {type(error).__name__}")
        return JSONResponse({"status": "ok"})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    def prometheus() -> Response:
        return metrics.render()

    from remit.web.pages import mount_web

    mount_web(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(Observe, metrics=metrics)
    return app
