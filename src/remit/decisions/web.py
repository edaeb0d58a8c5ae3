"""My queue, the list of decisions, opening one, a decision's page and its forms. Each handler parses,
calls one service as the signed-in person, and renders (or redirects with what happened)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from remit.charter import views as charters
from remit.charter.abilities import open_abilities
from remit.charter.rights import holders
from remit.decisions import (
    abilities,
    handlers,  # noqa: F401 - registers the handlers the forms dispatch to
    insights,
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
from remit.decisions.model import State
from remit.kernel.commands import build
from remit.kernel.errors import InvalidInput
from remit.web.charts import BarChart, Row, bar_chart, hours
from remit.web.panels import queue_panels
from remit.web.render import ENV, PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
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
PAGE = 25
STATES = [state.value for state in State]


def _deadline(value: str) -> datetime | None:
    """A ``datetime-local`` field, read as UTC."""
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"the deadline '{value}' is not a date and time", hint="pick a day and a time", field="deadline"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


WITHIN = {"1d": ("in a day", timedelta(days=1)), "3d": ("in 3 days", timedelta(days=3))}
WITHIN |= {"1w": ("in a week", timedelta(weeks=1)), "2w": ("in 2 weeks", timedelta(weeks=2))}


def _asked_evidence(request: Request, team: str) -> list[tuple[str, str]]:
    """(name, "domain: who supplies it") for each piece of evidence the team's rules in force ask for."""
    asked: dict[str, str] = {}
    for rule in rules_of.list_rules(uow=store_of(request).uow(), team=team):
        for need in rule.evidence:
            asked.setdefault(need["name"], f"{rule.domain}, from {need['role']}")
    return sorted(asked.items())


def _within(value: str, now: datetime) -> datetime:
    """A deadline given as a span from now ("in 3 days")."""
    if value not in WITHIN:
        raise InvalidInput(f"unknown span '{value}'", hint="pick one from the list", field="deadline")
    return now + WITHIN[value][1]


@router.get("/")
def my_queue(
    request: Request, who: Viewer, before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> HTMLResponse:
    store = store_of(request)
    mine = queue.my_queue(uow=store.uow(), team=who.team, handle=who.handle, limit=PAGE, before=before)
    empty = not mine.waiting_on_me or not mine.mine  # only an empty state needs to know (the queue is hot)
    can_open = empty and bool(open_abilities(uow=store.uow(), team=who.team, handle=who.handle).domains)
    panels = queue_panels(request, who)  # what other capabilities contribute (incidents)
    return page(
        request, "queue.html", title="My queue", queue=mine, holders=mine.holders, can_open=can_open, panels=panels
    )


@router.get("/decisions")
def decision_list(
    request: Request,
    who: Viewer,
    state: Annotated[str, Query(max_length=20)] = "",
    after: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
) -> HTMLResponse:
    store = store_of(request)
    found = queries.list_decisions(uow=store.uow(), team=who.team, state=state or None, after=after, limit=PAGE + 1)
    named = _holders(request, who.team)
    return page(
        request,
        "decisions.html",
        title="Decisions",
        decisions=found[:PAGE],
        more=found[PAGE - 1].number if len(found) > PAGE else None,
        state=state,
        states=STATES,
        holders=named,
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
        within=WITHIN,
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
    within: Annotated[str, Form(max_length=10)] = "",
    evidence_name: Annotated[str, Form(max_length=100)] = "",
    evidence_text: Long = "",
) -> Response:
    evidence = (
        [{"name": evidence_name.strip(), "text": evidence_text}]
        if evidence_name.strip() or evidence_text.strip()
        else []
    )
    try:
        settle_by = _within(within, store_of(request).clock()) if within else None
        if settle_by is not None and deadline.strip():
            raise InvalidInput("give a date or a span for the deadline, not both", field="deadline")
        command = build(
            OpenDecision,
            domain=domain,
            title=title,
            context=context,
            deadline=settle_by or _deadline(deadline),
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
            within=WITHIN,
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


def insight_charts(found: insights.Insights) -> list[BarChart]:
    timing = bar_chart(
        "timing",
        "Time to decision, per domain",
        "Median time from opening to approval of the approved decisions in each domain.",
        ("domain", "median time to approval"),
        [
            Row(
                item.domain,
                item.median_hours,
                hours(item.median_hours),
                f"{item.domain}: median {hours(item.median_hours)} over {item.settled} approved decision(s)",
            )
            for item in found.timing
        ],
    )
    rule_rows = []
    for rule in found.rules:
        for when, median, count in (
            ("before", rule.before_median_hours, rule.before_count),
            ("after", rule.after_median_hours, rule.after_count),
        ):
            rule_rows.append(
                Row(
                    f"rule {rule.rule} ({rule.domain}), {when}",
                    median,
                    hours(median),
                    f"rule {rule.rule} {when} it came in: median {hours(median)} over {count} decision(s)",
                )
            )
    rules = bar_chart(
        "rules",
        "Time to decision before and after each rule",
        "For each decision rule, the median time to approval of its domain's decisions before the rule and of "
        "the decisions bound to it.",
        ("rule", "median time to approval"),
        rule_rows,
    )
    crossings = bar_chart(
        "crossings",
        "Boundary crossings, per domain and role",
        "How often each role stepped over the charter's line in each domain; the darker part was refused.",
        ("domain · role", "crossings (refused)"),
        [
            Row(
                f"{item.domain} · {item.role}",
                item.crossings,
                f"{item.crossings} ({item.refused} refused)",
                f"{item.role} in {item.domain}: {item.crossings} crossing(s), {item.refused} refused",
                part=item.refused,
            )
            for item in found.crossings
        ],
        part_label="refused",
    )
    ages = bar_chart(
        "ages",
        "Open decisions, by age",
        "How many decisions are still open or blocked, by how long ago they were opened.",
        ("age", "open decisions"),
        [Row(label, count, str(count), f"{count} open decision(s) {label} old") for label, count in found.open_by_age],
    )
    return [timing, rules, crossings, ages]


@router.get("/insights")
def insights_page(request: Request, who: Viewer) -> HTMLResponse:
    found = insights.team_insights(uow=store_of(request).uow(), team=who.team)
    return page(request, "insights.html", title="Insights", charts=insight_charts(found), rules=found.rules)


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
