"""The server's composition root: ``create_app(settings)`` builds the ASGI app from every capability's
API router and web pages, on the shared API and web adapters. Importing this module touches nothing; the
store opens when the app starts. The app keeps no state of its own beyond the store handle, so several
copies can run behind a load balancer on one PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import functools
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
from remit.api.errors import handle_errors, problem
from remit.api.observe import BodyLimit, Metrics, Observe, configure_logging
from remit.charter import api as charter_api
from remit.charter import web as charter_pages
from remit.decisions import api as decision_api
from remit.decisions import handlers  # noqa: F401 - the decision handlers the sweeper dispatches to
from remit.decisions import web as decision_pages
from remit.decisions.commands import ExpireDecisions
from remit.identity import accounts, throttle, tokens
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
    sign_in_limit_per_account: str = throttle.PER_ACCOUNT  # failures since the last success, in a moving window
    sign_in_limit_per_address: str = throttle.PER_ADDRESS  # failed secrets of any kind from one client address
    rate_limit_storage: str = throttle.STORAGE  # where the counts live: memory:// (this process) or redis://...


def settings_from_environment() -> Settings:
    """REMIT_DATABASE_URL, REMIT_SECURE_COOKIES=1 behind HTTPS, and the sign-in limits:
    REMIT_SIGN_IN_LIMIT_PER_ACCOUNT, REMIT_SIGN_IN_LIMIT_PER_ADDRESS (rates such as `10 per 15 minutes`) and
    REMIT_RATE_LIMIT_STORAGE (a `limits` storage URI)."""
    env = os.environ.get
    return Settings(
        database_url=env("REMIT_DATABASE_URL"),
        secure_cookies=env("REMIT_SECURE_COOKIES", "") not in ("", "0", "false", "no"),
        sign_in_limit_per_account=env("REMIT_SIGN_IN_LIMIT_PER_ACCOUNT") or throttle.PER_ACCOUNT,
        sign_in_limit_per_address=env("REMIT_SIGN_IN_LIMIT_PER_ADDRESS") or throttle.PER_ADDRESS,
        rate_limit_storage=env("REMIT_RATE_LIMIT_STORAGE") or throttle.STORAGE,
    )


def sign_in_limits(settings: Settings) -> throttle.SignInLimits:
    """The sign-in limits the settings ask for (an ``InvalidInput`` naming a setting that does not read)."""
    return throttle.SignInLimits(
        settings.sign_in_limit_per_account, settings.sign_in_limit_per_address, settings.rate_limit_storage
    )


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
    """The ASGI app (``uvicorn --factory remit.app:create_app``: settings from the environment, see
    ``settings_from_environment``)."""
    settings = settings or settings_from_environment()
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
        dependencies=[Depends(clean_query)],
    )
    app.state.settings = settings
    if store is not None:
        app.state.store = store
    handle_errors(app)
    app.state.error_page = error_page
    limits = sign_in_limits(settings)  # every secret a client sends is counted against these
    app.state.sign_in_limits = limits
    app.state.identify_token = functools.partial(tokens.token_identity, limits=limits)  # who calls the API,
    app.state.identify_session = accounts.session_identity  # and who is signed in on a page
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
            down = unavailable(error)
            return problem(down.status, down.code, down.message, down.hint)
        return JSONResponse({"status": "ok"})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    def prometheus() -> Response:
        return metrics.render()

    for pages in (identity_pages, decision_pages, charter_pages):
        app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(Observe, metrics=metrics, secure=settings.secure_cookies)
    return app
