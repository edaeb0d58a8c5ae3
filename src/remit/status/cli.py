"""``remit status show``: the public status summary, as anyone reading the page sees it (``--json``: the
Statuspage v2 ``summary.json`` document). Locally from the database; with ``--server``, from the server's
public API, with no token. ``remit status export DIR``: every public page, document and feed as static files
(``status/export.py``), from the local database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from remit.cli.context import console, ctx, emit_json, local
from remit.status.words import summary_lines

app = typer.Typer(no_args_is_help=True, help="The public status page: what the team published.")


def _summary(typer_ctx: typer.Context) -> dict[str, Any]:
    context = ctx(typer_ctx)
    if context.server:
        import httpx

        from remit.kernel.errors import InvalidInput, NotFound

        try:  # the team named here; none named: the server's own (the one it serves at /status)
            path = f"/status/{context.team}/api/v2/summary.json"
        except InvalidInput:
            path = "/api/v2/summary.json"
        answer = httpx.get(context.server.rstrip("/") + path, timeout=30)
        if answer.status_code == 404:
            raise NotFound(f"no public status page at {context.server.rstrip('/')}{path}", hint="check --team")
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found
    team = context.team
    import os

    from remit.status import model, queries

    store = context.store()
    base = (os.environ.get("REMIT_BASE_URL") or "").rstrip("/")  # where the server that publishes it is seen
    snap = queries.snapshot(uow=store.uow(), team=team, url=f"{base}/status")
    return model.documents(snap)["summary.json"]


@app.command()
def show(typer_ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The summary the public sees: the overall state, each component's, the open incidents and their public
    updates."""
    summary = _summary(typer_ctx)
    if json_out:
        emit_json(summary)
        return
    for line in summary_lines(summary):
        console.print(line, markup=False, highlight=False)


@app.command()
def export(
    typer_ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="the web root to write (created if missing)", metavar="DIR")],
    base_url: Annotated[
        str | None,
        typer.Option(help="where the pages will be read (their links and the feeds' addresses): REMIT_BASE_URL"),
    ] = None,
) -> None:
    """Write every team's public page, Statuspage v2 JSON, Atom and RSS feeds and published bug board as
    static files in DIR, as the server serves them, for nginx or a CDN. Only changed files are rewritten."""
    import os

    from remit.kernel.errors import InvalidInput, NotFound
    from remit.status import export as exporting
    from remit.status.web import Published

    context = local(typer_ctx)
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file, not a folder", hint="name a folder (it is created if missing)")
    base = base_url or os.environ.get("REMIT_BASE_URL") or exporting.DEFAULT_BASE_URL
    published = Published(context.store(), base)
    teams = published.render_all()
    if not teams:
        raise NotFound("there is no team in this database", hint="create one first: remit init")
    try:
        done = exporting.export(published, folder)
    except OSError as error:
        raise InvalidInput(f"cannot write {folder}: {error.strerror}", hint="check the folder and its rights") from None
    console.print(f"{folder}: {done.sentence}; teams {', '.join(teams)} (links to {published.url(teams[0])})")
