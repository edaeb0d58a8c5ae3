"""The web app: server-rendered pages over the same services as the API and the CLI. ``mount_web`` adds
the pages and the stylesheet to the app; ``error_page`` is the HTML error page the app's handlers use."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from remit.charter import web as charter_pages
from remit.decisions import web as decision_pages
from remit.identity import web as account
from remit.web.render import STATIC, error_page

__all__ = ["error_page", "mount_web"]


def mount_web(app: FastAPI) -> None:
    app.include_router(account.router)
    app.include_router(decision_pages.router)
    app.include_router(charter_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
