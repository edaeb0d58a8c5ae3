"""Rich renderings for people at a terminal (``--json`` gives the machine form)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table

from remit.charter import Charter, Right
from remit.cli.context import console
from remit.decisions.model import Resolution
from remit.decisions.views import AuditEntry, DecisionSummary, DecisionView, Queue

STYLE = {"approved": "bold green", "blocked": "bold red", "open": "yellow", "withdrawn": "dim", "expired": "dim"}
CELL = {
    Right.DECIDE: "[bold]DECIDE[/]",
    Right.BLOCK: "[red]block[/]",
    Right.VOICE: "voice",
    Right.CONSULT: "consult",
    Right.INFORM: "[dim]inform[/]",
}


def state_text(state: str) -> str:
    return f"[{STYLE.get(state, '')}]{state}[/]"


def charter_matrix(charter: Charter, *, why: bool = False) -> None:
    roles = list(dict.fromkeys(role for d in charter.domains.values() for role in d.grants))
    table = Table(title=f"{charter.name}: who holds which right", show_lines=why)
    table.add_column("domain", style="bold", no_wrap=True)
    for role in roles:
        table.add_column(role)
    for domain in charter.domains.values():
        cells = []
        for role in roles:
            grant = domain.grant(role)
            if grant is None:
                cells.append("")
                continue
            cell = CELL[grant.right]
            if grant.can_block and grant.bases is not None:
                cell += f"\n[dim]on {', '.join(sorted(grant.bases))}[/]"
            cells.append(cell)
        table.add_row(domain.name, *cells)
    console.print(table)
    if why:
        for domain in charter.domains.values():
            console.print(f"\n[bold]{domain.name}[/] — {domain.about}")
            for grant in domain.grants.values():
                scope = f" on {', '.join(sorted(grant.bases))}" if grant.bases is not None else ""
                console.print(f"  {grant.role}: {grant.right.value}{scope}")
                if grant.why:
                    console.print(f"    [italic]“{grant.why}”[/]")
                if grant.note:
                    console.print(f"    [dim]Remit's choice: {grant.note}[/]")


def resolution(result: Resolution) -> None:
    console.print(f"state: {state_text(result.state)}")
    for blocker in result.blocked_by:
        who = blocker.person or blocker.role
        console.print(f"  [red]blocked by[/] {who} ({blocker.role}) on {blocker.basis or 'any'} grounds")
    waiting = result.waiting_on
    if waiting.roles:
        console.print(f"  waiting on a go from: {', '.join(waiting.roles)}")
    for need in waiting.evidence:
        console.print(f"  waiting on evidence: {need.name} (from {need.role})")
    if waiting.consults:
        console.print(f"  [dim]not yet heard from (consulted): {', '.join(waiting.consults)}[/]")
    for crossing in result.boundary_crossings:
        console.print(f"  [magenta]boundary crossing[/]: {crossing.why}")


def decision(view: DecisionView) -> None:
    console.print(
        f"[bold]#{view.number} {view.title}[/]  ({view.domain}, revision {view.revision}, "
        f"charter v{view.charter_version})"
    )
    console.print(
        f"proposed by {view.proposer} at {view.opened_at}" + (f"; deadline {view.deadline}" if view.deadline else "")
    )
    console.print(f"state: {state_text(view.state)}" + (f" at {view.settled_at}" if view.settled_at else ""))
    if view.keys:
        console.print(
            "keys: "
            + "  ".join(
                f"{role} {'[green]turned[/]' if on else '[dim]not turned[/]'}" for role, on in view.keys.items()
            )
        )
    for blocker in view.blocked_by:
        console.print(
            f"[red]blocked by[/] {blocker.person or blocker.role} ({blocker.role}) on {blocker.basis or 'any'} grounds"
        )
    waiting = view.waiting_on
    if view.state in ("open", "blocked") and waiting:
        parts = [f"go from {r}" for r in waiting.roles]
        parts += [f"evidence {need.name} from {need.role}" for need in waiting.evidence]
        console.print("waiting on: " + "; ".join(parts))
    if view.positions:
        table = Table(title="positions")
        for column in ("rev", "person", "role", "stance", "basis", "reason", "at"):
            table.add_column(column)
        for p in view.positions:
            table.add_row(str(p.revision), p.person, p.role, p.stance, p.basis or "", p.reason, p.at[:19])
        console.print(table)
    for e in view.evidence:
        console.print(f"evidence [bold]{e.name}[/] from {e.person} ({e.role}): {e.text}")
    for rule in view.rules:
        console.print(f"rule {rule.id}: {rule.because}")
    for c in view.consulted:
        mark = "answered" if c.answered else "not answered"
        console.print(
            f"consulted {c.role}: {mark}" + ("" if c.before_settled or not c.answered else " (after it settled)")
        )
    if view.informed:
        console.print(f"informed: {', '.join(view.informed)}")
    for n in view.reached:
        seen = f"seen {n.seen_at[:19]}" if n.seen_at else "[yellow]not seen yet[/]"
        console.print(f"{n.kind} {n.person} ({n.role}) of {n.event} at {n.at[:19]}: {seen}")
    for crossing in view.crossings:
        label = "refused" if crossing.refused else "recorded as voice"
        console.print(f"[magenta]boundary crossing[/] ({label}) by {crossing.person} ({crossing.role}): {crossing.why}")


def decision_list(rows: Sequence[DecisionSummary]) -> None:
    table = Table()
    for column in ("#", "domain", "title", "state", "proposer", "waiting on / blocked by"):
        table.add_column(column)
    for row in rows:
        if row.blocked_by:
            note = "blocked by " + ", ".join(b.person or b.role for b in row.blocked_by)
        else:
            note = ", ".join([*row.waiting_on.roles, *(need.name for need in row.waiting_on.evidence)])
        table.add_row(
            str(row.number),
            row.domain,
            row.title,
            state_text(row.state),
            row.proposer,
            note if row.state in ("open", "blocked") else "",
        )
    console.print(table)


def queue(body: Queue) -> None:
    """What waits on a person, and on whom (by name) their own open decisions wait."""
    who = f"{body.person} ({', '.join(body.roles) or 'no role'})"
    if body.waiting_on_me:
        console.print(f"[bold]waiting on {who}[/]:")
        for item in body.waiting_on_me:
            summary = item.summary
            console.print(
                f"  #{summary.number} {summary.title} ({summary.domain}, {state_text(summary.state)}): "
                + "; ".join(item.asks)
            )
    else:
        console.print(f"nothing is waiting on {who}")
    if body.next_cursor:
        console.print(f"  [dim]more: --cursor {body.next_cursor}, or --all[/]")
    holders = body.holders

    def people(role: str) -> str:
        return f"{role} ({', '.join(holders.get(role, [])) or 'nobody on the roster'})"

    if body.mine:
        console.print("[bold]yours, still open[/]:")
    for mine in body.mine:
        waiting = mine.waiting_on
        needs = [f"a go from {people(role)}" for role in waiting.roles]
        needs += [f"evidence {need.name} from {people(need.role)}" for need in waiting.evidence]
        parts = [
            f"[red]blocked by[/] {b.person or people(b.role)} on {b.basis or 'any'} grounds" for b in mine.blocked_by
        ]
        parts += ["waiting on " + "; ".join(needs)] if needs else []
        console.print(
            f"  #{mine.number} {mine.title} ({mine.domain}, {state_text(mine.state)}): "
            + (", ".join(parts) or "waiting on nobody")
        )


def audit_log(entries: Sequence[AuditEntry]) -> None:
    for entry in entries:
        number = f" #{entry.decision}" if entry.decision else ""
        detail = ", ".join(
            f"{k}={v}" for k, v in entry.payload.items() if k not in ("number",) and v not in (None, [], {}, "")
        )
        said = f"{entry.seq:>5} {entry.at[:19]} [bold]{entry.kind}[/]{number} by {entry.actor}"
        console.print(f"{said}: [dim]{detail[:160]}[/]")
