"""Bad requests get a clear 4xx in the one error shape ``{code, message, hint}`` and write nothing: not a row,
not an audit entry. Each table below is one kind of bad input; each row is a subtest named for what is
wrong with the request."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import Api
from tests.integration.test_api_support import Ledger, assert_problem

LIMIT = 1_000_000  # Settings.max_body_bytes


@dataclass(frozen=True)
class Bad:
    what: str
    method: str
    path: str
    status: int
    code: str
    json: Any = None
    content: bytes | Iterator[bytes] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def check_each(api: Api, subtests: pytest.Subtests, cases: list[Bad], headers: dict[str, str]) -> None:
    """Send each request; each is answered as its row says and writes nothing at all."""
    for case in cases:
        with subtests.test(case.what):
            before = Ledger.of(api.store)
            response = api.client.request(
                case.method,
                case.path,
                json=case.json,
                content=case.content,
                headers=headers | case.headers,
            )
            assert_problem(response, case.status, case.code)
            assert before.written(api.store) == {}


def cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


POSITION = "/api/v1/decisions/2/positions"
GO = {"stance": "go", "reason": "ready"}
JSON = {"Content-Type": "application/json"}


def test_requests_without_a_valid_token_are_401(api: Api, subtests: pytest.Subtests) -> None:
    priya = api.as_("priya")
    expiring = api.client.post("/api/v1/tokens", json={"name": "a day", "expires_in_days": 1}, headers=priya).json()
    revoked = api.client.post("/api/v1/tokens", json={"name": "gone"}, headers=priya).json()
    assert api.client.delete(f"/api/v1/tokens/{revoked['id']}", headers=priya).status_code == 200
    api.store.clock.advance(days=2)  # the fixture's Clock: both tokens were made two days ago
    callers = {
        "no Authorization header": {},
        "a Basic scheme": {"Authorization": "Basic cHJpeWE6cGFzcw=="},
        "an empty bearer": {"Authorization": "Bearer "},
        "a token Remit never issued": {"Authorization": "Bearer remit_not-a-token"},
        "a revoked token": {"Authorization": f"Bearer {revoked['token']}"},
        "an expired token": {"Authorization": f"Bearer {expiring['token']}"},
    }
    cases = [
        Bad(f"{request} with {what}", method, path, 401, "not_authenticated", json=body, headers=headers)
        for what, headers in callers.items()
        for request, method, path, body in [
            ("a position", "POST", POSITION, GO),
            ("a list", "GET", "/api/v1/decisions", None),
            ("a gate check", "GET", "/api/v1/gate/1", None),
        ]
    ]
    check_each(api, subtests, cases, {})
    expired = api.client.get("/api/v1/me", headers=callers["an expired token"]).json()
    assert "expired" in expired["message"]


def test_bodies_that_are_not_a_json_object_are_422(api: Api, subtests: pytest.Subtests) -> None:
    def raw(what: str, content: bytes, headers: dict[str, str] = JSON) -> Bad:
        return Bad(what, "POST", POSITION, 422, "invalid_input", content=content, headers=headers)

    check_each(
        api,
        subtests,
        [
            raw("malformed JSON", b'{"stance": "go", "reason": '),
            raw("single quotes", b"{'stance': 'go'}"),
            raw("an empty body", b""),
            raw("a JSON array", b'[{"stance": "go"}]'),
            raw("a JSON string", b'"go"'),
            raw("null", b"null"),
            raw("bytes that are not UTF-8", b'{"stance": "go", "reason": "\xff\xfe"}'),
            raw("latin-1 garbage", b"\x0e\xff\x1c"),
            raw("JSON nested 200,000 deep", b"[" * 200_000),
            raw(
                "a form instead of JSON",
                b"stance=go&reason=ready",
                {"Content-Type": "application/x-www-form-urlencoded"},
            ),
            raw("plain text", b"go", {"Content-Type": "text/plain"}),
        ],
        api.as_("priya"),
    )


def test_bodies_over_the_limit_are_413(api: Api, subtests: pytest.Subtests) -> None:
    big = json.dumps({"domain": "release", "title": "Ship", "context": "x" * LIMIT}).encode()

    def streamed() -> Iterator[bytes]:  # no Content-Length: the limit is counted as the body arrives
        for start in range(0, len(big), 64_000):
            yield big[start : start + 64_000]

    check_each(
        api,
        subtests,
        [
            Bad(
                "a declared length over 1 MB", "POST", "/api/v1/decisions", 413, "too_large", content=big, headers=JSON
            ),
            Bad(
                "a streamed body over 1 MB",
                "POST",
                "/api/v1/decisions",
                413,
                "too_large",
                content=streamed(),
                headers=JSON,
            ),
            Bad(
                "a context under 1 MB but over its own limit",
                "POST",
                "/api/v1/decisions",
                422,
                "invalid_input",
                json={"domain": "release", "title": "Ship", "context": "x" * 20_001},
            ),
        ],
        api.as_("priya"),
    )


def test_fields_of_the_wrong_type_or_missing_are_422(api: Api, subtests: pytest.Subtests) -> None:
    def post(what: str, path: str, body: Any) -> Bad:
        return Bad(what, "POST", path, 422, "invalid_input", json=body)

    check_each(
        api,
        subtests,
        [
            post("a stance that is a number", POSITION, {"stance": 1, "reason": "ready"}),
            post("a reason that is a list", POSITION, {"stance": "go", "reason": ["ready"]}),
            post("no stance", POSITION, {"reason": "ready"}),
            post("no reason", POSITION, {"stance": "go"}),
            post("an empty reason", POSITION, {"stance": "go", "reason": ""}),
            post("no title", "/api/v1/decisions", {"domain": "release"}),
            post("no domain", "/api/v1/decisions", {"title": "Ship"}),
            post("a title that is an object", "/api/v1/decisions", {"domain": "release", "title": {"a": 1}}),
            post(
                "evidence that is a string", "/api/v1/decisions", {"domain": "release", "title": "t", "evidence": "x"}
            ),
            post(
                "a deadline that is not a time",
                "/api/v1/decisions",
                {"domain": "release", "title": "t", "deadline": "soon"},
            ),
            post("evidence with no text", "/api/v1/decisions/2/evidence", {"name": "load-test"}),
            post("a rule with no reason", "/api/v1/rules", {"domain": "release", "requires": ["load-test:em"]}),
            post("a rule origin that is text", "/api/v1/rules", {"domain": "release", "because": "b", "origin": "one"}),
            post("a retirement with no reason", "/api/v1/rules/1/retire", {}),
            post("a token lifetime in words", "/api/v1/tokens", {"name": "ci", "expires_in_days": "a week"}),
            post("a token with no name", "/api/v1/tokens", {}),
            post("a proposal with no text", "/api/v1/charter/proposals", {"title": "New charter"}),
            post("resolve with positions as a string", "/api/v1/resolve", {"domain": "release", "positions": "pm=go"}),
        ],
        api.as_("priya"),
    )


def test_values_outside_the_vocabulary_are_422(api: Api, subtests: pytest.Subtests) -> None:
    def post(what: str, path: str, body: Any, headers: dict[str, str] | None = None) -> Bad:
        return Bad(what, "POST", path, 422, "invalid_input", json=body, headers=headers or {})

    decision = "/api/v1/decisions"
    check_each(
        api,
        subtests,
        [
            post("an unknown stance", POSITION, {"stance": "maybe", "reason": "hm"}),
            post("an unknown basis", POSITION, {"stance": "no-go", "basis": "vibes", "reason": "hm"}),
            post("a PM's no-go with no basis", POSITION, {"stance": "no-go", "reason": "hm"}),
            post("a role nobody has", POSITION, {"stance": "go", "reason": "hm", "role": "wizard"}),
            post("an unknown domain", decision, {"domain": "snacks", "title": "Pick"}),
            post("a charter decision without a charter", decision, {"domain": "charter", "title": "Change"}),
            post(
                "a deadline without a timezone",
                decision,
                {"domain": "release", "title": "t", "deadline": "2027-01-01T12:00:00"},
            ),
            post(
                "a deadline in the past",
                decision,
                {"domain": "release", "title": "t", "deadline": "2020-01-01T12:00:00Z"},
            ),
            post("a blank title", decision, {"domain": "release", "title": "   "}),
            post("an evidence name with capitals", "/api/v1/decisions/2/evidence", {"name": "Load Test", "text": "ok"}),
            post("a reason over 5,000 characters", POSITION, {"stance": "go", "reason": "x" * 5_001}),
            post("a rule requiring nothing", "/api/v1/rules", {"domain": "release", "because": "b"}),
            post(
                "a rule naming an unknown role",
                "/api/v1/rules",
                {"domain": "release", "because": "b", "requires": ["x:wizard"]},
            ),
            post(
                "a rule requiring a go that cannot block",
                "/api/v1/rules",
                {"domain": "release", "because": "b", "go": ["designer"]},
            ),
            post("a rule from an unknown domain", "/api/v1/rules", {"domain": "snacks", "because": "b", "go": ["pm"]}),
            post("a token living 0 days", "/api/v1/tokens", {"name": "ci", "expires_in_days": 0}),
            post("a token living 11 years", "/api/v1/tokens", {"name": "ci", "expires_in_days": 4_000}),
            post("an Idempotency-Key over 200 characters", POSITION, GO, {"Idempotency-Key": "k" * 201}),
            post("resolve with a malformed position", "/api/v1/resolve", {"domain": "release", "positions": ["pm"]}),
            Bad("a list filtered by an unknown state", "GET", "/api/v1/decisions?state=pending", 422, "invalid_input"),
        ],
        api.as_("priya"),
    )


def test_a_charter_proposal_that_does_not_parse_lists_its_problems(api: Api) -> None:
    headers = api.as_("priya")
    before = Ledger.of(api.store)
    response = api.client.post("/api/v1/charter/proposals", json={"text": "not = [toml"}, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "charter_invalid" and body["problems"] and body["message"] and "hint" in body
    assert before.written(api.store) == {}


def test_numbers_nobody_has_are_404(api: Api, subtests: pytest.Subtests) -> None:
    def bad(what: str, method: str, path: str, body: Any = None) -> Bad:
        return Bad(what, method, path, 404, "not_found", json=body)

    check_each(
        api,
        subtests,
        [
            bad("a decision", "GET", "/api/v1/decisions/999"),
            bad("a decision's MADR", "GET", "/api/v1/decisions/999/madr"),
            bad("a position on a decision", "POST", "/api/v1/decisions/999/positions", GO),
            bad("evidence on a decision", "POST", "/api/v1/decisions/999/evidence", {"name": "a", "text": "b"}),
            bad("an amendment", "POST", "/api/v1/decisions/999/amend", {"title": "t"}),
            bad("a withdrawal", "POST", "/api/v1/decisions/999/withdraw", {}),
            bad("a gate", "GET", "/api/v1/gate/999"),
            bad("a rule to retire", "POST", "/api/v1/rules/999/retire", {"because": "b"}),
            bad(
                "a rule's origin",
                "POST",
                "/api/v1/rules",
                {"domain": "release", "because": "b", "go": ["pm"], "origin": 999},
            ),
            bad("a token to revoke", "DELETE", "/api/v1/tokens/999"),
            bad("a charter version", "GET", "/api/v1/charter/versions/99"),
            bad("a person to filter by", "GET", "/api/v1/decisions?waiting_on=nobody"),
            bad("a route", "GET", "/api/v1/nothing-here"),
        ],
        api.as_("priya"),
    )


def test_path_numbers_outside_their_range_are_422(api: Api, subtests: pytest.Subtests) -> None:
    cases = [
        Bad(f"{path.format(n=n)}", method, path.format(n=n), 422, "invalid_input", json=body)
        for n in ["99999999999999999999999", str(2**31), str(2**63), "0", "-1", "two", "1.5", "1e3"]
        for method, path, body in [
            ("GET", "/api/v1/decisions/{n}", None),
            ("POST", "/api/v1/decisions/{n}/positions", GO),
            ("GET", "/api/v1/gate/{n}", None),
            ("POST", "/api/v1/rules/{n}/retire", {"because": "b"}),
            ("DELETE", "/api/v1/tokens/{n}", None),
            ("GET", "/api/v1/charter/versions/{n}", None),
        ]
    ]
    check_each(api, subtests, cases, api.as_("priya"))


def test_cursors_remit_did_not_give_out_and_bad_limits_are_422(api: Api, subtests: pytest.Subtests) -> None:
    cursors = {
        "not base64": "!!!",
        "base64 of text": base64.urlsafe_b64encode(b"page two").decode(),
        "no position": cursor({}),
        "a negative position": cursor({"after": -1}),
        "a text position": cursor({"after": "10"}),
        "a fractional position": cursor({"after": 1.5}),
        "a boolean position": cursor({"after": True}),
        "a position past any number": cursor({"after": 10**30}),
        "a position past 64 bits": cursor({"after": 2**63}),
        "over 200 characters": "a" * 201,
    }
    cases = [
        Bad(f"{page} with a cursor {what}", "GET", f"{page}?cursor={value}", 422, "invalid_input")
        for what, value in cursors.items()
        for page in ["/api/v1/decisions", "/api/v1/log", "/api/v1/rules", "/api/v1/queue"]
    ]
    cases += [
        Bad(f"{page} with limit={limit}", "GET", f"{page}?limit={limit}", 422, "invalid_input")
        for limit in ["0", "201", "-5", "ten"]
        for page in ["/api/v1/decisions", "/api/v1/log", "/api/v1/rules", "/api/v1/queue"]
    ]
    check_each(api, subtests, cases, api.as_("priya"))


def test_settled_decisions_do_not_change_409(api: Api, subtests: pytest.Subtests) -> None:
    settled = "/api/v1/decisions/1"  # the demo's approved release
    check_each(
        api,
        subtests,
        [
            Bad("a position on an approved release", "POST", f"{settled}/positions", 409, "conflict", json=GO),
            Bad("evidence on it", "POST", f"{settled}/evidence", 409, "conflict", json={"name": "a", "text": "b"}),
            Bad("amending it", "POST", f"{settled}/amend", 409, "conflict", json={"title": "again"}),
            Bad("withdrawing it", "POST", f"{settled}/withdraw", 409, "conflict", json={}),
        ],
        api.as_("priya"),
    )


def test_a_method_a_route_does_not_take_is_405(api: Api) -> None:
    headers = api.as_("priya")
    before = Ledger.of(api.store)
    assert_problem(api.client.put("/api/v1/decisions/2", json=GO, headers=headers), 405, "method_not_allowed")
    assert before.written(api.store) == {}


NUL = "a\x00b"
BELL = "\x07"


def test_control_characters_are_422_naming_the_field_on_both_databases(api: Api, subtests: pytest.Subtests) -> None:
    """One check in the kernel's field types, for every command: PostgreSQL cannot store a NUL byte, and SQLite
    would keep it silently. Values no command checks (query parameters) are caught by the unit of work."""

    def post(what: str, path: str, body: dict[str, Any]) -> Bad:
        return Bad(what, "POST", path, 422, "invalid_input", json=body)

    cases = [
        post("a NUL in a title", "/api/v1/decisions", {"domain": "release", "title": NUL}),
        post("a line break in a title", "/api/v1/decisions", {"domain": "release", "title": "two\nlines"}),
        post("a NUL in a domain", "/api/v1/decisions", {"domain": "rel\x00ease", "title": "t"}),
        post("a NUL in a context", "/api/v1/decisions", {"domain": "release", "title": "t", "context": NUL}),
        post(
            "a NUL in evidence",
            "/api/v1/decisions",
            {"domain": "release", "title": "t", "evidence": [{"name": "cost-of-delay", "text": NUL}]},
        ),
        post("a NUL in a reason", "/api/v1/decisions/2/positions", {"stance": "go", "reason": NUL}),
        post(
            "a bell in a basis", "/api/v1/decisions/2/positions", {"stance": "no-go", "reason": "r", "basis": "a\x07"}
        ),
        post("a NUL in a role", "/api/v1/decisions/2/positions", {"stance": "go", "reason": "r", "role": NUL}),
        post("a NUL in an evidence name", "/api/v1/decisions/2/evidence", {"name": "a\x00", "text": "t"}),
        post("a NUL in a rule's reason", "/api/v1/rules", {"domain": "release", "because": NUL, "go": ["pm"]}),
        post("a NUL in a charter", "/api/v1/charter/proposals", {"text": '[team]\nname = "a\x00"\n'}),
        post("a NUL in a token's name", "/api/v1/tokens", {"name": NUL}),
        Bad("a NUL in a query parameter", "GET", "/api/v1/decisions?waiting_on=a%00b", 422, "invalid_input"),
    ]
    check_each(api, subtests, cases, api.as_("ezra"))
    with subtests.test("the message names the field"):
        body = api.client.post("/api/v1/decisions", json={"domain": "release", "title": NUL}, headers=api.as_("priya"))
        assert "the title contains the control character U+0000 at character 2" in body.json()["message"]


def test_dates_out_of_range_and_deep_bodies_are_422(api: Api, subtests: pytest.Subtests) -> None:
    deep: Any = "x"
    for _ in range(400):
        deep = [deep]
    cases = [
        Bad(
            "a deadline past the last instant in UTC",
            "POST",
            "/api/v1/decisions",
            422,
            "invalid_input",
            json={"domain": "release", "title": "t", "deadline": "9999-12-31T23:59:59-01:00"},
        ),
        Bad(
            "a charter proposal nested 400 deep",
            "POST",
            "/api/v1/charter/proposals",
            422,
            "invalid_input",
            json={"text": deep},
        ),
    ]
    check_each(api, subtests, cases, api.as_("ezra"))


def test_a_charter_proposal_for_another_team_is_refused_when_it_is_proposed(api: Api) -> None:
    text = api.client.get("/api/v1/charter", headers=api.as_("ezra")).json()["text"]
    other = text.replace('name = "checkout"', 'name = "billing"', 1)
    assert other != text
    before = Ledger.of(api.store)
    response = api.client.post("/api/v1/charter/proposals", json={"text": other}, headers=api.as_("ezra"))
    problem = assert_problem(response, 422, "invalid_input")
    assert "team 'billing', not 'checkout'" in problem["message"]
    assert before.written(api.store) == {}
