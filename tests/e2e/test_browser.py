"""A real browser (Debian's Chromium, driven by Playwright) against a real `remit serve --demo`: the release
dual key turned through the forms, a boundary crossing shown, and a stakeholder who has no forms and is
refused when he posts anyway."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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


def test_em_and_pm_turn_both_keys_through_the_forms_and_the_release_is_approved(open_page: Callable[[], Page]) -> None:
    ezra = open_page()
    sign_in(ezra, "ezra")
    expect(ezra.get_by_role("heading", name="My queue")).to_be_visible()
    waiting = ezra.locator("li.card", has_text="Ship one-click reorder")
    expect(waiting).to_contain_text("evidence 'system-risk' from em")
    waiting.get_by_role("link", name="#2 Ship one-click reorder").click()
    expect(ezra).to_have_url(re.compile(r"/decisions/2$"))

    evidence = ezra.locator('form[action$="/evidence"]')
    expect(evidence.get_by_label("Name")).to_have_value("system-risk")
    evidence.get_by_label("What it says").fill("behind a feature flag; rollback takes a minute")
    evidence.get_by_role("button", name="Add evidence").click()
    expect(ezra.get_by_role("status")).to_contain_text("evidence 'system-risk' added")

    record_position(ezra, "go", "low risk behind the flag")
    expect(ezra.get_by_role("status")).to_contain_text("recorded: your go. #2 is open, waiting on a go from pm (priya)")
    expect(ezra.locator(".keys")).to_contain_text("em (ezra): turned")

    priya = open_page()
    sign_in(priya, "priya", "/decisions/2")
    record_position(priya, "go", "repeat orders are waiting")
    expect(priya.get_by_role("status")).to_contain_text("#2 is approved")
    expect(priya.locator("h1 .state")).to_have_text("approved")
    expect(priya.locator('form[action^="/decisions/2/"]')).to_have_count(0)


def test_a_pm_no_go_on_technical_grounds_shows_as_a_boundary_crossing(open_page: Callable[[], Page]) -> None:
    priya = open_page()
    sign_in(priya, "priya")
    priya.get_by_role("link", name="Open a decision").click()
    priya.get_by_label("Domain").select_option("release")
    priya.get_by_label("Title").fill("Ship the new checkout page")
    priya.get_by_role("button", name="Open the decision").click()
    expect(priya.get_by_role("status")).to_contain_text(re.compile(r"opened: #\d+ is open"))

    basis = priya.locator('form[action$="/positions"]').get_by_label("Basis")
    expect(basis.locator('option[value="technical"]')).to_have_text("technical — voice only as pm: a boundary crossing")
    record_position(priya, "no-go", "the new query looks slow to me", basis="technical")
    expect(priya.get_by_role("alert")).to_contain_text(  # a warning, not a success
        "Recorded, but not as a veto: your no-go on technical grounds is outside your scope, so it counts as voice"
    )
    expect(priya.locator(".flash-warning")).to_be_visible()
    expect(priya.locator("h1 .state")).to_have_text("open")
    expect(priya.locator(".crossings")).to_contain_text("Boundary crossing: priya (pm)")


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


PAGES = [
    "/",
    "/decisions",
    "/decisions/1",
    "/decisions/2",
    "/charter",
    "/insights",
    "/decisions/new",
    "/tokens",
    "/bugs",
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


AXE_PAGES = [*PAGES, "/decisions/3", "/ledger", "/password", "/bugs?status=done", "/public/checkout/bugs"]


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
