"""My queue, the list of decisions, opening one, a decision's page and its forms. Each handler parses,
calls one service as the signed-in person, and renders (or redirects with what happened)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from remit.charter import views as charters
from remit.charter.abilities import open_abilities
from remit.charter.rights import holders
from remit.decisions import (
    abilities,
    handlers,  # noqa: F401 - registers the handlers the forms dispatch to
    insights_web,
    queries,
    queue,
    words,
)
from remit.decisions import (
    rules as rules_of,
)
from remit.decisions.commands import (
    AddEvidence,
    AmendDecision,
    MarkSeen,
    OpenDecision,
    ProposeCharter,
    RecordPosition,
    WithdrawDecision,
)
from remit.decisions.filters import STATES, Filters
from remit.kernel.commands import SignedIn, build
from remit.kernel.errors import InvalidInput
from remit.kernel.times import parse_deadline
from remit.web.panels import queue_panels
from remit.web.render import ENV, PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
router.include_router(insights_web.router)
# The pages' sentences about decisions, from the one words module the CLI and the API's texts use too.
ENV.globals.update(
    who=words.who,
    standing_words=words.standing,
    blocked_words=words.blocked,
    notice_words=words.notice,
    weight_words=words.weight,
    history_words=words.history,
)
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
Short = Annotated[str, Form(max_length=300)]
Long = Annotated[str, Form(max_length=20_000)]
Filter = Annotated[str, Query(max_length=100)]
PAGE = 25


# Spans offered beside the date-time field; any span ``parse_deadline`` reads is taken ("36 hours", "3d").
SPANS = ("in a day", "in 3 days", "in a week", "in 2 weeks")


def _settle_by(request: Request, who: SignedIn, deadline: str, within: str) -> datetime | None:
    """The deadline from the form: a date and time in the viewer's zone, or how long from now."""
    if deadline.strip() and within.strip():
        raise InvalidInput("give a date or a span for the deadline, not both", field="deadline")
    typed = within if within.strip() else deadline
    return parse_deadline(typed, now=store_of(request).clock(), zone_name=who.time_zone)


def _asked_evidence(request: Request, team: str) -> list[tuple[str, str]]:
    """(name, "domain: who supplies it") for each piece of evidence the team's rules in force ask for."""
    asked: dict[str, str] = {}
    for rule in rules_of.list_rules(uow=store_of(request).uow(), team=team):
        for need in rule.evidence:
            asked.setdefault(need["name"], f"{rule.domain}, from {need['role']}")
    return sorted(asked.items())


