"""The server's checkpoints: one is written when a decision settles (through the API), the schedule writes one
only when the head moved, /audit/head serves a verifiable signed head (with a token) next to the public key,
and a kept checkpoint can be checked over the API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from remit.app import Settings, create_app
from remit.audit import checkpoints, keys
from remit.audit.keys import SigningKey
from remit.audit.notary import Notary
from remit.kernel import events
from remit.kernel.errors import InvalidInput
from remit.kernel.events import BUS
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM
from tests.conftest import Api
from tests.integration.test_checkpoint_tampering import cut_last_five, rechain, rows_of

KEY = SigningKey(Ed25519PrivateKey.generate(), "test")
GO = {"stance": "go", "reason": "ready"}


@pytest.fixture
def signed(demo_store: Store, tmp_path: Path) -> Iterator[Api]:
    settings = Settings(sweep_seconds=0, signing_key=KEY, checkpoint_dir=tmp_path / "cp", checkpoint_seconds=0)
    with TestClient(create_app(settings, store=demo_store)) as client:
        yield Api(client, demo_store)


def folder(tmp_path: Path) -> Path:
    return tmp_path / "cp" / DEMO_TEAM


def head_seq(api: Api) -> int:
    entries = api.client.get("/api/v1/audit/verify", headers=api.as_("ezra")).json()["entries"]
    assert isinstance(entries, int)
    return entries


def test_settling_a_decision_through_the_api_writes_a_checkpoint_of_the_new_head(signed: Api, tmp_path: Path) -> None:
    ezra, priya = signed.as_("ezra"), signed.as_("priya")
    signed.client.post("/api/v1/decisions/2/evidence", json={"name": "system-risk", "text": "low"}, headers=ezra)
    signed.client.post("/api/v1/decisions/2/positions", json=GO, headers=ezra)
    assert not folder(tmp_path).exists()  # nothing settled yet
    signed.client.post("/api/v1/decisions/2/positions", json=GO, headers=priya)
    latest = checkpoints.read(folder(tmp_path) / "latest.json")
    assert (latest.team, latest.seq) == (DEMO_TEAM, head_seq(signed))
    assert checkpoints.signature_problem(latest, KEY.public) is None
    assert sorted(path.name for path in folder(tmp_path).iterdir()) == [f"{latest.seq:010d}.json", "latest.json"]


def test_withdrawing_a_decision_settles_it_and_writes_a_checkpoint(signed: Api, tmp_path: Path) -> None:
    priya, _ = signed.as_("priya"), signed.as_("ezra")  # tokens are entries too: made before
    answer = signed.client.post("/api/v1/decisions/2/withdraw", json={"reason": "next sprint"}, headers=priya)
    assert answer.status_code == 200, answer.text
    assert checkpoints.read(folder(tmp_path) / "latest.json").seq == head_seq(signed)


def test_the_server_stops_listening_for_settled_decisions_when_it_stops(demo_store: Store, tmp_path: Path) -> None:
    before = len(BUS.subscribers)
    settings = Settings(sweep_seconds=0, signing_key=KEY, checkpoint_dir=tmp_path / "cp")
    with TestClient(create_app(settings, store=demo_store)):
        assert len(BUS.subscribers) == before + 2  # the notary, and the public status page (status/web.py)
    assert len(BUS.subscribers) == before


def test_the_schedule_writes_a_checkpoint_only_when_the_head_moved(demo_store: Store, tmp_path: Path) -> None:
    notary = Notary(demo_store, KEY, tmp_path / "cp", keep=2)
    notary.sweep()
    first = checkpoints.read(folder(tmp_path) / "latest.json")
    (folder(tmp_path) / "latest.json").touch()
    notary.sweep()
    assert notary.latest(DEMO_TEAM) == first  # not signed again: the head did not move
    assert len(list(folder(tmp_path).glob("0*.json"))) == 1


def test_the_head_needs_a_token_and_serves_a_checkpoint_the_published_key_verifies(signed: Api) -> None:
    assert signed.client.get("/api/v1/audit/head").status_code == 401
    signed.as_("ezra")  # making a token is an entry too: before the head is taken
    body = signed.client.get("/api/v1/audit/head", headers=signed.as_("sol")).json()
    checkpoint = checkpoints.parse(body["checkpoint"], "the head")
    assert (checkpoint.team, checkpoint.seq, body["key_id"], body["algorithm"]) == (
        DEMO_TEAM,
        head_seq(signed),
        KEY.id,
        "Ed25519",
    )
    public = keys.parse_public(body["public_key"], "the published key")
    assert checkpoints.signature_problem(checkpoint, public) is None
    key = signed.client.get("/api/v1/audit/key").json()
    assert key == {k: body[k] for k in ("key_id", "algorithm", "public_key")}


def test_a_kept_checkpoint_is_checked_over_the_api(signed: Api) -> None:
    sol = signed.as_("sol")
    kept = signed.client.get("/api/v1/audit/head", headers=sol).json()["checkpoint"]
    answer = signed.client.post("/api/v1/audit/checkpoints/verify", json={"checkpoint": kept}, headers=sol)
    assert answer.status_code == 200 and answer.json()["ok"] is True
    forged = {**kept, "seq": kept["seq"] - 1}
    answer = signed.client.post("/api/v1/audit/checkpoints/verify", json={"checkpoint": forged}, headers=sol)
    assert answer.json()["problem"] == "its signature does not match its contents: the checkpoint was altered or forged"
    bad = signed.client.post("/api/v1/audit/checkpoints/verify", json={"checkpoint": {"seq": 1}}, headers=sol)
    assert (bad.status_code, bad.json()["message"]) == (422, "the checkpoint is not a Remit checkpoint")
    other = keys.public_pem(Ed25519PrivateKey.generate().public_key())
    answer = signed.client.post(
        "/api/v1/audit/checkpoints/verify", json={"checkpoint": kept, "public_key": other}, headers=sol
    )
    assert answer.json()["problem"].startswith(f"it was signed by key {KEY.id}, not by the key in use")


def test_a_server_without_a_signing_key_says_so(api: Api) -> None:
    answer = api.client.get("/api/v1/audit/head", headers=api.as_("sol"))
    assert answer.status_code == 503
    assert json.loads(answer.text)["code"] == "no_signing_key"


def test_the_server_does_not_sign_over_a_rewrite_of_what_it_signed(signed: Api, tmp_path: Path) -> None:
    sol = signed.as_("sol")
    first = signed.client.get("/api/v1/audit/head", headers=sol).json()["checkpoint"]
    rechain(signed.store, cut_last_five(rows_of(signed.store)))
    answer = signed.client.get("/api/v1/audit/head", headers=sol)
    assert answer.status_code == 409
    assert answer.json()["message"] == (
        f"team {DEMO_TEAM}'s chain no longer holds this server's latest checkpoint (entry {first['seq']}): "
        f"the chain has no entry {first['seq']} (its last is entry {first['seq'] - 5}): "
        "entries up to the checkpoint were cut or the log was wiped"
    )
    assert checkpoints.read(folder(tmp_path) / "latest.json").as_dict() == first  # nothing new signed


def test_a_checkpoint_that_cannot_be_written_does_not_undo_the_settled_decision(
    demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failures: list[str] = []
    monkeypatch.setattr(events.log, "exception", lambda message, **extra: failures.append(extra["extra"]["subscriber"]))
    (tmp_path / "cp").write_text("a file where the directory should be")
    settings = Settings(sweep_seconds=0, signing_key=KEY, checkpoint_dir=tmp_path / "cp", checkpoint_seconds=0)
    with TestClient(create_app(settings, store=demo_store)) as client:
        api = Api(client, demo_store)
        ezra = api.as_("ezra")
        client.post("/api/v1/decisions/2/evidence", json={"name": "system-risk", "text": "low"}, headers=ezra)
        client.post("/api/v1/decisions/2/positions", json=GO, headers=ezra)
        answer = client.post("/api/v1/decisions/2/positions", json=GO, headers=api.as_("priya"))
        assert answer.status_code == 201 and answer.json()["state"] == "approved"
    assert failures == ["Notary.after_settled"]  # logged; the decision stands


def test_bad_checkpoint_settings_are_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMIT_CHECKPOINT_KEEP", "lots")
    with pytest.raises(InvalidInput, match="REMIT_CHECKPOINT_KEEP=lots is not a number of 0 or more"):
        Settings.from_env()
