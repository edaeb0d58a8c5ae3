"""What every route shares: the store, the caller (from their API token), writes that honour an
Idempotency-Key, and opaque cursors for pages."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from remit.kernel.commands import COMMANDS, Command, SignedIn, as_json, check_characters
from remit.kernel.errors import ClaimTaken, InvalidInput, NotAuthenticated, RemitError
from remit.kernel.uow import Claim, Store

MAX_CURSOR = 2**31 - 1  # numbers, sequence numbers and ids are 32-bit columns
bearer = HTTPBearer(auto_error=False, description="an API token: create one on your tokens page")


async def clean_query(request: Request) -> None:
    """Every route's query parameters pass the kernel's character check (the commands' fields already do): a
    control character is a 422 naming the parameter, on every database, before anything reads it. (Async, as
    every dependency that does not wait on the database: a sync one costs a hop to a worker thread.)"""
    for name, value in request.query_params.multi_items():
        check_characters(f"query parameter {name}", value, one_line=True)


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def get_caller(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> SignedIn:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise NotAuthenticated(
            "this API needs a token", hint="send `Authorization: Bearer remit_...`; create a token on your tokens page"
        )
    address = request.client.host if request.client else ""
    caller: SignedIn = request.app.state.identify_token(uow=store.uow(), address=address, token=credentials.credentials)
    request.scope.setdefault("state", {})["person"] = f"{caller.handle}@{caller.team}"
    return caller


Caller = Annotated[SignedIn, Depends(get_caller)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="send the same key again to retry a write safely: the first answer is replayed",
    ),
]


def fingerprint(request: Request, body: Any) -> str:
    payload = json.dumps(
        {"method": request.method, "path": request.url.path, "body": body}, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _replay(store: Store, person_id: int, key: str, print_: str) -> JSONResponse | None:
    stored = store.replayed(person_id, key)
    if stored is None:
        return None
    fingerprint_, status, body = stored
    if fingerprint_ != print_:
        raise InvalidInput(
            "this Idempotency-Key was already used for a different request",
            hint="use a new key for each distinct write",
        )
    return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"})


@dataclass(frozen=True)
class Writer:
    """Dispatches one command as the caller. With an Idempotency-Key, its answer is stored in the command's
    own transaction; a repeat of the same request replays that answer (the same key on another request is
    refused)."""

    request: Request
    store: Store
    caller: SignedIn
    key: str | None

    def __call__(self, command: Command[Any], *, status: int = 200, replayable: bool = True) -> JSONResponse:
        """Dispatch ``command``; ``replayable`` False for a command whose answer must never be stored (it
        carries a secret): its Idempotency-Key is ignored."""
        caller = self.caller.acting
        if not self.key or not replayable:
            return JSONResponse(as_json(COMMANDS.dispatch(self.store, caller, command)), status_code=status)
        print_ = fingerprint(self.request, command.model_dump(mode="json"))
        replayed = _replay(self.store, self.caller.person_id, self.key, print_)
        if replayed is not None:
            return replayed

        def answer(result: Any) -> tuple[int, Any]:
            if isinstance(result, RemitError):
                return result.status, result.as_dict()
            return status, as_json(result)

        try:
            claim = Claim(self.caller.person_id, self.key, print_, answer)
            result = COMMANDS.dispatch(self.store, caller, command, claim=claim)
        except ClaimTaken:  # the same key, sent twice at once: the other one won; replay its answer
            replayed = _replay(self.store, self.caller.person_id, self.key, print_)
            if replayed is None:
                raise
            return replayed
        return JSONResponse(as_json(result), status_code=status)


def get_writer(request: Request, store: StoreDep, caller: Caller, idempotency_key: IdempotencyKey = None) -> Writer:
    return Writer(request, store, caller, idempotency_key)  # not `key`: a route's path may name a bug's key


Write = Annotated[Writer, Depends(get_writer)]


def encode_cursor(after: int | None) -> str | None:
    if after is None:
        return None
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["after"]
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(
            "the cursor is not one Remit gave out", hint="pass back next_cursor from the previous page"
        ) from None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_CURSOR:
        raise InvalidInput("the cursor is not one Remit gave out", hint="pass back next_cursor from the previous page")
    return value
