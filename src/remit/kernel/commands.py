"""Commands: one typed, validated request per action, and the registry that maps each to its one handler.

A command is a frozen Pydantic model. Its fields carry their own validation (``Text``, ``Name``, ...), so
the JSON API (whose request bodies and OpenAPI document are the commands), the web forms, the local CLI and
the CLI over HTTP all accept and refuse exactly the same input. A handler takes a unit of work, the caller
and the command, owns the transaction, checks the rights, raises events, and returns a typed result.

An action the charter refuses still leaves a record (a boundary crossing): the handler raises a
``MustRecord`` exception, the registry lets the unit of work roll the action back, then records the refusal
in a transaction of its own and raises the error it returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from remit.kernel.errors import InvalidInput
from remit.kernel.refusals import MustRecord
from remit.kernel.times import check_zone

if TYPE_CHECKING:
    from remit.kernel.uow import Claim, Store, UnitOfWork

R = TypeVar("R")
C = TypeVar("C", bound="Command[Any]")
F = TypeVar("F", bound=Callable[..., Any])
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


class Command(BaseModel, Generic[R]):
    """An action's request. ``R`` is the type its handler returns; ``action`` names the right it needs in the
    charter's rights table (None: the caller's identity is all it needs)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    action: ClassVar[str | None] = None


@dataclass(frozen=True)
class Caller:
    """Who acts: a person on a team's roster, signed in (web, API) or named with ``--as`` (local CLI)."""

    team: str
    handle: str


class SignedIn(Protocol):
    """Who is signed in, as the adapters see them (identity's ``Identity`` is one): the composition root
    gives the API and the web app the functions that look a token or a session up."""

    @property
    def person_id(self) -> int: ...
    @property
    def team(self) -> str: ...
    @property
    def handle(self) -> str: ...
    @property
    def csrf(self) -> str: ...
    @property
    def session_id(self) -> int | None: ...  # the web session (None: an API token)
    @property
    def time_zone(self) -> str: ...  # the zone they read and write times in: their own, else the team's
    @property
    def own_time_zone(self) -> str | None: ...
    @property
    def team_time_zone(self) -> str: ...
    @property
    def acting(self) -> Caller: ...
    def as_dict(self) -> dict[str, object]: ...


Handler = Callable[["UnitOfWork", Caller, Any], Any]


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[type[Command[Any]], Handler] = {}

    def handles(self, command: type[Command[Any]]) -> Callable[[F], F]:
        """Register the decorated function as ``command``'s one handler."""

        def register(handler: F) -> F:
            if command in self._handlers:
                raise RuntimeError(f"{command.__name__} already has a handler")
            self._handlers[command] = handler
            return handler

        return register

    def commands(self) -> list[type[Command[Any]]]:
        return list(self._handlers)

    def dispatch(self, store: Store, caller: Caller, command: Command[R], *, claim: Claim | None = None) -> R:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise RuntimeError(
                f"no handler for {type(command).__name__}: is its capability's handlers module imported?"
            )
        try:
            result: R = handler(store.uow(claim), caller, command)
        except MustRecord as refused:
            raise refused.record(store.uow(claim)) from None
        return result


COMMANDS = Registry()


def act(store: Store, team: str, handle: str, command: Command[R]) -> R:
    """``handle`` of ``team`` carries out ``command`` in this process (scripts, the demo, tests)."""
    return COMMANDS.dispatch(store, Caller(team, handle), command)


def as_json(result: Any) -> Any:
    """A result as its JSON body: ``as_dict()`` for the typed results; a list or a plain value as it is."""
    return result.as_dict() if hasattr(result, "as_dict") else result


def build(command: type[C], **values: Any) -> C:
    """The command from a form's or a command line's values. A value that does not fit is an ``InvalidInput``
    naming the field, as the API's 422 does."""
    try:
        return command(**values)
    except ValidationError as error:
        raise InvalidInput(describe(error), hint="check the value and try again") from None


def describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:20]:
        where = ".".join(str(part) for part in item.get("loc", ()))
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "the input is not valid"


# -- field types that carry their own validation (and say so in the OpenAPI document) -----------------------
# Used as ``Annotated[str, Text("title", 300)]``. A check raises ``InvalidInput`` (not ``ValueError``), so its
# message and hint reach a person as they are, from the API, a form or the command line alike.


# Control characters but tab and line breaks, and lone surrogates (JSON's "\ud800" escape makes one: it is
# half of a character, which no database stores and no response can encode as UTF-8).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # in a one-line value, line breaks and tabs too


