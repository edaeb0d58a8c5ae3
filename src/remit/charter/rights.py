"""The one rights table: which standing each action needs.

A handler checks it before it acts (``denial`` → a refusal, recorded as a boundary crossing); a page reads
the same table (``allows``) to offer only the forms that will be accepted. Both ask about a ``Standing``:
the role a person acts in, that role's grant in the domain, and whether they proposed the decision.
Pure: the charter's model and the standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from remit.charter.model import READ_ONLY_ROLES, RIGHT_WORDS, Charter, DomainRights, Grant, Right

STRENGTH = {Right.DECIDE: 0, Right.BLOCK: 1, Right.VOICE: 2, Right.CONSULT: 3, Right.INFORM: 4}


class Action(StrEnum):
    """Every action the charter governs (the name a refusal is recorded under)."""

    OPEN_DECISION = "open-decision"
    RECORD_POSITION = "record-position"
    ADD_EVIDENCE = "add-evidence"
    AMEND_DECISION = "amend-decision"
    WITHDRAW_DECISION = "withdraw-decision"
    ADD_RULE = "add-rule"
    RETIRE_RULE = "retire-rule"
    MANAGE_DELIVERIES = "manage-deliveries"  # see and re-queue failed notifications (``notify``)
    OPEN_INCIDENT = "open-incident"
    POST_INCIDENT_UPDATE = "post-incident-update"
    CHANGE_INCIDENT_SEVERITY = "change-incident-severity"
    CHANGE_INCIDENT_STATUS = "change-incident-status"
    NAME_COMMANDER = "name-incident-commander"
    ANSWER_IMPACT = "answer-customer-impact"
    RESOLVE_INCIDENT = "resolve-incident"
    LINK_POSTMORTEM = "link-postmortem"
    IMPORT_ISSUES = "import-issues"
    PUBLISH_BOARD = "publish-board"
    SET_COMPONENT_STATUS = "set-component-status"
    MANAGE_MAINTENANCE = "manage-maintenance"
    MANAGE_STATUS_SUBSCRIBERS = "manage-status-subscribers"  # see and remove the status page's subscribers
    LINK_BUG = "link-bug-to-incident"


@dataclass(frozen=True)
class Standing:
    """Where one person, acting in one role, stands in one domain (and on one decision, if ``number``)."""

    handle: str
    role: str
    rights: DomainRights
    proposer: bool = False
    number: int | None = None
    commander: bool = False  # the incident's commander, named by its owner (``number`` is the incident's)

    @property
    def grant(self) -> Grant | None:
        return self.rights.grant(self.role)

    @property
    def who(self) -> str:
        return f"{self.handle} ({self.role})"


@dataclass(frozen=True)
class Denial:
    why: str
    hint: str = ""


Requirement = Callable[[Standing], Denial | None]


def takes_part(s: Standing) -> Denial | None:
    """Deciders, blockers, voices and consulted roles take part; informed roles are told, stakeholders read."""
    domain = s.rights.name
    if s.grant is None:
        return Denial(
            f"{s.who} has no right in {domain}",
            f"the charter's {domain} domain shows who decides, blocks, has voice, is consulted",
        )
    if not s.grant.right.may_take_position:
        return Denial(
            f"{s.who} is only informed in {domain}: told, not asked", f"`remit who {domain}` shows who takes part"
        )
    if s.role in READ_ONLY_ROLES:  # a charter cannot give them more (charter check); kept as a guard
        return Denial(
            f"{s.who} reads but never writes",
            "stakeholders follow decisions on the web app, the API and the status page",
        )
    return None


def holds_key(s: Standing) -> Denial | None:
    """Rules are the key holders' agreements: only a decider of the domain adds or retires one."""
    if s.grant is not None and s.grant.holds_key:
        return None
    domain = s.rights.name
    return Denial(
        f"{s.who} holds no key in {domain}",
        f"rules for {domain} are added and retired by its key holders: {', '.join(s.rights.deciders)}",
    )


def proposer_or_key(s: Standing) -> Denial | None:
    """Amending: the proposer, or a key holder (who may reshape what they are asked to approve)."""
    if s.proposer or (s.grant is not None and s.grant.holds_key):
        return None
    return Denial(
        f"{s.who} neither proposed #{s.number} nor holds a key in {s.rights.name}",
        "ask the proposer or a key holder to amend it",
    )


def proposer(s: Standing) -> Denial | None:
    if s.proposer:
        return None
    return Denial(
        f"only the proposer may withdraw #{s.number}; {s.handle} did not propose it",
        "a no-go (within your scope) is how to stop it",
    )


def owner_side(doing: str, *, commander: bool = True) -> Requirement:
    """An incident's owner side: the domain's key holders ("The EM owns this entirely"), or, once an incident
    is open, the commander they named for it. Everyone else is refused, in words that say who may."""

    def requirement(s: Standing) -> Denial | None:
        if (s.grant is not None and s.grant.holds_key) or (commander and s.commander):
            return None
        owners = " or ".join(s.rights.deciders) or "nobody"
        who_may = f"the {owners}" + (" or the commander they name" if commander else "")
        why = f"{s.who} may not {doing}: in {s.rights.name} only {who_may} does"
        consulted_here = s.grant is not None and s.grant.right is Right.CONSULT
        if consulted_here:
            why += f"; {s.role} is consulted and informed here, not a decision-maker"
        elif s.grant is not None:
            why += f"; {s.role} {RIGHT_WORDS[s.grant.right]}"
        hint = "answer the customer-impact consult instead; " if consulted_here else ""
        return Denial(why, f"{hint}ask {who_may}")

    return requirement


