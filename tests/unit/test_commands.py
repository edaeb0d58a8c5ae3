"""Each action is one command with one handler, and the API's bodies and OpenAPI document are the commands'."""

from __future__ import annotations

import pytest

from remit import capabilities  # noqa: F401 - registers every handler
from remit.api.commands import ROUTES
from remit.app import Settings, create_app
from remit.decisions.commands import OpenDecision, RecordPosition
from remit.kernel.commands import COMMANDS, Command, build
from remit.kernel.errors import InvalidInput


def all_commands() -> set[type[Command[object]]]:
    found: set[type[Command[object]]] = set()
    pending = list(Command.__subclasses__())
    while pending:
        kind = pending.pop()
        pending += kind.__subclasses__()
        if kind.model_fields or kind.__doc__:
            found.add(kind)
    return {kind for kind in found if "[" not in kind.__name__}


def test_every_command_has_its_one_handler() -> None:
    handled = set(COMMANDS.commands())
    unhandled = [kind.__name__ for kind in all_commands() if kind not in handled and kind.__name__ != "EvidenceItem"]
    assert unhandled == []


def test_the_api_request_bodies_are_the_commands() -> None:
    document = create_app(Settings(sweep_seconds=0)).openapi()  # the app declares every route
    schemas = document["components"]["schemas"]
    assert ROUTES, "no command routes declared"
    for command, route in ROUTES.items():
        path = route.path.replace(":path}", "}")  # {key:path} (a bug's key may hold "/") is {key} in the document
        operation = document["paths"]["/api/v1" + path][route.method.lower()]
        fields = set(command.model_fields) - set(route.params) - {"source"}
        if not fields:
            assert "requestBody" not in operation, command.__name__
            continue
        reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert reference == f"#/components/schemas/{command.__name__}"
        assert set(schemas[command.__name__]["properties"]) == fields, command.__name__


def test_a_bad_value_is_the_same_clear_error_from_every_adapter() -> None:
    with pytest.raises(InvalidInput, match="the title is empty"):
        build(OpenDecision, domain="release", title="   ")
    with pytest.raises(InvalidInput, match="unknown stance 'maybe'"):
        build(RecordPosition, number=1, stance="maybe", reason="x")
    with pytest.raises(InvalidInput, match="number: Input should be greater than or equal to 1"):
        build(RecordPosition, number=0, stance="go", reason="x")
