"""The web app over the demo team, on SQLite and PostgreSQL: signing in and out, CSRF, forms offered only
per the charter's rights, refusals recorded, every page rendering."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.decisions import queries
from remit.identity import accounts as identity
from remit.kernel.uow import Store
from remit.seed import DEMO_PASSWORD, DEMO_TEAM

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Browser:
    """A TestClient that signs in through the form and sends forms with the page's CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def sign_in(self, handle: str, password: str = DEMO_PASSWORD, next_path: str = "/") -> httpx.Response:
        page = self.client.get(f"/login?next={next_path}")
        token = CSRF.search(page.text)
        assert token is not None
        return self.client.post(
            "/login",
            data={"team": DEMO_TEAM, "handle": handle, "password": password, "csrf": token[1], "next": next_path},
        )

    def csrf(self, path: str = "/") -> str:
        found = CSRF.search(self.client.get(path).text)
        assert found is not None, f"no form on {path}"
        return found[1]

    def post(self, path: str, data: dict[str, str], *, csrf_from: str = "/") -> httpx.Response:
        return self.client.post(path, data={"csrf": self.csrf(csrf_from), **data})

    def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.status_code == 303, response.text
        return self.client.get(response.headers["location"])


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield Browser(client)


def audit_count(store: Store) -> int:
    return len(queries.audit_log(uow=store.uow(), team=DEMO_TEAM))


def post_forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="(/decisions[^"]*)"', html)


# Signing in and out


def test_a_page_without_a_session_redirects_to_sign_in_and_back(web: Browser) -> None:
    response = web.get("/decisions/2")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/decisions/2"


def test_the_sign_in_form_fills_in_the_only_team(web: Browser) -> None:
    page = web.get("/login")
    assert page.status_code == 200
    assert 'name="team" value="checkout"' in page.text
    assert "remit_login_csrf=" in page.headers["set-cookie"]


