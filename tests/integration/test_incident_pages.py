"""The incident pages on SQLite and PostgreSQL: the list and the page as each role sees them, forms offered
only to who may use them, a refused form kept as typed with the message beside its field, a refusal shown as
a crossing, and the queue's Incidents panel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.demo_story import PAYMENTS, SEARCH
from remit.kernel.uow import Store
from tests.integration.test_web import Browser


@pytest.fixture
def web(demo_store: Store) -> Iterator[Browser]:
    with TestClient(create_app(Settings(sweep_seconds=0), store=demo_store)) as client:
        yield Browser(client)


def test_the_list_shows_open_and_resolved_and_only_the_em_may_open(web: Browser) -> None:
    web.sign_in("ezra")
    page = web.get("/incidents").text
    assert "Search results are slow" in page and "Card payments failing in the EU" in page
    assert page.index("Search results are slow") < page.index("Card payments failing in the EU")
    assert 'action="/incidents"' in page
    web.sign_in("priya")
    assert 'action="/incidents"' not in web.get("/incidents").text


def test_the_pm_gets_only_the_impact_form_and_her_queue_asks_her(web: Browser) -> None:
    web.sign_in("priya")
    queue = web.get("/").text
    assert "panel-incidents-title" in queue
    assert "your view on customer impact is asked (as pm): not answered yet" in queue
    page = web.get(f"/incidents/{SEARCH}").text
    assert f'action="/incidents/{SEARCH}/impact"' in page
    assert "/updates" not in page and "/resolve" not in page and "/commander" not in page


def test_the_resolved_demo_incident_shows_public_and_internal_lines_and_the_crossing(web: Browser) -> None:
    web.sign_in("sol")
    page = web.get(f"/incidents/{PAYMENTS}").text
    assert "resolved, with its postmortem" in page
    assert "https://wiki.example.com/postmortems/2026-11-eu-card-payments" in page
    assert '<li class="public">' in page and '<li class="internal">' in page
    assert "Refused</strong>: priya (pm)" in page
    assert '<form method="post" action="/incidents/' not in page  # a stakeholder reads


def test_a_refused_form_comes_back_as_typed_with_the_message_beside_its_field(web: Browser, demo_store: Store) -> None:
    web.sign_in("ezra")
    answer = web.post(
        f"/incidents/{SEARCH}/updates", {"status": "postmortem", "message": "kept as typed"}, csrf_from="/incidents"
    )
    assert answer.status_code == 422
    assert 'id="update-error"' in answer.text and "moves to postmortem when its postmortem is linked" in answer.text
    assert 'aria-invalid="true" aria-describedby="update-error"' in answer.text
    assert "kept as typed</textarea>" in answer.text
    bad = web.post("/incidents", {"title": "x", "severity": "sev2", "components": "Bad Name"}, csrf_from="/incidents")
    assert bad.status_code == 422 and "component &#39;Bad Name&#39; is not a valid name" in bad.text
    assert 'value="Bad Name" aria-describedby="components-hint" aria-invalid="true"' in bad.text


def test_a_pm_posting_a_severity_anyway_is_refused_and_the_crossing_shows(web: Browser) -> None:
    web.sign_in("priya")
    refused = web.post(f"/incidents/{SEARCH}/updates", {"severity": "sev1"}, csrf_from=f"/incidents/{SEARCH}")
    assert refused.status_code == 200 and str(refused.url).endswith(f"/incidents/{SEARCH}")  # back to the page
    page = refused.text
    assert "may not change an incident&#39;s severity" in page
    assert "Refused</strong>: priya (pm) — change-incident-severity" in page


def test_an_unknown_incident_is_a_404_page(web: Browser) -> None:
    web.sign_in("sol")
    missing = web.get("/incidents/99")
    assert missing.status_code == 404 and "no incident #99" in missing.text
