"""One error hierarchy for every entry point.

Each error carries a stable ``code``, a human ``message`` saying what and where, a ``hint`` saying how to
fix it, and the HTTP ``status`` the API will answer with. The CLI prints ``message`` and ``hint`` in red and
exits 1; nobody sees a traceback for bad input.
"""

from __future__ import annotations


class RemitError(Exception):
    code = "remit_error"
    status = 400

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class InvalidInput(RemitError):
    """A value that does not fit. ``field`` names it, as people call it ("title", "evidence name"), when one
    field is at fault: a form shows the message next to that field."""

    code = "invalid_input"
    status = 422

    def __init__(self, message: str, *, hint: str = "", field: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


class NotFound(RemitError):
    code = "not_found"
    status = 404


class Conflict(RemitError):
    """The action does not fit the current state (a settled decision, an existing team...)."""

    code = "conflict"
    status = 409


class RightsRefused(RemitError):
    """The charter gives the actor's role no right to do this. Recorded as a boundary crossing."""

    code = "rights_refused"
    status = 403


class NotAuthenticated(RemitError):
    code = "not_authenticated"
    status = 401


class RateLimited(RemitError):
    """Too many attempts: refused without looking, until ``retry_after`` seconds have passed (the API's and the
    pages' answers carry it as a Retry-After header)."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class CharterInvalid(RemitError):
    """A charter file with problems; ``problems`` lists every one of them."""

    code = "charter_invalid"
    status = 422

    def __init__(self, message: str, problems: list[object], *, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.problems = problems


class ClaimTaken(Conflict):
    """Two writes under one Idempotency-Key at once: the other one won (its answer is the one to replay)."""

    code = "idempotency_key_taken"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"another request with Idempotency-Key {key} is being answered", hint="retry to read its answer"
        )


class Unavailable(RemitError):
    """The database does not answer (down, unreachable, refusing connections): try again later."""

    code = "database_unreachable"
    status = 503


class StoreRefused(RemitError):
    """The database refused a write no check before it caught (a constraint): a bug, or a schema that is not
    the one this Remit expects. Nothing of the action was kept."""

    code = "store_refused"
    status = 500


def unavailable(error: BaseException, where: str = "") -> Unavailable:
    """An ``Unavailable`` for a driver's connection error, saying why without a traceback."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0] if str(error).strip() else ""
    place = f" at {where}" if where else ""
    return Unavailable(
        f"the database{place} does not answer" + (f": {reason}" if reason else ""),
        hint="is it running and reachable? check REMIT_DATABASE_URL / --database, then try again",
    )