def test_signing_in_sets_a_session_cookie_and_returns_to_next(web: Browser) -> None:
    response = web.sign_in("ezra", next_path="/decisions/2")
    assert response.status_code == 303
    assert response.headers["location"] == "/decisions/2"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("remit_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # Settings.secure_cookies is off here
    assert "Ezra" in web.get("/").text


def test_session_cookie_is_secure_when_the_settings_say_so(demo_store: Store) -> None:
    app = create_app(Settings(sweep_seconds=0, secure_cookies=True), store=demo_store)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        response = Browser(client).sign_in("ezra")
        flashed = client.get("/")
    assert "Secure" in next(c for c in response.headers.get_list("set-cookie") if c.startswith("remit_session="))
    assert all("Secure" in cookie for cookie in response.headers.get_list("set-cookie"))  # the flash too
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert flashed.headers["strict-transport-security"].startswith("max-age=")


def test_the_flash_cookie_is_secure_too_behind_https(demo_store: Store) -> None:
    app = create_app(Settings(sweep_seconds=0, secure_cookies=True), store=demo_store)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        web = Browser(client)
        web.sign_in("ezra")
        response = web.post("/decisions/2/positions", {"stance": "go", "reason": "fine"})
    flash = [cookie for cookie in response.headers.get_list("set-cookie") if cookie.startswith("remit_flash=")]
    assert flash and all("Secure" in cookie for cookie in flash)


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(web: Browser) -> None:
    response = web.sign_in("ezra", password="not-the-password")
    assert response.status_code == 401
    assert "wrong team, name or password" in response.text
    assert "remit_session=" not in response.headers.get("set-cookie", "")
    assert web.get("/").status_code == 303


def test_signing_in_without_the_forms_token_is_refused(web: Browser) -> None:
    response = web.client.post(
        "/login", data={"team": DEMO_TEAM, "handle": "ezra", "password": DEMO_PASSWORD, "csrf": "forged"}
    )
    assert response.status_code == 403
    assert "remit_session=" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "http:/x"]
)
def test_signing_in_never_redirects_off_site(web: Browser, target: str) -> None:
    response = web.sign_in("ezra", next_path=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_signing_out_ends_the_session(web: Browser) -> None:
    web.sign_in("ezra")
    old = web.client.cookies.get("remit_session")
    response = web.post("/logout", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert web.get("/").status_code == 303
    web.client.cookies.set("remit_session", old or "")
    assert web.get("/").status_code == 303  # the old cookie no longer works


def test_an_ended_session_sends_back_to_sign_in_with_a_message(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    assert web.get("/decisions").status_code == 200
    demo_store.clock.advance(hours=13)  # type: ignore[attr-defined]  # the tests' Clock; sessions last 12 h
    response = web.get("/decisions")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/decisions&ended=1"
    assert "your session has ended" in web.follow(response).text


def test_a_sign_in_link_signs_in_once_and_only_when_its_button_is_pressed(web: Browser, demo_store: Store) -> None:
    token = identity.create_login_link(uow=demo_store.uow(), team=DEMO_TEAM, handle="dana")
    for _ in range(2):  # fetching the link (a mail scanner does) spends nothing
        assert web.get(f"/login/link/{token}").status_code == 200
    response = web.post(f"/login/link/{token}", {}, csrf_from=f"/login/link/{token}")
    assert response.status_code == 303
    assert "Dana" in web.follow(response).text
    web.client.cookies.clear()
    again = web.post(f"/login/link/{token}", {}, csrf_from=f"/login/link/{token}")
    assert again.status_code == 401
    assert "used up or has expired" in again.text


def test_a_sign_in_link_posted_from_elsewhere_is_refused(web: Browser, demo_store: Store) -> None:
    token = identity.create_login_link(uow=demo_store.uow(), team=DEMO_TEAM, handle="dana")
    assert web.client.post(f"/login/link/{token}", data={"csrf": "forged-token-of-some-length"}).status_code == 403
    response = web.post(f"/login/link/{token}", {}, csrf_from=f"/login/link/{token}")
    assert response.status_code == 303  # the refused attempt did not spend it


# CSRF


@pytest.mark.parametrize("sent", [None, "", "forged-token"])
def test_a_form_without_the_sessions_csrf_token_writes_nothing(
    web: Browser, demo_store: Store, sent: str | None
) -> None:
    web.sign_in("ezra")
    before = audit_count(demo_store)
    data = {"stance": "go", "reason": "looks fine"} | ({} if sent is None else {"csrf": sent})
    response = web.client.post("/decisions/2/positions", data=data)
    assert response.status_code == 403
    assert "did not come from your Remit session" in response.text
    assert audit_count(demo_store) == before
    assert queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=2).positions == []


def test_another_persons_csrf_token_does_not_work(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    priyas = web.csrf()
    web.client.cookies.clear()
    web.sign_in("ezra")
    before = audit_count(demo_store)
    response = web.client.post("/decisions/2/evidence", data={"csrf": priyas, "name": "system-risk", "text": "low"})
    assert response.status_code == 403
    assert audit_count(demo_store) == before


# Forms offered per the charter's rights


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_stakeholder_sees_no_write_forms(web: Browser, number: int) -> None:
    web.sign_in("sol")
    page = web.get(f"/decisions/{number}")
    assert page.status_code == 200
    assert post_forms(page.text) == []


def test_the_proposing_pm_may_take_a_position_amend_and_withdraw_but_owes_no_evidence(web: Browser) -> None:
    web.sign_in("priya")
    forms = post_forms(web.get("/decisions/2").text)
    assert forms == [
        "/decisions/2/positions",
        "/decisions/2/evidence",
        "/decisions/2/amend",
        "/decisions/2/withdraw",
    ]


def test_the_em_may_take_a_position_add_evidence_and_amend_as_a_key_holder_but_not_withdraw(web: Browser) -> None:
    web.sign_in("ezra")
    page = web.get("/decisions/2").text
    assert post_forms(page) == ["/decisions/2/positions", "/decisions/2/evidence", "/decisions/2/amend"]
    assert 'value="system-risk"' in page  # the evidence the retro rule still needs from the EM


def test_a_consulted_designer_may_take_a_position_but_not_amend(web: Browser) -> None:
    web.sign_in("dana")
    assert post_forms(web.get("/decisions/2").text) == ["/decisions/2/positions", "/decisions/2/evidence"]


def test_a_settled_decision_offers_no_forms(web: Browser) -> None:
    web.sign_in("priya")
    assert post_forms(web.get("/decisions/1").text) == []


# Acting through the forms


def test_a_stakeholder_posting_anyway_is_refused_and_the_refusal_recorded(web: Browser, demo_store: Store) -> None:
    web.sign_in("sol")
    response = web.post("/decisions/3/positions", {"stance": "no-go", "reason": "I do not like it"})
    assert response.status_code == 403
    assert "refused: sol (stakeholder) has no right in engineering-hiring" in response.text
    view = queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=3)
    assert [c.person for c in view.crossings if c.refused] == ["sol"]
    assert [p.person for p in view.positions] == ["priya"]
    assert queries.audit_log(uow=demo_store.uow(), team=DEMO_TEAM, limit=1)[0].kind == "ActionRefused"


def test_a_pm_no_go_on_technical_grounds_shows_as_a_boundary_crossing(web: Browser) -> None:
    web.sign_in("priya")
    before = web.get("/decisions/2").text  # the form says it before the PM submits
    assert '<option value="technical">technical — voice only as pm: a boundary crossing</option>' in before
    assert '<option value="business">business — a veto as pm</option>' in before
    assert "As pm, a no-go is a veto only on business or market grounds" in before
    response = web.post(
        "/decisions/2/positions", {"stance": "no-go", "basis": "technical", "reason": "the cache is too cold"}
    )
    page = web.follow(response).text
    assert (
        '<p class="flash flash-warning" role="alert">Recorded, but not as a veto: your no-go on technical grounds'
        in page
    )
    assert "counts as voice and is recorded as a boundary crossing" in page
    assert "Boundary crossing</strong>: priya (pm)" in page
    assert 'class="state state-open">open<' in page  # not a veto
    row = page[page.index("the cache is too cold") - 700 : page.index("the cache is too cold")]
    assert 'stance-no-go-voice">no-go<' in row and "voice only: outside their scope (a boundary crossing)" in row
    assert (
        "priya (pm) said no-go on technical grounds (outside their scope: counted as voice): the cache is too cold"
        in page
    )


def test_the_em_sees_a_binding_veto_a_blocking_key_and_a_replaced_position(web: Browser) -> None:
    web.sign_in("ezra")
    web.post("/decisions/2/positions", {"stance": "abstain", "reason": "reading the numbers"})
    page = web.follow(
        web.post("/decisions/2/positions", {"stance": "no-go", "basis": "technical", "reason": "p99"})
    ).text
    assert 'class="flash flash-done" role="status"' in page
    assert "em (ezra): <strong>blocking (no-go)</strong>" in page
    assert page.index('id="act-title"') < page.index('id="positions-title"')  # your part comes before the record
    veto = page[page.index(">p99<") - 700 : page.index(">p99<")]
    assert "binding veto" in veto
    replaced = page[page.index("reading the numbers") - 700 : page.index("reading the numbers")]
    assert "replaced by their later position" in replaced and "stale" in replaced


def test_the_em_and_the_pm_turn_both_keys_and_the_release_is_approved(web: Browser) -> None:
    web.sign_in("ezra")
    added = web.post("/decisions/2/evidence", {"name": "system-risk", "text": "feature-flagged; rollback in 1 min"})
    assert "evidence &#39;system-risk&#39; added" in web.follow(added).text
    went = web.post("/decisions/2/positions", {"stance": "go", "reason": "low risk behind the flag"})
    assert "#2 is open, waiting on a go from pm (priya)" in web.follow(went).text
    web.client.cookies.clear()
    web.sign_in("priya")
    went = web.post("/decisions/2/positions", {"stance": "go", "reason": "repeat orders are waiting"})
    page = web.follow(went).text
    assert "#2 is approved" in page
    assert 'class="state state-approved">approved<' in page
    assert post_forms(page) == []


def test_opening_a_decision_from_the_form_leads_to_its_page(web: Browser) -> None:
    web.sign_in("priya")
    assert '<option value="release">' in web.get("/decisions/new").text
    response = web.post(
        "/decisions",
        {"domain": "release", "title": "Ship dark mode", "context": "users asked", "deadline": "2099-01-01T17:00"},
    )
    number = int(response.headers["location"].removeprefix("/decisions/"))
    page = web.follow(response).text
    assert f"#{number} Ship dark mode" in page
    # typed in the demo team's zone (Europe/Berlin), stored in UTC, shown in the zone again
    assert (
        'deadline <time datetime="2099-01-01T16:00:00+00:00" title="2099-01-01 17:00 CET">2099-01-01 17:00 CET</time>'
        in page
    )
    assert f"opened: #{number} is open, waiting on" in page


def test_the_proposer_withdraws_and_the_decision_settles(web: Browser) -> None:
    web.sign_in("ezra")
    page = web.follow(web.post("/decisions/3/withdraw", {"reason": "the role is filled"})).text
    assert "withdrawn: #3 is settled as withdrawn" in page
    assert 'class="state state-withdrawn">withdrawn<' in page


def test_a_bad_form_gets_a_page_that_says_what_to_fix(web: Browser, demo_store: Store) -> None:
    web.sign_in("ezra")
    before = audit_count(demo_store)
    response = web.post("/decisions/2/positions", {"stance": "maybe", "reason": "hmm"})
    assert response.status_code == 422
    assert "unknown stance &#39;maybe&#39;" in response.text
    assert audit_count(demo_store) == before


def test_a_form_missing_a_field_gets_a_page_naming_it(web: Browser, demo_store: Store) -> None:
    web.sign_in("ezra")
    before = audit_count(demo_store)
    response = web.post("/decisions/2/positions", {"stance": "go"})
    assert response.status_code == 422
    assert "reason" in response.text
    assert audit_count(demo_store) == before


def test_the_csrf_check_comes_before_reading_the_rest_of_the_form(web: Browser) -> None:
    web.sign_in("ezra")
    assert web.client.post("/decisions/2/positions", data={}).status_code == 403


# Every page renders


@pytest.mark.parametrize("handle", ["hana", "victor", "priya", "ezra", "dana", "theo", "sam", "sol"])
def test_every_page_renders_for_every_demo_person(web: Browser, handle: str) -> None:
    web.sign_in(handle)
    for path in ["/", "/decisions", "/decisions?state=open", "/decisions/new", "/charter", "/insights", "/tokens"]:
        assert web.get(path).status_code == 200, path
    for number in (1, 2, 3):
        page = web.get(f"/decisions/{number}")
        assert page.status_code == 200
        assert f"#{number} " in page.text
    assert web.get("/password").status_code == 200


def test_the_queue_says_what_each_decision_needs_from_me_and_on_whom_mine_wait(web: Browser) -> None:
    web.sign_in("ezra")
    page = web.get("/").text
    assert "evidence &#39;system-risk&#39; from em" in page
    assert "your go as em" in page
    assert "waiting on a go from em (ezra); an answer from tech-lead (theo)" in page  # his own hire


def test_the_decision_list_filters_by_state_and_pages(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    approved = web.get("/decisions?state=approved").text
    assert "#1 Ship the new onboarding flow" in approved
    assert "#2 Ship one-click reorder" not in approved
    assert web.get("/decisions?state=nonsense").status_code == 422
    page = web.get("/decisions?after=1").text
    assert "#1 Ship" not in page
    assert "#2 Ship one-click reorder" in page


def test_the_decision_page_shows_keys_evidence_rules_consulted_and_history(web: Browser) -> None:
    web.sign_in("theo")
    page = web.get("/decisions/2").text
    assert "pm (priya): <strong>no go yet</strong>" in page
    assert "repeat purchases: ~1.8k orders/week wait on this" in page
    assert "Rule 1: “PM flags the user metric cost of delay" in page
    assert "Consulted: tech-lead (theo)" in page
    assert "Informed: stakeholder (sol)" in page
    assert "priya (pm) opened it under charter v1" in page  # history as sentences
    assert "DecisionOpened" not in page
    first = web.get("/decisions/1").text
    assert "Boundary crossing</strong>: priya (pm)" in first
    assert "settled without their answer" in first


def test_the_charter_page_shows_the_matrix_with_its_sources_and_proposes_a_change(web: Browser) -> None:
    web.sign_in("ezra")
    page = web.get("/charter").text
    assert "PM owns go/no-go for business and market reasons." in page
    assert "decides; may block only on safety or technical grounds" in page  # plain words, with a legend
    assert "heard on the record, never binding" in page
    assert "No difference: the team uses the preset as it is." in page
    text = re.search(r'<textarea id="charter-text" name="text"[^>]*>(.*?)</textarea>', page, re.S)
    assert text is not None
    current = text[1].replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&")
    proposed = current.replace("reserve = 0.2\n", "reserve = 0.25\n")
    response = web.post("/charter/proposals", {"text": proposed, "title": "a bigger reserve"})
    assert response.status_code == 303
    decision = web.follow(response).text
    assert "a bigger reserve" in decision
    assert "charter · proposed by ezra" in decision


def test_the_stakeholder_may_not_propose_a_charter_change(web: Browser) -> None:
    web.sign_in("sol")
    page = web.get("/charter").text
    assert 'action="/charter/proposals"' not in page
    assert "cannot propose a change" in page


# Tokens and password


def test_a_new_api_token_is_shown_once_and_works(web: Browser) -> None:
    web.sign_in("ezra")
    page = web.post("/tokens", {"name": "deploy-pipeline", "days": "30"}, csrf_from="/tokens").text
    found = re.search(r'<code class="token" id="new-token">(remit_[^<]+)</code>', page)
    assert found is not None
    token = found[1]
    assert "it is shown this once" in page
    listed = web.get("/tokens").text
    assert "deploy-pipeline" in listed
    assert token not in listed
    me = web.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["handle"] == "ezra"
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', listed)
    assert token_id is not None
    revoked = web.post(f"/tokens/{token_id[1]}/revoke", {}, csrf_from="/tokens")
    assert "revoked token &#39;deploy-pipeline&#39;" in web.follow(revoked).text
    assert web.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_changing_my_password_needs_the_current_one(web: Browser) -> None:
    web.sign_in("dana")
    wrong = web.post("/password", {"current": "nope", "new": "a-new-long-pass", "again": "a-new-long-pass"})
    assert wrong.status_code == 422
    assert "the current password is wrong" in wrong.text
    changed = web.post("/password", {"current": DEMO_PASSWORD, "new": "a-new-long-pass", "again": "a-new-long-pass"})
    assert "your password is changed" in web.follow(changed).text
    web.client.cookies.clear()
    assert web.sign_in("dana").status_code == 401
    assert web.sign_in("dana", password="a-new-long-pass").status_code == 303


# Errors and headers


def test_unknown_pages_and_decisions_get_the_html_error_page(web: Browser) -> None:
    web.sign_in("sam")
    missing = web.get("/decisions/99")
    assert missing.status_code == 404
    assert "team checkout has no decision #99" in missing.text
    assert missing.headers["content-type"].startswith("text/html")


def test_pages_forbid_scripts_and_framing(web: Browser) -> None:
    web.sign_in("sam")
    headers = web.get("/").headers
    assert "script-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_the_informed_see_what_they_were_told_and_the_decision_records_that_they_saw_it(web: Browser) -> None:
    web.sign_in("sol")
    queue_page = web.get("/").text
    assert "Asked or told, not opened yet" in queue_page and "for your information as stakeholder" in queue_page
    web.get("/decisions/2")  # opening it is seeing it
    web.client.cookies.clear()
    web.sign_in("priya")
    page = web.get("/decisions/2").text
    reached = page[page.index("Who was reached") :]
    sol_row = reached[reached.index("<td>sol</td>") : reached.index("</tr>", reached.index("<td>sol</td>"))]
    assert "seen" in sol_row and "not seen yet" not in sol_row
    assert "not seen yet" in reached  # dana and theo were asked and have not opened it


def test_a_decision_page_is_one_read_and_writes_only_the_notices_it_marks_seen(
    web: Browser, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from remit.kernel.uow import UnitOfWork

    entered: list[bool] = []  # read_only, for each unit of work entered (not the nested reads)
    original = UnitOfWork.__enter__

    def counting(self: UnitOfWork) -> UnitOfWork:
        if not self._depth:
            entered.append(self.read_only)
        return original(self)

    web.sign_in("sol")  # the stakeholder: told about #2 when it opened, not yet seen
    monkeypatch.setattr(UnitOfWork, "__enter__", counting)
    assert web.get("/decisions/2").status_code == 200
    first = list(entered)
    entered.clear()
    assert web.get("/decisions/2").status_code == 200
    assert first.count(False) == 1  # the first view marks what it told sol as seen: one write
    assert entered == [True, True]  # then: who is signed in, and the page; reads only


def test_a_nul_byte_in_the_sign_in_form_is_a_clear_refusal_on_both_databases(web: Browser) -> None:
    """Before anyone has signed in: PostgreSQL cannot store or compare a NUL, so it must never reach it."""
    for handle in ("pri\x00ya", "priya"):
        response = web.sign_in(handle, password="wrong\x00password")
        assert response.status_code in (401, 422), response.text[:200]
        assert "Traceback" not in response.text and "internal" not in response.text.lower()


def test_a_stakeholder_sees_one_row_per_decision_and_no_invitation_to_open_one(web: Browser) -> None:
    web.sign_in("sol")
    page = web.get("/").text
    told = page[page.index('id="told-title"') : page.index('id="mine-title"')]
    links = re.findall(r'<li><a href="/decisions/(\d+)">', told)
    assert links and len(links) == len(set(links))  # several notices about one decision are one row
    assert f"({len(links)})" in told
    assert "start it here</a>" not in page and "Your roles open none here" in page


def test_a_refused_form_comes_back_as_typed_with_the_error_beside_its_field(web: Browser, demo_store: Store) -> None:
    before = audit_count(demo_store)
    web.sign_in("priya")
    typed = {"domain": "release", "title": "Ship the spring sale", "context": "promo <b>page</b>"}
    response = web.post("/decisions", typed | {"deadline": "2020-01-01T09:00"})
    assert response.status_code == 422
    page = response.text
    assert 'value="Ship the spring sale"' in page and "promo &lt;b&gt;page&lt;/b&gt;</textarea>" in page
    assert '<option value="release" selected>' in page
    deadline = page[page.index('id="deadline"') :]
    assert 'aria-invalid="true" aria-describedby="deadline-error"' in deadline[:300]
    assert (  # in the viewer's zone (the demo team's, Europe/Berlin), in words: no command-line flag
        '<p class="field-error" id="deadline-error">the deadline 2020-01-01 09:00 CET has already passed — '
        "pick a later day or time, or say how long from now, e.g. in 3 days" in page
    )
    assert "--deadline" not in page and "Nothing was recorded" in page
    response = web.post("/decisions", typed | {"title": "two\x00parts"})
    assert response.status_code == 422 and 'id="title-error">the title contains' in response.text
    assert audit_count(demo_store) == before  # nothing recorded


def test_a_deadline_can_be_a_span_from_now(web: Browser, demo_store: Store) -> None:
    web.sign_in("priya")
    form = web.get("/decisions/new").text  # the evidence the team's rules ask for is offered, not remembered
    assert '<option value="cost-of-delay">release, from pm</option>' in form
    assert "The team's rules ask for: <code>cost-of-delay</code> (release, from pm)" in form
    typed = {"domain": "release", "title": "Ship the spring sale"}
    both = web.post("/decisions", typed | {"within": "3d", "deadline": "2030-01-01T09:00"})
    assert (
        both.status_code == 422 and 'id="deadline-error">give a date or a span for the deadline, not both' in both.text
    )
    assert 'name="within" list="spans"' in both.text and 'value="3d"' in both.text  # kept as typed
    opened = web.follow(web.post("/decisions", typed | {"within": "3d"}))
    number = int(opened.url.path.rsplit("/", 1)[1])
    view = queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=number)
    assert view.deadline is not None
    days = (datetime.fromisoformat(view.deadline) - datetime.fromisoformat(view.opened_at)).total_seconds() / 86400
    assert 2.99 < days <= 3.01
    forever = web.post("/decisions", typed | {"within": "forever"})
    assert forever.status_code == 422 and "cannot read the deadline &#39;forever&#39;" in forever.text
    in_words = web.follow(web.post("/decisions", typed | {"within": "in 36 hours"}))
    view = queries.show_decision(uow=demo_store.uow(), team=DEMO_TEAM, number=int(in_words.url.path.rsplit("/", 1)[1]))
    assert view.deadline is not None
    hours = (datetime.fromisoformat(view.deadline) - datetime.fromisoformat(view.opened_at)).total_seconds() / 3600
    assert 35.99 < hours <= 36.01


def test_a_refused_position_comes_back_on_the_decision_page_as_typed(web: Browser, demo_store: Store) -> None:
    before = audit_count(demo_store)
    web.sign_in("ezra")
    response = web.post(
        "/decisions/2/positions", {"stance": "no-go", "basis": "technical", "reason": "p99\x00 doubles"}
    )
    assert response.status_code == 422
    page = response.text
    assert '<p class="problem" role="alert" id="position-error">Not recorded: the reason contains' in page
    assert 'value="no-go" required checked' in page and '<option value="technical" selected>' in page
    assert 'aria-invalid="true" aria-describedby="position-error">p99' in page  # the reason, kept
    assert "#2 Ship one-click reorder" in page and audit_count(demo_store) == before
    bad_name = web.post("/decisions/2/evidence", {"name": "Not A Name", "text": "rollback in a minute"})
    assert bad_name.status_code == 422 and 'id="evidence-error">Not recorded: evidence name' in bad_name.text
    assert (
        'value="Not A Name" aria-invalid="true"' in bad_name.text and "rollback in a minute</textarea>" in bad_name.text
    )
