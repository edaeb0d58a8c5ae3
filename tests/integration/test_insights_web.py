"""The insights page and the list it links to, over the demo team on SQLite and PostgreSQL: charts with a
scale and the median said in words, every count a link whose list holds exactly what it counted, the list's
filters shown with a way to clear them and refused with a message, and what the navigation offers whom."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.decisions import insights
from remit.identity import accounts
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from tests.integration.test_web import Browser, web  # noqa: F401 - the fixture

LINK = re.compile(r'<a href="(/decisions\?[^"]+)">([^<]+)</a>')


def numbers(page: str) -> list[int]:
    """The decisions a list page shows, by number."""
    return [int(n) for n in re.findall(r'<a href="/decisions/(\d+)">#\d+ ', page)]


def test_the_charts_have_a_scale_with_units_and_say_median_in_words(web: Browser) -> None:  # noqa: F811
    web.sign_in("hana")
    page = web.get("/insights").text
    assert page.count('class="axis"') == 4  # one scale per chart, ticks labelled from zero
    assert page.count('class="tick-label"') == 4 * 5
    assert re.search(r'<text class="tick-label" x="0.0%" y="24" text-anchor="start">0</text>', page)
    for unit in ("days", "crossings", "decisions"):
        assert f'<span class="unit">{unit}<' in page
    assert "The median time from opening to approval" in page
    assert re.search(r"median \d+\.\d (hours|days) over <a", page)  # the median, visible on each row
    assert "viewBox" not in page  # nothing drawn scales its text down with the page
    assert "<title>" not in page.split("<body>")[1]  # no tooltip-only facts


def test_every_count_links_to_exactly_the_decisions_it_counts(web: Browser, demo_store: Store) -> None:  # noqa: F811
    web.sign_in("sol")
    page = web.get("/insights").text
    links = {html.unescape(text): html.unescape(href) for href, text in LINK.findall(page)}
    found = insights.team_insights(uow=demo_store.uow(), team=DEMO_TEAM)
    release = next(t for t in found.timing if t.domain == "release")
    approved = web.get(links[f"{release.settled} approved"]).text
    assert links[f"{release.settled} approved"] == "/decisions?state=approved&domain=release"
    assert numbers(approved) == [1, 4, 5] and release.settled == 3
    rule = found.rules[0]
    before = web.get(f"/decisions?before_rule={rule.rule}").text
    assert numbers(before) == [1] and rule.before_count == 1
    under = web.get(f"/decisions?state=approved&rule={rule.rule}").text
    assert numbers(under) == [4, 5] and rule.after_count == 2
    assert '<a href="/decisions?before_rule=1">1 approved before it</a>' in page  # the rules' list links too
    assert '<a href="/decisions?domain=release&amp;crossed_by=pm">1 crossing</a>' in page
    crossing = web.get("/decisions?domain=release&crossed_by=pm").text  # the PM's technical no-go on #1
    assert "with a boundary crossing by pm" in crossing and numbers(crossing) == [1]
    for age in found.open_by_age:
        if age[1]:
            listed = web.get(links[f"{age[1]} open"]).text
            assert len(numbers(listed)) == age[1]
            assert "still open (open or blocked)" in listed


def test_a_refused_crossing_links_to_the_attempt_even_when_no_decision_holds_it(web: Browser) -> None:  # noqa: F811
    web.sign_in("priya")
    page = web.get("/insights").text
    assert '<a href="/decisions?domain=release&amp;crossed_by=stakeholder&amp;refused=yes">1 refused</a>' in page
    listed = web.get("/decisions?domain=release&crossed_by=stakeholder&refused=yes").text
    assert "Showing the decisions in release, with a refused boundary crossing by stakeholder." in listed
    assert numbers(listed) == []
    assert "Refused before a decision existed" in listed
    assert "</strong>: sol (stakeholder) — open-decision" in listed


def test_the_list_shows_its_filters_keeps_them_across_pages_and_clears_them(web: Browser) -> None:  # noqa: F811
    web.sign_in("ezra")
    page = web.get("/decisions?domain=release&state=open").text
    assert "Showing the decisions open, in release." in page
    assert '<a href="/decisions">Clear the filters: show all decisions</a>' in page
    assert '<option value="release" selected>release</option>' in page
    assert numbers(page) == [2]
    kept = web.get("/decisions?rule=1&state=approved").text
    assert '<input type="hidden" name="rule" value="1">' in kept  # changing the state keeps the rule
    assert "No decision matches" in web.get("/decisions?domain=engineering-hiring&state=approved").text
    everything = web.get("/decisions").text
    assert "Showing the decisions" not in everything and numbers(everything) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("state=pending", "unknown state &#39;pending&#39;"),
        ("domain=marketing", "no domain &#39;marketing&#39; in the team&#39;s charter"),
        ("rule=99", "no rule &#39;99&#39; — rules: 1"),
        ("before_rule=abc", "no rule &#39;abc&#39;"),
        ("crossed_by=ceo", "no role &#39;ceo&#39; in the team&#39;s charter"),
        ("refused=maybe", "refused is &#39;maybe&#39;"),
        ("age=ancient", "unknown age &#39;ancient&#39;"),
    ],
)
def test_a_bad_filter_is_a_clear_message_on_the_list_not_an_error(web: Browser, query: str, said: str) -> None:  # noqa: F811
    web.sign_in("priya")
    response = web.get(f"/decisions?{query}")
    assert response.status_code == 422
    assert f"Not filtered: {said}" in response.text
    assert '<a href="/decisions">Show all decisions</a>' in response.text
    assert numbers(response.text) == []


@pytest.mark.parametrize(("handle", "offered"), [("priya", True), ("sam", True), ("sol", False), ("victor", False)])
def test_open_a_decision_is_offered_only_to_who_may_open_one(web: Browser, handle: str, offered: bool) -> None:  # noqa: F811
    web.sign_in(handle)
    for path in ("/", "/decisions", "/insights", "/charter"):
        assert ('href="/decisions/new"' in web.get(path).text) is offered, (handle, path)


def test_an_empty_list_says_what_to_do_next_for_each_role(store: Store, team: str) -> None:
    """A team with no decision yet: the PM is pointed to the form; the stakeholder, who may open none, where
    decisions that concern him will come. The new-decision page, reached anyway, says the same."""
    for handle in ("priya", "sol"):
        accounts.set_password(uow=store.uow(), team=team, handle=handle, password="a long password")
    with TestClient(create_app(Settings(sweep_seconds=0), store=store), follow_redirects=False) as client:
        browser = Browser(client)
        browser.sign_in("priya", password="a long password")
        assert (
            'When something needs deciding, <a href="/decisions/new">open it here</a>' in browser.get("/decisions").text
        )
        client.cookies.clear()
        browser.sign_in("sol", password="a long password")
        listed = browser.get("/decisions").text
        assert 'Your roles open none: when a decision concerns you, it comes to <a href="/">My queue</a>' in listed
        assert 'href="/decisions/new"' not in listed
        assert 'come to <a href="/">My queue</a>' in browser.get("/decisions/new").text
