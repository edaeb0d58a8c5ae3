"""What "record a position" reads, in as few round trips as it can. Before the team's lock, one statement
reads the team, whether a deadline of it has passed, its current charter, the decision with the rules and the
must-gos it is bound to, and the caller's roster row (``glance``). Under the lock, one more reads the decision
again with its positions and evidence (``lock_for``).

Both read the tables with Core (``decisions/acting.py`` says why) into plain values: ``Decision``, ``Version``."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import and_, bindparam, exists, func, select

from remit.charter.enforce import Member
from remit.charter.tables import CHARTER_VERSIONS, PEOPLE
from remit.charter.teams import Version, newest_version_id
from remit.decisions.acting import (
    DECISION_COLUMNS,
    DECISION_FIELDS,
    POSITION_COLUMNS,
    RULE_COLUMNS,
    Bound,
    Decision,
    overdue,
    to_positions,
    to_rule,
)
from remit.decisions.model import Position
from remit.decisions.tables import DECISION_RULES, DECISIONS, EVIDENCE, POSITIONS, REVISIONS, RULES
from remit.kernel.tables import TEAMS
from remit.kernel.uow import Team, TeamRef, UnitOfWork


@dataclass(frozen=True)
class Glance:
    """The team, its current charter version, the decision and what its current revision is bound to (both
    None: no such number), and the caller's roster row (None: nobody of that handle). ``overdue``: a decision
    of the team has passed its deadline, and that is recorded first, under the lock."""

    team: Team
    overdue: bool
    version: Version
    decision: Decision | None
    bound: Bound | None
    person: Member | None


_LATE = DECISIONS.alias("late")

# One row per rule the decision is bound to (at least one row): the rest repeats on each.
_VERSION_AT = 3
_DECISION_AT = _VERSION_AT + len(fields(Version))
_MUST_GO_AT = _DECISION_AT + len(DECISION_FIELDS)
_PERSON_AT = _MUST_GO_AT + 1
_RULE_AT = _PERSON_AT + 3
_GLANCE = (
    select(
        TEAMS.c.id,
        TEAMS.c.name,
        exists().where(*overdue(_LATE, TEAMS.c.id)).label("overdue"),
        *(CHARTER_VERSIONS.c[field.name] for field in fields(Version)),
        *DECISION_COLUMNS,
        REVISIONS.c.must_go,
        PEOPLE.c.id,
        PEOPLE.c.handle,
        PEOPLE.c.active,
        *RULE_COLUMNS,
    )
    .select_from(
        TEAMS.join(CHARTER_VERSIONS, CHARTER_VERSIONS.c.id == newest_version_id())
        .outerjoin(DECISIONS, and_(DECISIONS.c.team_id == TEAMS.c.id, DECISIONS.c.number == bindparam("number")))
        .outerjoin(
            REVISIONS, and_(REVISIONS.c.decision_id == DECISIONS.c.id, REVISIONS.c.number == DECISIONS.c.revision)
        )
        .outerjoin(PEOPLE, and_(PEOPLE.c.team_id == TEAMS.c.id, PEOPLE.c.handle == bindparam("handle")))
        .outerjoin(DECISION_RULES, DECISION_RULES.c.decision_id == DECISIONS.c.id)
        .outerjoin(RULES, RULES.c.id == DECISION_RULES.c.rule_id)
    )
    .where(TEAMS.c.name == bindparam("team"))
    .order_by(RULES.c.id)
)


def glance(uow: UnitOfWork, team: str, number: int, handle: str) -> Glance | None:
    """What the position reads before the lock, in one statement (None: no team of that name)."""
    rows = uow.session.execute(_GLANCE, {"team": team, "number": number, "handle": handle, "now": uow.now}).all()
    if not rows:
        return None
    first = rows[0]
    decision = bound = person = None
    if first[_DECISION_AT] is not None:
        decision = Decision(*first[_DECISION_AT:_MUST_GO_AT])
        rules = [to_rule(row[_RULE_AT:]) for row in rows if row[_RULE_AT] is not None]
        bound = Bound(decision.revision, rules, list(first[_MUST_GO_AT]))
    if first[_PERSON_AT] is not None:
        person = Member(*first[_PERSON_AT:_RULE_AT])
    version = Version(*first[_VERSION_AT:_DECISION_AT])
    return Glance(Team(first[0], first[1]), bool(first[2]), version, decision, bound, person)


@dataclass(frozen=True)
class Standing:
    """What the lock's re-read found besides the decision: the id of the team's current charter version, and
    the decision's positions on its current revision (in the order recorded) and the names of its evidence."""

    version_id: int
    positions: list[Position]
    evidence: set[str]


_LOCK = select(TEAMS.c.audit_seq, TEAMS.c.audit_head).where(TEAMS.c.id == bindparam("team_id")).with_for_update()
_EVIDENCE_NAMES = (  # evidence names are lowercase letters, digits and dashes (``Name``): a line break parts them
    select(func.aggregate_strings(EVIDENCE.c.name, "\n"))
    .where(EVIDENCE.c.decision_id == DECISIONS.c.id)
    .correlate(DECISIONS)
    .scalar_subquery()
)
_AGAIN = (  # one row per position on the current revision (at least one row): the decision repeats on each
    select(*DECISION_COLUMNS, newest_version_id(), _EVIDENCE_NAMES, *POSITION_COLUMNS)
    .select_from(
        DECISIONS.join(TEAMS, TEAMS.c.id == DECISIONS.c.team_id)
        .outerjoin(
            POSITIONS,
            and_(POSITIONS.c.decision_id == DECISIONS.c.id, POSITIONS.c.revision == DECISIONS.c.revision),
        )
        .outerjoin(PEOPLE, PEOPLE.c.id == POSITIONS.c.person_id)
    )
    .where(DECISIONS.c.id == bindparam("decision_id"))
    .order_by(POSITIONS.c.id)
)
_HELD_AT = len(DECISION_FIELDS)
_POSITION_AT = _HELD_AT + 2


def lock_for(uow: UnitOfWork, team: TeamRef, decision: Decision) -> Standing:
    """Take the team's row lock (reading its audit chain's head, appended to under this lock), then read the
    decision again as the last writer left it (``decision`` takes its values), the id of the team's current
    charter version, and the decision's positions and evidence (the caller compares the decision and the
    version with what it read before the lock).

    Two statements, not one: on PostgreSQL a statement reads the snapshot it started with, and one that waited
    for the lock re-reads only the rows it locked. A decision joined into the locking statement would be the
    one from before the wait, so a position could land after another had settled the decision (the
    concurrency test caught exactly that). The second statement starts once the lock is held, so it sees
    every position and piece of evidence committed before."""
    seq, head = uow.session.execute(_LOCK, {"team_id": team.id}).one()
    uow.holds(team.id, seq, head)
    rows = uow.session.execute(_AGAIN, {"decision_id": decision.id}).all()
    first = rows[0]
    for name, value in zip(DECISION_FIELDS, first[:_HELD_AT], strict=True):
        setattr(decision, name, value)
    positions = to_positions(row[_POSITION_AT:] for row in rows if row[_POSITION_AT] is not None)
    names = first[_HELD_AT + 1]
    return Standing(first[_HELD_AT], positions, set(names.split("\n")) if names else set())