def consulted(s: Standing) -> Denial | None:
    """Answering an incident's customer-impact consult: the roles the domain consults (the PM, by default)."""
    if s.grant is not None and s.grant.right is Right.CONSULT:
        return None
    domain = s.rights.name
    asked = ", ".join(s.rights.roles_with(Right.CONSULT)) or "no role"
    return Denial(
        f"{s.who} is not consulted on customer impact in {domain}: the charter asks {asked}",
        f"`remit who {domain}` shows who is consulted",
    )


def responder(s: Standing) -> Denial | None:
    """Linking a bug to an incident (or unlinking it): whoever takes part in incident response (its deciders,
    blockers, voices and consulted roles: the EM, the PM), or the commander named for that incident."""
    if s.commander:
        return None
    refused = takes_part(s)
    if refused is None:
        return None
    return Denial(refused.why, f"{refused.hint}; the incident's commander may link bugs to it too")


RIGHTS: dict[Action, Requirement] = {
    Action.OPEN_DECISION: takes_part,
    Action.RECORD_POSITION: takes_part,
    Action.ADD_EVIDENCE: takes_part,
    Action.AMEND_DECISION: proposer_or_key,
    Action.WITHDRAW_DECISION: proposer,
    Action.ADD_RULE: holds_key,
    Action.RETIRE_RULE: holds_key,
    Action.MANAGE_DELIVERIES: holds_key,  # in the charter or the team-process domain (``MANAGING_DOMAINS``)
    Action.OPEN_INCIDENT: owner_side("open an incident", commander=False),
    Action.POST_INCIDENT_UPDATE: owner_side("post an incident update"),
    Action.CHANGE_INCIDENT_SEVERITY: owner_side("change an incident's severity"),
    Action.CHANGE_INCIDENT_STATUS: owner_side("change an incident's status"),
    Action.NAME_COMMANDER: owner_side("name an incident's commander", commander=False),
    Action.ANSWER_IMPACT: consulted,
    Action.RESOLVE_INCIDENT: owner_side("resolve an incident"),
    Action.LINK_POSTMORTEM: owner_side("link an incident's postmortem"),
    # The bug board (tracker/): the team's shared tools are its process, which the EM owns (team-process).
    # Whoever takes part in the process keeps the board fed; only its key holder shows it outside the team.
    Action.IMPORT_ISSUES: takes_part,
    Action.PUBLISH_BOARD: holds_key,
    # The status page's own facts (status/): in incident-response, the owner side sets a component's state by
    # hand (and so does the commander of an open incident); maintenance is planned by the owner side only.
    Action.SET_COMPONENT_STATUS: owner_side("set a component's status"),
    Action.MANAGE_MAINTENANCE: owner_side("schedule or move a maintenance", commander=False),
    # The status page's subscribers (status/): the incident-response domain's key holders, who speak to them.
    Action.MANAGE_STATUS_SUBSCRIBERS: owner_side("manage the status page's subscribers", commander=False),
    # A bug's linked incident says something about the incident (and shows on the public board beside the bug):
    # those who respond to it say it, in incident-response (``tracker/links.py``).
    Action.LINK_BUG: responder,
}
MANAGING_DOMAINS = ("charter", "team-process")  # who keeps the team's rules keeps its notifications running


def denial(action: Action, standing: Standing) -> Denial | None:
    """Why ``standing`` may not take ``action``, or None if it may."""
    return RIGHTS[action](standing)


def allows(action: Action, standing: Standing) -> bool:
    return denial(action, standing) is None


def strongest_first(rights: DomainRights, roles: tuple[str, ...] | list[str]) -> list[str]:
    """A person's roles that hold any right in the domain, strongest right first (roster order on a tie)."""
    granted = [
        (STRENGTH[grant.right], index, role) for index, role in enumerate(roles) if (grant := rights.grant(role))
    ]
    return [role for _strength, _index, role in sorted(granted)]


def holders(charter: Charter) -> dict[str, list[str]]:
    """Who holds each role today (role -> handles), to say "on whom" a decision waits."""
    found: dict[str, list[str]] = {}
    for person in charter.people.values():
        for role in person.roles:
            found.setdefault(role, []).append(person.handle)
    return found


def who(domain: DomainRights) -> dict[str, object]:
    """Who holds which right in a domain: the contract of ``remit who --json``."""
    return {
        "domain": domain.name,
        "decide": domain.deciders,
        "block": domain.block_scopes,
        "voice": domain.roles_with(Right.VOICE),
        "consult": domain.roles_with(Right.CONSULT),
        "inform": domain.informed,  # a consulted role is also informed: told of every change it is asked about
    }
