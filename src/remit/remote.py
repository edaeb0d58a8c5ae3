"""``--server``: the commands' actions over the team server's JSON API (/api/v1), with httpx.

The token names the actor and the team. Every write carries a fresh Idempotency-Key, so the one automatic
retry after a connection error can never act twice. The server's errors come back as ``RemitError``s and
print like local ones; an unreachable server, a timeout or a body that is not Remit's JSON is one clear
error too, never a traceback.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx

from remit import __version__
from remit.cli.context import SETTLED, Json
from remit.decisions import madr
from remit.kernel.errors import InvalidInput, RemitError

if TYPE_CHECKING:
    from remit.kernel.commands import Command

API = "/api/v1"
PAGE = 200  # the most the API gives per page
TIMEOUT = 10.0


class ServerError(RemitError):
    """An error the server answered with: its code, message, hint (and a charter's problems)."""

    def __init__(self, status: int, code: str, message: str, hint: str = "", problems: list[str] | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code
        self.problems = problems or []


class ServerUnreachable(RemitError):
    code = "server_unreachable"
    status = 503


class RemoteBackend:
    """The team's server at ``server``, as the person whose API ``token`` it is."""

    def __init__(
        self,
        server: str,
        token: str | None,
        *,
        team: str | None = None,
        timeout: float = TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retry_pause: float = 0.25,
    ) -> None:
        if not token:
            raise InvalidInput(
                "--server needs your API token",
                hint="pass --token remit_... or set REMIT_TOKEN; make one on your tokens page in the web app",
            )
        base = server.strip().rstrip("/").removesuffix(API)
        if not base.startswith(("http://", "https://")):
            raise InvalidInput(f"--server '{server}' is not an http(s) address", hint="e.g. http://127.0.0.1:8000")
        self.server = base
        self._team = team
        self._timeout = timeout
        self._pause = retry_pause
        self._me: Json | None = None
        self._client = httpx.Client(
            base_url=base + API,
            headers={"Authorization": f"Bearer {token}", "User-Agent": f"remit-cli/{__version__}"},
            timeout=timeout,
            transport=transport,
        )

    # -- HTTP ------------------------------------------------------------------------------------------

    def _send(
        self, method: str, path: str, *, params: Json | None = None, body: Json | None = None, ok: tuple[int, ...] = ()
    ) -> httpx.Response:
        headers = {} if method == "GET" else {"Idempotency-Key": str(uuid.uuid4())}
        query = {key: value for key, value in (params or {}).items() if value is not None}
        answer = self._attempt(method, path, query, body, headers)
        if isinstance(answer, RemitError):  # once more, with the same Idempotency-Key: the server acts at most once
            time.sleep(self._pause)
            answer = self._attempt(method, path, query, body, headers)
            if isinstance(answer, RemitError):
                raise answer
        if answer.status_code in (ok or (200, 201)):
            return answer
        raise self._error(answer)

    def _attempt(
        self, method: str, path: str, query: Json, body: Json | None, headers: dict[str, str]
    ) -> httpx.Response | RemitError:
        try:
            return self._client.request(method, path, params=query, json=body, headers=headers)
        except httpx.TimeoutException:
            return ServerUnreachable(
                f"the Remit server at {self.server} did not answer within {self._timeout:g}s",
                hint="try again; a write that did reach it is not repeated (it carries an Idempotency-Key)",
            )
        except httpx.HTTPError as error:
            return ServerUnreachable(
                f"cannot reach the Remit server at {self.server}: {_why(error)}",
                hint="is `remit serve` running there? check --server (or REMIT_SERVER)",
            )

    def _error(self, response: httpx.Response) -> RemitError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            return self._not_remit(response)
        problems = [str(problem) for problem in body.get("problems") or []]
        hint = str(body.get("hint") or "")
        if response.status_code == 401:
            hint = "; ".join(filter(None, (hint, "give the CLI yours with --token or REMIT_TOKEN")))
        return ServerError(response.status_code, str(body.get("code", "error")), body["message"], hint, problems)

    def _not_remit(self, response: httpx.Response) -> RemitError:
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        return ServerError(
            response.status_code,
            "not_remit",
            f"{self.server} answered HTTP {response.status_code} ({kind}), not Remit's JSON",
            hint="is --server the address of a Remit server (what `remit serve` prints)?",
        )

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise self._not_remit(response) from None

    def _get(self, path: str, params: Json | None = None) -> Json:
        body = self._json("GET", path, params=params)
        if not isinstance(body, dict):
            raise InvalidInput(f"{self.server}{API}{path} did not answer with a JSON object")
        return body

    def _all(self, path: str, params: Json | None = None) -> list[Json]:
        """Every item of a paged list: follow next_cursor to the end."""
        items: list[Json] = []
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            page = self._get(path, {**(params or {}), "limit": PAGE, "cursor": cursor})
            items += page.get("items", [])
            cursor = page.get("next_cursor")
            if not cursor or cursor in seen:
                return items
            seen.add(cursor)

    def close(self) -> None:
        self._client.close()

    # -- who acts --------------------------------------------------------------------------------------

    def me(self) -> Json:
        if self._me is None:
            me = self._get("/me")
            if self._team and me.get("team") != self._team:
                raise InvalidInput(
                    f"this token is for team {me.get('team')}, not {self._team}",
                    hint="drop --team (and REMIT_TEAM): with --server the token names the team",
                )
            self._me = me
        return self._me

    def actor(self, given: str | None) -> str:
        handle = str(self.me()["handle"])
        if given and given != handle:
            raise InvalidInput(
                f"you act as yourself: this token is {handle}'s, not {given}'s",
                hint=f"drop --as, or pass {given}'s own token with --token (or REMIT_TOKEN)",
            )
        return handle

    # -- decisions -------------------------------------------------------------------------------------

    def act(self, actor: str, command: Command[Any]) -> Json:
        """Send the command to the route the server reads it from (``api.commands.ROUTES``), by its method."""
        # the API's routes (FastAPI, pydantic, the database stack): only for the commands that write, so that a
        # read such as `remit --server URL gate N` needs only the HTTP client
        from remit.api.commands import ROUTES
        from remit.charter import api as charter_routes  # noqa: F401 - declares the charter commands' routes
        from remit.decisions import api as decision_routes  # noqa: F401 - declares the decision commands' routes
        from remit.identity import api as identity_routes  # noqa: F401 - declares the identity commands' routes
        from remit.incidents import api as incident_routes  # noqa: F401 - declares the incident commands' routes
        from remit.notify import api as notify_routes  # noqa: F401 - declares the notification commands' routes
        from remit.status import api as status_routes  # noqa: F401 - declares the status page's commands' routes
        from remit.status import subscribers_api  # noqa: F401 - declares RemoveSubscriber's route
        from remit.tracker import api as tracker_routes  # noqa: F401 - declares the board's commands' routes

        route = ROUTES[type(command)]
        return self._write(route.url(command), route.body(command), method=route.method)

    def show_decision(self, number: int) -> Json:
        return self._get(f"/decisions/{number}")

    def list_decisions(self, *, state: str | None, domain: str | None, waiting_on: str | None) -> list[Json]:
        return self._all("/decisions", {"state": state, "domain": domain, "waiting_on": waiting_on})

    def madr_records(self) -> list[tuple[str, str]]:
        settled = [s for s in self.list_decisions(state=None, domain=None, waiting_on=None) if s["state"] in SETTLED]
        return [(madr.filename(s), self._send("GET", f"/decisions/{s['number']}/madr").text) for s in settled]

    def export_json(self) -> Iterator[bytes]:
        return self._download("/export.json")

    def export_csv(self, table: str) -> Iterator[bytes]:
        return self._download(f"/export/{table}.csv")

    def _download(self, path: str) -> Iterator[bytes]:
        """A streamed GET: the server's error (or its absence) is raised here, before the first byte."""

        def pieces() -> Iterator[bytes]:
            try:
                with self._client.stream("GET", path) as response:
                    if response.status_code != 200:
                        response.read()
                        raise self._error(response)
                    yield b""
                    yield from response.iter_bytes()
            except httpx.HTTPError as error:
                raise ServerUnreachable(
                    f"the download of {path} from {self.server} failed: {_why(error)}", hint="try again"
                ) from None

        started = pieces()
        next(started)
        return started

    # -- rules, the charter, the ledger -----------------------------------------------------------------

    def list_rules(self, *, include_retired: bool) -> list[Json]:
        return self._all("/rules", {"include_retired": "true" if include_retired else None})

    def charter_status(self, *, file_text: str | None) -> Json:
        adopted = self._get("/charter")
        status = {key: adopted.get(key) for key in ("team", "version", "sha256", "adopted_at")}
        from remit.charter.teams import sha256

        status["file_matches"] = None if file_text is None else sha256(file_text) == adopted.get("sha256")
        return status

    def audit_log(self, *, limit: int | None) -> list[Json]:
        entries = self._all("/log")  # pages run oldest first: the newest N are the last N
        return entries[-limit:] if limit else entries

    def verify_audit(self) -> list[Json]:
        return [self._get("/audit/verify")]

    def checkpoint(self) -> Json:
        checkpoint: Json = self._get("/audit/head")["checkpoint"]
        return checkpoint

    def check_checkpoint(self, checkpoint: Json, source: str, public_key: str | None) -> Json:
        return self._write("/audit/checkpoints/verify", {"checkpoint": checkpoint, "public_key": public_key})

    def gate(self, number: int) -> Json:
        answer = self._json("GET", f"/gate/{number}", ok=(200, 409))
        return {key: answer[key] for key in ("number", "approved", "reason")}

    def queue(self, *, handle: str, limit: int, cursor: str | None) -> Json:
        return self._get("/queue", {"limit": max(1, min(limit, PAGE)), "cursor": cursor})

    def incident_concerns(self, *, handle: str) -> list[Json]:
        items: list[Json] = self._get("/incidents/mine")["items"]  # the token's owner: ``actor`` checked it
        return items

    def bugs(self, asked: Json) -> Json:
        found = self._get("/bugs", {name: value for name, value in asked.items() if value})
        found.pop("next_cursor", None)  # one page, as locally: the CLI shows the first --limit bugs
        return found

    def show_incident(self, number: int) -> Json:
        return self._get(f"/incidents/{number}")

    def status_board(self) -> Json:
        return self._get("/status")

    def list_incidents(self, *, open_only: bool) -> list[Json]:
        items: list[Json] = self._get("/incidents", {"open": open_only})["items"]
        return items

    def _write(self, path: str, body: Json, *, method: str = "POST") -> Json:
        answer = self._json(method, path, body=body)
        if not isinstance(answer, dict):
            raise InvalidInput(f"{self.server}{API}{path} did not answer with a JSON object")
        return answer


def _why(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "connection refused" if "refused" in str(error).lower() else f"cannot connect ({error})"
    return str(error) or type(error).__name__
