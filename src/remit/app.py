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
from pathlib import Path

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select, text

from remit import capabilities  # noqa: F401 - every handler and subscriber, registered
from remit.api.deps import clean_query
from remit.api.dispatch import narrow
from remit.api.docs import serve_docs
from remit.api.errors import handle_errors, problem
from remit.api.observe import Metrics, Observe, configure_logging
from remit.audit import checkpoint_api, export_api, export_web, keys
from remit.audit import verify_api as audit_api
from remit.audit.notary import Notary
from remit.charter import api as charter_api
from remit.charter import web as charter_pages
from remit.decisions import api as decision_api
from remit.decisions import charter_web as charter_proposal_pages
from remit.decisions import handlers  # noqa: F401 - the decision handlers the sweeper dispatches to
from remit.decisions import web as decision_pages
from remit.decisions.commands import ExpireDecisions
from remit.decisions.events import DecisionExpired, DecisionSettled, DecisionWithdrawn
from remit.identity import accounts, throttle, tokens
from remit.identity import api as identity_api
from remit.identity import web as identity_pages
from remit.incidents import api as incident_api
from remit.incidents import web as incident_pages
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.db import READ_ONLY
from remit.kernel.errors import InvalidInput, RemitError, unavailable
from remit.kernel.singleton import one_process
from remit.kernel.tables import TeamRow
from remit.kernel.uow import Store
from remit.notify import api as notify_api
from remit.notify import web as notify_pages
from remit.notify.worker import Running, Worker, base_url
from remit.status import api as status_api
from remit.status import export as status_export
from remit.status import manage_web as status_manage_pages
from remit.status import subscribe_web as status_subscribe_pages
from remit.status import subscribers_api as status_subscribers_api
from remit.status import web as status_pages
from remit.tracker import api as tracker_api
from remit.tracker import web as tracker_pages
from remit.web.render import STATIC, error_page

