"""``remit decision``, ``remit rule`` and ``remit queue``: parse, ask the backend, render."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from remit.charter.cli import FileArg
from remit.charter.cli import app as charter_app
from remit.cli.context import console, ctx, emit_json, pairs, parse_deadline, read_file
from remit.decisions import show
from remit.decisions.model import Resolution
from remit.decisions.views import DecisionSummary, DecisionView, Queue

# The commands (pydantic) load inside the commands that send them: `remit who` and `remit resolve` stay quick.

app = typer.Typer(no_args_is_help=True, help="Open decisions, record positions and evidence, amend, withdraw.")
rules = typer.Typer(no_args_is_help=True, help="The team's decision rules.")

As = Annotated[
    str | None, typer.Option("--as", help="who acts (a handle on the roster); with --server, the token's person")
]
Role = Annotated[str | None, typer.Option("--role", help="the role to act in, if you hold several")]
Json = Annotated[bool, typer.Option("--json")]


def _report(outcome: dict[str, Any], json_out: bool, verb: str) -> None:
    if json_out:
        emit_json(outcome)
        return
    console.print(f"#{outcome['number']}: {verb}")
    show.resolution(Resolution.from_dict(outcome))


@app.command("open")
def open_cmd(
    typer_ctx: typer.Context,
    domain: str,
    title: str,
    actor: As = None,
    deadline: Annotated[str | None, typer.Option(help="3d, 48h, or an ISO time; open decisions expire then")] = None,
    evidence: Annotated[list[str] | None, typer.Option(help='NAME="text"; repeat')] = None,
    context: Annotated[str, typer.Option(help="the problem, for the record")] = "",
    role: Role = None,
    json_out: Json = False,
) -> None:
    """Open a decision in DOMAIN under the team's current charter and rules."""
    from remit.decisions.commands import OpenDecision
    from remit.kernel.commands import build

    backend = ctx(typer_ctx).backend()
    items = [{"name": name, "text": text} for name, text in pairs(evidence or [], "--evidence")]
    command = build(
        OpenDecision,
        domain=domain,
        title=title,
        context=context,
        deadline=parse_deadline(deadline),
        evidence=items,
        role=role,
    )
    outcome = backend.act(backend.actor(actor), command)
    _report(outcome, json_out, f"opened in {domain}")


@app.command()
def position(
    typer_ctx: typer.Context,
    number: int,
    stance: str,
    reason: Annotated[str, typer.Option(help="why: the record shows it")],
    actor: As = None,
    basis: Annotated[
        str | None, typer.Option(help="the ground of a no-go: business, market, technical, safety")
    ] = None,
    role: Role = None,
    json_out: Json = False,
) -> None:
    """Record go, no-go or abstain on decision NUMBER."""
    from remit.decisions.commands import RecordPosition
    from remit.kernel.commands import build

    backend = ctx(typer_ctx).backend()
    actor = backend.actor(actor)
    command = build(RecordPosition, number=number, stance=stance, basis=basis, reason=reason, role=role)
    outcome = backend.act(actor, command)
    _report(outcome, json_out, f"{actor} said {stance}" + (f" on {basis} grounds" if basis else ""))


@app.command()
def evidence(
    typer_ctx: typer.Context,
    number: int,
    name: str,
    text: str,
    actor: As = None,
    role: Role = None,
    json_out: Json = False,
) -> None:
    """Add evidence NAME to decision NUMBER (a rule may say who must supply it)."""
    from remit.decisions.commands import AddEvidence
    from remit.kernel.commands import build

    backend = ctx(typer_ctx).backend()
    actor = backend.actor(actor)
    outcome = backend.act(actor, build(AddEvidence, number=number, name=name, text=text, role=role))
    _report(outcome, json_out, f"evidence {name} added by {actor}")


@app.command()
def amend(
    typer_ctx: typer.Context,
    number: int,
    actor: As = None,
    title: Annotated[str | None, typer.Option(help="the new title")] = None,
    context: Annotated[str, typer.Option(help="what changed")] = "",
    role: Role = None,
    json_out: Json = False,
) -> None:
    """Start a new revision of decision NUMBER: every position clears; standing vetoes must be lifted."""
    from remit.decisions.commands import AmendDecision
    from remit.kernel.commands import build

    backend = ctx(typer_ctx).backend()
    command = build(AmendDecision, number=number, title=title, context=context, role=role)
    outcome = backend.act(backend.actor(actor), command)
    _report(outcome, json_out, "amended: positions cleared")


@app.command()
def withdraw(
    typer_ctx: typer.Context,
    number: int,
    actor: As = None,
    reason: Annotated[str, typer.Option(help="why")] = "",
    json_out: Json = False,
) -> None:
    """Withdraw decision NUMBER (its proposer only)."""
    from remit.decisions.commands import WithdrawDecision
    from remit.kernel.commands import build

    backend = ctx(typer_ctx).backend()
    outcome = backend.act(backend.actor(actor), build(WithdrawDecision, number=number, reason=reason))
    if json_out:
        emit_json({"number": outcome["number"], "state": "withdrawn"})
    else:
        console.print(f"#{outcome['number']}: withdrawn")


@app.command("show")
def show_cmd(typer_ctx: typer.Context, number: int, json_out: Json = False) -> None:
    """Everything about decision NUMBER: state, keys, positions, evidence, rules, crossings, history."""
    view = ctx(typer_ctx).backend().show_decision(number)
    if json_out:
        emit_json(view)
    else:
        show.decision(DecisionView.from_dict(view))


