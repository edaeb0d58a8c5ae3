"""``remit decision`` and ``remit rule``."""

from __future__ import annotations

from typing import Annotated

import typer

from remit.cli import show
from remit.cli.context import console, ctx, emit_json, pairs, parse_deadline
from remit.services import decisions as svc
from remit.services import queries
from remit.services import rules as rule_svc

app = typer.Typer(no_args_is_help=True, help="Open decisions, record positions and evidence, amend, withdraw.")
rules = typer.Typer(no_args_is_help=True, help="The team's decision rules.")

As = Annotated[str, typer.Option("--as", help="who acts (a handle on the roster)")]
Role = Annotated[str | None, typer.Option("--role", help="the role to act in, if you hold several")]
Json = Annotated[bool, typer.Option("--json")]


def _report(outcome: svc.Outcome, json_out: bool, verb: str) -> None:
    if json_out:
        emit_json(outcome.as_dict())
        return
    console.print(f"#{outcome.number}: {verb}")
    show.resolution(outcome.resolution.as_dict())


@app.command("open")
def open_cmd(
    typer_ctx: typer.Context,
    domain: str,
    title: str,
    actor: As,
    deadline: Annotated[str | None, typer.Option(help="3d, 48h, or an ISO time; open decisions expire then")] = None,
    evidence: Annotated[list[str] | None, typer.Option(help='NAME="text"; repeat')] = None,
    context: Annotated[str, typer.Option(help="the problem, for the record")] = "",
    role: Role = None,
    json_out: Json = False,
) -> None:
    """Open a decision in DOMAIN under the team's current charter and rules."""
    c = ctx(typer_ctx)
    outcome = svc.open_decision(
        uow=c.store().uow(),
        team=c.team,
        actor=actor,
        domain=domain,
        title=title,
        context=context,
        deadline=parse_deadline(deadline),
        evidence=pairs(evidence or [], "--evidence"),
        role=role,
    )
    _report(outcome, json_out, f"opened in {domain}")


@app.command()
def position(
    typer_ctx: typer.Context,
    number: int,
    stance: str,
    actor: As,
    reason: Annotated[str, typer.Option(help="why: the record shows it")],
    basis: Annotated[
        str | None, typer.Option(help="the ground of a no-go: business, market, technical, safety")
    ] = None,
    role: Role = None,
    json_out: Json = False,
) -> None:
    """Record go, no-go or abstain on decision NUMBER."""
    c = ctx(typer_ctx)
    outcome = svc.record_position(
        uow=c.store().uow(),
        team=c.team,
        actor=actor,
        number=number,
        stance=stance,
        basis=basis,
        reason=reason,
        role=role,
    )
    _report(outcome, json_out, f"{actor} said {stance}" + (f" on {basis} grounds" if basis else ""))


@app.command()
def evidence(
    typer_ctx: typer.Context, number: int, name: str, text: str, actor: As, role: Role = None, json_out: Json = False
) -> None:
    """Add evidence NAME to decision NUMBER (a rule may say who must supply it)."""
    c = ctx(typer_ctx)
    outcome = svc.add_evidence(
        uow=c.store().uow(), team=c.team, actor=actor, number=number, name=name, text=text, role=role
    )
    _report(outcome, json_out, f"evidence {name} added by {actor}")


@app.command()
def amend(
    typer_ctx: typer.Context,
    number: int,
    actor: As,
    title: Annotated[str | None, typer.Option(help="the new title")] = None,
    context: Annotated[str, typer.Option(help="what changed")] = "",
    role: Role = None,
    json_out: Json = False,
) -> None:
    """Start a new revision of decision NUMBER: every position clears; standing vetoes must be lifted."""
    c = ctx(typer_ctx)
    outcome = svc.amend_decision(
        uow=c.store().uow(), team=c.team, actor=actor, number=number, title=title, context=context, role=role
    )
    _report(outcome, json_out, "amended: positions cleared")


