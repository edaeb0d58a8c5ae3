"""The charter (its matrix, its sources, where it departs from its preset, a form to propose a change) and
the team's insights, drawn as charts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from remit.charter import handlers as charters
from remit.charter.commands import ProposeCharter
from remit.decisions import abilities, insights
from remit.kernel.commands import build
from remit.web.charts import BarChart, Row, bar_chart, hours
from remit.web.render import PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/charter")
def charter_page(request: Request, who: Viewer) -> HTMLResponse:
    store = store_of(request)
    view = charters.charter_view(uow=store.uow(), team=who.team)
    can = abilities.open_abilities(uow=store.uow(), team=who.team, handle=who.handle)
    return page(request, "charter.html", title="Charter", charter=view, can=can, holders=can.holders)


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
