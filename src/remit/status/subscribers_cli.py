"""``remit status subscribers``: the status page's subscribers (masked) and how many hear of each component
(``list``), and removing one (``remove``), for incident-response's key holders; locally as ``--as HANDLE``,
or with ``--server`` as the token's person."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from remit.cli.context import console, ctx, emit_json

app = typer.Typer(no_args_is_help=True, help="The status page's subscribers: list them, remove one.")
As = Annotated[str | None, typer.Option("--as", help="who acts (a handle on the roster); with --server, the token's")]


def _read(typer_ctx: typer.Context, actor: str | None) -> dict[str, Any]:
    context = ctx(typer_ctx)
    if context.server:
        import httpx

        from remit.kernel.errors import NotAuthenticated, RemitError

        if not context.token:
            raise NotAuthenticated("listing subscribers needs a token", hint="set REMIT_TOKEN or pass --token")
        answer = httpx.get(
            context.server.rstrip("/") + "/api/v1/status/subscribers",
            headers={"Authorization": f"Bearer {context.token}"},
            timeout=30,
        )
        if answer.status_code >= 400:
            body = answer.json() if answer.headers.get("content-type", "").startswith("application/") else {}
            raise RemitError(body.get("message") or f"HTTP {answer.status_code}", hint=body.get("hint", ""))
        found: dict[str, Any] = answer.json()
        return found
    from remit.kernel.errors import InvalidInput
    from remit.status.subscription_handlers import subscribers

    if not actor:
        raise InvalidInput("who is asking? name yourself with --as HANDLE", hint="e.g. --as ezra")
    return subscribers(uow=context.store().uow(), team=context.team, handle=actor).as_dict()


@app.command("list")
def list_subscribers(
    typer_ctx: typer.Context, actor: As = None, json_out: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Each subscriber not ended (masked address, state, components), and the confirmed count per component."""
    result = _read(typer_ctx, actor)
    if json_out:
        emit_json(result)
        return
    counts = ", ".join(f"{name} {count}" for name, count in result["per_component"].items())
    console.print(f"confirmed subscribers per component: {counts or 'no component listed'}", markup=False)
    console.print(f"of every component: {result['all_components']}", markup=False)
    for item in result["items"]:
        which = ", ".join(item["components"]) or "all"
        line = f"  {item['id']:>5}  {item['state']:<9} {item['kind']:<7} {item['shown']}  ({which})"
        console.print(line, markup=False)
    if not result["items"]:
        console.print("  nobody has subscribed yet")


@app.command("remove")
def remove(typer_ctx: typer.Context, subscription: int, actor: As = None) -> None:
    """Remove subscriber SUBSCRIPTION: nothing more is sent to it (recorded on the chain)."""
    from remit.kernel.commands import build
    from remit.status.subscription_commands import RemoveSubscriber

    backend = ctx(typer_ctx).backend()
    done = backend.act(backend.actor(actor), build(RemoveSubscriber, subscription=subscription))
    console.print(done["message"], markup=False)
