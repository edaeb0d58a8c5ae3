"""Who may write what through the API: every person of the demo roster against every write endpoint, the
expected answer read from the demo's charter (the default preset), not written out by hand. The caller is
always the token's person. A refusal is 403 ``rights_refused``, recorded as a boundary crossing (a refused
crossing and an ``ActionRefused`` audit entry), and writes nothing else.

Each test is one rule of docs/rights.md; each person is a subtest named for what the charter lets them do."""

from __future__ import annotations

from typing import Any

import pytest

from remit.charter import teams
from remit.identity.commands import CreateToken
from remit.kernel.commands import act
from remit.seed import demo_text
from tests.conftest import Api, team_text
from tests.integration.test_api_support import (
    DEMO,
    ROLE,
    ROSTER,
    Ledger,
    assert_allowed,
    assert_problem,
    assert_refused_and_recorded,
    holds_key,
    may,
    takes_part,
)

RELEASE = "release"
OPEN_RELEASE = 2  # the demo's open release: bound to rule 1, cost-of-delay given by the PM
RULE_EVIDENCE = {"cost-of-delay": "pm", "system-risk": "em"}  # what rule 1 (the seed's retro rule) requires


def open_release(api: Api, handle: str, title: str = "Ship the saved-cart banner") -> int:
    response = api.client.post("/api/v1/decisions", json={"domain": RELEASE, "title": title}, headers=api.as_(handle))
    assert response.status_code == 201, response.text
    number: int = response.json()["number"]
    return number


