"""A real browser (Debian's Chromium, driven by Playwright) against a real `remit serve --demo`: the seed's
release story played by the PM, the EM and a stakeholder in three browsers, a stakeholder refused when he
posts anyway, charts readable at both widths, no page scrolling sideways, axe on every page."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from remit.decisions import queries
from remit.demo_story import SEARCH
from remit.kernel.uow import Store
from tests.conftest import shared_data
from tests.live.server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "remit-demo-pass"

if not CHROMIUM.exists():
    if os.environ.get("REMIT_REQUIRE_BROWSER") == "1":
        pytest.fail("REMIT_REQUIRE_BROWSER=1 but Chromium is not installed at /usr/bin/chromium", pytrace=False)
    pytest.skip("Chromium not installed at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, Route, expect, sync_playwright  # noqa: E402 - only with a browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the module (starting one costs seconds): each scenario works on its own decision."""
    where = tmp_path_factory.mktemp("browser")
    live = LiveServer(f"sqlite:///{where}/remit.db", log=where / "server.log").start()
    yield live
    live.stop()


@pytest.fixture
def open_page(browser: Browser, server: LiveServer) -> Iterator[Callable[[], Page]]:
    contexts = []

    def new_page() -> Page:
        context = browser.new_context(base_url=server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def sign_in(page: Page, handle: str, next_path: str = "/") -> None:
    page.goto(next_path)
    expect(page.get_by_role("heading", name="Sign in to Remit")).to_be_visible()
    expect(page.get_by_label("Team")).to_have_value("checkout")
    page.get_by_label("Name (handle)").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def record_position(page: Page, stance: str, reason: str, basis: str = "") -> None:
    form = page.locator('form[action$="/positions"]')
    form.get_by_label(stance, exact=True).check()
    if basis:
        form.get_by_label("Basis").select_option(basis)
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name="Record position").click()


def add_evidence(page: Page, name: str, text: str) -> None:
    form = page.locator('form[action$="/evidence"]')
    form.get_by_label("Name").fill(name)
    form.get_by_label("What it says").fill(text)
    form.get_by_role("button", name="Add evidence").click()


def test_the_release_story_from_three_browsers_pm_em_and_stakeholder(open_page: Callable[[], Page]) -> None:
    """The seed's story, each person in their own browser: the EM's technical veto stops the PM's release, the
    PM's technical no-go is only voice (a crossing, warned), the stakeholder watches without a form, and the
    release ships when the EM lifts his veto, the rule's evidence is in and both keys have turned."""
    priya, ezra, sol = open_page(), open_page(), open_page()
    sign_in(priya, "priya")
    priya.get_by_role("link", name="Open a decision").click()
    priya.get_by_label("Domain").select_option("release")
    priya.get_by_label("Title").fill("Ship saved carts")
    priya.get_by_role("button", name="Open the decision").click()
    expect(priya.get_by_role("status")).to_contain_text(re.compile(r"opened: #\d+ is open"))
    number = int(re.findall(r"/decisions/(\d+)$", priya.url)[0])
    title = f"#{number} Ship saved carts"
    standing = priya.locator(".standing")  # the state in one sentence, at the top
    expect(standing).to_contain_text("evidence cost-of-delay from pm (priya)")  # the retro rule applies
    expect(standing).to_contain_text("evidence system-risk from em (ezra)")
    expect(priya.get_by_text("Rule 1: “PM flags the user metric cost of delay")).to_be_visible()
    expect(priya.locator(".keys")).to_contain_text("em (ezra): no go yet")  # what it waits on
    expect(priya.get_by_role("heading", name="Your part")).to_be_visible()

    sign_in(ezra, "ezra")
    ezra.locator("li.card", has_text=title).get_by_role("link", name=title).click()
    record_position(ezra, "no-go", "saved carts need the cart table migrated first", basis="technical")
    expect(ezra.get_by_role("status")).to_contain_text("recorded: your no-go on technical grounds")
    expect(ezra.locator("h1 .state")).to_have_text("blocked")

    priya.reload()
    expect(priya.locator("h1 .state")).to_have_text("blocked")
    expect(standing).to_contain_text("blocked by ezra (em) on technical grounds")
    expect(priya.locator(".keys")).to_contain_text("em (ezra): blocking (no-go)")
    expect(priya.get_by_text("Blocked by ezra (em) on technical grounds: only they can lift it")).to_be_visible()

    basis = priya.locator('form[action$="/positions"]').get_by_label("Basis")
    expect(basis.locator('option[value="technical"]')).to_have_text("technical — voice only as pm: a boundary crossing")
    record_position(priya, "no-go", "the migration looks quick to me", basis="technical")
    expect(priya.get_by_role("alert")).to_contain_text(  # a warning, not a success
        "Recorded, but not as a veto: your no-go on technical grounds is outside your scope, so it counts as voice"
    )
    expect(priya.locator(".flash-warning")).to_be_visible()
    expect(priya.locator("h1 .state")).to_have_text("blocked")  # still the EM's veto, not hers
    expect(priya.locator(".crossings")).to_contain_text("Boundary crossing: priya (pm)")

    sign_in(sol, "sol")  # informed of the release, several times: one row
    expect(sol.get_by_role("link", name="Open a decision")).to_have_count(0)
    told = sol.locator("section", has=sol.get_by_role("heading", name=re.compile("Asked or told")))
    expect(told.get_by_role("link", name=title)).to_have_count(1)
    told.get_by_role("link", name=title).click()
    expect(sol.locator("h1 .state")).to_have_text("blocked")
    expect(sol.locator('form[method="post"][action^="/decisions/"]')).to_have_count(0)
    expect(sol.get_by_role("heading", name="Your part")).to_have_count(0)

    ezra.reload()
    add_evidence(ezra, "system-risk", "migration rehearsed on a copy: 40 s, reversible")
    expect(ezra.get_by_role("status")).to_contain_text("evidence 'system-risk' added")
    record_position(ezra, "go", "migrated and load-tested")
    expect(ezra.get_by_role("status")).to_contain_text(f"#{number} is open, waiting on")
    expect(ezra.locator(".keys")).to_contain_text("em (ezra): turned (go)")

    priya.reload()
    expect(standing).to_contain_text("evidence cost-of-delay from pm (priya)")
    add_evidence(priya, "cost-of-delay", "abandoned carts: about 900 orders a week")
    record_position(priya, "go", "ship it")
    expect(priya.get_by_role("status")).to_contain_text(f"#{number} is approved")

    for page in (priya, ezra, sol):
        page.reload()
        expect(page.locator("h1 .state")).to_have_text("approved")
        expect(page.locator(f'form[action^="/decisions/{number}/"]')).to_have_count(0)
    expect(ezra.locator(".keys")).to_contain_text("pm (priya): turned (go)")