@router.get("/")
def my_queue(
    request: Request, who: Viewer, before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> HTMLResponse:
    store = store_of(request)
    mine = queue.my_queue(uow=store.uow(), team=who.team, handle=who.handle, limit=PAGE, before=before)
    panels = queue_panels(request, who)  # what other capabilities contribute (incidents)
    return page(request, "queue.html", title="My queue", queue=mine, holders=mine.holders, panels=panels)


@router.get("/decisions")
def decision_list(
    request: Request,
    who: Viewer,
    after: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
    state: Filter = "",
    domain: Filter = "",
    rule: Filter = "",
    before_rule: Filter = "",
    crossed_by: Filter = "",
    refused: Filter = "",
    age: Filter = "",
) -> HTMLResponse:
    store = store_of(request)
    charter = charters.team_charter(uow=store.uow(), team=who.team)
    domains = list(charter.domains)
    roles = sorted(
        {role for d in charter.domains.values() for role in d.grants}
        | {role for person in charter.people.values() for role in person.roles}
    )
    rule_ids = [r.id for r in rules_of.list_rules(uow=store.uow(), team=who.team, include_retired=True)]
    given = {"state": state, "domain": domain, "rule": rule, "before_rule": before_rule, "crossed_by": crossed_by}
    given |= {"refused": refused, "age": age}
    shown: dict[str, Any] = {"domains": domains, "holders": holders(charter), "states": STATES}
    try:
        filters = Filters.parse(given, domains=domains, roles=roles, rules=rule_ids)
    except InvalidInput as error:  # the list, empty, with what was wrong and a way out
        nothing: dict[str, Any] = {"decisions": [], "more": None, "filters": Filters(), "loose": []}
        return page(request, "decisions.html", status=422, title="Decisions", error=error, **nothing, **shown)
    found = queries.list_decisions(
        uow=store.uow(),
        team=who.team,
        state=filters.state,
        domain=filters.domain,
        after=after,
        limit=PAGE + 1,
        more=filters,
    )
    loose = queries.crossings_without_decision(uow=store.uow(), team=who.team, more=filters) if filters.crossing else []
    return page(
        request,
        "decisions.html",
        title="Decisions",
        decisions=found[:PAGE],
        more=filters.link(after=found[PAGE - 1].number) if len(found) > PAGE else None,
        filters=filters,
        loose=loose,
        error=None,
        **shown,
    )


@router.get("/decisions/new")
def new_decision(request: Request, who: Viewer) -> HTMLResponse:
    can = open_abilities(uow=store_of(request).uow(), team=who.team, handle=who.handle)
    asked = _asked_evidence(request, who.team)
    return page(
        request,
        "new.html",
        title="Open a decision",
        domains=can.domains,
        values={},
        error=None,
        spans=SPANS,
        asked=asked,
    )


# The form's fields, by the name each command field's check gives them (``InvalidInput.field``).
NEW_FIELDS = {"title": "title", "context": "context", "deadline": "deadline", "evidence name": "evidence_name"}
NEW_FIELDS |= {"evidence": "evidence_text", "domain": "domain"}


@router.post("/decisions")
def open_decision(
    request: Request,
    who: Poster,
    domain: Annotated[str, Form(max_length=100)],
    title: Short,
    context: Long = "",
    deadline: Annotated[str, Form(max_length=40)] = "",
    within: Annotated[str, Form(max_length=40)] = "",
    evidence_name: Annotated[str, Form(max_length=100)] = "",
    evidence_text: Long = "",
) -> Response:
    evidence = (
        [{"name": evidence_name.strip(), "text": evidence_text}]
        if evidence_name.strip() or evidence_text.strip()
        else []
    )
    try:
        settle_by = _settle_by(request, who, deadline, within)
        command = build(
            OpenDecision,
            domain=domain,
            title=title,
            context=context,
            deadline=settle_by,
            evidence=evidence,
        )
        outcome = act(request, who, command)
    except InvalidInput as error:  # the form again, as it was typed, the message beside the field at fault
        typed = {"domain": domain, "title": title, "context": context, "deadline": deadline, "within": within}
        typed |= {"evidence_name": evidence_name, "evidence_text": evidence_text}
        can = open_abilities(uow=store_of(request).uow(), team=who.team, handle=who.handle)
        where = NEW_FIELDS.get(error.field or "", "")
        return page(
            request,
            "new.html",
            status=422,
            title="Open a decision",
            domains=can.domains,
            values=typed,
            error=error,
            where=where,
            spans=SPANS,
            asked=_asked_evidence(request, who.team),
        )
    named = _holders(request, who.team)
    return redirect(
        f"/decisions/{outcome.number}",
        flash=f"opened: {words.state_sentence(outcome.number, outcome.resolution, named)}",
    )


@router.get("/decisions/{number}")
def decision_page(request: Request, who: Viewer, number: Number) -> HTMLResponse:
    found = abilities.decision_page(uow=store_of(request).uow(), team=who.team, handle=who.handle, number=number)
    if found.unseen:  # opening it is what reaches them: the one write a page view makes, and only then
        act(request, who, MarkSeen(number=number))
    view, can = found.view, found.can
    return page(
        request,
        "decision.html",
        title=f"#{number} {view.summary.title}",
        d=view,
        can=can,
        holders=can.holders,
        refused=None,
        proposal=found.proposal,
    )


@dataclass(frozen=True)
class Refused:
    """A form on the decision page that was refused: which, the error, the field at fault, what was typed."""

    form: str  # "position" or "evidence"
    error: InvalidInput
    where: str  # the form field's name, or "" for the form as a whole
    typed: dict[str, str]


FORM_FIELDS = {"reason": "reason", "stance": "stance", "basis": "basis", "evidence name": "name", "evidence": "text"}


def _refused(
    request: Request, who: Viewer, number: int, form: str, error: InvalidInput, typed: dict[str, str]
) -> HTMLResponse:
    """The decision page again (status 422), the refused form as it was typed, the message beside its field."""
    found = abilities.decision_page(uow=store_of(request).uow(), team=who.team, handle=who.handle, number=number)
    refused = Refused(form, error, FORM_FIELDS.get(error.field or "", ""), typed)
    return page(
        request,
        "decision.html",
        status=422,
        title=f"#{number} {found.view.summary.title}",
        d=found.view,
        can=found.can,
        holders=found.can.holders,
        refused=refused,
        proposal=found.proposal,
    )


def _holders(request: Request, team: str) -> dict[str, list[str]]:
    """Who holds each role today, to name people in the message a form leaves."""
    return holders(charters.team_charter(uow=store_of(request).uow(), team=team))


@router.post("/decisions/{number}/positions")
def record_position(
    request: Request,
    who: Poster,
    number: Number,
    stance: Annotated[str, Form(max_length=20)],
    reason: Long,
    basis: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        command = build(
            RecordPosition, number=number, stance=stance, reason=reason, basis=basis or None, role=role or None
        )
        outcome = act(request, who, command)
    except InvalidInput as error:
        typed = {"stance": stance, "reason": reason, "basis": basis, "role": role}
        return _refused(request, who, number, "position", error, typed)
    named = _holders(request, who.team)
    message = words.position_recorded(
        outcome.number, outcome.resolution, outcome.crossing, stance, basis or None, named
    )
    return redirect(f"/decisions/{number}", flash=message, warning=outcome.crossing is not None)


@router.post("/decisions/{number}/evidence")
def add_evidence(
    request: Request,
    who: Poster,
    number: Number,
    name: Annotated[str, Form(max_length=100)],
    text: Long,
    role: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        outcome = act(request, who, build(AddEvidence, number=number, name=name.strip(), text=text, role=role or None))
    except InvalidInput as error:
        return _refused(request, who, number, "evidence", error, {"name": name, "text": text, "role": role})
    named = _holders(request, who.team)
    return redirect(
        f"/decisions/{number}",
        flash=f"evidence '{name.strip()}' added. {words.state_sentence(outcome.number, outcome.resolution, named)}.",
    )


@router.post("/decisions/{number}/amend")
def amend_decision(
    request: Request,
    who: Poster,
    number: Number,
    title: Short = "",
    context: Long = "",
    role: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    command = build(AmendDecision, number=number, title=title.strip() or None, context=context, role=role or None)
    outcome = act(request, who, command)
    now = words.state_sentence(outcome.number, outcome.resolution, _holders(request, who.team))
    message = f"amended: a new revision, every position cleared. {now}."
    return redirect(f"/decisions/{number}", flash=message)


@router.post("/decisions/{number}/withdraw")
def withdraw_decision(request: Request, who: Poster, number: Number, reason: Long = "") -> Response:
    act(request, who, build(WithdrawDecision, number=number, reason=reason))
    return redirect(f"/decisions/{number}", flash=f"withdrawn: #{number} is settled as withdrawn")


@router.post("/charter/proposals")
def propose_charter(
    request: Request,
    who: Poster,
    text: Annotated[str, Form(max_length=200_000)],
    title: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    outcome = act(request, who, build(ProposeCharter, text=text, title=title.strip() or None))
    flash = f"proposed: #{outcome.number} adopts the new charter when it is approved"
    return redirect(f"/decisions/{outcome.number}", flash=flash)
