"""The trackers' live APIs, read with a token (httpx): every page, pagination followed, rate limits
respected. Each page is read by the pure importers (``github.py``, ``jira.py``); a row that cannot be read is
reported with its page and index, like a file's.

GitHub: ``GET /repos/{owner}/{repo}/issues?state=all&per_page=100``, following the ``Link: rel="next"``
header. When ``X-RateLimit-Remaining`` reaches 0 the client waits for ``X-RateLimit-Reset``; a 403 or 429
with ``Retry-After`` is retried after that many seconds. A wait longer than ``max_wait`` is refused with an
error that says when to come back, rather than hanging.

Jira: ``GET /rest/api/2/search?jql=...&startAt=N&maxResults=100`` until ``total`` is reached (or a page comes
back empty). A token with a colon (``me@example.com:TOKEN``) is sent as Basic auth (Jira Cloud), otherwise as a
Bearer token (a Jira Data Center personal access token)."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import httpx

from remit import __version__
from remit.integrations import github, jira
from remit.integrations.issues import Parsed
from remit.kernel.errors import InvalidInput, NotAuthenticated, RemitError, Unavailable

GITHUB = "https://api.github.com"
PER_PAGE = 100
TIMEOUT = 30.0
Progress = Callable[[int, int | None], None]  # (pages read, pages in all if known)
LINK = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')


def _quiet(_done: int, _total: int | None) -> None:
    return None


class Client:
    """What both clients share: one httpx client, waiting out rate limits, errors in Remit's words."""

    name = "the tracker"

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str],
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 900.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"User-Agent": f"remit/{__version__}", "Accept": "application/json", **headers},
            timeout=TIMEOUT,
            transport=transport,
            follow_redirects=True,
        )
        self._sleep = sleep
        self._max_wait = max_wait
        self._clock = clock
        self.waited: list[float] = []  # the pauses taken for rate limits, in seconds

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET ``url``; a rate-limited answer is retried after the wait it asks for (a few times at most)."""
        for _attempt in range(5):
            try:
                response = self._http.get(url, params=params)
            except httpx.HTTPError as error:
                raise Unavailable(
                    f"cannot reach {self.name} at {self._http.base_url}: {error or type(error).__name__}",
                    hint="check the address and your connection, then import again",
                ) from None
            wait = self._rate_limited(response)
            if wait is None:
                self._check(response)
                return response
            self._pause(wait)
        raise Unavailable(f"{self.name} kept answering 'rate limited'", hint="import again later")

    def _rate_limited(self, response: httpx.Response) -> float | None:
        """Seconds to wait before asking again, if ``response`` says the client is rate limited."""
        if response.status_code not in (403, 429):
            return None
        after = response.headers.get("Retry-After")
        if after is not None:
            return _seconds(after)
        if response.headers.get("X-RateLimit-Remaining") == "0":
            return self._until_reset(response)
        return 60.0 if response.status_code == 429 else None

    def _until_reset(self, response: httpx.Response) -> float:
        reset = response.headers.get("X-RateLimit-Reset", "")
        if not reset.isdigit():
            return 60.0
        return max(0.0, int(reset) - self._clock().timestamp()) + 1.0

    def _pause(self, seconds: float) -> None:
        if seconds > self._max_wait:
            raise Unavailable(
                f"{self.name}'s rate limit asks to wait {seconds:.0f}s, more than the {self._max_wait:.0f}s allowed",
                hint="import again after that; what was imported so far is not kept, the import is one step",
            )
        self.waited.append(seconds)
        self._sleep(seconds)

    def _check(self, response: httpx.Response) -> None:
        if response.status_code == 200:
            return
        said = _said(response)
        where = f"{response.request.method} {response.request.url.path}"
        if response.status_code == 401:
            raise NotAuthenticated(
                f"{self.name} refused the token ({where}: {said})", hint="check the token and its scopes"
            )
        if response.status_code in (403, 404, 400, 410, 422):
            raise InvalidInput(
                f"{self.name} answered {response.status_code} to {where}: {said}",
                hint="check the repository, the address or the query, and that the token may read it",
            )
        raise Unavailable(f"{self.name} answered {response.status_code} to {where}: {said}", hint="try again later")

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise RemitError(
                f"{self.name} answered {response.request.url.path} with something that is not JSON"
            ) from None


class GitHubClient(Client):
    name = "GitHub"

    def __init__(self, token: str | None, *, base_url: str = GITHUB, **options: Any) -> None:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        super().__init__(base_url, headers, **options)

    def issues(self, repo: str, progress: Progress = _quiet) -> Parsed:
        """Every issue of ``repo`` (``owner/name``), open and closed; pull requests skipped and counted."""
        if not re.fullmatch(r"[A-Za-z0-9-]+/(?!\.\.?$)[\w.-]+", repo):
            raise InvalidInput(f"'{repo}' is not OWNER/NAME", hint="e.g. --repo panjf2000/ants", field="repo")
        parsed = Parsed()
        url: str | None = f"/repos/{repo}/issues"
        params: dict[str, Any] | None = {"state": "all", "per_page": PER_PAGE}
        page = 0
        while url is not None:
            response = self.get(url, params)
            page += 1
            items = self._json(response)
            if not isinstance(items, list):
                raise RemitError(f"GitHub answered page {page} of {repo}'s issues with something other than a list")
            parsed.extend(github.issues(items, where=lambda index, p=page: f"page {p}, index {index}"))
            links = _links(response.headers.get("Link", ""))
            progress(page, _last_page(links.get("last")) or (page if "next" not in links else None))
            url, params = links.get("next"), None  # the next link carries the query
            if url is not None and response.headers.get("X-RateLimit-Remaining") == "0":
                self._pause(self._until_reset(response))
        return parsed


class JiraClient(Client):
    name = "Jira"

    def __init__(self, base_url: str, token: str | None, **options: Any) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise InvalidInput(f"--url '{base_url}' is not an http(s) address", field="url")
        headers = {}
        if token and ":" in token:
            headers["Authorization"] = "Basic " + base64.b64encode(token.encode()).decode()
        elif token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        super().__init__(self.base_url, headers, **options)

    def search(self, jql: str, progress: Progress = _quiet) -> Parsed:
        """Every issue ``jql`` finds, a page of 100 at a time."""
        parsed = Parsed()
        start, page = 0, 0
        while True:
            params = {"jql": jql, "startAt": start, "maxResults": PER_PAGE}
            body = self._json(self.get("/rest/api/2/search", params))
            page += 1
            found = body.get("issues") if isinstance(body, dict) else None
            if not isinstance(found, list):
                raise RemitError(f"Jira answered page {page} of the search without a list of issues")
            where = lambda index, s=start: f"issue {s + index + 1} of the search"  # noqa: E731
            parsed.extend(jira.issues(found, where=where, base_url=self.base_url))
            total = body.get("total") if isinstance(body.get("total"), int) else None
            start += len(found)
            pages = None if total is None else max(page, -(-total // PER_PAGE))
            progress(page, pages)
            if not found or (total is not None and start >= total):
                return parsed


def _links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(header)}


def _last_page(url: str | None) -> int | None:
    if url is None:
        return None
    pages = parse_qs(urlsplit(url).query).get("page", [])
    return int(pages[0]) if pages and pages[0].isdigit() else None


def _seconds(value: str) -> float:
    """``Retry-After``: seconds (an HTTP date is read as 60s: the clients' clocks need not agree)."""
    try:
        return max(0.0, float(value))
    except ValueError:
        return 60.0


def _said(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict):
        messages = body.get("message") or body.get("errorMessages") or body.get("errors")
        return str(messages)[:300]
    return str(body)[:300]