def test_a_stakeholder_has_no_forms_and_a_post_anyway_is_refused(
    open_page: Callable[[], Page], server: LiveServer
) -> None:
    sol = open_page()
    sign_in(sol, "sol", "/decisions/3")
    expect(sol.get_by_role("heading", name="#3 Hire a senior backend engineer")).to_be_visible()
    expect(sol.locator('form[method="post"][action^="/decisions/"]')).to_have_count(0)
    csrf = sol.locator('form[action="/logout"] input[name="csrf"]').input_value()

    refused = sol.request.post(
        f"{server.url}/decisions/3/positions",
        form={"csrf": csrf, "stance": "no-go", "reason": "I would rather hire a designer"},
        headers={"Accept": "text/html"},
    )
    assert refused.status == 403
    assert "refused: sol (stakeholder) has no right in engineering-hiring" in refused.text()

    sol.reload()
    expect(sol.locator(".crossings")).to_contain_text("Refused: sol (stakeholder)")


def test_the_pm_proposes_a_charter_change_by_ticking_a_box_and_the_em_sees_the_proposal(
    open_page: Callable[[], Page],
) -> None:
    priya = open_page()
    sign_in(priya, "priya", "/charter")
    priya.get_by_role("link", name="Propose a change with the form").click()
    expect(priya.get_by_role("heading", name="Propose a charter change")).to_be_visible()
    expect(priya.get_by_role("link", name="Edit the TOML directly")).to_be_visible()
    grounds = priya.get_by_role("group", name="release, pm: grounds")
    expect(grounds.get_by_label("business")).to_be_checked()
    grounds.get_by_label("safety").check()
    priya.get_by_label("Title (optional)").fill("the PM may stop a release on safety grounds")
    priya.get_by_role("button", name="Preview the change").click()
    preview = priya.get_by_role("region", name="The changes (scrolls sideways on a narrow screen)")
    expect(preview).to_contain_text("decide on business, market → decide on business, market, safety")
    expect(priya.get_by_role("group", name="release, pm: grounds").get_by_label("safety")).to_be_checked()
    priya.get_by_role("button", name="Propose this change").first.click()
    expect(priya.get_by_role("status")).to_contain_text("adopts the new charter when it is approved")
    expect(priya.get_by_role("heading", name="What it changes in the charter")).to_be_visible()

    ezra = open_page()
    sign_in(ezra, "ezra")
    ezra.get_by_role("link", name=re.compile("the PM may stop a release on safety grounds")).first.click()
    expect(ezra.get_by_role("heading", level=1)).to_contain_text("the PM may stop a release on safety grounds")
    expect(ezra.locator("table.changes")).to_contain_text(
        "decide on business, market → decide on business, market, safety"
    )
    expect(ezra.get_by_role("button", name="Record position")).to_be_visible()


