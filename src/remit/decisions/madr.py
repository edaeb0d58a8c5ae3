"""MADR (Markdown Architectural Decision Records) for decisions.

Follows the MADR 4 template: YAML front matter (status, date, decision-makers, consulted, informed), then
context, considered positions and the outcome. Pure: takes a decision view (its JSON), returns text.

Nothing a participant writes can shape the record: every piece of their text is put on one line and has its
Markdown and HTML escaped (so a reason cannot open a ``## Decision Outcome`` of its own, a link, or a tag),
and the front matter's values are quoted YAML strings. The outcome says what is true of the decision's state:
an open or blocked decision is ``proposed`` and says what it waits on or who blocks it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from remit.decisions.model import State

STATUS = {
    State.OPEN: "proposed",
    State.BLOCKED: "proposed (blocked)",
    State.APPROVED: "accepted",
    State.WITHDRAWN: "withdrawn",
    State.EXPIRED: "rejected (expired)",
}
# What could start a construct inside a line (emphasis, code, a link or an image, a tag, a table cell, an
# escape): backslash-escaped, as CommonMark allows for any ASCII punctuation. Block constructs (a heading, a
# list, a quote) need the start of a line, and a participant's text never starts one.
MARKDOWN = re.compile(r"([\\`*_\[\]<>!|~])")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "decision"


def filename(view: dict[str, Any]) -> str:
    return f"{view['number']:04d}-{slug(view['title'])}.md"


def text(value: object) -> str:
    """A participant's text, inert in Markdown: one line, ``&`` as an entity, every punctuation escaped."""
    flat = LINE_BREAKS.sub(" ", str(value)).strip()
    return MARKDOWN.sub(r"\\\1", flat.replace("&", "&amp;"))


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def _yaml_list(items: list[str]) -> str:
    return "[" + ", ".join(_yaml(item) for item in items) + "]"


def _outcome(view: dict[str, Any]) -> str:
    state = view["state"]
    if state == State.APPROVED:
        return (
            f"Approved at {view['settled_at']}: every key turned ({text(', '.join(view['keys']))}), nobody in "
            "scope blocked, all required evidence present."
        )
    if state == State.WITHDRAWN:
        return f"Withdrawn by its proposer at {view['settled_at']}."
    if state == State.EXPIRED:
        return f"Expired at its deadline {view['deadline']} without being approved."
    if state == State.BLOCKED:
        vetoes = [
            f"{b.get('person') or b['role']} ({b['role']}) on {b['basis'] or 'any'} grounds" for b in view["blocked_by"]
        ]
        return f"Not decided: blocked by {text('; '.join(vetoes))}."
    waiting = view["waiting_on"]
    needs = [f"a go from {role}" for role in waiting.get("roles", [])]
    needs += [f"evidence {name} from {role}" for name, role in waiting.get("evidence_from", {}).items()]
    needs += [f"an answer from {role}" for role in waiting.get("consults", [])]
    return f"Not decided yet: waiting on {text('; '.join(needs) or 'nothing')}."


def render(view: dict[str, Any]) -> str:
    current = [p for p in view["positions"] if p["revision"] == view["revision"]]
    makers = list(dict.fromkeys(f"{p['person']} ({p['role']})" for p in current if p["role"] in view["keys"]))
    consulted = [f"{c['role']} ({'answered' if c['answered'] else 'not answered'})" for c in view["consulted"]]
    date = (view["settled_at"] or view["opened_at"])[:10]
    state = State(view["state"])
    lines = [
        "---",
        f"status: {STATUS[state]}",
        f"date: {date}",
        f"decision-makers: {_yaml_list(makers)}",
        f"consulted: {_yaml_list(consulted)}",
        f"informed: {_yaml_list(view['informed'])}",
        f"remit: {{ number: {int(view['number'])}, domain: {_yaml(view['domain'])}, "
        f"revision: {int(view['revision'])}, charter-version: {int(view['charter_version'])} }}",
        "---",
        "",
        f"# {text(view['title'])}",
        "",
        "## Context and Problem Statement",
        "",
        f"A {text(view['domain'])} decision proposed by {text(view['proposer'])} on {view['opened_at'][:10]}.",
    ]
    for item in view["evidence"]:
        lines.append(f"- **{text(item['name'])}** ({text(item['person'])}, {text(item['role'])}): {text(item['text'])}")
    if view["rules"]:
        lines += ["", "Decision rules applied:"]
        lines += [f"- rule {int(rule['id'])}: {text(rule['because'])}" for rule in view["rules"]]
    lines += ["", "## Positions", ""]
    for p in view["positions"]:
        basis = f" on {text(p['basis'])} grounds" if p["basis"] else ""
        lines.append(
            f"- revision {int(p['revision'])}: {text(p['person'])} ({text(p['role'])}) said "
            f"**{text(p['stance'])}**{basis}: {text(p['reason'])}"
        )
    if not view["positions"]:
        lines.append("- none recorded")
    for c in view["crossings"]:
        lines.append(f"- boundary crossing by {text(c['person'])} ({text(c['role'])}): {text(c['why'])}")
    lines += ["", "## Decision Outcome", "", _outcome(view)]
    return "\n".join(lines) + "\n"
