"""Signed checkpoints and their key, without a database: the signature covers every field, another key is
refused by name, a key file is private (0600) and kept out of git, and a bad key is a clear error that never
repeats the key."""

from __future__ import annotations

import base64
import json
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from remit.audit import checkpoints, keys
from remit.audit.checkpoints import Checkpoint
from remit.kernel.errors import InvalidInput, NotFound

HEAD = "ab" * 32
AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def keydir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(keys.ENV_KEY, raising=False)
    monkeypatch.delenv(keys.ENV_FILE, raising=False)
    return tmp_path


def a_key() -> keys.SigningKey:
    return keys.SigningKey(Ed25519PrivateKey.generate(), "test")


def signed(key: keys.SigningKey) -> Checkpoint:
    return checkpoints.sign(key, team="checkout", seq=42, head=HEAD, at=AT)


def test_a_checkpoint_round_trips_through_its_file_and_its_signature_holds(tmp_path: Path) -> None:
    key = a_key()
    checkpoint = signed(key)
    checkpoints.save(checkpoint, tmp_path / "c.json")
    again = checkpoints.read(tmp_path / "c.json")
    assert again == checkpoint
    assert again.format == "remit-checkpoint/1" and again.key_id == key.id and again.at == AT.isoformat()
    assert checkpoints.signature_problem(again, key.public) is None


@pytest.mark.parametrize(("field", "value"), [("seq", 43), ("hash", "cd" * 32), ("team", "other"), ("at", "2030")])
def test_any_field_changed_after_signing_is_refused(field: str, value: object) -> None:
    key = a_key()
    forged = replace(signed(key), **{field: value})
    assert "signature does not match its contents" in str(checkpoints.signature_problem(forged, key.public))


def test_a_checkpoint_signed_by_another_key_is_refused_naming_both_keys() -> None:
    ours, theirs = a_key(), a_key()
    problem = checkpoints.signature_problem(signed(theirs), ours.public)
    assert problem == f"it was signed by key {theirs.id}, not by the key in use ({ours.id})"


def test_a_forged_key_id_does_not_help_a_forger() -> None:
    ours, theirs = a_key(), a_key()
    forged = replace(signed(theirs), key_id=ours.id)
    assert "signature does not match" in str(checkpoints.signature_problem(forged, ours.public))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "it is not JSON"),
        ("[]", "a checkpoint has exactly the fields"),
        ('{"team": "x"}', "a checkpoint has exactly the fields"),
    ],
)
def test_a_file_that_is_not_a_checkpoint_is_a_clear_error(tmp_path: Path, text: str, says: str) -> None:
    (tmp_path / "c.json").write_text(text)
    with pytest.raises(InvalidInput, match="is not a Remit checkpoint") as raised:
        checkpoints.read(tmp_path / "c.json")
    assert says in raised.value.message + raised.value.hint


def test_a_checkpoint_of_another_format_or_with_a_bad_hash_is_refused() -> None:
    body = signed(a_key()).as_dict()
    with pytest.raises(InvalidInput, match="format 'remit-checkpoint/9'"):
        checkpoints.parse({**body, "format": "remit-checkpoint/9"}, "c.json")
    with pytest.raises(InvalidInput, match="seq or hash is malformed"):
        checkpoints.parse({**body, "hash": "zz"}, "c.json")
    for odd in ("check\x00out", "\ud800"):  # JSON carries both; neither is text a signature can cover
        with pytest.raises(InvalidInput, match="control characters or invalid text"):
            checkpoints.parse({**body, "team": odd}, "c.json")
    with pytest.raises(InvalidInput, match="not an Ed25519 public key"):
        keys.parse_public("\ud800", "k")
    with pytest.raises(InvalidInput, match="'seq' is not a int"):
        checkpoints.parse({**body, "seq": True}, "c.json")


def test_the_key_file_is_created_private_and_out_of_git(keydir: Path) -> None:
    key, created = keys.ensure()
    path = keydir / ".remit" / "signing-key.pem"
    assert created and key.source == str(keys.DEFAULT_FILE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (keydir / ".remit" / ".gitignore").read_text().splitlines()[-1] == "*"
    again, created_again = keys.ensure()
    assert not created_again and again.id == key.id
    assert key.id not in repr(path.read_text()) and "PRIVATE" not in repr(key)


def test_the_key_can_come_from_the_environment_as_pem_or_base64(keydir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    monkeypatch.setenv(keys.ENV_KEY, base64.b64encode(raw).decode())
    assert keys.load().id == keys.key_id(private.public_key())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    monkeypatch.setenv(keys.ENV_KEY, pem.decode())
    key, created = keys.ensure()
    assert (key.id, key.source, created) == (keys.key_id(private.public_key()), keys.ENV_KEY, False)
    assert not (keydir / ".remit").exists()


def test_the_key_file_can_be_anywhere(keydir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys.ENV_FILE, str(keydir / "secrets" / "remit.pem"))
    key, created = keys.ensure()
    assert created and key.source == str(keydir / "secrets" / "remit.pem")
    assert keys.load().id == key.id


def test_no_key_or_a_bad_key_is_a_clear_error_that_never_repeats_the_key(
    keydir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(NotFound, match=r"no signing key at \.remit/signing-key\.pem"):
        keys.load()
    secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQ="
    monkeypatch.setenv(keys.ENV_KEY, secret)
    with pytest.raises(InvalidInput) as raised:
        keys.load()
    assert raised.value.message == "the signing key in REMIT_SIGNING_KEY is not an Ed25519 private key"
    assert secret not in raised.value.message + raised.value.hint


def test_a_public_key_reads_as_pem_or_base64_and_nothing_else() -> None:
    key = a_key()
    pem = keys.public_pem(key.public)
    assert keys.key_id(keys.parse_public(pem, "k")) == key.id
    raw = key.public.public_bytes(*keys.RAW)
    assert keys.key_id(keys.parse_public(base64.b64encode(raw).decode(), "k")) == key.id
    with pytest.raises(InvalidInput, match="k is not an Ed25519 public key"):
        keys.parse_public(json.dumps({"no": "key"}), "k")