def test_a_deadline_typed_at_nine_in_berlin_shows_at_nine_and_is_stored_at_eight_utc(
    open_page: Callable[[], Page], server: LiveServer
) -> None:
    priya = open_page()
    sign_in(priya, "priya")
    priya.get_by_role("link", name="Settings").click()
    priya.get_by_label("Show my times in").select_option("Europe/Berlin")
    priya.get_by_role("button", name="Save the time zone").click()
    expect(priya.get_by_role("status")).to_have_text("Times are shown in Europe/Berlin")
    expect(priya.locator("footer")).to_contain_text("Times in Europe/Berlin · change")

    priya.goto("/decisions/new")
    priya.get_by_label("Domain").select_option("release")
    priya.get_by_label("Title").fill("Ship the January sale")
    deadline = priya.get_by_label("Deadline (optional: a day and a time in Europe/Berlin)")
    deadline.fill("2027-01-15T09:00")
    priya.get_by_role("button", name="Open the decision").click()
    expect(priya.get_by_role("status")).to_contain_text("is open")
    shown = priya.locator(".meta time", has_text="2027-01-15 09:00 CET")
    expect(shown).to_have_attribute("datetime", "2027-01-15T08:00:00+00:00")
    expect(shown).to_have_attribute("title", "2027-01-15 09:00 CET")

    number = int(priya.url.rsplit("/", 1)[1])
    store = Store.open(server.database)
    try:
        stored = queries.show_decision(uow=store.uow(), team="checkout", number=number).deadline
    finally:
        store.close()
    assert stored == "2027-01-15T08:00:00+00:00"


def test_the_em_runs_an_incident_and_the_pm_answers_the_impact_consult_from_her_queue(
    open_page: Callable[[], Page], server: LiveServer
) -> None:
    """ "The EM owns this entirely. During an incident, the PM is a stakeholder: informed of severity, consulted
    on customer impact prioritization, not a decision-maker." """
    ezra = open_page()
    sign_in(ezra, "ezra")
    ezra.get_by_role("navigation", name="Main").get_by_role("link", name="Incidents").click()
    form = ezra.locator('form[action="/incidents"]')
    form.get_by_label("Title").fill("Checkout times out for EU customers")
    form.get_by_label("Severity").select_option("sev3")
    form.get_by_label("Affected components").fill("checkout, payments")
    form.get_by_role("button", name="Open the incident").click()
    expect(ezra.get_by_role("status")).to_contain_text(re.compile(r"opened incident #\d+ at sev3"))
    number = int(ezra.url.rsplit("/", 1)[1])
    expect(ezra.locator(".lede")).to_contain_text(f"Incident #{number} is sev3 (minor impact), being investigated")

    update = ezra.locator('form[action$="/updates"]')
    update.get_by_label("Severity").select_option("sev2")
    update.get_by_label("Message").fill("More EU customers are hit than we thought.")
    update.get_by_role("button", name="Post the update").click()
    expect(ezra.get_by_role("status")).to_contain_text(f"Incident #{number} is sev2 (major impact)")
    expect(ezra.locator(".timeline")).to_contain_text("severity sev3 → sev2: More EU customers are hit")
    expect(ezra.locator(".timeline li").last).to_contain_text("Internal")

    priya = open_page()
    sign_in(priya, "priya")
    panel = priya.get_by_role("region", name=re.compile("^Incidents"))
    mine = panel.locator("li", has_text="Checkout times out for EU customers")
    expect(mine).to_contain_text("your view on customer impact is asked (as pm): not answered yet")
    expect(mine).to_contain_text("told as pm: its severity changed")
    mine.get_by_role("link").click()
    expect(priya).to_have_url(re.compile(rf"/incidents/{number}$"))
    expect(priya.locator('form[action$="/updates"]')).to_have_count(0)  # not a decision-maker: no such form
    priya.get_by_label(re.compile("Your answer")).fill("EU card checkouts first; invoiced accounts can wait.")
    priya.get_by_role("button", name="Answer the consult").click()
    expect(priya.locator(".impact")).to_have_text("EU card checkouts first; invoiced accounts can wait.")
    expect(priya.locator("#impact")).to_contain_text("Answered by priya")

    csrf = priya.locator('form[action="/logout"] input[name="csrf"]').input_value()
    tried = priya.request.post(
        f"{server.url}/incidents/{number}/updates",
        form={"csrf": csrf, "severity": "sev1"},
        headers={"Accept": "text/html"},
    )
    assert tried.status == 200 and "may not change an incident&#39;s severity" in tried.text()
    priya.reload()
    expect(priya.locator(".crossings")).to_contain_text("Refused: priya (pm) — change-incident-severity")
    expect(priya.locator(".lede")).to_contain_text("sev2")


