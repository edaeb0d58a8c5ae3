"""The public status bytes' front layer on its own (no app, no database): the headers it sends, encoded once
per rendered body, and which If-None-Match values get a 304."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from remit.status.web import Body, Front

BODY = Body.of(b'{"status":{"indicator":"none"}}', "application/json; charset=utf-8")


class OneBody:
    def body(self, _team: str | None, key: str) -> Body | None:
        return BODY if key == "status.json" else None


def ask(method: str = "GET", path: str = "/api/v2/status.json", **headers: str) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(dict(message))

    scope = {"type": "http", "method": method, "path": path}
    scope["headers"] = [(b"host", b"x"), *((k.replace("_", "-").encode(), v.encode()) for k, v in headers.items())]
    front = Front(OneBody())  # type: ignore[arg-type]  # a stand-in: Front only calls body()
    assert asyncio.run(front.serve(scope, send))
    return sent


def test_a_200_carries_the_length_the_etag_and_the_cache_headers() -> None:
    start, body = ask()
    headers = dict(start["headers"])
    assert start["status"] == 200 and body["body"] == BODY.content
    assert headers[b"content-length"] == str(len(BODY.content)).encode() and headers[b"etag"] == BODY.etag.encode()
    assert headers[b"cache-control"] == b"public, max-age=10" and headers[b"access-control-allow-origin"] == b"*"
    assert BODY.raw_headers is BODY.raw_headers  # encoded once, when rendered, not per request


@pytest.mark.parametrize(
    "asked",
    [BODY.etag, f"W/{BODY.etag}", f'"other", {BODY.etag}', "*"],
    ids=["exact", "weak", "in-a-list", "star"],
)
def test_a_matching_if_none_match_gets_a_304_with_no_body_and_no_length(asked: str) -> None:
    start, body = ask(if_none_match=asked)
    assert start["status"] == 304 and body["body"] == b""
    assert b"content-length" not in dict(start["headers"]) and dict(start["headers"])[b"etag"] == BODY.etag.encode()


def test_another_etag_gets_the_body_and_head_gets_the_length_without_it() -> None:
    assert ask(if_none_match='"other"')[0]["status"] == 200
    start, body = ask("HEAD")
    assert start["status"] == 200 and body["body"] == b""
    assert dict(start["headers"])[b"content-length"] == str(len(BODY.content)).encode()
