"""Ending sessions, on SQLite and PostgreSQL: a password change ends the person's other sessions (the one it
was changed from stays); "sign out everywhere" ends them all, from the web and from the API, and only the
caller's; the operator's new password ends them all; each is in the audit chain."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.decisions import queries
from remit.identity import accounts as identity
from remit.identity.commands import EndSessions
from remit.kernel.commands import act
from remit.kernel.uow import Store
from remit.seed import DEMO_PASSWORD, DEMO_TEAM
from tests.conftest import Api
from tests.integration.test_web import Browser

NEW = "a brand new passphrase"


@pytest.fixture
def app(demo_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store), follow_redirects=False) as client:
        yield client


def browser(app: TestClient, handle: str) -> Browser:
    """Another browser (cookies of its own) on the same app, signed in as ``handle``."""
    client = TestClient(app.app, follow_redirects=False)
    web = Browser(client)
    assert web.sign_in(handle).status_code == 303
    return web


def signed_in(web: Browser) -> bool:
    return web.get("/").status_code == 200


def ended(store: Store) -> list[dict[str, object]]:
    return [
        entry.payload for entry in queries.audit_log(uow=store.uow(), team=DEMO_TEAM) if entry.kind == "SessionsEnded"
    ]


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app: TestClient, demo_store: Store) -> None:
    laptop, phone, colleague = browser(app, "ezra"), browser(app, "ezra"), browser(app, "priya")
    changed = laptop.post("/password", {"current": DEMO_PASSWORD, "new": NEW, "again": NEW}, csrf_from="/password")
    assert changed.status_code == 303 and "other sessions have ended" in laptop.follow(changed).text

    assert phone.get("/").headers["location"].endswith("ended=1")  # "your session has ended: sign in again"
    assert signed_in(laptop) and signed_in(colleague)
    assert ended(demo_store) == [{"person": "ezra", "ended": 1, "kept": 1, "reason": "password changed"}]
    assert Browser(TestClient(app.app, follow_redirects=False)).sign_in("ezra", password=NEW).status_code == 303


def test_sign_out_everywhere_on_the_web_ends_every_session_of_mine_only(app: TestClient, demo_store: Store) -> None:
    laptop, phone, colleague = browser(app, "ezra"), browser(app, "ezra"), browser(app, "priya")
    tokens_page = laptop.get("/tokens").text
    assert 'action="/sessions/end"' in tokens_page and "API tokens keep working" in tokens_page

    refused = laptop.client.post("/sessions/end", data={"csrf": "forged"})
    assert refused.status_code == 403 and signed_in(phone)

    answer = laptop.post("/sessions/end", {}, csrf_from="/tokens")
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert not signed_in(laptop) and not signed_in(phone) and signed_in(colleague)
    assert ended(demo_store) == [{"person": "ezra", "ended": 2, "kept": 0, "reason": "signed out everywhere"}]


def test_sign_out_everywhere_from_the_api_ends_the_web_sessions_not_the_tokens(
    app: TestClient, demo_store: Store
) -> None:
    api = Api(app, demo_store)
    laptop, colleague = browser(app, "dana"), browser(app, "sol")

    answer = app.post("/api/v1/me/sessions/end", headers=api.as_("dana"))
    assert answer.status_code == 200 and answer.json() == {"ended": 1}
    assert not signed_in(laptop) and signed_in(colleague)
    assert app.get("/api/v1/me", headers=api.as_("dana")).status_code == 200  # the token still works
    assert app.post("/api/v1/me/sessions/end").status_code == 401  # nobody's sessions without a token

    again = app.post("/api/v1/me/sessions/end", headers=api.as_("dana"))
    assert again.json() == {"ended": 0}  # recorded all the same: the person asked
    assert [entry["ended"] for entry in ended(demo_store)] == [1, 0]


def test_the_operator_setting_a_password_ends_every_session(app: TestClient, demo_store: Store) -> None:
    laptop = browser(app, "priya")
    identity.set_password(uow=demo_store.uow(), team=DEMO_TEAM, handle="priya", password=NEW)
    assert not signed_in(laptop)
    assert ended(demo_store) == [{"person": "priya", "ended": 1, "kept": 0, "reason": "password set by the operator"}]


def test_the_command_ends_only_the_callers_sessions(app: TestClient, demo_store: Store) -> None:
    mine, theirs = browser(app, "ezra"), browser(app, "priya")
    assert act(demo_store, DEMO_TEAM, "ezra", EndSessions()).ended == 1
    assert not signed_in(mine) and signed_in(theirs)
