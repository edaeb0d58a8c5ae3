"""Write a charter back out as TOML, one line per right, so a team can review it like code.

TOML basic strings accept JSON's escapes, so ``json.dumps`` quotes every string safely.
"""

from __future__ import annotations

import json

from remit.charter.model import BASES, DOMAINS, Charter, Grant, Person


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _names(names: object) -> str:
    return "[" + ", ".join(_quote(name) for name in names) + "]"  # type: ignore[attr-defined]


def _grant_line(domain: str, grant: Grant) -> str:
    parts = [f"right = {_quote(grant.right.value)}"]
    if grant.bases is not None:
        parts.append(f"on = {_names(sorted(grant.bases))}")
    if grant.why:
        parts.append(f"why = {_quote(grant.why)}")
    if grant.note:
        parts.append(f"note = {_quote(grant.note)}")
    return f"rights.{grant.role} = {{ {', '.join(parts)} }}"


def _person_lines(person: Person) -> list[str]:
    lines = [f"[people.{person.handle}]", f"name = {_quote(person.name)}", f"roles = {_names(person.roles)}"]
    if person.reports_to:
        lines.append(f"reports_to = {_quote(person.reports_to)}")
    return [*lines, ""]


def render_charter(charter: Charter, *, team: str) -> str:
    lines = [
        f"# Remit charter for team {team}: who holds which right in which domain, and who plays which role.",
        "# Check it with `remit charter check`; change it through a decision in the `charter` domain",
        "# (`remit charter propose`): a new version is adopted only when that decision is approved.",
        "",
        "[team]",
        f"name = {_quote(team)}",
    ]
    if charter.preset:
        lines.append(f"preset = {_quote(charter.preset)}")
    if charter.about:
        lines.append(f"about = {_quote(charter.about)}")
    lines += [f"reserve = {charter.reserve}", ""]
    extra_bases = sorted(charter.bases - set(BASES))
    extra_domains = [name for name in charter.domains if name not in DOMAINS]
    if extra_bases or extra_domains:
        lines.append("[vocabulary]")
        if extra_bases:
            lines.append(f"bases = {_names(extra_bases)}")
        if extra_domains:
            lines.append(f"domains = {_names(extra_domains)}")
        lines.append("")
    for domain in charter.domains.values():
        lines += [f"[domains.{domain.name}]", f"about = {_quote(domain.about)}"]
        lines += [_grant_line(domain.name, grant) for grant in domain.grants.values()]
        lines.append("")
    for person in charter.people.values():
        lines += _person_lines(person)
    return "\n".join(lines)