@app.command()
def withdraw(
    typer_ctx: typer.Context,
    number: int,
    actor: As,
    reason: Annotated[str, typer.Option(help="why")] = "",
    json_out: Json = False,
) -> None:
    """Withdraw decision NUMBER (its proposer only)."""
    c = ctx(typer_ctx)
    outcome = svc.withdraw_decision(uow=c.store().uow(), team=c.team, actor=actor, number=number, reason=reason)
    if json_out:
        emit_json({"number": outcome.number, "state": "withdrawn"})
    else:
        console.print(f"#{outcome.number}: withdrawn")


@app.command("show")
def show_cmd(typer_ctx: typer.Context, number: int, json_out: Json = False) -> None:
    """Everything about decision NUMBER: state, keys, positions, evidence, rules, crossings, history."""
    c = ctx(typer_ctx)
    view = queries.show_decision(uow=c.store().uow(), team=c.team, number=number).as_dict()
    if json_out:
        emit_json(view)
    else:
        show.decision(view)


@app.command("list")
def list_cmd(
    typer_ctx: typer.Context,
    waiting_on: Annotated[str | None, typer.Option("--waiting-on", help="only those waiting on this person")] = None,
    state: Annotated[str | None, typer.Option(help="open, blocked, approved, withdrawn, expired")] = None,
    json_out: Json = False,
) -> None:
    """The team's decisions."""
    c = ctx(typer_ctx)
    rows = [
        s.as_dict()
        for s in queries.list_decisions(uow=c.store().uow(), team=c.team, state=state, waiting_on=waiting_on)
    ]
    if json_out:
        emit_json(rows)
    elif rows:
        show.decision_list(rows)
    else:
        console.print("no decisions" + (f" waiting on {waiting_on}" if waiting_on else ""))


@rules.command("add")
def rule_add(
    typer_ctx: typer.Context,
    domain: str,
    actor: As,
    because: Annotated[str, typer.Option(help="the agreement, in the team's words")],
    requires: Annotated[list[str] | None, typer.Option(help="evidence NAME:ROLE the domain's decisions need")] = None,
    go: Annotated[list[str] | None, typer.Option(help="a role whose explicit go is required")] = None,
    origin: Annotated[int | None, typer.Option("--from", help="the decision (or retro) it came from")] = None,
    json_out: Json = False,
) -> None:
    """Add a decision rule for future decisions in DOMAIN."""
    c = ctx(typer_ctx)
    view = rule_svc.add_rule(
        uow=c.store().uow(),
        team=c.team,
        actor=actor,
        domain=domain,
        because=because,
        requires=requires or [],
        go=go or [],
        origin=origin,
    )
    if json_out:
        emit_json(view.as_dict())
    else:
        needs = [f"{e['name']} from {e['role']}" for e in view.evidence] + [f"a go from {r}" for r in view.go]
        console.print(f"rule {view.id} for {domain}: requires {', '.join(needs)} — {view.because}")


@rules.command("list")
def rule_list(
    typer_ctx: typer.Context, all_rules: Annotated[bool, typer.Option("--all")] = False, json_out: Json = False
) -> None:
    """The rules in force (--all: retired ones too)."""
    c = ctx(typer_ctx)
    views = rule_svc.list_rules(uow=c.store().uow(), team=c.team, include_retired=all_rules)
    if json_out:
        emit_json([v.as_dict() for v in views])
        return
    for v in views:
        needs = [f"{e['name']} from {e['role']}" for e in v.evidence] + [f"go from {r}" for r in v.go]
        retired = f" [dim](retired {v.retired_at})[/]" if v.retired_at else ""
        console.print(f"rule {v.id} · {v.domain}: {', '.join(needs)} — {v.because}{retired}")
    if not views:
        console.print("no rules")


@rules.command("retire")
def rule_retire(
    typer_ctx: typer.Context, rule_id: int, actor: As, because: Annotated[str, typer.Option(help="why")] = ""
) -> None:
    """Retire a rule for future decisions."""
    c = ctx(typer_ctx)
    rule_svc.retire_rule(uow=c.store().uow(), team=c.team, actor=actor, rule_id=rule_id, because=because)
    console.print(f"rule {rule_id} retired")