def test_a_stakeholder_finds_a_bug_by_its_key_on_the_board(open_page: Callable[[], Page]) -> None:
    sol = open_page()
    sign_in(sol, "sol")
    sol.get_by_role("navigation", name="Main").get_by_role("link", name="Bugs").click()
    expect(sol.get_by_role("heading", name="Bugs", exact=True)).to_be_visible()
    sol.get_by_label("Search by key or words").fill("CHK-142")
    sol.get_by_role("button", name="Search").click()
    expect(sol).to_have_url(re.compile(r"/bugs\?q=CHK-142"))
    rows = sol.locator("table.bugs tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Refunds to expired cards fail without telling the customer")
    expect(rows.first).to_contain_text("in progress")
    expect(rows.first).to_contain_text("Sam Alvarez")
    link = rows.first.get_by_role("link", name="CHK-142")
    expect(link).to_have_attribute("href", "https://tracker.example.com/browse/CHK-142")
    expect(sol.locator('form[action="/bugs/publish"]')).to_have_count(0)  # a stakeholder reads, never publishes


def test_an_engineer_uploads_the_github_export_and_sees_what_was_imported(open_page: Callable[[], Page]) -> None:
    export = shared_data("github/ants-issues.json")
    items = json.loads(export.read_text(encoding="utf-8"))
    issues = [item for item in items if "pull_request" not in item]
    sam = open_page()
    sign_in(sam, "sam", "/bugs")
    upload = sam.locator('form[action="/bugs/upload"]')
    expect(upload).to_contain_text("at most 20 MB")
    upload.get_by_label("GitHub: the issues endpoint's JSON").check()
    upload.get_by_label(re.compile(r"^The file")).set_input_files(str(export))
    upload.get_by_role("button", name="Import the file").click()
    result = sam.locator("#import-result")
    expect(result).to_contain_text(
        f"Imported {len(issues)} github issues from ants-issues.json: {len(issues)} added, 0 updated, 0 unchanged, "
        f"0 unreadable (skipped: {len(items) - len(issues)} pull requests)"
    )
    sam.get_by_label("Search by key or words").fill("panjf2000/ants")
    sam.get_by_role("button", name="Search").click()
    expect(sam.locator("table.bugs tbody tr").first).to_contain_text("panjf2000/ants#")
    sam.goto("/bugs")
    upload.get_by_label("GitHub: the issues endpoint's JSON").check()
    upload.get_by_label(re.compile(r"^The file")).set_input_files(str(export))
    upload.get_by_role("button", name="Import the file").click()
    expect(result).to_contain_text(f"0 added, 0 updated, {len(issues)} unchanged")  # a re-import changes nothing
    sol = open_page()
    sign_in(sol, "sol", "/bugs")
    expect(sol.locator('form[action="/bugs/upload"]')).to_have_count(0)  # a stakeholder reads, never imports


def test_the_em_links_a_bug_from_the_incident_page_and_the_stakeholder_sees_it_on_the_board(
    open_page: Callable[[], Page],
) -> None:
    ezra = open_page()
    sign_in(ezra, "ezra", f"/incidents/{SEARCH}")
    panel = ezra.locator("section#linked-bugs")
    expect(panel).to_contain_text("CHK-144")  # the demo's link
    panel.get_by_label("Link a bug of the board by its key").fill("CHK-139")
    panel.get_by_role("button", name="Link the bug").click()
    expect(ezra.get_by_role("status")).to_contain_text(
        f"CHK-139 is linked to incident #{SEARCH} Search results are slow"
    )
    expect(panel).to_contain_text("Address autocomplete suggests closed post offices")
    sol = open_page()
    sign_in(sol, "sol", "/bugs?q=CHK-139")
    row = sol.locator("table.bugs tbody tr").first
    expect(row.get_by_role("link", name=re.compile(f"incident #{SEARCH} Search results are slow"))).to_be_visible()
    expect(sol.locator("section#linked-bugs")).to_have_count(0)
    sol.goto(f"/incidents/{SEARCH}")
    expect(sol.locator("section#linked-bugs")).to_contain_text("CHK-139")
    expect(sol.locator('form[action="/bugs/link"]')).to_have_count(0)  # a stakeholder reads, never links
    ezra.locator("section#linked-bugs").get_by_role("button", name="Unlink CHK-139").click()
    expect(ezra.get_by_role("status")).to_contain_text(f"CHK-139 is linked to no incident (it was linked to #{SEARCH})")


