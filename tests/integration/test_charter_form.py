"""The charter proposal form, on SQLite and PostgreSQL: a ticked box proposes the change through the same
command as the raw TOML (the decision shows what it changes), a bad edit comes back with the problem beside
its cell and everything typed kept, a preview writes nothing, and a stakeholder is refused."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import httpx
import pytest
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.charter.form import bases_field, right_field
from remit.decisions import queries
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from tests.integration.test_web import Browser


class Fields(HTMLParser):
    """What a browser sends for the form posting to ``action``: each field's values (ticked boxes only,
    a select's chosen option), in the page's order."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside = action, False
        self.values: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside or (not a.get("name") and tag != "option"):
            return
        if tag == "input" and (a.get("type") not in ("checkbox", "submit") or "checked" in a):
            self.values.setdefault(a["name"], []).append(a.get("value", "on"))
        elif tag == "select":
            self.select = a["name"]
            self.values[a["name"]] = []
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = [a.get("value", "")]
        elif tag == "textarea":
            self.textarea = a["name"]
            self.values[a["name"]] = [""]

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            if self.select and not self.values[self.select]:
                self.values[self.select] = [""]  # the first option, "—"
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def fields(html: str, action: str = "/charter/propose") -> dict[str, list[str]]:
    parser = Fields(action)
    parser.feed(html)
    return parser.values


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield Browser(client)


def send(web: Browser, form: dict[str, list[str]], intent: str) -> httpx.Response:
    return web.client.post("/charter/propose", data={**form, "intent": [intent]})


def decisions_count(store: Store) -> int:
    return len(queries.list_decisions(uow=store.uow(), team=DEMO_TEAM))


def test_ticking_a_ground_proposes_the_change_and_the_decision_shows_it(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    page = web.get("/charter/propose")
    assert page.status_code == 200
    assert 'href="/charter#propose-title">Edit the TOML directly</a>' in page.text
    form = fields(page.text)
    assert form[bases_field("release", "pm")] == ["business", "market"]
    form[bases_field("release", "pm")].append("safety")
    form["title"] = ["the PM may stop a release on safety"]
    form["reason"] = ["a PM who sees a safety risk must be able to stop it"]

    response = send(web, form, "propose")

    assert response.status_code == 303, response.text
    decision = web.follow(response).text
    assert "the PM may stop a release on safety" in decision
    assert "What it changes in the charter" in decision
    assert "Against charter v1" in decision
    assert "<td>release</td><td>pm</td><td>decide on business, market → decide on business, market, safety</td>" in (
        decision
    )
    assert "+rights.pm = { right = &#34;decide&#34;, on = [&#34;business&#34;, &#34;market&#34;, &#34;safety&#34;]" in (
        decision
    )
    number = int(response.headers["location"].rsplit("/", 1)[1])
    proposed = queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=number)
    assert proposed.domain == "charter" and proposed.proposer == "priya"


def test_a_domain_left_with_no_decider_comes_back_with_the_problem_on_its_row_and_the_input_kept(
    web: Browser, demo_store: Store
) -> None:
    web.sign_in("ezra")
    form = fields(web.get("/charter/propose").text)
    form[right_field("release", "pm")] = ["voice"]
    form[right_field("release", "em")] = ["consult"]
    form["p2.roles"] = ["pm", "designer"]  # priya
    form["title"] = ["nobody decides releases"]
    before = decisions_count(demo_store)

    response = send(web, form, "propose")

    assert response.status_code == 422
    page = response.text
    assert "Not proposed: the charter check found 1 problem(s)" in page
    row = page[
        page.index('<span class="domain">release</span>') : page.index('<span class="domain">engineering-reserve')
    ]
    assert "domain &#39;release&#39; has no decider, so no decision in it could ever be approved" in row
    assert 'aria-invalid="true"' in row
    kept = fields(page)
    assert kept[right_field("release", "pm")] == ["voice"]
    assert kept[right_field("release", "em")] == ["consult"]
    assert kept["p2.roles"] == ["pm", "designer"]
    assert kept["title"] == ["nobody decides releases"]
    assert decisions_count(demo_store) == before


def test_a_preview_shows_the_change_and_writes_nothing(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    form = fields(web.get("/charter/propose").text)
    rows = int(form["rows"][0])
    new = f"p{rows - 1}."  # the blank row for a new person
    form.update({new + "handle": ["mia"], new + "name": ["Mia Park"], new + "roles": ["engineer"]})
    form[new + "reports_to"] = ["ezra"]
    before = decisions_count(demo_store)

    response = send(web, form, "preview")

    assert response.status_code == 200
    assert "Preview: what it changes" in response.text
    assert "<td>roster</td><td>mia</td><td>added: engineer (reports to ezra)</td>" in response.text
    assert decisions_count(demo_store) == before
    assert fields(response.text)[new + "handle"] == ["mia"]


def test_a_form_opened_before_another_version_was_adopted_is_sent_back(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    form = fields(web.get("/charter/propose").text)
    form["version"] = ["0"]
    form[bases_field("release", "pm")] = ["business"]

    response = send(web, form, "propose")

    assert response.status_code == 409
    assert "The charter changed since you opened this form" in response.text
    assert fields(response.text)[bases_field("release", "pm")] == ["business"]


def test_an_unchanged_form_proposes_nothing(web: Browser) -> None:
    web.sign_in("priya")
    response = send(web, fields(web.get("/charter/propose").text), "propose")

    assert response.status_code == 422
    assert "Nothing changed" in response.text


def test_the_stakeholder_is_refused_the_form_and_its_post(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    form = fields(web.get("/charter/propose").text)
    web.client.cookies.clear()
    web.sign_in("sol")
    page = web.get("/charter/propose")
    assert page.status_code == 403
    assert "cannot propose a change to the charter" in page.text
    assert 'action="/charter/propose"' not in page.text
    form["csrf"] = [web.csrf("/charter")]
    form[bases_field("release", "pm")] = ["business"]
    before = decisions_count(demo_store)

    response = send(web, form, "propose")

    assert response.status_code == 403  # refused by the command, as from the raw form, and recorded
    assert "refused: sol (stakeholder)" in response.text
    assert decisions_count(demo_store) == before
    assert queries.audit_log(uow=demo_store.uow(), team=DEMO_TEAM, limit=1)[0].kind == "ActionRefused"

    response = send(web, {"csrf": form["csrf"], "rows": ["0"]}, "preview")  # no change: refused here
    assert response.status_code == 403
    assert "cannot propose a change to the charter" in response.text
