"""Rendering pages: one Jinja2 environment (autoescaped), the headers every page carries, the error page,
and the route class that turns any ``RemitError`` raised under a page into that error page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from remit.web.session import SignInRequired, came_from, clear_flash, pop_flash, set_flash

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; script-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def when(value: Any) -> str:
    """An ISO timestamp (or datetime) as people read it: 2026-11-02 09:00 UTC."""
    if value is None or value == "":
        return "—"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def ago(value: Any, now: datetime | None = None) -> str:
    """An ISO timestamp relative to now, as people say it: "just now", "3 hours ago", "in 2 days"; beyond a
    month, the date. The exact time goes beside it (the ``moment`` macro puts it on hover)."""
    if value is None or value == "":
        return "—"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    size = abs(seconds)
    if size < 60:
        return "just now"
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= length:
            count = int(size // length)
            if unit == "day" and count > 30:
                return moment.strftime("%Y-%m-%d")
            said = f"{count} {unit}{'s' if count != 1 else ''}"
            return f"{said} ago" if seconds > 0 else f"in {said}"
    return "just now"  # pragma: no cover - every size of a minute or more matched a unit


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["ago"] = ago
    return env


ENV = _environment()


def page(request: Request, template: str, *, status: int = 200, title: str = "", **context: Any) -> HTMLResponse:
    """Render ``template`` for the signed-in viewer (``request.state.viewer``), with any flash message."""
    viewer = getattr(request.state, "viewer", None)
    flash, tone = pop_flash(request)
    html = ENV.get_template(template).render(
        viewer=viewer,
        csrf=viewer.csrf if viewer is not None else "",
        flash=flash,
        flash_tone=tone,
        path=request.url.path,
        title=title,
        status=status,
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    if flash:
        clear_flash(response)
    return response


def error_page(request: Request, status: int, message: str, hint: str) -> HTMLResponse:
    """The HTML error page: what went wrong and how to fix it, never a traceback."""
    back = came_from(request) if request.method == "POST" else ""
    return page(request, "error.html", status=status, title=f"{status}", message=message, hint=hint, back=back)


class PageRoute(APIRoute):
    """A page: whatever the Accept header, its errors are rendered as the HTML error page (by the app's one
    error renderer, ``api/errors.py``); a missing or ended session is a redirect to the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            request.scope["remit.page"] = True
            try:
                return await handler(request)
            except SignInRequired as needed:
                return needed.redirect()

        return page_handler


def redirect(url: str, *, flash: str = "", warning: bool = False) -> RedirectResponse:
    """303 to ``url`` (a local path), carrying a one-time message for the next page: a success, or with
    ``warning`` something that went otherwise than asked (a no-go that counted only as voice)."""
    response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
    if flash:
        set_flash(response, flash, "warning" if warning else "done")
    return response
