"""What the API promises beyond rights: writes retried with an Idempotency-Key happen once, pages walk every
item exactly once, and the release gate opens only for an approved release."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import Api
from tests.integration.test_api_support import Ledger, assert_problem

POSITIONS = "/api/v1/decisions/2/positions"
GO = {"stance": "go", "reason": "the numbers are in"}


def positions_on(api: Api, number: int) -> list[dict[str, Any]]:
    shown = api.client.get(f"/api/v1/decisions/{number}", headers=api.as_("priya")).json()
    positions: list[dict[str, Any]] = shown["positions"]
    return positions


# Idempotency ------------------------------------------------------------------------------------------------


def test_a_retried_write_with_the_same_key_is_replayed_not_repeated(api: Api) -> None:
    headers = api.as_("priya") | {"Idempotency-Key": "go-on-2"}
    before = Ledger.of(api.store)
    first = api.client.post(POSITIONS, json=GO, headers=headers)
    again = api.client.post(POSITIONS, json=GO, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert "idempotent-replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(positions_on(api, 2)) == 1
    assert before.audit_kinds(api.store).count("PositionRecorded") == 1


WRITES = {
    "opening a decision": ("/api/v1/decisions", {"domain": "release", "title": "Ship the banner"}),
    "adding evidence": ("/api/v1/decisions/2/evidence", {"name": "load-test", "text": "p99 120 ms"}),
    "amending": ("/api/v1/decisions/2/amend", {"title": "Ship one-click reorder, flagged"}),
    "adding a rule": ("/api/v1/rules", {"domain": "release", "because": "b", "requires": ["load-test:em"]}),
    "withdrawing": ("/api/v1/decisions/2/withdraw", {"reason": "next sprint"}),
}


def test_every_write_replays_its_first_answer(api: Api, subtests: pytest.Subtests) -> None:
    headers = api.as_("priya")
    for what, (path, body) in WRITES.items():
        with subtests.test(what):
            keyed = headers | {"Idempotency-Key": f"once: {what}"}
            first = api.client.post(path, json=body, headers=keyed)
            assert first.status_code in {200, 201}, first.text
            before = Ledger.of(api.store)
            again = api.client.post(path, json=body, headers=keyed)
            assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (
                first.status_code,
                first.json(),
                "true",
            )
            assert before.written(api.store) == {}


def test_a_refusal_is_replayed_too_and_recorded_once(api: Api) -> None:
    headers = api.as_("sam") | {"Idempotency-Key": "sam-tries"}  # an engineer has no right in release
    first = api.client.post(POSITIONS, json=GO, headers=headers)
    before = Ledger.of(api.store)
    again = api.client.post(POSITIONS, json=GO, headers=headers)
    assert (first.status_code, again.status_code, again.json()) == (403, 403, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert before.written(api.store) == {}


def test_the_same_key_on_a_different_request_is_422(api: Api) -> None:
    headers = api.as_("priya") | {"Idempotency-Key": "k-1"}
    assert api.client.post(POSITIONS, json=GO, headers=headers).status_code == 201
    before = Ledger.of(api.store)
    other_body = api.client.post(POSITIONS, json=GO | {"reason": "changed my mind"}, headers=headers)
    other_path = api.client.post("/api/v1/decisions/3/positions", json=GO, headers=headers)
    for response in (other_body, other_path):
        problem = assert_problem(response, 422, "invalid_input")
        assert "Idempotency-Key" in problem["message"]
    assert before.written(api.store) == {}


def test_keys_belong_to_one_person(api: Api) -> None:
    """Two people who happen to pick the same key each get their own write."""
    for handle in ("priya", "ezra"):
        response = api.client.post(POSITIONS, json=GO, headers=api.as_(handle) | {"Idempotency-Key": "shared"})
        assert response.status_code == 201 and "idempotent-replayed" not in response.headers
    assert [position["person"] for position in positions_on(api, 2)] == ["priya", "ezra"]


def test_a_token_is_never_replayed(api: Api) -> None:
    """A replay would need the secret stored; token creation ignores the key and each call makes a token."""
    headers = api.as_("priya") | {"Idempotency-Key": "new-token"}
    first = api.client.post("/api/v1/tokens", json={"name": "ci"}, headers=headers).json()
    second = api.client.post("/api/v1/tokens", json={"name": "ci"}, headers=headers).json()
    assert first["token"] != second["token"]
    stored = Ledger.of(api.store).tables  # every row of every table
    assert not any(made["token"] in row for made in (first, second) for rows in stored.values() for row in rows)


def send_together(count: int, send: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """``count`` requests released at the same instant from their own threads."""
    start = threading.Barrier(count)
    answers: list[httpx.Response] = []

    def one() -> None:
        start.wait()
        answers.append(send())

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_the_same_key_sent_twice_at_once_writes_once(api: Api) -> None:
    """Three rounds of two copies at once (on PostgreSQL both usually miss the stored answer and race to
    write: the loser's transaction fails on the key and replays the winner's answer)."""
    headers = api.as_("priya")
    for round_ in range(1, 4):
        before = Ledger.of(api.store)
        keyed = headers | {"Idempotency-Key": f"race-{round_}"}
        answers = send_together(2, lambda keyed=keyed: api.client.post(POSITIONS, json=GO, headers=keyed))
        assert [answer.status_code for answer in answers] == [201, 201]
        assert answers[0].json() == answers[1].json()
        assert sorted(answer.headers.get("Idempotent-Replayed", "") for answer in answers) == ["", "true"]
        assert len(positions_on(api, 2)) == round_
        assert before.audit_kinds(api.store).count("PositionRecorded") == 1


# Pagination -------------------------------------------------------------------------------------------------


def walk(api: Api, path: str, limit: int, key: str, between: Callable[[], None] | None = None) -> list[Any]:
    """Follow next_cursor from the first page to the last, collecting each item's ``key``."""
    seen: list[Any] = []
    url = f"{path}{'&' if '?' in path else '?'}limit={limit}"
    page = api.client.get(url, headers=api.as_("priya")).json()
    while True:
        assert len(page["items"]) <= limit
        seen += [item[key] for item in page["items"]]
        if page["next_cursor"] is None:
            return seen
        assert page["items"], "a cursor to an empty page"
        if between is not None:
            between()
        page = api.client.get(f"{url}&cursor={page['next_cursor']}", headers=api.as_("priya")).json()