@app.command("list")
def list_cmd(
    typer_ctx: typer.Context,
    waiting_on: Annotated[str | None, typer.Option("--waiting-on", help="only those waiting on this person")] = None,
    state: Annotated[str | None, typer.Option(help="open, blocked, approved, withdrawn, expired")] = None,
    domain: Annotated[str | None, typer.Option(help="only this domain's decisions")] = None,
    json_out: Json = False,
) -> None:
    """The team's decisions, all of them (a server's pages are followed to the end)."""
    rows = ctx(typer_ctx).backend().list_decisions(state=state, domain=domain, waiting_on=waiting_on)
    if json_out:
        emit_json(rows)
    elif rows:
        show.decision_list([DecisionSummary.from_dict(row) for row in rows])
    else:
        console.print("no decisions" + (f" waiting on {waiting_on}" if waiting_on else ""))


@rules.command("add")
def rule_add(
    typer_ctx: typer.Context,
    domain: str,
    because: Annotated[str, typer.Option(help="the agreement, in the team's words")],
    actor: As = None,
    requires: Annotated[list[str] | None, typer.Option(help="evidence NAME:ROLE the domain's decisions need")] = None,
    go: Annotated[list[str] | None, typer.Option(help="a role whose explicit go is required")] = None,
    origin: Annotated[int | None, typer.Option("--from", help="the decision (or retro) it came from")] = None,
    json_out: Json = False,
) -> None:
    """Add a decision rule for future decisions in DOMAIN."""
    from remit.decisions.commands import AddRule
    from remit.kernel.commands import build

    backend = ctx(typer_ctx).backend()
    command = build(AddRule, domain=domain, because=because, requires=requires or [], go=go or [], origin=origin)
    view = backend.act(backend.actor(actor), command)
    if json_out:
        emit_json(view)
    else:
        needs = [f"{e['name']} from {e['role']}" for e in view["evidence"]] + [f"a go from {r}" for r in view["go"]]
        console.print(f"rule {view['id']} for {domain}: requires {', '.join(needs)} — {view['because']}")


@rules.command("list")
def rule_list(
    typer_ctx: typer.Context, all_rules: Annotated[bool, typer.Option("--all")] = False, json_out: Json = False
) -> None:
    """The rules in force (--all: retired ones too)."""
    views = ctx(typer_ctx).backend().list_rules(include_retired=all_rules)
    if json_out:
        emit_json(views)
        return
    for v in views:
        needs = [f"{e['name']} from {e['role']}" for e in v["evidence"]] + [f"go from {r}" for r in v["go"]]
        retired = f" [dim](retired {v['retired_at']})[/]" if v["retired_at"] else ""
        console.print(f"rule {v['id']} · {v['domain']}: {', '.join(needs)} — {v['because']}{retired}")
    if not views:
        console.print("no rules")


@rules.command("retire")
def rule_retire(
    typer_ctx: typer.Context, rule_id: int, actor: As = None, because: Annotated[str, typer.Option(help="why")] = ""
) -> None:
    """Retire a rule for future decisions."""
    from remit.decisions.commands import RetireRule
    from remit.kernel.commands import build

    backend = ctx(typer_ctx).backend()
    backend.act(backend.actor(actor), build(RetireRule, rule_id=rule_id, because=because))
    console.print(f"rule {rule_id} retired")


def queue(
    typer_ctx: typer.Context,
    actor: Annotated[
        str | None, typer.Option("--as", help="whose queue (a handle); with --server, the token's person")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200, help="decisions waiting on you per page")] = 50,
    cursor: Annotated[str | None, typer.Option(help="the next page: next_cursor from the last one")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="every page, not just the first")] = False,
    json_out: Json = False,
) -> None:
    """What is waiting on you (newest first), and on whom your own open decisions are waiting."""
    backend = ctx(typer_ctx).backend()
    handle = backend.actor(actor)
    body = backend.queue(handle=handle, limit=limit, cursor=cursor)
    while all_pages and body["next_cursor"]:
        page = backend.queue(handle=handle, limit=limit, cursor=body["next_cursor"])
        body = {**page, "waiting_on_me": body["waiting_on_me"] + page["waiting_on_me"]}
    if json_out:
        emit_json(body)
    else:
        show.queue(Queue.from_dict(body))


@charter_app.command()
def propose(
    typer_ctx: typer.Context,
    actor: Annotated[
        str | None, typer.Option("--as", help="who proposes (a handle); with --server, the token's person")
    ] = None,
    file: FileArg = None,
    title: Annotated[str | None, typer.Option(help="what the change is")] = None,
    deadline: Annotated[str | None, typer.Option(help="3d, 48h, or an ISO time")] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Open a decision in the `charter` domain to adopt FILE as the team's new charter."""
    from remit.decisions.commands import ProposeCharter
    from remit.kernel.commands import build

    context = ctx(typer_ctx)
    backend = context.backend()
    path = file or context.charter_path
    text = read_file(path)
    who = backend.actor(actor)
    if title is None:
        title = f"adopt {path.name} as charter v{backend.charter_status(file_text=None)['version'] + 1}"
    command = build(ProposeCharter, text=text, title=title, deadline=parse_deadline(deadline), source=str(path))
    outcome = backend.act(who, command)
    if json_out:
        emit_json(outcome)
        return
    console.print(f"opened charter decision #{outcome['number']}; adopted when approved")
    show.resolution(Resolution.from_dict(outcome))
