"""The roster ``remit init`` writes: people given as ``handle=role[,role][@manager]``, or a sample team to edit."""

from __future__ import annotations

from remit.charter.model import ROLES, Charter, Person
from remit.kernel.errors import InvalidInput

SAMPLE = (
    Person("hana", "Hana Okafor (VP Product)", ("product-leadership",)),
    Person("victor", "Victor Lindqvist (Director of Engineering)", ("eng-leadership",)),
    Person("priya", "Priya Raman", ("pm",), "hana"),
    Person("ezra", "Ezra Cohen", ("em",), "victor"),
    Person("dana", "Dana Kim", ("designer",), "hana"),
    Person("theo", "Theo Nguyen", ("tech-lead",), "ezra"),
    Person("sam", "Sam Alvarez", ("engineer",), "ezra"),
    Person("sol", "Sol Martins (Support lead)", ("stakeholder",)),
)


def sample_roster(charter: Charter) -> list[Person]:
    """The sample team, fitted to the preset: a TLM where it has no EM, a research lead where it has one."""
    used = {role for domain in charter.domains.values() for role in domain.grants}
    people = list(SAMPLE)
    if "em" not in used and "tlm" in used:
        people = [Person(p.handle, p.name, ("tlm",), p.reports_to) if "em" in p.roles else p for p in people]
    if "research-lead" in used:
        people.append(Person("rhea", "Rhea Patel", ("research-lead",), "victor"))
    return people


def parse_person(text: str) -> Person:
    """``handle=role[,role][@manager]``, e.g. ``priya=pm@hana``."""
    handle, sep, rest = text.partition("=")
    if not sep or not handle or not rest:
        raise InvalidInput(f"--person '{text}' is not handle=role[,role][@manager]", hint="e.g. --person priya=pm@hana")
    roles_text, _, manager = rest.partition("@")
    roles = tuple(role.strip() for role in roles_text.split(",") if role.strip())
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise InvalidInput(f"--person '{text}': unknown role {', '.join(unknown)}", hint=f"roles: {', '.join(ROLES)}")
    return Person(handle.strip(), handle.strip(), roles, manager.strip() or None)
