"""``remit incident``: open, update, name the commander, answer the impact consult, resolve, link the
postmortem, show and list. Parse, ask the backend (local or ``--server``), render."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from remit.cli.context import console, ctx, emit_json
from remit.incidents import words

# The commands (pydantic) load inside the commands that send them: the CLI's start stays quick.

app = typer.Typer(no_args_is_help=True, help="Incidents: open, update, resolve, link the postmortem; the PM's impact.")

As = Annotated[
    str | None, typer.Option("--as", help="who acts (a handle on the roster); with --server, the token's person")
]
Json = Annotated[bool, typer.Option("--json")]
Message = Annotated[str, typer.Option("--message", help="what to say on the timeline")]
Public = Annotated[bool, typer.Option("--public", help="the message may go on the public status page")]


def _act(typer_ctx: typer.Context, actor: str | None, command: Any, json_out: bool, verb: str) -> None:
    backend = ctx(typer_ctx).backend()
    done = backend.act(backend.actor(actor), command)
    if json_out:
        emit_json(done)
        return
    console.print(f"#{done['number']}: {verb}. {words.state_sentence(done | {'components': []})}")


@app.command("open")
def open_cmd(
    typer_ctx: typer.Context,
    title: str,
    severity: Annotated[str, typer.Option(help="sev1 (worst) to sev4")],
    component: Annotated[list[str] | None, typer.Option(help="an affected component; repeat")] = None,
    actor: As = None,
    message: Message = "",
    public: Public = False,
    json_out: Json = False,
) -> None:
    """Open an incident (the owner side: the EM); the PM is told and asked for customer impact."""
    from remit.incidents.commands import OpenIncident
    from remit.kernel.commands import build

    command = build(
        OpenIncident, title=title, severity=severity, components=component or [], message=message, public=public
    )
    _act(typer_ctx, actor, command, json_out, "opened")


@app.command()
def update(
    typer_ctx: typer.Context,
    number: int,
    status: Annotated[str | None, typer.Option(help="investigating, identified, monitoring, resolved")] = None,
    severity: Annotated[str | None, typer.Option(help="sev1 to sev4")] = None,
    message: Message = "",
    public: Public = False,
    actor: As = None,
    json_out: Json = False,
) -> None:
    """Post an update to incident NUMBER: a status, a severity, a message (public or internal)."""
    from remit.incidents.commands import UpdateIncident
    from remit.kernel.commands import build

    command = build(UpdateIncident, number=number, status=status, severity=severity, message=message, public=public)
    _act(typer_ctx, actor, command, json_out, "updated")


@app.command()
def impact(typer_ctx: typer.Context, number: int, text: str, actor: As = None, json_out: Json = False) -> None:
    """Answer incident NUMBER's customer-impact consult (the consulted role: the PM)."""
    from remit.incidents.commands import AnswerImpact
    from remit.kernel.commands import build

    _act(typer_ctx, actor, build(AnswerImpact, number=number, impact=text), json_out, "customer impact answered")


@app.command()
def commander(typer_ctx: typer.Context, number: int, handle: str, actor: As = None, json_out: Json = False) -> None:
    """Name HANDLE the commander of incident NUMBER (the on-call person who runs it)."""
    from remit.incidents.commands import NameCommander
    from remit.kernel.commands import build

    _act(typer_ctx, actor, build(NameCommander, number=number, handle=handle), json_out, f"{handle} commands it")


@app.command()
def resolve(
    typer_ctx: typer.Context,
    number: int,
    message: Message = "",
    public: Public = False,
    actor: As = None,
    json_out: Json = False,
) -> None:
    """Resolve incident NUMBER."""
    from remit.incidents.commands import ResolveIncident
    from remit.kernel.commands import build

    command = build(ResolveIncident, number=number, message=message, public=public)
    _act(typer_ctx, actor, command, json_out, "resolved")


@app.command()
def postmortem(
    typer_ctx: typer.Context, number: int, url: str, public: Public = False, actor: As = None, json_out: Json = False
) -> None:
    """Link the postmortem (an http(s) address) of resolved incident NUMBER."""
    from remit.incidents.commands import LinkPostmortem
    from remit.kernel.commands import build

    command = build(LinkPostmortem, number=number, url=url, public=public)
    _act(typer_ctx, actor, command, json_out, "postmortem linked")


@app.command()
def show(typer_ctx: typer.Context, number: int, json_out: Json = False) -> None:
    """Incident NUMBER: its state, customer impact, timeline (public and internal), timings, crossings."""
    found = ctx(typer_ctx).backend().show_incident(number)
    if json_out:
        emit_json(found)
        return
    console.print(f"[bold]#{found['number']} {found['title']}[/]", highlight=False)
    console.print(words.state_sentence(found), highlight=False)
    console.print(f"Timings: {words.timings_line(found['timings_seconds'])}.", highlight=False)
    said = found["impact"]
    if said["answer"]:
        console.print(f"Customer impact ({said['by']}, {said['at']}): {said['answer']}", highlight=False)
    elif said["asked"]:
        console.print(f"Customer impact: asked of {', '.join(said['asked'])}, not answered yet.", highlight=False)
    if found["postmortem_url"]:
        console.print(f"Postmortem: {found['postmortem_url']}", highlight=False)
    console.print("Timeline:")
    for entry in found["timeline"]:
        text = f": {entry['text']}" if entry["text"] and entry["kind"] != "commander" else ""
        shown = "public  " if entry["public"] else "internal"
        console.print(
            f"  {entry['at']} {shown} {words.change(entry)}{text} ({entry['author']}, {entry['role']})",
            highlight=False,
            markup=False,
        )
    for crossing in found["crossings"]:
        console.print(f"  refused: {crossing['why']}", highlight=False, markup=False)


@app.command()
def mine(typer_ctx: typer.Context, actor: As = None, json_out: Json = False) -> None:
    """What incidents asked or told you that you have not opened yet (the Incidents panel of My queue)."""
    backend = ctx(typer_ctx).backend()
    found = backend.incident_concerns(handle=backend.actor(actor))
    if json_out:
        emit_json(found)
        return
    if not found:
        console.print("Nothing from incidents waits on you.")
    for item in found:
        said = words.concern(item["kind"], item["event"], item["role"])
        if item["kind"] == "asked":
            said += ": answered" if item["answered"] else ": not answered yet"
        console.print(
            f"#{item['number']} {item['severity']} {item['status']:<13} {item['title']} — {said}",
            highlight=False,
            markup=False,
        )


@app.command("list")
def list_cmd(
    typer_ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="only open incidents")] = False,
    json_out: Json = False,
) -> None:
    """The team's incidents, newest first."""
    found = ctx(typer_ctx).backend().list_incidents(open_only=open_only)
    if json_out:
        emit_json(found)
        return
    if not found:
        console.print("No open incidents." if open_only else "No incidents.")
    for item in found:
        console.print(
            f"#{item['number']} {item['severity']} {item['status']:<13} {item['title']}"
            f" (commander {item['commander']})",
            highlight=False,
            markup=False,
        )