def open_releases(api: Api, count: int) -> list[int]:
    numbers = []
    for index in range(count):
        response = api.client.post(
            "/api/v1/decisions", json={"domain": "release", "title": f"Release {index}"}, headers=api.as_("priya")
        )
        assert response.status_code == 201
        numbers.append(response.json()["number"])
    return numbers


def test_walking_the_decisions_sees_each_exactly_once(api: Api) -> None:
    seeded = walk(api, "/api/v1/decisions", 200, "number")
    opened = open_releases(api, 12 - len(seeded))  # twelve in all: pages of 1, 2, 3 and 4 end without an empty one
    for limit in (1, 2, 3, 4, 200):
        assert walk(api, "/api/v1/decisions", limit, "number") == list(range(1, 13)), limit
        assert walk(api, "/api/v1/decisions?state=open&domain=release", limit, "number") == [2, *opened], limit


def test_walking_the_log_sees_each_entry_exactly_once_even_as_it_grows(api: Api) -> None:
    written: list[int] = []

    def write_meanwhile() -> None:
        if len(written) < 3:
            api.client.post("/api/v1/decisions/2/evidence", json={"name": "note", "text": "x"}, headers=api.as_("ezra"))
            written.append(1)

    seqs = walk(api, "/api/v1/log", 4, "seq", between=write_meanwhile)
    verified = api.client.get("/api/v1/audit/verify", headers=api.as_("priya")).json()
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) == verified["entries"]


