"""The server's composition root: ``create_app(settings)`` builds the ASGI app from every capability's
API router and web pages, on the shared API and web adapters. Importing this module touches nothing; the
store opens when the app starts. The app keeps no state of its own beyond the store handle, so several
copies can run behind a load balancer on one PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select, text

from remit import capabilities  # noqa: F401 - every handler and subscriber, registered
from remit.api.deps import clean_query
from remit.api.docs import serve_docs
from remit.api.errors import handle_errors, problem
from remit.api.observe import BodyLimit, Metrics, Observe, configure_logging
from remit.audit import export_api, export_web
from remit.charter import api as charter_api
from remit.charter import web as charter_pages
from remit.decisions import api as decision_api
from remit.decisions import handlers  # noqa: F401 - the decision handlers the sweeper dispatches to
from remit.decisions import web as decision_pages
from remit.decisions.commands import ExpireDecisions
from remit.identity import accounts
from remit.identity import api as identity_api
from remit.identity import web as identity_pages
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.db import READ_ONLY
from remit.kernel.errors import unavailable
from remit.kernel.tables import TeamRow
from remit.kernel.uow import Store
from remit.web.render import STATIC, error_page

log = logging.getLogger("remit.server")


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    max_body_bytes: int = 1_000_000
    sweep_seconds: float = 60.0  # how often open decisions past their deadline are expired
    secure_cookies: bool = False  # set behind HTTPS
    migrate: bool = True


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
    """The ASGI app (``uvicorn --factory remit.app:create_app``: settings from REMIT_DATABASE_URL, and
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
        docs_url=None,  # served from packaged assets under a CSP: api/docs.py
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(clean_query)],
    )
    app.state.settings = settings
    if store is not None:
        app.state.store = store
    handle_errors(app)
    serve_docs(app)
    app.state.error_page = error_page
    app.state.identify_token = accounts.token_identity  # who calls the API, and who is signed in on a page
    app.state.identify_session = accounts.session_identity
    for capability in (decision_api, charter_api, identity_api, export_api):
        app.include_router(capability.router)
    metrics = Metrics()
    app.state.metrics = metrics

    @app.get("/healthz", tags=["operations"], summary="Liveness and database reachability")
    def healthz(request: Request) -> JSONResponse:
        try:
            with request.app.state.store.engine.connect() as connection:  # a read: on SQLite, no write lock
                connection.execution_options(**{READ_ONLY: True}).execute(text("SELECT 1"))
        except Exception as error:
            down = unavailable(error)
            return problem(down.status, down.code, down.message, down.hint)
        return JSONResponse({"status": "ok"})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    def prometheus() -> Response:
        return metrics.render()

    for pages in (identity_pages, decision_pages, charter_pages, export_web):
        app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(Observe, metrics=metrics, secure=settings.secure_cookies)
    return app