def test_the_public_status_page_shows_the_open_incidents_public_update_and_not_its_internal_one(
    open_page: Callable[[], Page],
) -> None:
    visitor = open_page()  # no sign-in
    visitor.set_viewport_size({"width": 390, "height": 900})
    visitor.goto("/status")
    expect(visitor.get_by_role("heading", name="checkout status")).to_be_visible()
    expect(visitor.get_by_text("Times are in Europe/Berlin")).to_be_visible()
    open_incidents = visitor.locator("section", has=visitor.get_by_role("heading", name="Open incidents"))
    expect(open_incidents.get_by_role("heading", name="Search results are slow")).to_be_visible()
    expect(open_incidents).to_contain_text("Search is slower than usual; results are correct.")
    expect(visitor.locator("body")).not_to_contain_text("The index rebuild after yesterday's migration")
    expect(visitor.locator("main")).not_to_contain_text("ezra")
    atom = visitor.get_by_role("link", name="Atom feed")  # the feeds, offered and advertised, on a phone too
    expect(atom).to_be_visible()
    expect(atom).to_have_attribute("href", re.compile(r"/status/history\.atom$"))
    expect(visitor.locator('head link[rel="alternate"][type="application/atom+xml"]')).to_have_count(1)
    assert sideways(visitor) == 0
    visitor.goto("/public/checkout/bugs")  # the published board, served as bytes too
    expect(visitor.get_by_role("heading", name="Team checkout's bugs")).to_be_visible()
    assert sideways(visitor) == 0
    visitor.goto("/login")
    visitor.get_by_role("contentinfo").get_by_role("link", name="Status").click()
    expect(visitor).to_have_url(re.compile(r"/status$"))


