"""The Ed25519 key that signs checkpoints. It lives outside the database: in REMIT_SIGNING_KEY (the key
itself: PEM, or the 32 raw bytes in base64), else in the file REMIT_SIGNING_KEY_FILE names, else in
``.remit/signing-key.pem`` in the working directory. A key file is written with mode 0600, in a folder whose
own ``.gitignore`` keeps it out of the team's repository. The private key is never printed or logged: only
its public half and its id."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from remit.kernel.errors import InvalidInput, NotFound

DEFAULT_FILE = Path(".remit") / "signing-key.pem"
ENV_KEY, ENV_FILE = "REMIT_SIGNING_KEY", "REMIT_SIGNING_KEY_FILE"
RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def key_id(public: Ed25519PublicKey) -> str:
    """The public key's fingerprint: the first 16 bytes of the SHA-256 of its 32 raw bytes, in hex."""
    return hashlib.sha256(public.public_bytes(*RAW)).hexdigest()[:32]


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass(frozen=True)
class SigningKey:
    """The private key and where it came from (a path, or the environment variable's name)."""

    private: Ed25519PrivateKey
    source: str

    def __repr__(self) -> str:  # never the key itself
        return f"SigningKey(id={self.id}, source={self.source})"

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def id(self) -> str:
        return key_id(self.public)


def key_file() -> Path:
    """Where the key file is (or would be): REMIT_SIGNING_KEY_FILE, else ``.remit/signing-key.pem``."""
    return Path(os.environ.get(ENV_FILE) or DEFAULT_FILE).expanduser()


def load() -> SigningKey:
    """The key in use: REMIT_SIGNING_KEY, else the key file. A clear error if there is none or it is bad."""
    if os.environ.get(ENV_KEY):
        return SigningKey(_private(os.environ[ENV_KEY].encode(), ENV_KEY), ENV_KEY)
    path = key_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(
            f"no signing key at {path}",
            hint=f"`remit init` or `remit serve` creates one; or set {ENV_FILE} (a path) or {ENV_KEY} (the key)",
        ) from None
    except OSError as error:
        raise InvalidInput(f"cannot read the signing key {path}: {error.strerror}", hint=f"check {ENV_FILE}") from None
    return SigningKey(_private(data, str(path)), str(path))


def ensure() -> tuple[SigningKey, bool]:
    """The key in use, created first (as the key file) if there is none; and whether it was created now."""
    if os.environ.get(ENV_KEY) or key_file().exists():
        return load(), False
    path = key_file()
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent.name == DEFAULT_FILE.parent.name and not (path.parent / ".gitignore").exists():
            (path.parent / ".gitignore").write_text("# Remit's local files: never commit the signing key\n*\n")
        draft = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
        try:
            os.link(draft, path)  # whole, and never over a key that is there: another process may make one too
        finally:
            draft.unlink()
    except FileExistsError:  # another process made it first: use theirs
        return load(), False
    except OSError as error:
        raise InvalidInput(f"cannot create the signing key {path}: {error.strerror}", hint=f"set {ENV_FILE}") from None
    return SigningKey(private, str(path)), True


def backup_advice(key: SigningKey) -> str:
    return (
        f"back it up: copy {key.source} somewhere safe off this machine (a password manager or secrets store), "
        "and keep it secret: whoever holds it can sign checkpoints; without it, new checkpoints carry a new key id"
    )


def read_public(path: Path) -> str:
    """A public key file's text (checked by ``parse_public`` where it is used)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the public key {path}: {error}") from None


def parse_public(text: str, source: str) -> Ed25519PublicKey:
    """A public key: PEM (what GET /api/v1/audit/key serves) or its 32 raw bytes in base64."""
    try:
        data = text.strip().encode()
        if data.startswith(b"-----BEGIN"):
            loaded = serialization.load_pem_public_key(data)
        else:
            loaded = Ed25519PublicKey.from_public_bytes(base64.b64decode(data, validate=True))
    except (ValueError, binascii.Error, UnsupportedAlgorithm):  # UnicodeEncodeError is a ValueError
        loaded = None
    if not isinstance(loaded, Ed25519PublicKey):
        raise InvalidInput(
            f"{source} is not an Ed25519 public key", hint="save the `public_key` of GET /api/v1/audit/key (PEM)"
        )
    return loaded


def _private(data: bytes, source: str) -> Ed25519PrivateKey:
    try:
        if data.strip().startswith(b"-----BEGIN"):
            loaded = serialization.load_pem_private_key(data.strip(), password=None)
        else:
            loaded = Ed25519PrivateKey.from_private_bytes(base64.b64decode(data.strip(), validate=True))
    except (ValueError, TypeError, binascii.Error, UnsupportedAlgorithm):
        loaded = None  # the library's message may quote the data: never repeat it
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InvalidInput(
            f"the signing key in {source} is not an Ed25519 private key",
            hint="PEM (PKCS#8, unencrypted) or the 32 raw bytes in base64; move it away and `remit init` makes one",
        )
    return loaded
