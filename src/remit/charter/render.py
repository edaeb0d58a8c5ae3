"""Write a charter as TOML, one line per right, so a team can review it like code; edit a team's file in place.

tomlkit does the TOML: it quotes every key and string that needs it (a handle like ``mary.jones`` becomes
``[people."mary.jones"]``), and it edits a file without losing the comments and layout the team gave it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError
from tomlkit.items import InlineTable, Table
from tomlkit.toml_document import TOMLDocument

from remit.charter.model import BASES, DOMAINS, Charter, Grant, Person
from remit.charter.problems import Problem
from remit.kernel.errors import CharterInvalid

HEADER = (
    "Remit charter for team {team}: who holds which right in which domain, and who plays which role.",
    "Check it with `remit charter check`; change it through a decision in the `charter` domain",
    "(`remit charter propose`): a new version is adopted only when that decision is approved.",
)


def _right(grant: Grant) -> InlineTable:
    """``{ right = "block", on = [...], why = "..." }``: written after ``rights.ROLE =``, so one line each."""
    entry = tomlkit.inline_table()
    entry.add(tomlkit.ws(" "))
    entry.add("right", grant.right.value)
    if grant.bases is not None:
        entry.add("on", sorted(grant.bases))
    if grant.why:
        entry.add("why", grant.why)
    if grant.note:
        entry.add("note", grant.note)
    entry.add(tomlkit.ws(" "))
    return entry


def _fields(person: Person) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {"name": person.name, "roles": list(person.roles)}
    if person.reports_to:
        fields["reports_to"] = person.reports_to
    if person.notify:
        fields["notify"] = list(person.notify)
    return fields


def _person(person: Person) -> Table:
    table = tomlkit.table()
    table.update(_fields(person))
    return table


def render_charter(charter: Charter, *, team: str) -> str:
    document = tomlkit.document()
    for line in HEADER:
        document.add(tomlkit.comment(line.format(team=team)))
    document.add(tomlkit.nl())
    head = tomlkit.table()
    head.add("name", team)
    if charter.preset:
        head.add("preset", charter.preset)
    if charter.about:
        head.add("about", charter.about)
    head.add("reserve", charter.reserve)
    if charter.time_zone != "UTC":
        head.add("time_zone", charter.time_zone)
    document.add("team", head)
    extra_bases = sorted(charter.bases - set(BASES))
    extra_domains = [name for name in charter.domains if name not in DOMAINS]
    if extra_bases or extra_domains:
        vocabulary = tomlkit.table()
        if extra_bases:
            vocabulary.add("bases", extra_bases)
        if extra_domains:
            vocabulary.add("domains", extra_domains)
        document.add("vocabulary", vocabulary)
    if charter.domains:
        domains = tomlkit.table(is_super_table=True)
        for domain in charter.domains.values():
            table = tomlkit.table()
            table.add("about", domain.about)
            for grant in domain.grants.values():
                table.add(tomlkit.key(["rights", grant.role]), _right(grant))
            domains.add(domain.name, table)
        document.add("domains", domains)
    if charter.people:
        people = tomlkit.table(is_super_table=True)
        for person in charter.people.values():
            people.add(person.handle, _person(person))
        document.add("people", people)
    if charter.notify:
        notify = tomlkit.table()
        for area, urls in charter.notify.items():
            notify.add(area, list(urls))
        document.add("notify", notify)
    if charter.status_components:
        status = tomlkit.table()
        status.add("components", list(charter.status_components))
        if charter.status_groups:
            groups = tomlkit.inline_table()
            groups.update({name: list(members) for name, members in charter.status_groups.items()})
            status.add("groups", groups)
        if charter.status_private:
            status.add("private", list(charter.status_private))
        document.add("status", status)
    return document.as_string()


def _parse(text: str, source: str) -> TOMLDocument:
    try:
        return tomlkit.parse(text)
    except ParseError as error:
        problem = Problem(source, "(file)", f"not valid TOML: {error}", "fix the syntax at the line and column given")
        raise CharterInvalid(f"{source} is not valid TOML: {error}", [problem]) from error


def _grant_fields(grant: Grant) -> dict[str, Any]:
    """The keys of a right's entry, in the order ``_right`` writes them (absent: the key is removed)."""
    fields: dict[str, Any] = {"right": grant.right.value}
    if grant.bases is not None:
        fields["on"] = sorted(grant.bases)
    fields["why"] = grant.why or None
    fields["note"] = grant.note or None
    return fields