log = logging.getLogger("remit.server")
CHECKPOINT_DIR = Path(".remit") / "checkpoints"
HEALTHY = b'{"status":"ok"}'
THREADS = 8  # anyio's default is 40: with 15 pooled connections, the rest only wait and switch (docs/server.md)


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    max_body_bytes: int = 1_000_000
    sweep_seconds: float = 60.0  # how often open decisions past their deadline are expired (0: never here)
    secure_cookies: bool = False  # set behind HTTPS
    migrate: bool = True
    signing_key: keys.SigningKey | None = None  # signs checkpoints; none: no checkpoints, /audit/head is a 503
    checkpoint_dir: Path | None = None  # where checkpoints are kept; none: signed on demand, kept nowhere
    checkpoint_seconds: float = 600.0  # how often a team's moved head is checkpointed (0: only on settling)
    checkpoint_keep: int = 1000  # checkpoints kept per team in checkpoint_dir
    sign_in_limit_per_account: str = throttle.PER_ACCOUNT  # failures since the last success, in a moving window
    sign_in_limit_per_address: str = throttle.PER_ADDRESS  # failed secrets of any kind from one client address
    rate_limit_storage: str = throttle.STORAGE  # where the counts live: memory:// (this process) or redis://...
    notify_seconds: float = 0.0  # the notification worker's pass, besides after each commit (0: no worker;
    # from the environment: 5)
    base_url: str | None = None  # where links in notifications point (REMIT_BASE_URL); None: the worker's default
    log_level: str = "info"  # Remit's JSON lines on stderr (REMIT_LOG_LEVEL): info has one per request
    status_export_dir: Path | None = None  # kept current with the public pages' bytes (REMIT_STATUS_EXPORT_DIR)
    threads: int = THREADS  # the threads that run sync routes and dependencies (REMIT_THREADS)

    @classmethod
    def from_env(cls) -> Settings:
        """REMIT_DATABASE_URL, REMIT_SECURE_COOKIES=1 behind HTTPS, the signing key (``audit/keys.py``),
        REMIT_CHECKPOINT_DIR (default .remit/checkpoints), REMIT_CHECKPOINT_MINUTES (default 10),
        REMIT_CHECKPOINT_KEEP (default 1000), REMIT_LOG_LEVEL (`info`; `warning`: no line per request),
        REMIT_THREADS (threads per process for the routes that read and write the database, default
        8), REMIT_NOTIFY_SECONDS (the notification worker's pass, default 5;
        0: no worker in this server), REMIT_SWEEP_SECONDS (the expiry sweep's pass, default 60; one process
        of those sharing the database sweeps at a time), REMIT_BASE_URL (the links in notifications),
        REMIT_STATUS_EXPORT_DIR (the public pages written as static files whenever they change, docs/status.md),
        and the sign-in limits: REMIT_SIGN_IN_LIMIT_PER_ACCOUNT,
        REMIT_SIGN_IN_LIMIT_PER_ADDRESS (rates such as `10 per 15 minutes`) and REMIT_RATE_LIMIT_STORAGE (a
        `limits` storage URI). REMIT_WORKER (set by `remit serve --workers N` for each worker): the expiry
        sweep and the scheduled checkpoints run in worker 0 only."""
        try:
            key: keys.SigningKey | None = keys.load()
        except RemitError as error:
            log.warning("no checkpoints: %s", error.message, extra={"hint": error.hint})
            key = None
        first = os.environ.get("REMIT_WORKER", "0") == "0"  # `remit serve --workers N`: the schedules in one
        return cls(
            database_url=os.environ.get("REMIT_DATABASE_URL"),
            sweep_seconds=_number("REMIT_SWEEP_SECONDS", 60) if first else 0.0,
            secure_cookies=os.environ.get("REMIT_SECURE_COOKIES", "") not in ("", "0", "false", "no"),
            signing_key=key,
            checkpoint_dir=Path(os.environ.get("REMIT_CHECKPOINT_DIR") or CHECKPOINT_DIR),
            checkpoint_seconds=60 * _number("REMIT_CHECKPOINT_MINUTES", 10) if first else 0.0,
            checkpoint_keep=int(_number("REMIT_CHECKPOINT_KEEP", 1000)),
            sign_in_limit_per_account=os.environ.get("REMIT_SIGN_IN_LIMIT_PER_ACCOUNT") or throttle.PER_ACCOUNT,
            sign_in_limit_per_address=os.environ.get("REMIT_SIGN_IN_LIMIT_PER_ADDRESS") or throttle.PER_ADDRESS,
            rate_limit_storage=os.environ.get("REMIT_RATE_LIMIT_STORAGE") or throttle.STORAGE,
            notify_seconds=_number("REMIT_NOTIFY_SECONDS", 5),
            base_url=os.environ.get("REMIT_BASE_URL") or None,
            log_level=_log_level(os.environ.get("REMIT_LOG_LEVEL") or "info"),
            status_export_dir=Path(os.environ["REMIT_STATUS_EXPORT_DIR"])
            if os.environ.get("REMIT_STATUS_EXPORT_DIR")
            else None,
            threads=max(1, int(_number("REMIT_THREADS", THREADS))),
        )


LOG_LEVELS = ("debug", "info", "warning", "error")


def _log_level(name: str) -> str:
    if name.lower() not in LOG_LEVELS:
        raise RemitError(f"REMIT_LOG_LEVEL is '{name}', not a log level", hint=f"use one of {', '.join(LOG_LEVELS)}")
    return name.lower()


