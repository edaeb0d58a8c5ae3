"""A checkpoint: a team's chain head (its last entry's number and hash, and when it was taken), signed with
Ed25519 so that a copy kept outside the database can later prove what the chain held. The signature covers
the canonical JSON (sorted keys, no spaces, UTF-8) of every other field."""

from __future__ import annotations

import base64
import binascii
import json
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from remit.audit.keys import SigningKey, key_id
from remit.kernel.errors import InvalidInput

FORMAT = "remit-checkpoint/1"
HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Checkpoint:
    team: str
    seq: int
    hash: str
    at: str
    key_id: str
    signature: str = ""
    format: str = FORMAT

    def signed_bytes(self) -> bytes:
        fields = {key: value for key, value in asdict(self).items() if key != "signature"}
        return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        return f"team {self.team}'s entry {self.seq} ({self.hash[:12]}…), signed {self.at}"


def sign(key: SigningKey, *, team: str, seq: int, head: str, at: datetime) -> Checkpoint:
    unsigned = Checkpoint(team=team, seq=seq, hash=head, at=at.isoformat(), key_id=key.id)
    signature = base64.b64encode(key.private.sign(unsigned.signed_bytes())).decode()
    return replace(unsigned, signature=signature)


def signature_problem(checkpoint: Checkpoint, public: Ed25519PublicKey) -> str | None:
    """None if ``public`` signed exactly this checkpoint; else what is wrong, in words."""
    if checkpoint.key_id != key_id(public):
        return f"it was signed by key {checkpoint.key_id}, not by the key in use ({key_id(public)})"
    try:
        public.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.signed_bytes())
    except (InvalidSignature, binascii.Error, ValueError):
        return "its signature does not match its contents: the checkpoint was altered or forged"
    return None


def parse(data: Any, source: str) -> Checkpoint:
    """A checkpoint from its JSON document; an ``InvalidInput`` naming ``source`` if it is not one."""
    expected = {"team": str, "seq": int, "hash": str, "at": str, "key_id": str, "signature": str, "format": str}
    if not isinstance(data, dict) or set(data) != set(expected):
        raise InvalidInput(
            f"{source} is not a Remit checkpoint",
            hint=f"a checkpoint has exactly the fields {', '.join(sorted(expected))}",
        )
    for name, kind in expected.items():
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            raise InvalidInput(f"{source} is not a Remit checkpoint: its '{name}' is not a {kind.__name__}")
    if any(not _plain(data[name]) for name, kind in expected.items() if kind is str):
        raise InvalidInput(f"{source} is not a Remit checkpoint: it holds control characters or invalid text")
    if data["format"] != FORMAT:
        raise InvalidInput(f"{source} is a checkpoint of format '{data['format']}'; this Remit reads {FORMAT}")
    if data["seq"] < 0 or not HASH.fullmatch(data["hash"]):
        raise InvalidInput(f"{source} is not a Remit checkpoint: its seq or hash is malformed")
    return Checkpoint(**data)


def _plain(text: str) -> bool:
    """No control characters, and text that UTF-8 can encode (JSON can carry a lone surrogate)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return not any(ord(char) < 32 or ord(char) == 127 for char in text)


def read(path: Path) -> Checkpoint:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"no checkpoint file {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the checkpoint {path}: {error}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise InvalidInput(f"{path} is not a Remit checkpoint: it is not JSON") from None
    return parse(data, str(path))


def dumps(checkpoint: Checkpoint) -> str:
    return json.dumps(checkpoint.as_dict(), indent=2, ensure_ascii=False) + "\n"


def save(checkpoint: Checkpoint, path: Path) -> None:
    """Write ``checkpoint`` to ``path`` as a whole file, even if interrupted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as tmp:
        tmp.write(dumps(checkpoint))
    Path(tmp.name).replace(path)