def test_a_visitor_subscribes_from_the_status_page_and_confirms_with_the_link_sent(
    open_page: Callable[[], Page], server: LiveServer
) -> None:
    from sqlalchemy import select

    from remit.kernel.tables import OutboxRow

    visitor = open_page()  # no sign-in
    visitor.set_viewport_size({"width": 390, "height": 900})
    visitor.goto("/status")
    visitor.get_by_role("link", name="Subscribe to updates").click()
    expect(visitor.get_by_role("heading", name="Subscribe to checkout status")).to_be_visible()
    visitor.get_by_label("Your email address or a webhook URL").fill("not an address")
    visitor.get_by_role("button", name="Subscribe").click()
    expect(visitor.get_by_role("alert")).to_contain_text("not an email address or a webhook URL")
    visitor.get_by_label("Your email address or a webhook URL").fill("reader@fabrikam.example")
    visitor.get_by_label("search").check()
    visitor.get_by_role("button", name="Subscribe").click()
    expect(visitor.get_by_role("heading", name="Check your inbox")).to_be_visible()
    store = Store.open(server.database)
    try:
        with store.uow().reading() as uow:
            sent = uow.session.scalars(select(OutboxRow.message).order_by(OutboxRow.id.desc()).limit(1)).one()
    finally:
        store.close()
    confirm = next(line for line in sent["lines"] if "/confirm/" in line).rpartition("Confirm here: ")[2]
    visitor.goto(confirm.split("://", 1)[1].partition("/")[2].join(["/", ""]))
    expect(visitor.get_by_text("Send checkout's status notices (search) to r…@fabrikam.example?")).to_be_visible()
    visitor.get_by_role("button", name="Confirm").click()
    expect(visitor.get_by_role("heading", name="Subscribed")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("r…@fabrikam.example is subscribed: notices of search")
    assert sideways(visitor) == 0
    visitor.goto("/status/checkout/confirm/1.forged.0000")
    expect(visitor.locator("main")).to_contain_text("this link is not one we sent")


def schedule(page: Page, name: str, components: str, begins: str, ends: str, message: str) -> None:
    form = page.locator('form[action="/manage/status/maintenances"]')
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Components (names, comma-separated)").fill(components)
    form.get_by_label(re.compile("^Begins")).fill(begins)
    form.get_by_label("Ends").fill(ends)
    form.get_by_label("Announcement (public)").fill(message)
    form.get_by_role("button", name="Schedule it").click()


def test_the_em_sets_a_component_and_runs_a_maintenance_and_the_public_sees_only_what_was_published(
    open_page: Callable[[], Page],
) -> None:
    """The EM sets search degraded with a note and announces a maintenance with an internal note, from the team's
    status page (the nav links it for him, not for a stakeholder); a visitor's page shows the note, the
    maintenance and each component's 90 days, never the private component or the internal note."""
    ezra = open_page()
    sign_in(ezra, "ezra")
    ezra.get_by_role("navigation", name="Main").get_by_role("link", name="Status page").click()
    expect(ezra.get_by_role("heading", name="Status page", level=1)).to_be_visible()
    card = ezra.locator("#component-search")
    card.get_by_label("State of search").select_option("partial_outage")
    card.get_by_label("Public note").fill("Filters time out for some queries.")
    card.get_by_role("button", name="Set search").click()
    expect(ezra.get_by_role("status")).to_contain_text("search is set to partial_outage")
    schedule(ezra, "Checkout cache flush", "checkout, ledger-db", "in 2 days", "in 50 hours", "Checkout may be slow.")
    expect(ezra.get_by_role("status")).to_contain_text("is scheduled")
    flush = ezra.locator(".card", has=ezra.get_by_role("heading", name=re.compile("Checkout cache flush")))
    flush.get_by_label("Message").fill("zq-browser-note: warm the cache after")
    flush.get_by_role("button", name=re.compile("^Update")).click()
    expect(ezra.locator("main")).to_contain_text("zq-browser-note")  # the team reads its note
    schedule(ezra, "Nowhere", "nope", "in 1 day", "in 2 days", "x")
    expect(ezra.get_by_role("alert")).to_contain_text("not a component of the status page: nope")

    sol = open_page()
    sign_in(sol, "sol")
    expect(sol.get_by_role("navigation", name="Main").get_by_role("link", name="Status page")).to_have_count(0)
    sol.goto("/manage/status")
    expect(sol.locator('form[action="/manage/status/components"]')).to_have_count(0)  # reads, never sets

    visitor = open_page()
    visitor.set_viewport_size({"width": 390, "height": 900})
    visitor.goto("/status")
    expect(visitor.get_by_text("Filters time out for some queries.")).to_be_visible()
    upcoming = visitor.locator("section", has=visitor.get_by_role("heading", name="Scheduled maintenance"))
    expect(upcoming.get_by_role("heading", name=re.compile("Checkout cache flush"))).to_be_visible()
    expect(upcoming).to_contain_text("Checkout may be slow.")
    bar = visitor.get_by_role("list", name=re.compile(r"^search: the last 90 days, [\d.]+ % uptime"))
    expect(bar.locator("li")).to_have_count(90)
    # today's cell: the open search incident's hours, and the state set a moment ago (seconds long, so far)
    expect(bar.locator("li").last).to_have_attribute("title", re.compile(r"^\d{4}-\d{2}-\d{2}: (partial|degraded)"))
    expect(visitor.locator("li.component-row", has_text="search")).to_contain_text("Partial outage")
    expect(visitor.locator("body")).not_to_contain_text("zq-browser-note")
    expect(visitor.locator("body")).not_to_contain_text("ledger-db")
    assert sideways(visitor) == 0


def test_the_em_removes_a_demo_subscriber_from_the_team_page_and_a_stakeholder_cannot_open_it(
    open_page: Callable[[], Page],
) -> None:
    ezra = open_page()
    ezra.set_viewport_size({"width": 390, "height": 900})
    sign_in(ezra, "ezra", "/manage/status")
    ezra.get_by_role("link", name="Subscribers").click()
    expect(ezra.get_by_role("heading", name="Status page subscribers")).to_be_visible()
    counts = ezra.locator("#subscriber-counts")
    expect(counts.get_by_role("row", name=re.compile("^All components"))).to_contain_text("1")
    listed = ezra.locator("#subscriber-list")
    expect(listed).to_contain_text("i…@northwind.example")
    expect(ezra.locator("main")).not_to_contain_text("alerts@contoso.example")  # masked only
    listed.get_by_role("button", name="Remove subscriber a…@contoso.example").click()
    expect(ezra.get_by_role("status")).to_contain_text("removed a…@contoso.example: nothing more will be sent to it")
    expect(ezra.locator("#subscriber-list")).not_to_contain_text("a…@contoso.example")
    expect(ezra.locator("#subscriber-list")).to_contain_text("i…@northwind.example")
    assert sideways(ezra) == 0

    sol = open_page()
    sign_in(sol, "sol", "/manage/status")
    expect(sol.get_by_role("link", name="Subscribers")).to_have_count(0)
    answer = sol.goto("/manage/status/subscribers")
    assert answer is not None and answer.status == 403
    expect(sol.locator("main")).not_to_contain_text("northwind")


PAGES = [
    "/",
    "/decisions",
    "/decisions/1",
    "/decisions/2",
    "/charter",
    "/charter/propose",
    "/insights",
    "/decisions/new",
    "/tokens",
    "/settings",
    "/notifications",
    "/notifications/deliveries",
    "/incidents",
    "/incidents/1",
    "/incidents/2",
    "/bugs",
    "/status",
    "/manage/status",
]
PAGES += [  # the list as the insights' counts link to it: filtered, with the refused attempts, a bad filter
    "/decisions?domain=release&state=approved",
    "/decisions?domain=release&crossed_by=stakeholder&refused=yes",
    "/decisions?age=1-3-days",
    "/decisions?age=ancient",
]


def sideways(page: Page) -> int:
    """How far the page scrolls sideways (0: it fits the viewport)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.parametrize("width", [390, 1440])
def test_no_page_scrolls_sideways_even_with_a_300_character_unbroken_title(
    open_page: Callable[[], Page], width: int
) -> None:
    priya = open_page()
    priya.set_viewport_size({"width": width, "height": 900})
    sign_in(priya, "priya")
    priya.goto("/decisions/new")
    priya.get_by_label("Domain").select_option("release")
    priya.get_by_label("Title").fill("x" * 300)
    priya.get_by_role("button", name="Open the decision").click()
    expect(priya.get_by_role("status")).to_contain_text("is open")
    opened = priya.url
    for path in [*PAGES, opened]:
        priya.goto(path)
        assert sideways(priya) == 0, f"{path} scrolls {sideways(priya)} px sideways at {width} px"


# Every piece of text a chart shows: its table's words and links, and the axis's tick labels (SVG text).
CHART_TEXT = """() => [...document.querySelectorAll('.chart')].flatMap(chart =>
  [...chart.querySelectorAll('text, th, td, a, p, h2, .said, .unit')]
    .filter(e => e.getClientRects().length && e.textContent.trim() && !e.closest('.visually-hidden'))
    .map(e => ({text: e.textContent.trim().slice(0, 30), px: parseFloat(getComputedStyle(e).fontSize),
                height: e.tagName === 'text' ? e.getBoundingClientRect().height : null})))"""


@pytest.mark.parametrize("width", [390, 1440])
def test_the_charts_have_readable_labels_a_scale_with_units_and_say_median(
    open_page: Callable[[], Page], width: int
) -> None:
    page = open_page()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "priya", "/insights")
    texts = page.evaluate(CHART_TEXT)
    assert len(texts) > 40
    small = [t for t in texts if t["px"] < 11 or (t["height"] is not None and t["height"] < 11)]
    assert small == [], f"text under 11 px at {width} px"
    for chart, unit in (("timing", "hours"), ("crossings", "crossings"), ("ages", "decisions")):
        axis = page.locator(f"#chart-{chart} tfoot")
        expect(axis.locator(".unit")).to_have_text(re.compile(f"^{unit}"))
        expect(axis.locator("text.tick-label").first).to_have_text("0")
        assert axis.locator("text.tick-label").count() == 5
    expect(page.locator("#chart-timing").get_by_text(re.compile(r"^median \d"))).to_be_visible()
    row = page.locator("#chart-crossings tr", has_text="release · stakeholder")
    row.get_by_role("link", name=re.compile(r"^\d+ refused$")).click()
    expect(page.get_by_role("status")).to_contain_text("with a refused boundary crossing by stakeholder")
    expect(page.locator(".crossings")).to_contain_text("Refused: sol (stakeholder)")
    page.get_by_role("link", name="Clear the filters: show all decisions").click()
    expect(page).to_have_url(re.compile(r"/decisions$"))


def test_the_api_docs_render_offline_from_packaged_assets_under_their_csp(open_page: Callable[[], Page]) -> None:
    """Swagger UI from the pinned PyPI package: every request stays on loopback (anything else is blocked
    and would fail the test), the operations are listed, and the page's CSP is never violated."""
    page = open_page()
    left: list[str] = []
    violations: list[str] = []

    def loopback_only(route: Route) -> None:
        if re.match(r"^https?://127\.0\.0\.1[:/]", route.request.url):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    page.route("**/*", loopback_only)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else 0)
    sign_in(page, "sol")
    page.get_by_role("link", name="API docs").click()
    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    loaded = 30_000  # 1.5 MB of Swagger UI, rendering the whole document: slow on a busy machine
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/export.json")).to_be_visible(timeout=loaded)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/decisions/{number}/positions")).to_be_visible()
    assert page.locator(".opblock").count() >= 25
    csp = page.context.request.get("/api/v1/docs").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
    assert left == [] and violations == [] and page.evaluate("window.__violations || []") == []


