"""The filters of the list of decisions, as the page and the insights' links spell them: each one read and
checked from its query parameter (a bad value is an ``InvalidInput`` naming it), said in words on the page,
and written back into a link. Plain Python: the query that applies them is ``queries.list_decisions``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import urlencode

from remit.decisions.model import State
from remit.kernel.errors import InvalidInput


@dataclass(frozen=True)
class Age:
    """How long ago a still-open decision was opened: at least ``low`` days, less than ``high`` (None: no end)."""

    slug: str
    label: str
    low: int
    high: int | None


AGES = (
    Age("under-1-day", "under 1 day", 0, 1),
    Age("1-3-days", "1–3 days", 1, 3),
    Age("3-7-days", "3–7 days", 3, 7),
    Age("1-4-weeks", "1–4 weeks", 7, 30),
    Age("over-4-weeks", "over 4 weeks", 30, None),
)
AGE_BY_SLUG = {age.slug: age for age in AGES}
STATES = [state.value for state in State]
YES = "yes"


def age_of(days: float) -> Age:
    """The bucket a decision opened ``days`` ago falls in."""
    return next(age for age in AGES if age.high is None or days < age.high)


@dataclass(frozen=True)
class Filters:
    """Which decisions the list shows; every field None (or False) shows them all."""

    state: str | None = None
    domain: str | None = None
    rule: int | None = None  # bound to this rule
    before_rule: int | None = None  # approved in the rule's domain before it came in, not bound to it
    crossed_by: str | None = None  # a role that stepped over the charter's line on the decision
    refused: bool = False  # ... and was refused
    age: Age | None = None  # still open (open or blocked), opened this long ago

    @classmethod
    def parse(cls, values: dict[str, str], *, domains: list[str], roles: list[str], rules: list[int]) -> Filters:
        """The filters from a page's query parameters (empty: not set), checked against what the team has:
        its charter's ``domains`` and ``roles`` and its ``rules``."""
        given = {name: value.strip() for name, value in values.items() if value.strip()}
        state = given.get("state")
        if state is not None and state not in STATES:
            raise InvalidInput(f"unknown state '{state}'", hint=f"states: {', '.join(STATES)}", field="state")
        domain = _one_of(given.get("domain"), domains, "domain")
        crossed_by = _one_of(given.get("crossed_by"), roles, "crossed_by", what="role")
        refused = given.get("refused")
        if refused is not None and refused != YES:
            raise InvalidInput(f"refused is '{refused}': it is 'yes' or left out", field="refused")
        age = given.get("age")
        if age is not None and age not in AGE_BY_SLUG:
            raise InvalidInput(f"unknown age '{age}'", hint=f"ages: {', '.join(AGE_BY_SLUG)}", field="age")
        return cls(
            state=state,
            domain=domain,
            rule=_rule(given.get("rule"), rules, "rule"),
            before_rule=_rule(given.get("before_rule"), rules, "before_rule"),
            crossed_by=crossed_by,
            refused=refused == YES,
            age=AGE_BY_SLUG[age] if age else None,
        )

    def __bool__(self) -> bool:
        return any(getattr(self, item.name) not in (None, False) for item in fields(self))

    @property
    def crossing(self) -> bool:
        """Whether the list is of decisions with a boundary crossing (by a role, or refused)."""
        return self.crossed_by is not None or self.refused

    def params(self) -> list[tuple[str, str]]:
        """The filters as query parameters, in a fixed order."""
        pairs = [
            ("state", self.state),
            ("domain", self.domain),
            ("rule", str(self.rule) if self.rule else None),
            ("before_rule", str(self.before_rule) if self.before_rule else None),
            ("crossed_by", self.crossed_by),
            ("refused", YES if self.refused else None),
            ("age", self.age.slug if self.age else None),
        ]
        return [(name, value) for name, value in pairs if value is not None]

    def link(self, **more: str | int) -> str:
        """The list of decisions under these filters (and ``more`` parameters, e.g. ``after``)."""
        query = urlencode([*self.params(), *((name, str(value)) for name, value in more.items())])
        return f"/decisions?{query}" if query else "/decisions"

    def words(self) -> list[str]:
        """The filters as people read them, e.g. ["approved", "in release", "under rule 1"]."""
        said = []
        if self.state:
            said.append(self.state)
        if self.age:
            said.append(f"still open (open or blocked), opened {self.age.label} ago")
        if self.domain:
            said.append(f"in {self.domain}")
        if self.rule:
            said.append(f"under rule {self.rule}")
        if self.before_rule:
            said.append(f"approved in rule {self.before_rule}'s domain before it came in")
        if self.crossing:
            kind = "a refused boundary crossing" if self.refused else "a boundary crossing"
            said.append(f"with {kind}" + (f" by {self.crossed_by}" if self.crossed_by else ""))
        return said


def _one_of(value: str | None, known: list[str], field: str, *, what: str = "") -> str | None:
    if value is None or value in known:
        return value
    name = what or field
    raise InvalidInput(f"no {name} '{value}' in the team's charter", hint=f"{name}s: {', '.join(known)}", field=field)


def _rule(value: str | None, rules: list[int], field: str) -> int | None:
    if value is None:
        return None
    number = int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
    if number not in rules:
        hint = f"rules: {', '.join(map(str, rules))}" if rules else "the team has no rules yet"
        raise InvalidInput(f"no rule '{value}'", hint=hint, field=field)
    return number