def check_characters(kind: str, value: str, *, one_line: bool = False) -> str:
    """Refuse control characters (a NUL byte included: PostgreSQL cannot store one, SQLite would keep it
    silently), naming the value and where: one check for every command, on every database."""
    found = (LINE_CONTROL if one_line else CONTROL).search(value)
    if found is not None:
        code = ord(found.group())
        what = "a line break" if found.group() in "\r\n" else f"the control character U+{code:04X}"
        if 0xD800 <= code <= 0xDFFF:
            what = f"a lone surrogate U+{code:04X} (half of a character)"
        raise InvalidInput(
            f"the {kind} contains {what} at character {found.start() + 1}",
            hint="remove it" + ("" if one_line else " (line breaks and tabs are fine)"),
            field=kind,
        )
    return value


@dataclass(frozen=True)
class Text:
    """Free text, stripped (unless ``strip`` is off: a file is taken byte for byte); never empty unless
    ``empty``; at most ``limit`` characters."""

    kind: str
    limit: int
    empty: bool = False
    strip: bool = True
    hint: str = ""
    one_line: bool = False

    def check(self, value: str | None) -> str | None:
        if value is None:
            return None
        check_characters(self.kind, value.strip() if self.strip else value, one_line=self.one_line)
        if self.strip:
            value = value.strip()
        if not value.strip() and not self.empty:
            raise InvalidInput(f"the {self.kind} is empty", hint=self.hint or f"give a {self.kind}", field=self.kind)
        if len(value) > self.limit:
            raise InvalidInput(
                f"the {self.kind} is {len(value)} characters long; the limit is {self.limit}", field=self.kind
            )
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json = handler(schema)
        json.update({"maxLength": self.limit} | ({} if self.empty else {"minLength": 1}))
        return json


def check_name(kind: str, value: str) -> str:
    check_characters(kind, value, one_line=True)
    if not value or len(value) > 100 or not set(value) <= NAME_CHARS or value[0] == "-":
        raise InvalidInput(
            f"{kind} '{value}' is not a valid name",
            hint="use lowercase letters, digits and dashes, e.g. cost-of-delay",
            field=kind,
        )
    return value


@dataclass(frozen=True)
class Name:
    """A name people type: lowercase letters, digits and dashes, e.g. ``cost-of-delay``."""

    kind: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(lambda value: check_name(self.kind, value), handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json = handler(schema)
        json.update({"pattern": "^[a-z0-9][a-z0-9-]{0,99}$", "maxLength": 100, "examples": ["cost-of-delay"]})
        return json


@dataclass(frozen=True)
class OneOf:
    """An enum's value, refused in words: ``Annotated[Stance, OneOf("stance")]`` → "unknown stance 'maybe'"."""

    kind: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        values = [member.value for member in source]

        def check(value: Any) -> Any:
            if isinstance(value, str) and value not in values:
                check_characters(self.kind, value, one_line=True)
                choices = f"{', '.join(values[:-1])} or {values[-1]}"
                raise InvalidInput(f"unknown {self.kind} '{value}'", hint=f"say {choices}", field=self.kind)
            return value

        return core_schema.no_info_before_validator_function(check, handler(source))


@dataclass(frozen=True)
class Moment:
    """An aware date and time that can be held in UTC (``9999-12-31T23:59:59-01:00`` cannot: it is past the
    last representable instant once converted)."""

    kind: str

    def check(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise InvalidInput(
                f"the {self.kind} {value.isoformat()} is out of range", hint="give a real date", field=self.kind
            ) from None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


@dataclass(frozen=True)
class Zone:
    """An IANA time zone name (``Europe/Berlin``); ``None`` or empty is "the team's"."""

    kind: str = "time zone"

    def check(self, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        check_characters(self.kind, value, one_line=True)
        try:
            return check_zone(value.strip(), self.kind)
        except InvalidInput as unknown:  # named as the body names it: "time_zone: unknown time zone 'Mars'"
            raise InvalidInput(f"{self.kind}: {unknown.message}", hint=unknown.hint, field=self.kind) from None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json = handler(schema)
        json.update({"examples": ["Europe/Berlin"]})
        return json


@dataclass(frozen=True)
class Word:
    """A short identifier (a domain, a role, a basis) that the handler checks against the charter: one line,
    no control characters, 1 to ``limit`` characters."""

    limit: int = 100
    kind: str = "value"

    def check(self, value: str | None) -> str | None:
        if value is None:
            return None
        check_characters(self.kind, value, one_line=True)
        if not 1 <= len(value) <= self.limit:
            raise InvalidInput(f"the {self.kind} must be 1 to {self.limit} characters long", field=self.kind)
        return value

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json = handler(schema)
        target = next((item for item in json.get("anyOf", []) if item.get("type") == "string"), json)
        target.update({"minLength": 1, "maxLength": self.limit})
        return json
