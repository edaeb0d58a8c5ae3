"""`remit audit checkpoint` and `remit audit verify --checkpoint`, as a person runs them: on the local database
and through a server, the key made by `remit init` (0600, said where), a tampered chain refused naming the
checkpoint and the entry, and clear errors for a checkpoint that is not one or not ours."""

# ruff: noqa: F811 - the fixtures imported below are the parameters of the tests
from __future__ import annotations

import json
import stat
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from remit.kernel.uow import Store
from tests.e2e.test_cli import first_init, initialised, run, workdir  # noqa: F401 - fixtures
from tests.e2e.test_cli_remote import Cli, Remote, clean, cli, remote  # noqa: F401 - fixtures


def test_init_creates_the_signing_key_private_and_says_where(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", "--preset", "default", "--team", "checkout")
    assert code == 0
    assert "created the checkpoint signing key .remit/signing-key.pem (key id " in out
    assert "back it up: copy .remit/signing-key.pem somewhere safe off this machine" in out
    assert stat.S_IMODE((workdir / ".remit" / "signing-key.pem").stat().st_mode) == 0o600


def test_a_checkpoint_holds_until_the_chain_is_cut_under_it(
    initialised: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "decision", "open", "release", "Ship 4.2", "--as", "priya")
    code, out, _ = run(capsys, "audit", "checkpoint", "--out", "kept/cp.json")
    assert code == 0 and out.startswith("wrote kept/cp.json: team checkout's entry 2 (")
    code, out, err = run(capsys, "audit", "verify", "--checkpoint", "kept/cp.json")
    assert (code, err) == (0, "")
    assert "checkpoint kept/cp.json (team checkout, entry 2, signed " in out and "the chain still holds it" in out
    store = Store.open("sqlite:///remit.db")
    with store.engine.begin() as connection:  # cut the last entry and rewind the head: the chain still "verifies"
        connection.execute(text("DELETE FROM audit_log WHERE seq = 2"))
        head = connection.execute(text("SELECT hash FROM audit_log WHERE seq = 1")).scalar_one()
        connection.execute(text("UPDATE teams SET audit_seq = 1, audit_head = :head"), {"head": head})
    store.close()
    code, _, err = run(capsys, "audit", "verify")  # the hashes hold; the replay sees a decision it never opened
    assert code == 1 and "team checkout: 1 entries, chain intact, but the tables differ from it" in err
    code, out, err = run(capsys, "audit", "verify", "--checkpoint", "kept/cp.json")
    assert code == 1
    assert "checkpoint kept/cp.json (team checkout, entry 2, signed " in err
    assert "refused: the chain has no entry 2 (its last is entry 1)" in " ".join(err.split())


def test_json_names_each_checkpoint(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "audit", "checkpoint")
    (initialised / "cp.json").write_text(out)
    code, out, _ = run(capsys, "audit", "verify", "--checkpoint", "cp.json", "--json")
    body = json.loads(out)
    assert code == 0 and body["chains"][0]["ok"]
    kept = json.loads((initialised / "cp.json").read_text())
    assert body["checkpoints"] == [
        {
            "file": "cp.json",
            "team": "checkout",
            "seq": 1,
            "hash": kept["hash"],
            "at": kept["at"],
            "ok": True,
            "problem": "",
        }
    ]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{}", "error: nope.json is not a Remit checkpoint"),
        (None, "error: no checkpoint file nope.json"),
    ],
)
def test_a_file_that_is_not_a_checkpoint_is_a_red_line(
    initialised: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    says: str,
) -> None:
    if content is not None:
        (initialised / "nope.json").write_text(content)
    code, _, err = run(capsys, "audit", "verify", "--checkpoint", "nope.json")
    assert code == 1 and says in err and "Traceback" not in err


def test_without_a_key_a_checkpoint_cannot_be_signed(initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (initialised / ".remit" / "signing-key.pem").rename(initialised / "elsewhere.pem")
    code, _, err = run(capsys, "audit", "checkpoint")
    assert code == 1 and "error: no signing key at .remit/signing-key.pem" in err


def test_over_http_the_server_signs_and_checks(
    remote: Remote, cli: Cli, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli("sol", "audit", "checkpoint", "--out", "cp.json")
    assert code == 0, err
    kept = json.loads((clean / "cp.json").read_text())
    key = httpx.get(f"{remote.url}/api/v1/audit/key").json()
    assert kept["key_id"] == key["key_id"]
    (clean / "server.pub").write_text(key["public_key"])
    for args in (("--public-key", "server.pub"), ()):
        code, out, err = cli("sol", "audit", "verify", "--checkpoint", "cp.json", *args)
        assert code == 0 and "the chain still holds it" in out, err
    local = run(capsys, "--database", remote.database, "--team", "checkout", "audit", "verify",
                "--checkpoint", "cp.json", "--public-key", "server.pub")  # fmt: skip
    assert local[0] == 0 and "the chain still holds it" in local[1]
    (clean / "forged.json").write_text(json.dumps({**kept, "seq": kept["seq"] + 1}))
    code, _, err = cli("sol", "audit", "verify", "--checkpoint", "forged.json")
    assert code == 1 and "its signature does not match its contents" in err
