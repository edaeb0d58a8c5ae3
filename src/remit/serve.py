"""``remit serve``: the team service (the web app and the JSON API), optionally with the demo team."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from remit.cli.context import console, local

DEMO_DATABASE = "sqlite:///remit-demo.db"


def serve(
    typer_ctx: typer.Context,
    demo: Annotated[bool, typer.Option(help="seed the demo team if the database does not hold it yet")] = False,
    host: Annotated[str, typer.Option(help="the address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="the port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="worker processes (PostgreSQL; SQLite wants 1)")] = 1,
) -> None:
    """Start the team service: web app, JSON API under /api/v1, /healthz and /metrics."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from remit.app import settings_from_environment, sign_in_limits
    from remit.kernel.uow import Store
    from remit.seed import seed_demo

    context = local(typer_ctx)
    sign_in_limits(settings_from_environment())  # a setting that does not read is a red line here, not in a worker
    url = context.database or os.environ.get("REMIT_DATABASE_URL") or (DEMO_DATABASE if demo else None)
    store = Store.open(url, migrate=True)
    try:
        where = store.engine.url.render_as_string(hide_password=True)
        if demo:
            team = seed_demo(store)
            console.print(f"demo team [bold]{team.team}[/] {'created' if team.created else 'already there'} in {where}")
            console.print(f"sign in as any of these, password [bold]{team.password}[/]:")
            for handle, name, roles in team.people:
                console.print(f"  {handle:<8} {name} — {roles}")
    finally:
        store.close()
    os.environ["REMIT_DATABASE_URL"] = store.engine.url.render_as_string(hide_password=False)
    console.print(f"Remit is serving at [bold]http://{host}:{port}/[/] (API docs: http://{host}:{port}/api/v1/docs)")
    config = uvicorn.Config(
        "remit.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )
    if workers <= 1:
        uvicorn.Server(config).run()
        return
    # Several workers share one listening socket. uvicorn leaves Nagle's algorithm on for it (uvicorn#3149),
    # which with the client's delayed ACK adds ~40 ms to every answer; accepted sockets inherit TCP_NODELAY.
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()
