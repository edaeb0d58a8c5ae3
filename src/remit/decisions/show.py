"""Decisions in the terminal: a resolution, a decision, lists, the queue and the audit log, in the words of
``decisions/words.py`` (the same sentences the web pages and the API's texts use), coloured with rich."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape
from rich.table import Table

from remit.cli.context import console
from remit.cli.show import LINE, state_text
from remit.decisions import words
from remit.decisions.model import Resolution
from remit.decisions.views import AuditEntry, DecisionSummary, DecisionView, Queue

ACTIVE = ("open", "blocked")


def resolution(result: Resolution) -> None:
    console.print(f"state: {state_text(result.state)}")
    for kind, line in words.account(result):
        style = LINE.get(kind)
        console.print(f"  [{style}]{escape(line)}[/]" if style else f"  {escape(line)}")


def decision(view: DecisionView) -> None:
    console.print(
        f"[bold]#{view.number} {escape(view.title)}[/]  ({view.domain}, revision {view.revision}, "
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
    if view.state in ACTIVE and (view.blocked_by or view.waiting_on):
        console.print(escape(words.standing(view, None)))
    if view.positions:
        table = Table(title="positions")
        for column in ("rev", "person", "role", "stance", "basis", "reason", "at"):
            table.add_column(column)
        for p in view.positions:
            table.add_row(str(p.revision), p.person, p.role, p.stance, p.basis or "", escape(p.reason), p.at[:19])
        console.print(table)
    for e in view.evidence:
        console.print(f"evidence [bold]{e.name}[/] from {e.person} ({e.role}): {escape(e.text)}")
    for rule in view.rules:
        console.print(f"rule {rule.id}: {escape(rule.because)}")
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
        console.print(
            f"[magenta]boundary crossing[/] ({label}) by {crossing.person} ({crossing.role}): {escape(crossing.why)}"
        )


def decision_list(rows: Sequence[DecisionSummary]) -> None:
    table = Table()
    for column in ("#", "domain", "title", "state", "proposer", "where it stands"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row.number),
            row.domain,
            escape(row.title),
            state_text(row.state),
            row.proposer,
            escape(words.standing(row, None)) if row.state in ACTIVE else "",
        )
    console.print(table)


def queue(body: Queue) -> None:
    """What waits on a person, and on whom (by name) their own open decisions wait."""
    who = f"{body.person} ({', '.join(body.roles) or 'no role'})"
    if body.waiting_on_me:
        console.print(f"[bold]waiting on {who}[/]:")
        for item in body.waiting_on_me:
            console.print(f"  {card(item.summary)}: " + escape("; ".join(item.asks)))
    else:
        console.print(f"nothing is waiting on {who}")
    if body.next_cursor:
        console.print(f"  [dim]more: --cursor {body.next_cursor}, or --all[/]")
    if body.mine:
        console.print("[bold]yours, still open[/]:")
    for mine in body.mine:
        console.print(f"  {card(mine)}: " + escape(words.standing(mine, body.holders)))


def card(summary: DecisionSummary) -> str:
    return f"#{summary.number} {escape(summary.title)} ({summary.domain}, {state_text(summary.state)})"


def audit_log(entries: Sequence[AuditEntry]) -> None:
    for entry in entries:
        number = f" #{entry.decision}" if entry.decision else ""
        detail = ", ".join(
            f"{k}={v}" for k, v in entry.payload.items() if k not in ("number",) and v not in (None, [], {}, "")
        )
        said = f"{entry.seq:>5} {entry.at[:19]} [bold]{entry.kind}[/]{number} by {entry.actor}"
        console.print(f"{said}: [dim]{escape(detail[:160])}[/]")
