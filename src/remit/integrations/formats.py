"""Reading a tracker's export file: gzip or not, one JSON document or JSON lines. Pure.

A whole document that cannot be read is an ``InvalidInput`` (nothing is imported); in JSON lines, each
line that cannot be read is an ``Unreadable`` naming its line number, and the others are read."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from typing import Any

from remit.integrations.issues import Unreadable
from remit.kernel.errors import InvalidInput

GZIP_MAGIC = b"\x1f\x8b"
MAX_BYTES = 256 * 1024 * 1024  # an export larger than this once unpacked is refused, not read into memory


def unpack(data: bytes, source: str) -> str:
    """The file's text: gunzipped if it is gzip, UTF-8 (a byte-order mark allowed)."""
    if data[:2] == GZIP_MAGIC:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
                data = packed.read(MAX_BYTES + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise InvalidInput(f"{source} is not a readable gzip file: {error}", field="file") from None
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"{source} is larger than {MAX_BYTES // (1024 * 1024)} MB unpacked", field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{source} is not UTF-8 text (byte {error.start + 1})", hint="export the issues as JSON", field="file"
        ) from None


def documents(text: str, source: str) -> tuple[Any, list[tuple[int, Any]], list[Unreadable]]:
    """One JSON document (returned first, the lists empty), or JSON lines: (None, [(line number, value)],
    the lines that are not JSON). Blank lines are skipped."""
    if not text.strip():
        raise InvalidInput(f"{source} is empty", hint="export the issues as JSON", field="file")
    try:
        return json.loads(text), [], []
    except json.JSONDecodeError as whole:
        lines = text.splitlines()
        if len(lines) < 2:
            raise InvalidInput(f"{source} is not JSON: {whole.msg} at line {whole.lineno}", field="file") from None
    values: list[tuple[int, Any]] = []
    unreadable: list[Unreadable] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            values.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            unreadable.append(Unreadable(f"line {number}", f"not JSON: {error.msg} at column {error.colno}"))
    if not values:
        raise InvalidInput(f"{source} is neither JSON nor JSON lines: no line could be read", field="file")
    return None, values, unreadable