def test_walking_the_rules_and_the_queue_sees_each_exactly_once(api: Api) -> None:
    for domain in ("release", "architecture", "incident-response"):
        api.client.post("/api/v1/rules", json={"domain": domain, "because": "b", "go": ["em"]}, headers=api.as_("ezra"))
    assert walk(api, "/api/v1/rules", 1, "id") == [1, 2, 3, 4]

    opened = open_releases(api, 4)  # each waits on ezra's go as the EM
    everything = api.client.get("/api/v1/queue?limit=200", headers=api.as_("ezra")).json()["waiting_on_me"]
    queue: list[int] = []
    page = api.client.get("/api/v1/queue?limit=2", headers=api.as_("ezra")).json()
    while True:
        queue += [item["number"] for item in page["waiting_on_me"]]
        if page["next_cursor"] is None:
            break
        page = api.client.get(f"/api/v1/queue?limit=2&cursor={page['next_cursor']}", headers=api.as_("ezra")).json()
    assert queue == [item["number"] for item in everything] == sorted(set(queue), reverse=True)
    assert set(opened) <= set(queue)


# The release gate -------------------------------------------------------------------------------------------


def gate(api: Api, number: int) -> httpx.Response:
    return api.client.get(f"/api/v1/gate/{number}", headers=api.as_("sol"))  # anyone on the team may ask


def test_the_gate_opens_for_an_approved_release(api: Api) -> None:
    response = gate(api, 1)
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["approved"]) == (1, True)
    assert "approved" in body["reason"]


def closed(response: httpx.Response) -> str:
    assert response.status_code == 409, response.text
    body = response.json()
    assert (body["code"], body["approved"], body["message"]) == ("gate_closed", False, body["reason"])
    assert body["hint"]
    reason: str = body["reason"]
    return reason


def test_the_gate_stays_closed_for_an_open_release_and_says_what_it_waits_on(api: Api) -> None:
    assert closed(gate(api, 2)) == "#2 is still open, waiting on a go from pm, em; evidence system-risk from em"


def test_the_gate_stays_closed_for_a_blocked_release(api: Api) -> None:
    api.client.post(
        POSITIONS,
        json={"stance": "no-go", "basis": "technical", "reason": "the migration is not reversible"},
        headers=api.as_("ezra"),
    )
    assert closed(gate(api, 2)) == "#2 is blocked by em on technical grounds"


def test_the_gate_stays_closed_for_anything_but_a_release(api: Api) -> None:
    assert "engineering-hiring decision, not a release" in closed(gate(api, 3))


def test_the_gate_stays_closed_for_a_withdrawn_release(api: Api) -> None:
    api.client.post("/api/v1/decisions/2/withdraw", json={"reason": "next sprint"}, headers=api.as_("priya"))
    assert closed(gate(api, 2)) == "#2 is withdrawn"


def test_the_gate_opens_once_both_keys_turn_and_the_evidence_is_in(api: Api) -> None:
    ezra = api.as_("ezra")
    api.client.post("/api/v1/decisions/2/evidence", json={"name": "system-risk", "text": "low"}, headers=ezra)
    api.client.post(POSITIONS, json=GO, headers=ezra)
    assert gate(api, 2).status_code == 409
    api.client.post(POSITIONS, json=GO, headers=api.as_("priya"))
    assert gate(api, 2).status_code == 200


def test_the_gate_needs_a_token_and_a_real_number(api: Api) -> None:
    assert_problem(api.client.get("/api/v1/gate/1"), 401, "not_authenticated")
    assert_problem(gate(api, 999), 404, "not_found")


def test_nothing_a_participant_writes_can_forge_a_section_of_the_madr_record(api: Api) -> None:
    forged = "fine\n\n## Decision Outcome\n\nApproved by everyone <script>alert(1)</script> [click](http://x)"
    response = api.client.post(
        "/api/v1/decisions/2/positions", json={"stance": "go", "reason": forged}, headers=api.as_("dana")
    )
    assert response.status_code == 201, response.text
    record = api.client.get("/api/v1/decisions/2/madr", headers=api.as_("priya")).text
    assert record.count("\n## Decision Outcome\n") == 1  # the real one, and only it, starts a line
    assert re.search(r"(?<!\\)<script", record) is None  # only escaped: \<script\> renders as text
    assert re.search(r"(?<!\\)\]\(http", record) is None  # no link
    assert "status: proposed\n" in record  # #2 is open: not "rejected", not "expired"
    assert "Not decided yet: waiting on" in record and "Expired at its deadline" not in record
