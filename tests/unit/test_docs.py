"""The docs are tested: every command, API route, preset and right is written down where a user will look."""

from __future__ import annotations

from pathlib import Path

import typer
import typer.main
from starlette.routing import Route

from remit.app import Settings, create_app
from remit.charter import preset_names
from remit.main import app

ROOT = Path(__file__).resolve().parents[2]


def command_paths(command: object, prefix: str = "remit") -> list[str]:
    if hasattr(command, "commands"):
        return [path for name, sub in command.commands.items() for path in command_paths(sub, f"{prefix} {name}")]
    return [prefix]


def test_every_cli_command_is_in_the_reference() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [path for path in command_paths(typer.main.get_command(app)) if f"`{path}" not in reference]
    assert not missing, f"undocumented in docs/cli.md: {missing}"


def test_every_preset_has_a_section() -> None:
    presets = (ROOT / "docs" / "presets.md").read_text(encoding="utf-8")
    assert [name for name in preset_names() if f"## {name}\n" not in presets] == []


def test_the_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("make serve") < readme.index("make test") < readme.index("## ")


def api_routes() -> list[str]:
    """Every route the app serves under /api/v1, as ``METHOD PATH``: the operations of its OpenAPI document
    and the routes that serve the document itself."""
    server = create_app(Settings(sweep_seconds=0))  # touches no database until it starts
    routes = [
        f"{method} {route.path}"
        for route in server.routes
        if isinstance(route, Route) and route.path.startswith("/api/v1")
        for method in sorted(route.methods or set())
        if method != "HEAD"
    ]
    routes += [
        f"{method.upper()} {path}"
        for path, operations in server.openapi()["paths"].items()
        if path.startswith("/api/v1")
        for method in operations
    ]
    return routes


def test_every_api_route_has_a_section_in_the_api_reference() -> None:
    reference = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    routes = api_routes()
    assert {"POST /api/v1/decisions", "GET /api/v1/gate/{number}", "GET /api/v1/openapi.json"} <= set(routes)
    missing = [route for route in routes if f"### `{route}`" not in reference]
    assert not missing, f"undocumented in docs/api.md: {missing}"


def test_every_public_status_document_has_a_section_in_the_api_reference() -> None:
    from remit.status.documents import documents
    from remit.status.model import Snapshot

    reference = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    paths = documents(Snapshot("t", "t", "/status", "UTC", "2026-01-01T00:00:00+00:00", (), ()))
    missing = [path for path in paths if f"### `GET /api/v2/{path}`" not in reference]
    assert len(paths) == 8 and not missing, f"undocumented in docs/api.md: {missing}"
