"""The API docs page: Swagger UI from the pinned PyPI package, served by the app, under a strict CSP with no
inline script and nothing from another origin (the browser test renders it offline)."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from fastapi.testclient import TestClient

from remit.api.docs import ASSETS, DOCS
from remit.app import Settings, create_app

ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_page_loads_only_its_own_files_under_a_strict_csp(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'remit.db'}", sweep_seconds=0)
    with TestClient(create_app(settings)) as client:
        docs = client.get(DOCS)
        assert docs.status_code == 200
        csp = dict(part.strip().split(" ", 1) for part in docs.headers["content-security-policy"].split(";"))
        assert csp["default-src"] == csp["script-src"] == "'self'"
        assert csp["frame-ancestors"] == "'none'" and "unsafe" not in docs.headers["content-security-policy"]
        assert not re.search(r"https?://", docs.text)
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", docs.text, re.S)
        assert scripts and all('src="/' in attributes and not body.strip() for attributes, body in scripts)
        for asset in re.findall(r'(?:src|href)="(/[^"]+)"', docs.text):
            answer = client.get(asset)
            assert answer.status_code == 200, asset
        assert client.get(f"{ASSETS}/swagger-ui-bundle.js").headers["content-type"].startswith("text/javascript")
        assert client.get("/api/v1/openapi.json").json()["paths"]


def test_swagger_ui_is_pinned_to_an_exact_version() -> None:
    pinned = [
        item
        for item in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
        if item.startswith("swagger-ui-bundle-v2")
    ]
    assert pinned == ["swagger-ui-bundle-v2==5.31.0"] and version("swagger-ui-bundle-v2") == "5.31.0"
