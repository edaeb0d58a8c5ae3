"""The API's browsable docs at /api/v1/docs: Swagger UI from a pinned PyPI package (``swagger-ui-bundle-v2``,
Swagger UI 5.31.0), served by the app itself, under a strict Content-Security-Policy.

Nothing loads from anywhere else, so the page renders offline; the page carries no inline script (the
start-up code is ``static/api-docs.js``, which reads the OpenAPI document's address from the page), so the
policy can say ``script-src 'self'``."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS = "/api/v1/docs"
ASSETS = f"{DOCS}/assets"  # the package's swagger-ui.css, swagger-ui-bundle.js, favicons
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def page(openapi_url: str, title: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} API</title>
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui" data-openapi="{openapi_url}"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""


def serve_docs(app: FastAPI) -> None:
    """Mount the packaged assets and the docs page (create the app with ``docs_url=None``)."""
    html = page(app.openapi_url or "", app.title)
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get(DOCS, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(html, headers=HEADERS)