def _domain_table(document: TOMLDocument, domain: str, source: str) -> Any:
    domains = document.get("domains")
    if domains is None or domain not in domains:
        problem = Problem(source, f"domains.{domain}", f"no domain '{domain}' in the file", "add it under [domains]")
        raise CharterInvalid(f"{source} has no domain '{domain}'", [problem])
    return domains[domain]


def _set_grant(table: Any, role: str, grant: Grant | None) -> None:
    """One cell of a domain's table made ``grant`` (None: removed). An entry that stays keeps its other keys,
    its place and its layout; a new one goes at the end of the domain, one line, as ``render_charter`` writes."""
    rights = table.get("rights")
    entry = None if rights is None else rights.get(role)
    if grant is None:
        if entry is not None:
            del rights[role]
        return
    if entry is None:
        if rights is not None and not _dotted(table):
            rights.add(role, _right(grant))  # a [domains.x.rights] table of its own
        else:
            table.add(tomlkit.key(["rights", role]), _right(grant))  # rights.ROLE = { ... }, one line each
        return
    fields = _grant_fields(grant)
    if isinstance(entry, InlineTable) and set(entry) != {key for key, value in fields.items() if value is not None}:
        rights[role] = _right(grant)  # a key added or removed: the line is written again, in its place
        return
    for key, value in fields.items():
        if value is None:
            entry.pop(key, None)
        elif entry.get(key) != value:
            entry[key] = value


def _dotted(table: Any) -> bool:
    """Whether the domain writes its rights as dotted keys (``rights.pm = {...}``), as ``render_charter`` does."""
    return any(key is not None and key.key == "rights" and key.is_dotted() for key, _item in table.value.body)


def set_rights(text: str, cells: Mapping[tuple[str, str], Grant | None], source: str = "remit.toml") -> str:
    """The charter file ``text`` with each (domain, role) cell of ``cells`` made that grant (None: the role loses
    its right there); every other line, comment and layout stays as the team wrote it."""
    document = _parse(text, source)
    for (domain, role), grant in cells.items():
        _set_grant(_domain_table(document, domain, source), role, grant)
    return document.as_string()


def set_roster(text: str, people: Iterable[Person], source: str = "remit.toml") -> str:
    """The charter file ``text`` with ``[people]`` made exactly ``people``; everything else (comments, layout,
    order, and the lines of a person who did not change) stays as the team wrote it."""
    document = _parse(text, source)
    wanted = {person.handle: person for person in people}
    if "people" not in document:
        document.add("people", tomlkit.table(is_super_table=True))
    roster = document["people"]
    for handle in [handle for handle in roster if handle not in wanted]:
        del roster[handle]
    for handle, person in wanted.items():
        if handle not in roster:
            roster[handle] = _person(person)
            continue
        entry = roster[handle]
        for key, value in _fields(person).items():
            if entry.get(key) != value:
                entry[key] = value
        if not person.reports_to:
            entry.pop("reports_to", None)
    return document.as_string()


def edit_charter(
    text: str,
    cells: Mapping[tuple[str, str], Grant | None],
    people: Iterable[Person] | None = None,
    source: str = "remit.toml",
) -> str:
    """The charter file ``text`` with the rights of ``cells`` set and, if given, the roster made ``people``:
    what the proposal form writes. Lines nobody changed stay as they were, comments included."""
    edited = set_rights(text, cells, source) if cells else text
    return edited if people is None else set_roster(edited, people, source)
