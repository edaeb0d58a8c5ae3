"""What the server tells its operators (one JSON log line per request, Prometheus metrics, a request id),
and the limit on request bodies."""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
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


class Observe:
    """ASGI middleware: request id, timing, metrics and the access log line; and the headers every response
    carries: ``nosniff`` always, HSTS and ``Secure`` on every cookie when the server runs behind HTTPS
    (``REMIT_SECURE_COOKIES``). Metric labels are bounded: an unknown method is ``other``, an unmatched path
    ``unmatched``, whatever a client sends."""

    def __init__(self, app: ASGIApp, metrics: Metrics, secure: bool = False) -> None:
        self.app = app
        self.metrics = metrics
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
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
                    headers.append((b"x-content-type-options", b"nosniff"))
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
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"] if scope["method"] in METHODS else "other"
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.seconds.labels(method, route).observe(elapsed)
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


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413 in Remit's error format: at once when the declared
    length is too big, or as soon as a streamed body goes over. (Starlette's own limiter answers in
    plain text, which would break the API's one error shape.) ``wider``: paths that take more (a tracker's
    export, uploaded whole). A browser's form over the limit is refused by the app's error page, in HTML."""

    def __init__(self, app: ASGIApp, limit: int, wider: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.wider = dict(wider or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.wider.get(scope["path"], self.limit)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        page = not scope["path"].startswith("/api") and b"text/html" in headers.get(b"accept", b"")
        if declared.isdigit() and int(declared) > limit and not page:
            body = json.dumps(
                {
                    "code": "too_large",
                    "message": f"the request body is {int(declared)} bytes; the limit is {limit}",
                    "hint": "send less: long evidence belongs in a linked document",
                }
            ).encode()
            headers_out = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": 413, "headers": headers_out})
            await send({"type": "http.response.body", "body": body})
            return
        seen = int(declared) if declared.isdigit() and int(declared) > limit else 0  # a page: refused on reading

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

        await self.app(scope, counted, send)
