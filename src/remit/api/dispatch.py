"""A cheap first look before FastAPI's routing: every included router is asked only for the paths it can hold.

FastAPI matches a request by asking each included router in turn, and each asks every one of its routes (with
some bookkeeping per route), so a route in the last router pays for every route before it: about 1 ms of a
no-op request on this machine, against 0.3 ms when the route comes first (BENCHMARKS.md, "Middleware"). Here
each included router learns the literal start of its routes' paths (``/api/v1/queue``, ``/decisions``, up to
three segments, up to the first parameter), and a request whose path starts with none of them is told "no
match" at once. The routers asked, their order and their answers are otherwise FastAPI's own, so a 404, a
405 and a redirect for a trailing slash come out as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.routing import Match

DEPTH = 3  # literal segments compared: /api/v1/<resource>
Heads = frozenset[tuple[str, ...]]
SEEN = "remit.starts"  # the scope key holding the request path's possible heads
ROOT = ("",)  # the head of the route at "/" alone (an empty head would let every path through)


def literal_head(path: str) -> tuple[str, ...]:
    """The path's segments up to the first one holding a parameter, at most ``DEPTH`` of them."""
    head: list[str] = []
    for segment in path.split("/"):
        if not segment:
            continue
        if "{" in segment or len(head) == DEPTH:
            break
        head.append(segment)
    return tuple(head)


def heads_of(router: Any) -> Heads | None:
    """The literal heads of every route an included router holds (and the routers it includes, in turn); None
    if one of them has no plain path or is included under a prefix of its own."""
    if getattr(getattr(router, "include_context", None), "prefix", ""):
        return None
    found: set[tuple[str, ...]] = set()
    for route in router.original_router.routes:
        if hasattr(route, "original_router"):
            inner = heads_of(route)
            if inner is None:
                return None
            found |= inner
            continue
        path = getattr(route, "path", None)
        if not isinstance(path, str):
            return None
        found.add(ROOT if path == "/" else literal_head(path))
    return frozenset(found)


def route_path(scope: Any) -> str:
    """The path routes are matched against: the request's, less the app's ``root_path`` (as Starlette does)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :]
    return path


def starts(path: str) -> frozenset[tuple[str, ...]]:
    """The heads a route could have to match ``path``: its first 0 to ``DEPTH`` segments (the root: ``ROOT``)."""
    segments = tuple(segment for segment in path.split("/") if segment)
    if not segments:
        return frozenset({ROOT, ()})
    return frozenset(segments[:length] for length in range(min(len(segments), DEPTH) + 1))


def could_hold_path(heads: Heads, path: str) -> bool:
    """Whether a router whose routes start with ``heads`` could hold ``path``."""
    return not heads.isdisjoint(starts(path))


def gated(matches: Callable[[Any], tuple[Match, Any]], heads: Heads) -> Callable[[Any], tuple[Match, Any]]:
    def first_look(scope: Any) -> tuple[Match, Any]:
        if scope.get("type") not in ("http", "websocket"):
            return matches(scope)
        path = route_path(scope)
        seen = scope.get(SEEN)  # worked out once per request, not once per router
        if seen is None or seen[0] != path:
            seen = scope[SEEN] = (path, starts(path))
        if heads.isdisjoint(seen[1]):
            return Match.NONE, {}
        return matches(scope)

    return first_look


def narrow(app: FastAPI) -> int:
    """Gate every router included in ``app`` by the heads of its paths; the number of routers gated."""
    count = 0
    for route in app.router.routes:
        if not hasattr(route, "original_router"):  # a route of the app's own, or a mount: asked as before
            continue
        heads = heads_of(route)
        if heads is None or () in heads:  # a route at the root, or a path that starts with a parameter
            continue
        route.matches = gated(route.matches, heads)  # type: ignore[method-assign, assignment]
        count += 1
    return count