def show(api: Api, number: int) -> dict[str, Any]:
    response = api.client.get(f"/api/v1/decisions/{number}", headers=api.as_("priya"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_opening_a_release_is_for_the_roles_that_take_part_in_release(api: Api, subtests: pytest.Subtests) -> None:
    for handle, role in ROSTER:
        allowed = takes_part(role, RELEASE)
        with subtests.test(f"{handle} ({role}) {may(allowed)} open a release"):
            headers = api.as_(handle)
            before = Ledger.of(api.store)
            response = api.client.post(
                "/api/v1/decisions", json={"domain": RELEASE, "title": f"Ship {handle}'s fix"}, headers=headers
            )
            if allowed:
                assert_allowed(api.store, before, response, 201)
                shown = show(api, response.json()["number"])
                assert (shown["proposer"], shown["domain"], shown["state"]) == (handle, RELEASE, "open")
            else:
                assert_refused_and_recorded(api.store, before, response, handle=handle, action="open-decision")


def test_every_role_opens_decisions_exactly_in_the_domains_it_takes_part_in(api: Api) -> None:
    """The whole matrix for opening: every domain of the charter (the charter domain takes a proposal, see
    below) × every person. Each refusal is recorded; each allowed request opens exactly one decision."""
    headers = {handle: api.as_(handle) for handle, _role in ROSTER}
    before = Ledger.of(api.store)
    wrong, expected = [], []
    for domain in DEMO.domains:
        if domain == "charter":
            continue
        for handle, role in ROSTER:
            allowed = takes_part(role, domain)
            response = api.client.post(
                "/api/v1/decisions", json={"domain": domain, "title": "A question"}, headers=headers[handle]
            )
            if response.status_code != (201 if allowed else 403):
                wrong.append(f"{handle} ({role}) in {domain}: {response.status_code} {response.text[:120]}")
            expected.append("DecisionOpened" if allowed else "ActionRefused")
    assert wrong == []
    kinds = [kind for kind in before.audit_kinds(api.store) if kind in {"DecisionOpened", "ActionRefused"}]
    assert kinds == expected


def test_a_position_is_for_the_roles_that_take_part_in_the_domain(api: Api, subtests: pytest.Subtests) -> None:
    for handle, role in ROSTER:
        allowed = takes_part(role, RELEASE)
        with subtests.test(f"{handle} ({role}) {may(allowed)} record a position on a release"):
            headers = api.as_(handle)
            before = Ledger.of(api.store)
            response = api.client.post(
                f"/api/v1/decisions/{OPEN_RELEASE}/positions", json={"stance": "go", "reason": "ready"}, headers=headers
            )
            if allowed:
                assert_allowed(api.store, before, response, 201)
                newest = show(api, OPEN_RELEASE)["positions"][-1]
                assert (newest["person"], newest["role"], newest["stance"]) == (handle, role, "go")
            else:
                assert_refused_and_recorded(api.store, before, response, handle=handle, action="record-position")
                crossing = show(api, OPEN_RELEASE)["crossings"][-1]
                assert (crossing["person"], crossing["refused"]) == (handle, True)  # shown on the decision


def test_evidence_is_for_the_roles_that_take_part_and_rule_evidence_only_from_its_role(
    api: Api, subtests: pytest.Subtests
) -> None:
    rules = show(api, OPEN_RELEASE)["rules"]
    assert {need["name"]: need["role"] for rule in rules for need in rule["evidence"]} == RULE_EVIDENCE
    for name in ["load-test", *RULE_EVIDENCE]:
        for handle, role in ROSTER:
            allowed = takes_part(role, RELEASE) and RULE_EVIDENCE.get(name, role) == role
            with subtests.test(f"{handle} ({role}) {may(allowed)} add {name}"):
                headers = api.as_(handle)
                before = Ledger.of(api.store)
                response = api.client.post(
                    f"/api/v1/decisions/{OPEN_RELEASE}/evidence",
                    json={"name": name, "text": "numbers"},
                    headers=headers,
                )
                if allowed:
                    assert_allowed(api.store, before, response, 201)
                    newest = show(api, OPEN_RELEASE)["evidence"][-1]
                    assert (newest["name"], newest["person"], newest["role"]) == (name, handle, role)
                else:
                    assert_refused_and_recorded(api.store, before, response, handle=handle, action="add-evidence")


def test_amending_is_for_the_proposer_or_a_key_holder(api: Api, subtests: pytest.Subtests) -> None:
    """On releases the designer proposed: the designer is consulted in release, so only proposing lets
    them amend; the PM and EM hold its keys."""
    for handle, role in ROSTER:
        number = open_release(api, "dana")
        allowed = handle == "dana" or holds_key(role, RELEASE)
        with subtests.test(f"{handle} ({role}) {may(allowed)} amend the designer's release"):
            headers = api.as_(handle)
            before = Ledger.of(api.store)
            response = api.client.post(
                f"/api/v1/decisions/{number}/amend", json={"title": "Ship it behind a flag"}, headers=headers
            )
            if allowed:
                assert_allowed(api.store, before, response, 200)
                shown = show(api, number)
                assert (shown["revision"], shown["title"]) == (2, "Ship it behind a flag")
            else:
                assert_refused_and_recorded(api.store, before, response, handle=handle, action="amend-decision")
                assert show(api, number)["revision"] == 1


def test_withdrawing_is_for_the_proposer_only(api: Api, subtests: pytest.Subtests) -> None:
    for handle, role in ROSTER:
        number = open_release(api, "dana")
        allowed = handle == "dana"
        with subtests.test(f"{handle} ({role}) {may(allowed)} withdraw the designer's release"):
            headers = api.as_(handle)
            before = Ledger.of(api.store)
            response = api.client.post(
                f"/api/v1/decisions/{number}/withdraw", json={"reason": "later"}, headers=headers
            )
            if allowed:
                assert_allowed(api.store, before, response, 200)
                assert response.json()["state"] == "withdrawn"
            else:
                assert_refused_and_recorded(api.store, before, response, handle=handle, action="withdraw-decision")
            assert show(api, number)["state"] == ("withdrawn" if allowed else "open")


def test_adding_a_rule_is_for_the_key_holders_of_its_domain(api: Api, subtests: pytest.Subtests) -> None:
    """In architecture the tech lead can block but holds no key: no rules from them."""
    for domain in ("release", "architecture"):
        for handle, role in ROSTER:
            allowed = holds_key(role, domain)
            with subtests.test(f"{handle} ({role}) {may(allowed)} add a rule in {domain}"):
                headers = api.as_(handle)
                before = Ledger.of(api.store)
                response = api.client.post(
                    "/api/v1/rules",
                    json={"domain": domain, "because": "the retro said so", "requires": ["load-test:em"]},
                    headers=headers,
                )
                if allowed:
                    assert_allowed(api.store, before, response, 201)
                    assert (response.json()["created_by"], response.json()["domain"]) == (handle, domain)
                else:
                    assert_refused_and_recorded(api.store, before, response, handle=handle, action="add-rule")


def test_retiring_a_rule_is_for_the_key_holders_of_its_domain(api: Api, subtests: pytest.Subtests) -> None:
    for handle, role in ROSTER:
        added = api.client.post(
            "/api/v1/rules",
            json={"domain": RELEASE, "because": "for now", "requires": ["load-test:em"]},
            headers=api.as_("ezra"),
        )
        rule = added.json()["id"]
        allowed = holds_key(role, RELEASE)
        with subtests.test(f"{handle} ({role}) {may(allowed)} retire a release rule"):
            headers = api.as_(handle)
            before = Ledger.of(api.store)
            response = api.client.post(f"/api/v1/rules/{rule}/retire", json={"because": "it worked"}, headers=headers)
            if allowed:
                assert_allowed(api.store, before, response, 200)
                assert response.json()["retired_at"] is not None
            else:
                assert_refused_and_recorded(api.store, before, response, handle=handle, action="retire-rule")
            in_force = [item["id"] for item in api.client.get("/api/v1/rules", headers=headers).json()["items"]]
            assert (rule in in_force) is not allowed


def proposed_charter() -> str:
    """The demo's charter with one domain described differently: a valid change to propose."""
    text = demo_text().replace("Release timing:", "Release timing (as amended):", 1)
    assert text != demo_text()
    return text


def test_proposing_a_charter_change_is_for_the_roles_that_take_part_in_the_charter_domain(
    api: Api, subtests: pytest.Subtests
) -> None:
    text = proposed_charter()
    for handle, role in ROSTER:
        allowed = takes_part(role, "charter")
        with subtests.test(f"{handle} ({role}) {may(allowed)} propose a new charter"):
            headers = api.as_(handle)
            before = Ledger.of(api.store)
            response = api.client.post("/api/v1/charter/proposals", json={"text": text}, headers=headers)
            if allowed:
                assert_allowed(api.store, before, response, 201)
                shown = show(api, response.json()["number"])
                assert (shown["domain"], shown["proposer"]) == ("charter", handle)
            else:
                assert_refused_and_recorded(api.store, before, response, handle=handle, action="open-decision")


def test_everyone_makes_tokens_for_themselves_only(api: Api, subtests: pytest.Subtests) -> None:
    for handle, role in ROSTER:
        with subtests.test(f"{handle} ({role}) may make a token, for themselves"):
            response = api.client.post("/api/v1/tokens", json={"name": "laptop"}, headers=api.as_(handle))
            assert response.status_code == 201, response.text
            made = {"Authorization": f"Bearer {response.json()['token']}"}
            assert api.client.get("/api/v1/me", headers=made).json()["handle"] == handle
            listed = api.client.get("/api/v1/tokens", headers=made).json()["items"]
            assert response.json()["id"] in [token["id"] for token in listed]
            assert all(token["name"] in {"tests", "laptop"} for token in listed)
            assert len(listed) == 2  # the fixture's token and this one: nobody else's


def test_revoking_is_for_your_own_tokens_only(api: Api) -> None:
    sams = api.client.post("/api/v1/tokens", json={"name": "ci"}, headers=api.as_("sam")).json()
    sams_header = {"Authorization": f"Bearer {sams['token']}"}
    headers = api.as_("priya")
    before = Ledger.of(api.store)
    assert_problem(api.client.delete(f"/api/v1/tokens/{sams['id']}", headers=headers), 404, "not_found")
    assert before.written(api.store) == {}
    assert api.client.get("/api/v1/me", headers=sams_header).json()["handle"] == "sam"

    revoked = api.client.delete(f"/api/v1/tokens/{sams['id']}", headers=sams_header)
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    assert_problem(api.client.get("/api/v1/me", headers=sams_header), 401, "not_authenticated")


PROPOSALS = "/api/v1/charter/proposals"
WRITES = [
    ("POST", "/api/v1/decisions", {"domain": "release", "title": "Ship it"}),
    ("POST", f"/api/v1/decisions/{OPEN_RELEASE}/positions", {"stance": "go", "reason": "ready"}),
    ("POST", f"/api/v1/decisions/{OPEN_RELEASE}/evidence", {"name": "load-test", "text": "fine"}),
    ("POST", f"/api/v1/decisions/{OPEN_RELEASE}/amend", {"title": "Ship it later"}),
    ("POST", f"/api/v1/decisions/{OPEN_RELEASE}/withdraw", {"reason": "no"}),
    ("POST", "/api/v1/rules", {"domain": "release", "because": "why", "requires": ["load-test:em"]}),
    ("POST", "/api/v1/rules/1/retire", {"because": "why not"}),
    ("POST", PROPOSALS, {"text": "placeholder"}),
    ("POST", "/api/v1/tokens", {"name": "mine"}),
]


def test_a_body_cannot_name_another_actor(api: Api, subtests: pytest.Subtests) -> None:
    """No write takes an "as": fields naming a person are refused as unknown (422), before anything runs."""
    headers = api.as_("sam")
    before = Ledger.of(api.store)
    for method, path, body in WRITES:
        for field in ("person", "actor", "as", "handle", "proposer", "team"):
            with subtests.test(f"{path} with {field!r}"):
                response = api.client.request(method, path, json=body | {field: "ezra"}, headers=headers)
                problem = assert_problem(response, 422, "invalid_input")
                assert field in problem["message"]
    assert before.written(api.store) == {}


def test_a_role_the_caller_does_not_hold_is_refused_and_recorded_as_a_crossing(api: Api) -> None:
    headers = api.as_("theo")  # the tech lead, consulted in release
    for path, body, action in [
        ("/api/v1/decisions", {"domain": "release", "title": "Ship it", "role": "em"}, "open-decision"),
        (
            f"/api/v1/decisions/{OPEN_RELEASE}/positions",
            {"stance": "go", "reason": "ready", "role": "em"},
            "record-position",
        ),
        (
            f"/api/v1/decisions/{OPEN_RELEASE}/evidence",
            {"name": "system-risk", "text": "low", "role": "em"},
            "add-evidence",
        ),
        (f"/api/v1/decisions/{OPEN_RELEASE}/amend", {"title": "Ship it later", "role": "pm"}, "amend-decision"),
    ]:
        before = Ledger.of(api.store)
        response = api.client.post(path, json=body, headers=headers)
        assert_refused_and_recorded(api.store, before, response, handle="theo", action=action)
        assert "theo is not" in response.json()["message"]


def test_the_token_decides_who_acts(api: Api) -> None:
    """A go sent with the EM's token is the EM's, whoever the reason claims to be; a person of another team,
    same handle, acts only in their own team."""
    headers = api.as_("ezra")
    before = Ledger.of(api.store)
    api.client.post(
        f"/api/v1/decisions/{OPEN_RELEASE}/positions",
        json={"stance": "go", "reason": "priya here, typing on ezra's laptop"},
        headers=headers,
    )
    newest = show(api, OPEN_RELEASE)["positions"][-1]
    assert (newest["person"], newest["role"]) == ("ezra", "em")
    assert before.audit_entries(api.store)[0] == ("PositionRecorded", "ezra")

    teams.init_team(uow=api.store.uow(), text=team_text(name="billing"), source="remit.toml")
    other = act(api.store, "billing", "priya", CreateToken(name="tests")).token
    headers = {"Authorization": f"Bearer {other}"}
    assert api.client.get("/api/v1/me", headers=headers).json()["team"] == "billing"
    assert api.client.get("/api/v1/decisions", headers=headers).json()["items"] == []
    before = Ledger.of(api.store)
    assert_problem(
        api.client.post(
            f"/api/v1/decisions/{OPEN_RELEASE}/positions", json={"stance": "go", "reason": "x"}, headers=headers
        ),
        404,
        "not_found",
    )
    assert_problem(api.client.get(f"/api/v1/decisions/{OPEN_RELEASE}", headers=headers), 404, "not_found")
    assert before.written(api.store) == {}


def test_a_stakeholder_writes_nothing_to_the_ledger(api: Api) -> None:
    """Sol (support) is only ever informed: every ledger write, in every domain, is refused and recorded."""
    assert not any(takes_part(ROLE["sol"], domain) for domain in DEMO.domains)
    headers = api.as_("sol")
    before = Ledger.of(api.store)
    writes = [(method, path, body) for method, path, body in WRITES if path not in {"/api/v1/tokens", PROPOSALS}]
    writes.append(("POST", PROPOSALS, {"text": proposed_charter()}))
    writes += [("POST", "/api/v1/decisions", {"domain": domain, "title": "Fix"}) for domain in DEMO.domains]
    writes = [write for write in writes if write[2].get("domain") != "charter"]  # that one takes a proposal
    for method, path, body in writes:
        assert api.client.request(method, path, json=body, headers=headers).status_code == 403, (path, body)
    assert before.written(api.store) == {"crossings": (len(writes), 0), "audit_log": (len(writes), 0)}
    assert set(before.audit_kinds(api.store)) == {"ActionRefused"}
