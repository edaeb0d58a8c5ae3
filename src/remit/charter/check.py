"""Roster checks: the PM and the EM are peers, and every key has someone to turn it.

Seed: "The PM does not manage the EM, and the EM does not manage the PM. They are peers with different
reporting lines and different authority domains."
"""

from __future__ import annotations

from collections.abc import Callable

from remit.charter.model import CHARTER_DOMAIN, Charter, Person
from remit.charter.problems import Problem, toml_key

# Deeper checks `remit charter check` runs on a charter that reads, given by the composition root (the
# ``notify`` capability's: can each channel URL be delivered?). The charter knows none of them.
DEEPER_CHECKS: list[Callable[[Charter, str], list[Problem]]] = []

PRODUCT = frozenset({"pm"})
ENGINEERING = frozenset({"em", "tlm"})  # the TLM combines engineering leadership with product judgment (google-tlm)


def reporting_chain(charter: Charter, person: Person) -> tuple[list[Person], bool]:
    """The people above ``person``, nearest first, and whether the chain runs into a loop."""
    chain: list[Person] = []
    seen = {person.handle}
    current = person
    while current.reports_to:
        if current.reports_to in seen:
            return chain, True
        manager = charter.person(current.reports_to)
        if manager is None:
            break
        chain.append(manager)
        seen.add(manager.handle)
        current = manager
    return chain, False


def check_roster(charter: Charter, source: str) -> list[Problem]:
    problems: list[Problem] = []
    for person in charter.people.values():
        key = f"people.{toml_key(person.handle)}"
        if PRODUCT & set(person.roles) and ENGINEERING & set(person.roles):
            problems.append(
                Problem(
                    source,
                    f"{key}.roles",
                    f"{person.handle} is both {'/'.join(sorted(PRODUCT & set(person.roles)))} and "
                    f"{'/'.join(sorted(ENGINEERING & set(person.roles)))}",
                    "the PM and the EM are peers: give each role to a different person",
                )
            )
        if person.reports_to is not None and charter.person(person.reports_to) is None:
            problems.append(
                Problem(
                    source,
                    f"{key}.reports_to",
                    f"'{person.reports_to}' is not on the roster",
                    f"add [people.{toml_key(person.reports_to)}] (their VP or director), or fix the handle",
                )
            )
            continue
        chain, looped = reporting_chain(charter, person)
        if looped:
            problems.append(
                Problem(
                    source,
                    f"{key}.reports_to",
                    f"{person.handle} is in or under a reporting loop",
                    "someone in this chain must report to nobody (the top) or outside the loop",
                )
            )
            continue
        for side, other_side in ((PRODUCT, ENGINEERING), (ENGINEERING, PRODUCT)):
            mine = sorted(side & set(person.roles))
            if not mine:
                continue
            role = mine[0]
            for manager in chain:
                theirs = sorted(other_side & set(manager.roles))
                if theirs:
                    other = theirs[0]
                    problems.append(
                        Problem(
                            source,
                            f"{key}.reports_to",
                            f"{role} {person.handle} reports (through "
                            f"{' → '.join(m.handle for m in chain[: chain.index(manager) + 1])}) to {other} "
                            f"{manager.handle}",
                            "the PM and the EM are peers with different reporting lines: the PM reports to "
                            "product leadership, the EM to engineering leadership",
                        )
                    )
    if charter.people:
        problems.extend(_unheld_keys(charter, source))
    return problems


def _unheld_keys(charter: Charter, source: str) -> list[Problem]:
    problems = []
    held = {role for person in charter.people.values() for role in person.roles}
    for domain in charter.domains.values():
        for role in domain.deciders:
            if role in held:
                continue
            blocking = domain.name == CHARTER_DOMAIN
            problems.append(
                Problem(
                    source,
                    f"domains.{toml_key(domain.name)}.rights.{role}",
                    f"nobody on the roster is {role}, a key in {domain.name}: "
                    + ("the charter could never be changed" if blocking else "no such decision can be approved"),
                    f'add a person with roles = ["{role}"] under [people]',
                    severity="error" if blocking else "warning",
                )
            )
    return problems
