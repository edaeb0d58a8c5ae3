"""``remit serve``: the team service (the web app and the JSON API), optionally with the demo team."""

from __future__ import annotations

import errno
import os
import socket
import tempfile
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from remit.cli.context import console, local
from remit.kernel.errors import Conflict, InvalidInput

DEMO_DATABASE = "sqlite:///remit-demo.db"


def port_free(host: str, port: int) -> None:
    """Fail with one clear line, before any work, if the address is taken (uvicorn would say so only after
    the banner, as ``[Errno 98]``). The probe does not ask for ``SO_REUSEPORT``, so another ``remit serve
    --workers N`` on the port counts as taken too."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: TIME_WAIT is no clash
            probe.bind((host, port))
    except OSError as error:
        port_taken(host, port, error)


def port_taken(host: str, port: int, error: OSError) -> NoReturn:
    """The one line that says why ``host:port`` cannot be served on."""
    taken = error.errno == errno.EADDRINUSE
    why = "is already in use (another `remit serve`?)" if taken else f"cannot be listened on: {error.strerror}"
    raise Conflict(
        f"{host}:{port} {why}",
        hint=f"stop what uses it, or serve on another port: `make serve PORT={port + 11}` or "
        f"`remit serve --port {port + 11}`",
    ) from None


def serve(
    typer_ctx: typer.Context,
    demo: Annotated[bool, typer.Option(help="seed the demo team if the database does not hold it yet")] = False,
    host: Annotated[str, typer.Option(help="the address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the port to listen on")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="worker processes, each on a socket of its own (PostgreSQL; SQLite wants 1)")
    ] = 1,
    export: Annotated[
        Path | None,
        typer.Option(help="keep the public pages written as static files in this folder (REMIT_STATUS_EXPORT_DIR)"),
    ] = None,
) -> None:
    """Start the team service: web app, JSON API under /api/v1, /healthz and /metrics."""
    import uvicorn

    from remit.app import CHECKPOINT_DIR, Settings, sign_in_limits
    from remit.audit.checkpoint_cli import ensure_key
    from remit.audit.keys import ENV_FILE, ENV_KEY
    from remit.kernel.uow import Store
    from remit.seed import seed_demo
    from remit.workers import Spread, sockets_for

    context = local(typer_ctx)
    port_free(host, port)
    url = context.database or os.environ.get("REMIT_DATABASE_URL") or (DEMO_DATABASE if demo else None)
    shown = "[::1]" if host == "::1" else ("127.0.0.1" if host in ("0.0.0.0", "::") else host)  # noqa: S104
    here = f"http://{shown}:{port}"
    base = os.environ.setdefault("REMIT_BASE_URL", here)  # the links in notifications
    store = Store.open(url, migrate=True)
    try:
        where = store.engine.url.render_as_string(hide_password=True)
        if demo:
            team = seed_demo(store, here)  # the demo's channels stay on this machine, whatever REMIT_BASE_URL says
            console.print(f"demo team [bold]{team.team}[/] {'created' if team.created else 'already there'} in {where}")
            console.print(f"sign in as any of these, password [bold]{team.password}[/]:")
            for handle, name, roles in team.people:
                console.print(f"  {handle:<8} {name} — {roles}")
    finally:
        store.close()
    os.environ["REMIT_DATABASE_URL"] = store.engine.url.render_as_string(hide_password=False)
    key = ensure_key()
    if key.source != ENV_KEY:  # the workers find the key where this process did, whatever their directory
        os.environ[ENV_FILE] = str(Path(key.source).resolve())
    folder = Path(os.environ.get("REMIT_CHECKPOINT_DIR") or CHECKPOINT_DIR).resolve()
    os.environ["REMIT_CHECKPOINT_DIR"] = str(folder)
    settings = Settings.from_env()
    sign_in_limits(settings)  # what the workers will read: a bad setting is a red line here
    if settings.rate_limit_storage.startswith("memory") and (workers > 1 or store.engine.dialect.name != "sqlite"):
        console.print(  # several processes (these workers, or other servers on this database) count apart
            "sign-in limits are counted in each process's memory: with N server processes a client gets up to N "
            "times the attempts (set REMIT_RATE_LIMIT_STORAGE=redis://host:6379 to count them once)"
        )
    console.print(f"checkpoints signed by key {key.id} ({key.source}), kept in {folder}")
    if demo and os.environ.setdefault("REMIT_LOG_LEVEL", "warning") == "warning":  # a quiet terminal for the demo
        console.print("logging warnings and errors only (REMIT_LOG_LEVEL=info logs every request)")
    console.print(f"notifications delivered by this server (links to {base}; `remit notify status` shows them)")
    if export is not None:
        os.environ["REMIT_STATUS_EXPORT_DIR"] = str(export.resolve())  # the workers write where this one says
    if os.environ.get("REMIT_STATUS_EXPORT_DIR"):
        exported = Path(os.environ["REMIT_STATUS_EXPORT_DIR"])
        try:  # a folder that cannot be written is said now, in one line, not logged on every change
            exported.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=exported).close()
        except OSError as error:
            raise InvalidInput(
                f"cannot write the status export in {exported}: {error.strerror}",
                hint="name a folder this server may write (--export DIR or REMIT_STATUS_EXPORT_DIR)",
            ) from None
        console.print(f"the public pages are kept as static files in {exported}")
    console.print(f"Remit is serving at [bold]http://{host}:{port}/[/] (API docs: http://{host}:{port}/api/v1/docs)")
    console.print("press Ctrl+C to stop it")
    config = uvicorn.Config(
        "remit.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )  # uvloop and httptools when installed (they are Remit's dependencies): about 2x h11 on asyncio
    try:
        sockets = sockets_for(host, port, workers)  # TCP_NODELAY; SO_REUSEPORT when several (workers.py)
    except OSError as error:
        port_taken(host, port, error)
    if workers <= 1:
        uvicorn.Server(config).run(sockets=sockets)
        return
    Spread(config, sockets).run()
