"""The floor for bench/status_surge.py: a bare ASGI app that answers the status bodies Remit rendered, from
a dict, with nothing else (no routing beyond one look-up, no headers but the type and length). Run by the
bench under uvicorn as ``bare_asgi:app`` with ``REMIT_BENCH_BODIES`` naming a directory that holds
``bodies.json`` (``{path: [file, content type]}``) and the files."""

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
        [(b"content-type", kind.encode()), (b"content-length", str((HERE / name).stat().st_size).encode())],
        (HERE / name).read_bytes(),
    )
    for path, (name, kind) in MANIFEST.items()
}
MISSING = ([(b"content-type", b"text/plain"), (b"content-length", b"9")], b"not found")


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    headers, body = BODIES.get(scope["path"], MISSING)
    await send({"type": "http.response.start", "status": 200 if body is not MISSING[1] else 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})
