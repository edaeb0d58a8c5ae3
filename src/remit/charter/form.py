"""The form that proposes a charter change: the rights matrix and the roster as ordinary form fields, read
back into the edits ``render.edit_charter`` makes, and each problem of the charter check placed next to the
cell, the domain or the person it concerns.

A cell is one role's right in one domain: a right (or none) and, for ``decide`` and ``block``, the grounds
its no-go stops the decision on (a ``decide`` with none ticked blocks on any grounds). Only what the person
changed is written: an untouched cell or person keeps its line, its comments and its sources.
Pure: the charter's model and the standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from remit.charter.model import ROLES, Charter, Grant, Person, Right
from remit.charter.problems import Problem, toml_key
from remit.kernel.errors import InvalidInput

BLOCKING = (Right.DECIDE.value, Right.BLOCK.value)
MAX_ROWS = 200  # roster rows a form may send (a team is people, not thousands)


def right_field(domain: str, role: str) -> str:
    return f"right:{domain}:{role}"


def bases_field(domain: str, role: str) -> str:
    return f"on:{domain}:{role}"


@dataclass(frozen=True)
class Cell:
    right: str  # a Right's value, or "" for no right
    bases: tuple[str, ...] = ()  # ticked grounds (kept as typed, even where the right carries none)


@dataclass(frozen=True)
class Row:
    """One person on the roster form: an existing one (handle fixed) or a new one (handle typed)."""

    handle: str
    name: str = ""
    roles: tuple[str, ...] = ()
    reports_to: str = ""
    existing: bool = False
    remove: bool = False

    @property
    def blank(self) -> bool:
        return not self.existing and not (self.handle or self.name or self.roles or self.reports_to)


@dataclass(frozen=True)
class Typed:
    """Everything the form holds: as the charter is (a new form), or as the person sent it."""

    version: int
    cells: dict[tuple[str, str], Cell]
    rows: list[Row]
    title: str = ""
    reason: str = ""

    def cell(self, domain: str, role: str) -> Cell:
        return self.cells.get((domain, role), Cell(""))


def _cell(grant: Grant | None) -> Cell:
    if grant is None:
        return Cell("")
    return Cell(grant.right.value, () if grant.bases is None else tuple(sorted(grant.bases)))


def from_charter(charter: Charter, version: int, *, new_rows: int = 1) -> Typed:
    cells = {(domain.name, role): _cell(domain.grant(role)) for domain in charter.domains.values() for role in ROLES}
    rows = [Row(p.handle, p.name, p.roles, p.reports_to or "", existing=True) for p in charter.people.values()] + [
        Row("") for _ in range(new_rows)
    ]
    return Typed(version, cells, rows)


def read_form(charter: Charter, form: Mapping[str, list[str]]) -> Typed:
    """The form as sent (``form``: each field's values, in order), for the cells of ``charter``'s domains."""

    def one(name: str) -> str:
        values = form.get(name) or [""]
        return values[0].strip()

    cells: dict[tuple[str, str], Cell] = {}
    for domain in charter.domains:
        for role in ROLES:
            right = one(right_field(domain, role))
            if right and right not in {r.value for r in Right}:
                raise InvalidInput(
                    f"'{right}' is not a right", hint=f"rights: {', '.join(r.value for r in Right)}", field="right"
                )
            bases = tuple(sorted({basis.strip() for basis in form.get(bases_field(domain, role), []) if basis}))
            cells[(domain, role)] = Cell(right, bases)
    try:
        count = min(int(one("rows") or 0), MAX_ROWS)
    except ValueError:
        raise InvalidInput("the roster's row count is not a number", field="rows") from None
    rows = []
    for index in range(count):
        prefix = f"p{index}."
        rows.append(
            Row(
                handle=one(prefix + "handle"),
                name=one(prefix + "name"),
                roles=tuple(role for role in ROLES if role in form.get(prefix + "roles", [])),
                reports_to=one(prefix + "reports_to"),
                existing=one(prefix + "existing") == "1",
                remove=one(prefix + "remove") == "1",
            )
        )
    try:
        version = int(one("version") or 0)
    except ValueError:
        raise InvalidInput("the charter version is not a number", field="version") from None
    return Typed(version, cells, rows, one("title"), one("reason"))


def _grant(role: str, cell: Cell, was: Grant | None, reason: str) -> Grant:
    right = Right(cell.right)
    bases: frozenset[str] | None = None
    if cell.right in BLOCKING and cell.bases:
        bases = frozenset(cell.bases)
    note = reason or (was.note if was else "")
    return Grant(role, right, bases, why=was.why if was else "", note=note)


def changed_cells(charter: Charter, typed: Typed) -> dict[tuple[str, str], Grant | None]:
    """The cells whose right or grounds the person changed, as the grant each now holds (None: no right).
    A changed cell keeps the sentence it comes from (``why``); the proposal's reason, if given, becomes
    its ``note`` (why the team chose it)."""
    changes: dict[tuple[str, str], Grant | None] = {}
    for (domain, role), cell in typed.cells.items():
        rights = charter.domain(domain)
        was = rights.grant(role) if rights else None
        before = _cell(was)
        same_bases = cell.right not in BLOCKING or cell.bases == before.bases
        if cell.right == before.right and same_bases:
            continue
        changes[(domain, role)] = _grant(role, cell, was, typed.reason) if cell.right else None
    return changes


def roster(typed: Typed) -> list[Person]:
    """The people the form keeps (a removed row or a blank new one is left out)."""
    return [
        Person(row.handle, row.name or row.handle, row.roles, row.reports_to or None)
        for row in typed.rows
        if not row.remove and not row.blank
    ]


HANDLE_MAX, NAME_MAX = 100, 200  # as the roster's table holds them


def row_key(index: int) -> str:
    """The key of a problem with a roster row itself (``people[2]``): placed on that row, whatever its handle."""
    return f"people[{index}]"


def roster_problems(charter: Charter, typed: Typed, source: str) -> list[Problem]:
    """What the form itself gets wrong about people, before the charter check: a new person with no handle,
    a handle someone else on the form already has, a handle or a name too long to keep."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, row in enumerate(typed.rows):
        if row.blank or row.remove:
            continue
        key = row_key(index)
        if not row.handle:
            problems.append(Problem(source, key, "a new person needs a handle", "type the name they sign in with"))
        elif row.handle in seen or (not row.existing and row.handle in charter.people):
            problems.append(Problem(source, key, f"'{row.handle}' is on the roster twice", "give each person one row"))
        elif len(row.handle) > HANDLE_MAX:
            problems.append(Problem(source, key, "the handle is too long", f"use at most {HANDLE_MAX} characters"))
        if len(row.name) > NAME_MAX:
            problems.append(Problem(source, key, "the name is too long", f"use at most {NAME_MAX} characters"))
        seen.add(row.handle)
    return problems


@dataclass(frozen=True)
class Placed:
    """The problems of a proposal by where the form shows them: a ``cell``, a ``domain`` row, a roster ``row``,
    or the ``form`` as a whole."""

    at: dict[str, list[Problem]] = field(default_factory=dict)

    def cell(self, domain: str, role: str) -> list[Problem]:
        return self.at.get(f"cell:{domain}:{role}", [])

    def domain(self, domain: str) -> list[Problem]:
        return self.at.get(f"domain:{domain}", [])

    def row(self, index: int) -> list[Problem]:
        """The problems of the roster's row ``index`` (0-based): its own, and those of the person it holds."""
        return self.at.get(f"row:{index}", [])

    @property
    def form(self) -> list[Problem]:
        return self.at.get("form", [])

    @property
    def errors(self) -> int:
        return sum(problem.severity == "error" for found in self.at.values() for problem in found)


def _under(key: str, prefix: str) -> bool:
    return key == prefix or key.startswith(prefix + ".")


def place(problems: list[Problem], typed: Typed) -> Placed:
    """Each problem at the cell, domain row or person row its key names; anything else at the form's top."""
    cells = {f"domains.{toml_key(d)}.rights.{toml_key(r)}": f"cell:{d}:{r}" for d, r in typed.cells}
    domains = {f"domains.{toml_key(d)}": f"domain:{d}" for d in dict.fromkeys(d for d, _r in typed.cells)}
    rows = {row_key(index): f"row:{index}" for index in range(len(typed.rows))}
    people: dict[str, str] = {}
    for index, row in enumerate(typed.rows):  # the first row with the handle: the person the check means
        if row.handle and not row.remove:
            people.setdefault(f"people.{toml_key(row.handle)}", f"row:{index}")
    at: dict[str, list[Problem]] = {}
    for problem in problems:
        where = next(
            (
                target
                for table in (cells, domains, rows, people)
                for prefix, target in table.items()
                if _under(problem.key, prefix)
            ),
            "form",
        )
        at.setdefault(where, []).append(problem)
    return Placed(at)
