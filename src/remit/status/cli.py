"""``remit status show``: the public status summary, as anyone reading the page sees it (``--json``: the
Statuspage v2 ``summary.json`` document). Locally from the database; with ``--server``, from the server's
public API, with no token."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from remit.cli.context import console, ctx, emit_json
from remit.status import subscribers_cli
from remit.status.words import summary_lines

app = typer.Typer(no_args_is_help=True, help="The public status page: what the team published.")
app.add_typer(subscribers_cli.app, name="subscribers")


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
