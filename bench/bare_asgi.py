"""The floor for bench/status_surge.py: a bare ASGI app that answers the status bodies Remit rendered, from
a dict, with nothing else (one look-up, its type, length and ETag, a 304 to that exact ETag). Run by the
bench under uvicorn as ``bare_asgi:app`` with ``REMIT_BENCH_BODIES`` naming a directory that holds
``bodies.json`` (``{path: [file, content type, etag]}``) and the files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

HERE = Path(os.environ.get("REMIT_BENCH_BODIES", "."))
MANIFEST: dict[str, list[str]] = (
    json.loads((HERE / "bodies.json").read_text(encoding="utf-8")) if (HERE / "bodies.json").exists() else {}
)
BODIES = {
    path: (
        etag.encode(),
        [(b"content-type", kind.encode()), (b"etag", etag.encode())],
        (HERE / name).read_bytes(),
    )
    for path, (name, kind, etag) in MANIFEST.items()
}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    found = BODIES.get(scope["path"])
    if found is None:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    etag, headers, body = found
    if (b"if-none-match", etag) in scope["headers"]:
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    length = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers + length})
    await send({"type": "http.response.body", "body": body})
