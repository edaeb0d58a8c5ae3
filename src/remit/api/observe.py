"""What the server tells its operators (one JSON log line per request, Prometheus metrics, a request id),
and the limit on request bodies."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Mapping
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("remit.http")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        line.update({key: value for key, value in record.__dict__.items() if key not in _STANDARD})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for Remit's loggers (once; leaves other handlers alone)."""
    root = logging.getLogger("remit")
    if any(getattr(handler, "remit", False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.remit = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "remit_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=self.registry
        )
        self.seconds = Histogram(
            "remit_http_request_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
HSTS = b"max-age=31536000; includeSubDomains"
NOSNIFF = (b"x-content-type-options", b"nosniff")
PROBES = frozenset({"/healthz", "/readyz"})  # a load balancer asks every few seconds: no access line for these


class Observe:
    """The one ASGI middleware (pure ASGI: no ``BaseHTTPMiddleware``) that does every per-request job, in one
    pass over the request's headers: the request id, timing, metrics and the access log line; the limit on
    request bodies; and the headers every response carries: ``nosniff`` always, HSTS and ``Secure`` on every
    cookie when the server runs behind HTTPS (``REMIT_SECURE_COOKIES``). Metric labels are bounded: an
    unknown method is ``other``, an unmatched path ``unmatched``, whatever a client sends. The probes
    (``/healthz``, ``/readyz``) are counted but not logged. What each job costs: BENCHMARKS.md, "Middleware".

    Bodies over ``limit`` bytes are refused with 413 in Remit's error format: at once when the declared length
    is too big, or as soon as a streamed body goes over. (Starlette's own limiter answers in plain text, which
    would break the API's one error shape.) ``wider``: paths that take more (a tracker's export, uploaded
    whole). A browser's form over the limit is refused on reading, by the app's error page, in HTML."""

    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        limit: int = 1_000_000,
        secure: bool = False,
        wider: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.limit = limit
        self.wider = dict(wider or {})
        self.secure = secure
        self.counters: dict[tuple[str, str, int], Any] = {}  # the metrics' children, looked up once each
        self.timers: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = declared = ""
        html = False
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                request_id = value.decode("latin-1")[:64]
            elif name == b"content-length":
                declared = value.decode("latin-1")
            elif name == b"accept":
                html = b"text/html" in value
        request_id = request_id or os.urandom(16).hex()  # as random as uuid4().hex, without the UUID object
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                if not any(name.lower() == b"x-content-type-options" for name, _value in headers):
                    headers.append(NOSNIFF)
                if self.secure:
                    headers.append((b"strict-transport-security", HSTS))
                    message["headers"] = [
                        (name, value + b"; Secure")
                        if name.lower() == b"set-cookie" and b"secure" not in value.lower()
                        else (name, value)
                        for name, value in headers
                    ]
            await send(message)

        try:
            limit = self.wider.get(scope["path"], self.limit) if self.wider else self.limit
            over = int(declared) if declared.isdigit() and int(declared) > limit else 0
            if over and not (html and not scope["path"].startswith("/api")):
                await self._too_large(send_with_id, over, limit)
            else:  # a page's form over the limit is refused on its first read, by the app's HTML error page
                await self.app(scope, self._counted(receive, limit, over), send_with_id)
        finally:
            self._record(scope, status, time.perf_counter() - started, request_id)

    def _counted(self, receive: Receive, limit: int, seen: int) -> Receive:
        async def counted() -> Message:
            nonlocal seen
            if seen > limit:
                raise TooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        return counted

    async def _too_large(self, send: Send, declared: int, limit: int) -> None:
        body = json.dumps(
            {
                "code": "too_large",
                "message": f"the request body is {declared} bytes; the limit is {limit}",
                "hint": "send less: long evidence belongs in a linked document",
            }
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _record(self, scope: Scope, status: int, elapsed: float, request_id: str) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope["method"] if scope["method"] in METHODS else "other"
        counter = self.counters.get((method, route, status))
        if counter is None:
            counter = self.counters[(method, route, status)] = self.metrics.requests.labels(method, route, str(status))
        timer = self.timers.get((method, route))
        if timer is None:
            timer = self.timers[(method, route)] = self.metrics.seconds.labels(method, route)
        counter.inc()
        timer.observe(elapsed)
        if scope["path"] in PROBES or not log.isEnabledFor(logging.INFO):
            return
        log.info(
            "request",
            extra={
                "method": scope["method"][:16],
                "path": scope["path"],
                "route": route,
                "status": status,
                "ms": round(elapsed * 1000, 2),
                "person": scope["state"].get("person"),
                "request_id": request_id,
            },
        )


class TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the limit of {limit} bytes")
