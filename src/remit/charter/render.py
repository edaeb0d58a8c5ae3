"""Write a charter as TOML, one line per right, so a team can review it like code; edit a team's file in place.

tomlkit does the TOML: it quotes every key and string that needs it (a handle like ``mary.jones`` becomes
``[people."mary.jones"]``), and it edits a file without losing the comments and layout the team gave it.
"""

from __future__ import annotations

from collections.abc import Iterable

import tomlkit
from tomlkit.exceptions import ParseError
from tomlkit.items import InlineTable, Table

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
    return document.as_string()


def set_roster(text: str, people: Iterable[Person], source: str = "remit.toml") -> str:
    """The charter file ``text`` with ``[people]`` made exactly ``people``; everything else (comments, layout,
    order, and the lines of a person who did not change) stays as the team wrote it."""
    try:
        document = tomlkit.parse(text)
    except ParseError as error:
        problem = Problem(source, "(file)", f"not valid TOML: {error}", "fix the syntax at the line and column given")
        raise CharterInvalid(f"{source} is not valid TOML: {error}", [problem]) from error
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
