"""Web pages (placeholder until the web app lands)."""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse


def error_page(request: Request, status: int, message: str, hint: str) -> HTMLResponse:
    return HTMLResponse(f"<h1>{status}</h1><p>{escape(message)}</p><p>{escape(hint)}</p>", status_code=status)


def mount_web(app: FastAPI) -> None:
    return None