def _number(name: str, default: float) -> float:
    text = os.environ.get(name) or str(default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1e9:
        raise InvalidInput(f"{name}={text} is not a number of 0 or more", hint=f"e.g. {name}={default:g}")
    return value


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


async def _checkpoints(notary: Notary, every: float) -> None:
    """Checkpoint every team whose chain head moved, on a schedule."""
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(notary.sweep)
        except Exception:  # keep going; the failure is logged
            log.exception("checkpoint sweep failed")


def _sweep_once(store: Store) -> bool:
    """One pass over every team, by one server process at a time (the others skip it): False if another
    process was sweeping."""
    with one_process(store.engine, "expiry sweep") as mine:
        if not mine:
            return False
        with store.uow().reading() as uow:
            names = list(uow.session.scalars(select(TeamRow.name)))
        for name in names:
            expired = COMMANDS.dispatch(store, Caller(name, "remit"), ExpireDecisions())
            if expired:
                log.info("decisions expired", extra={"team": name, "decisions": expired})
        return True


def _notary(store: Store, settings: Settings) -> Notary | None:
    if settings.signing_key is None:
        return None
    return Notary(store, settings.signing_key, settings.checkpoint_dir, settings.checkpoint_keep)


class RemitApp(FastAPI):
    """The app, with the public status bytes answered in front of its middleware stack (``status/web.py``)."""

    front = status_pages.Front()

    async def __call__(self, scope: status_pages.Scope, receive: status_pages.Receive, send: status_pages.Send) -> None:
        if not await self.front.serve(scope, send):
            await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """The ASGI app (``uvicorn --factory remit.app:create_app``: settings from the environment, see
    ``Settings.from_env``)."""
    settings = settings or Settings.from_env()
    configure_logging()
    logging.getLogger("remit").setLevel(settings.log_level.upper())

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store is None
        to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.store = store or Store.open(settings.database_url, migrate=settings.migrate)
        tasks = [asyncio.create_task(_sweep(app, settings.sweep_seconds))] if settings.sweep_seconds > 0 else []
        notary = app.state.notary = _notary(app.state.store, settings)
        if notary is not None:
            app.state.store.bus.on(DecisionSettled, DecisionWithdrawn, DecisionExpired)(notary.after_settled)
            if settings.checkpoint_seconds > 0:
                tasks.append(asyncio.create_task(_checkpoints(notary, settings.checkpoint_seconds)))
        published = status_pages.Published(app.state.store, base_url(settings.base_url))
        # the public page and JSON, rendered now (every team's for an export) and after each incident change
        published.start(every_team=settings.status_export_dir is not None)
        if settings.status_export_dir is not None:  # and written as static files each time (status/export.py)
            published.on_rebuild(status_export.Exporter(settings.status_export_dir))
        tasks.append(asyncio.create_task(published.watch()))  # and after another server process's
        app.front = status_pages.Front(published)  # type: ignore[attr-defined]
        deliverer = None
        if settings.notify_seconds > 0:  # a thread of its own, woken after each commit; sends outside any lock
            worker = Worker(app.state.store, base_url=base_url(settings.base_url))
            deliverer = Running(worker, every=settings.notify_seconds)
        try:
            yield
        finally:
            if deliverer is not None:
                deliverer.close()
            for task in tasks:
                task.cancel()
            if notary is not None:
                app.state.store.bus.off(notary.after_settled)
            published.stop()
            if opened:
                app.state.store.close()

    app = RemitApp(
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
    limits = sign_in_limits(settings)  # every secret a client sends is counted against these
    app.state.sign_in_limits = limits
    app.state.identify_token = functools.partial(tokens.token_identity, limits=limits)  # who calls the API,
    app.state.identify_session = accounts.session_identity  # and who is signed in on a page
    app.state.notary = None  # set when the app starts, if it has a signing key
    metrics = Metrics()
    app.state.metrics = metrics

    @app.get("/healthz", tags=["operations"], summary="Liveness: the process answers (no database)")
    async def healthz() -> Response:  # on the event loop: no thread, no connection; a load balancer's check
        return Response(HEALTHY, media_type="application/json")

    @app.get("/readyz", tags=["operations"], summary="Readiness: the database answers")
    def readyz(request: Request) -> JSONResponse:
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

    for capability in (
        decision_api,
        charter_api,
        identity_api,
        audit_api,
        checkpoint_api,
        export_api,
        notify_api,
        incident_api,
        tracker_api,
        status_api,
        status_subscribers_api,
    ):
        app.include_router(capability.router)
    for pages in (
        identity_pages,
        decision_pages,
        charter_pages,
        charter_proposal_pages,
        export_web,
        notify_pages,
        incident_pages,
        tracker_pages,
        status_manage_pages,
        status_subscribe_pages,
    ):
        app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    narrow(app)  # each router asked only for the paths it holds (api/dispatch.py)
    uploads = tracker_pages.UPLOAD_PATHS | tracker_api.UPLOAD_PATHS  # a tracker's export sent whole: 20 MB
    app.add_middleware(
        Observe, metrics=metrics, limit=settings.max_body_bytes, secure=settings.secure_cookies, wider=uploads
    )
    return app
