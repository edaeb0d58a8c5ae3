"""MADR (Markdown Architectural Decision Records) for settled decisions.

Follows the MADR 4 template: YAML front matter (status, date, decision-makers, consulted, informed), then
context, considered positions and the outcome. Pure: takes a decision view, returns text.
"""

from __future__ import annotations

import re
from typing import Any

from remit.decisions.model import State

STATUS = {State.APPROVED: "accepted", State.WITHDRAWN: "withdrawn", State.EXPIRED: "rejected (expired)"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "decision"


def filename(view: dict[str, Any]) -> str:
    return f"{view['number']:04d}-{slug(view['title'])}.md"


def _yaml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]" if items else "[]"


def render(view: dict[str, Any]) -> str:
    current = [p for p in view["positions"] if p["revision"] == view["revision"]]
    makers = list(dict.fromkeys(f"{p['person']} ({p['role']})" for p in current if p["role"] in view["keys"]))
    consulted = [f"{c['role']} ({'answered' if c['answered'] else 'not answered'})" for c in view["consulted"]]
    date = (view["settled_at"] or view["opened_at"])[:10]
    title = view["title"].replace('"', "'")
    lines = [
        "---",
        f"status: {STATUS.get(view['state'], view['state'])}",
        f"date: {date}",
        f"decision-makers: {_yaml_list(makers)}",
        f"consulted: {_yaml_list(consulted)}",
        f"informed: {_yaml_list(view['informed'])}",
        f"remit: {{ number: {view['number']}, domain: {view['domain']}, revision: {view['revision']}, "
        f"charter-version: {view['charter_version']} }}",
        "---",
        "",
        f"# {title}",
        "",
        "## Context and Problem Statement",
        "",
        f"A `{view['domain']}` decision proposed by {view['proposer']} on {view['opened_at'][:10]}.",
    ]
    for item in view["evidence"]:
        lines.append(f"- **{item['name']}** ({item['person']}, {item['role']}): {item['text']}")
    if view["rules"]:
        lines += ["", "Decision rules applied:"]
        lines += [f"- rule {rule['id']}: {rule['because']}" for rule in view["rules"]]
    lines += ["", "## Positions", ""]
    for p in view["positions"]:
        basis = f" on {p['basis']} grounds" if p["basis"] else ""
        lines.append(
            f"- revision {p['revision']}: {p['person']} ({p['role']}) said **{p['stance']}**{basis}: {p['reason']}"
        )
    if not view["positions"]:
        lines.append("- none recorded")
    for c in view["crossings"]:
        lines.append(f"- boundary crossing by {c['person']} ({c['role']}): {c['why']}")
    lines += ["", "## Decision Outcome", ""]
    if view["state"] == State.APPROVED:
        lines.append(
            f"Approved at {view['settled_at']}: every key turned "
            f"({', '.join(view['keys'])}), nobody in scope blocked, all required evidence present."
        )
    elif view["state"] == State.WITHDRAWN:
        lines.append(f"Withdrawn by its proposer at {view['settled_at']}.")
    else:
        lines.append(f"Expired at its deadline {view['deadline']} without being approved.")
    return "\n".join(lines) + "\n"
