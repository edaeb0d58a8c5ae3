"""What each layer of the app costs a request: the ASGI app called in-process (no HTTP, no socket) with a
trivial ``GET /bench/noop`` (an async route answering ``{}``), the whole stack, then the same stack with one
piece taken out at a time, beside the peers: a bare ASGI app answering the same bytes, and a bare FastAPI app
with only that route.

Rows are microseconds per request, best of ``--rounds`` rounds of ``--requests`` requests each, the variants
interleaved round by round so that a busy machine slows them all alike; "cost" is the row's time minus the
whole stack's (what taking the piece out saves), "÷ bare" the row over the bare ASGI app.

    python bench/middleware_cost.py [--requests 3000] [--rounds 5] [--write BENCHMARKS.md]

Nothing asserts on time; the numbers are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from loadkit import heading, load_average, write_section
from remit.api.observe import Observe
from remit.app import Settings, create_app
from remit.kernel.uow import Store

SECTION = "middleware_cost"
PATH = "/bench/noop"
BODY = b"{}"
Scope = dict[str, Any]
App = Callable[..., Any]


async def noop() -> dict[str, str]:
    return {}


async def bare(scope: Scope, receive: Any, send: Any) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


def remit_app(
    store: Store,
    *,
    first: bool = False,
    without: tuple[type, ...] = (),
    dependencies: bool = True,
    log_level: str = "info",
) -> App:
    """The whole app with the no-op route added last (as /healthz was) or ``first``, less the middleware
    classes in ``without``, with or without the app-wide dependencies (the query check)."""
    app = create_app(Settings(sweep_seconds=0, log_level=log_level), store=store)
    for handler in logging.getLogger("remit").handlers:  # the access lines formatted, written nowhere
        if getattr(handler, "remit", False) and isinstance(handler, logging.StreamHandler):
            handler.setStream(Path(os.devnull).open("w"))  # noqa: SIM115 - for the process's life
    kept = app.router.dependencies
    if not dependencies:
        app.router.dependencies = []
    app.add_api_route(PATH, noop, methods=["GET"])
    app.router.dependencies = kept
    if first:
        routes = app.router.routes
        routes.insert(0, routes.pop())
    app.user_middleware = [m for m in app.user_middleware if m.cls not in without]
    return app


def plain_fastapi() -> App:
    app = FastAPI()
    app.router.routes.append(APIRoute(PATH, noop, methods=["GET"]))
    return app


def scope_for(path: str) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"accept", b"*/*")],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def call(app: App, path: str, requests: int) -> float:
    """Seconds per request over ``requests`` calls (each checks it got a 200)."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.perf_counter()
    for _ in range(requests):
        await app(scope_for(path), receive, send)
    elapsed = time.perf_counter() - started
    if set(statuses) != {200}:
        raise RuntimeError(f"{path} answered {sorted(set(statuses))}")
    return elapsed / requests


def variants(store: Store) -> dict[str, tuple[App, str]]:
    return {
        "bare ASGI app (the peer)": (bare, PATH),
        "FastAPI, the route alone": (plain_fastapi(), PATH),
        "Remit: the whole stack, route last": (whole := remit_app(store), PATH),
        "  less Observe (request id, access log, metrics, headers, body limit)": (
            remit_app(store, without=(Observe,)),
            PATH,
        ),
        "  less the app-wide query check (a dependency)": (remit_app(store, dependencies=False), PATH),
        "  with the route first": (remit_app(store, first=True), PATH),
        "  at REMIT_LOG_LEVEL=warning (no access line)": (remit_app(store, log_level="warning"), PATH),
        "Remit /healthz": (whole, "/healthz"),
        "Remit /readyz (a sync route: thread hop, SELECT 1 on SQLite)": (whole, "/readyz"),
    }


async def measure(store: Store, requests: int, rounds: int) -> dict[str, float]:
    apps = variants(store)
    best = {name: float("inf") for name in apps}
    for app, path in apps.values():  # warm: routes compiled, middleware stacks built
        await call(app, path, 200)
    for _ in range(rounds):
        for name, (app, path) in apps.items():
            best[name] = min(best[name], await call(app, path, requests))
    return best


def table(best: dict[str, float]) -> str:
    peer = best["bare ASGI app (the peer)"]
    whole = best["Remit: the whole stack, route last"]
    lines = ["| what | µs per request | cost (µs) | ÷ bare |", "| --- | ---: | ---: | ---: |"]
    for name, seconds in best.items():
        cost = f"{(whole - seconds) * 1e6:.1f}" if name.startswith("  ") else ""
        lines.append(f"| {name.strip()} | {seconds * 1e6:.1f} | {cost} | {seconds / peer:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    load = load_average()
    with tempfile.TemporaryDirectory(prefix="remit-bench-") as folder:
        store = Store.open(f"sqlite:///{folder}/remit.db", migrate=True)
        try:
            best = asyncio.run(measure(store, args.requests, args.rounds))
        finally:
            store.close()
    print(table(best))
    if args.write is not None:
        body = "\n".join(
            [
                heading("Middleware: what each layer costs a request", "middleware_cost.py", argv),
                f"- In-process ASGI calls, no HTTP; best of {args.rounds} rounds of {args.requests:,} requests, "
                f"variants interleaved; load average at the start {load} (1 / 5 min; the machine is shared).",
                "- cost: what taking the piece out saves against the whole stack. On a busy machine rows move by "
                "hundreds of µs between runs (a negative cost is that noise): compare a row with the FastAPI row of "
                "its run.",
                "",
                table(best),
            ]
        )
        write_section(args.write, SECTION, body)
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