def test_a_person_sets_their_channels_and_choices_and_a_key_holder_sends_a_dead_delivery_again(
    open_page: Callable[[], Page],
) -> None:
    dana = open_page()
    sign_in(dana, "dana")
    dana.get_by_role("link", name="Notifications").click()
    expect(dana.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    expect(dana.locator("main")).to_contain_text("json://127.0.0.1/…")
    dana.get_by_label("Add a channel (an Apprise URL)").fill("mailto://dana:s3cret-pass@smtp.example.com?to=dana@x.com")
    dana.get_by_role("button", name="Add channel").click()
    expect(dana.get_by_role("status")).to_contain_text("channel added: mailto://smtp.example.com/…")
    expect(dana.locator("main")).not_to_contain_text("s3cret")
    dana.get_by_label("decisions you are told of, when they open").uncheck()
    dana.get_by_label("once a day, at 08:00 UTC").check()
    dana.get_by_role("button", name="Save my choices").click()
    expect(dana.get_by_role("status")).to_contain_text("your choices are saved")
    expect(dana.get_by_label("decisions you are told of, when they open")).not_to_be_checked()
    expect(dana.get_by_label("once a day, at 08:00 UTC")).to_be_checked()
    dana.get_by_role("button", name="Remove channel mailto://smtp.example.com/…").click()
    expect(dana.get_by_role("status")).to_contain_text("channel removed")
    expect(dana.get_by_role("link", name="The team's deliveries")).to_have_count(0)

    ezra = open_page()
    sign_in(ezra, "ezra", "/notifications/deliveries")
    expect(ezra.get_by_role("heading", name="Deliveries")).to_be_visible()
    again = ezra.get_by_role("button", name=re.compile(r"Send delivery \d+ again")).first
    for _ in range(60):  # until the server's worker has tried Sol's hook (its own 404): a wait, not a check
        if again.count():
            break
        ezra.wait_for_timeout(500)
        ezra.reload()
    expect(again).to_be_visible()
    expect(ezra.locator("main")).to_contain_text("HTTP 404")
    again.click()
    expect(ezra.get_by_role("status")).to_contain_text(re.compile(r"delivery \d+ is due again"))


AXE_PAGES = [*PAGES, "/decisions/3", "/ledger", "/password", "/bugs?status=done", "/public/checkout/bugs"]
AXE_PAGES += ["/status/checkout/subscribe"]
AXE_PAGES += ["/bugs?incident=2"]
AXE_PAGES += ["/manage/status/subscribers"]


@pytest.mark.parametrize("width", [390, 1440])
def test_every_page_passes_axe_with_no_serious_or_critical_violation(open_page: Callable[[], Page], width: int) -> None:
    """axe-core (4.12.1, packaged by axe-playwright-python: nothing downloaded) on the sign-in page and every
    page a signed-in person reaches."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = open_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/login")
    found = {"/login": axe.run(page).response["violations"]}
    sign_in(page, "ezra")
    for path in AXE_PAGES:
        page.goto(path)
        found[path] = axe.run(page).response["violations"]
    bad = {
        path: [(v["id"], v["impact"], [node["target"] for node in v["nodes"][:3]]) for v in violations]
        for path, violations in found.items()
        if any(v["impact"] in ("serious", "critical") for v in violations)
    }
    assert bad == {}
    assert all(violations == [] for violations in found.values()), found  # the moderate ones too, today


def test_the_em_says_no_go_with_the_keyboard_alone_and_sees_where_the_focus_is(
    open_page: Callable[[], Page], server: LiveServer
) -> None:
    ezra = open_page()
    sign_in(ezra, "ezra")
    ezra.goto("/decisions/new")
    ezra.get_by_label("Title").fill("Ship the keyboard-only release")
    ezra.get_by_role("button", name="Open the decision").click()
    expect(ezra.get_by_role("status")).to_contain_text("is open")

    def tab_to(selector: str) -> None:
        for _ in range(120):
            ezra.keyboard.press("Tab")
            if ezra.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
                outline = ezra.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", f"{selector} has focus but shows no outline"
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to('form[action$="/positions"] input[value="go"]')  # a radio group is one Tab stop; arrows move in it
    ezra.keyboard.press("ArrowRight")
    assert ezra.evaluate('document.querySelector(\'form[action$="/positions"] input[value="no-go"]\').checked')
    tab_to("#basis")
    ezra.keyboard.press("ArrowDown")  # the first basis after "none"
    chosen = ezra.evaluate("document.querySelector('#basis').value")
    while chosen != "technical":
        ezra.keyboard.press("ArrowDown")
        chosen = ezra.evaluate("document.querySelector('#basis').value")
    tab_to("#reason")
    ezra.keyboard.type("the migration locks the orders table")
    tab_to('form[action$="/positions"] button[type="submit"]')
    ezra.keyboard.press("Enter")
    expect(ezra.get_by_role("status")).to_contain_text("recorded: your no-go on technical grounds")
    expect(ezra.locator("h1 .state")).to_have_text("blocked")
