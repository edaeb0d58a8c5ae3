"""The insights page: four charts with a scale, every count on them a link to the decisions behind it (the
list of decisions under the filters that count them, ``decisions/filters.py``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from remit.decisions import insights
from remit.decisions.filters import AGES, Filters
from remit.decisions.model import State
from remit.web.charts import BarChart, Row, Words, bar_chart, duration_unit, hours
from remit.web.render import PageRoute, page
from remit.web.session import Viewer, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
APPROVED = State.APPROVED.value


def _counted(count: int, what: str, filters: Filters) -> Words:
    """``count`` as a link to the decisions it counts (a zero links nowhere: there is nothing behind it)."""
    return Words(f"{count} {what}", filters.link() if count else "")


def _median(median: float | None, count: int, filters: Filters) -> list[Words]:
    return [Words(f"median {hours(median)} over " if median is not None else ""), _counted(count, "approved", filters)]


def _timing(found: insights.Insights) -> BarChart:
    unit, per = duration_unit(max((t.median_hours or 0.0 for t in found.timing), default=0.0))
    rows = [
        Row(
            t.domain,
            None if t.median_hours is None else t.median_hours / per,
            _median(t.median_hours, t.settled, Filters(domain=t.domain, state=APPROVED)),
        )
        for t in found.timing
    ]
    return bar_chart(
        "timing",
        "Time to decision, per domain",
        f"The median time from opening to approval of the approved decisions in each domain, in {unit}.",
        ("domain", "median time to approval"),
        rows,
        unit=unit,
    )


def _rules(found: insights.Insights) -> BarChart:
    medians = [m for r in found.rules for m in (r.before_median_hours, r.after_median_hours) if m is not None]
    unit, per = duration_unit(max(medians, default=0.0))
    rows = []
    for r in found.rules:
        for when, median, count, filters in (
            ("before it", r.before_median_hours, r.before_count, Filters(before_rule=r.rule)),
            ("under it", r.after_median_hours, r.after_count, Filters(rule=r.rule, state=APPROVED)),
        ):
            value = None if median is None else median / per
            rows.append(Row(f"rule {r.rule} ({r.domain}), {when}", value, _median(median, count, filters)))
    return bar_chart(
        "rules",
        "Time to decision before and after each rule",
        "For each rule, the median time to approval of its domain's decisions before the rule came in, and of "
        f"the decisions under it, in {unit}.",
        ("rule", "median time to approval"),
        rows,
        unit=unit,
    )


def _crossings(found: insights.Insights) -> BarChart:
    rows = []
    for c in found.crossings:
        every = Filters(domain=c.domain, crossed_by=c.role)
        refused = Filters(domain=c.domain, crossed_by=c.role, refused=True)
        said = [_counted(c.crossings, "crossing" if c.crossings == 1 else "crossings", every), Words(", ")]
        rows.append(
            Row(f"{c.domain} · {c.role}", c.crossings, [*said, _counted(c.refused, "refused", refused)], c.refused)
        )
    return bar_chart(
        "crossings",
        "Boundary crossings, per domain and role",
        "How often each role stepped over the charter's line in each domain, and how often it was refused.",
        ("domain · role", "boundary crossings"),
        rows,
        unit="crossings",
        whole=True,
        part_label="refused",
    )


def _ages(found: insights.Insights) -> BarChart:
    slugs = {age.label: age for age in AGES}
    rows = [
        Row(label, count, [_counted(count, "open", Filters(age=slugs[label]))]) for label, count in found.open_by_age
    ]
    return bar_chart(
        "ages",
        "Open decisions, by age",
        "How many decisions are still open or blocked, by how long ago they were opened.",
        ("opened", "open decisions"),
        rows,
        unit="decisions",
        whole=True,
    )


def insight_charts(found: insights.Insights) -> list[BarChart]:
    return [_timing(found), _rules(found), _crossings(found), _ages(found)]


@router.get("/insights")
def insights_page(request: Request, who: Viewer) -> HTMLResponse:
    found = insights.team_insights(uow=store_of(request).uow(), team=who.team)
    return page(request, "insights.html", title="Insights", charts=insight_charts(found), rules=found.rules)
