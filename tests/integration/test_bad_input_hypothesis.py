"""Hostile input to every command route of the API, on SQLite and PostgreSQL: control characters (NUL
among them), lone surrogates, 1 MB strings, 500-deep JSON, huge and negative numbers, floats and NaN,
dates at year 0 and 9999 with offsets, wrong types and extra fields. Whatever comes, the answer is never a
5xx, and a refused request writes nothing (a recorded refusal writes only its crossing and audit entry).

The routes are ``api.commands.ROUTES``, and each body's strategy is derived from the command's own JSON
schema (its fields, their types, enums and nested models), so a new command is covered without a line
here."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from remit.api.commands import ROUTES, Route, body_model
from remit.app import Settings, create_app
from remit.kernel.tables import Base
from remit.kernel.uow import Store
from tests.conftest import DATABASES, Api, open_store

create_app()  # declares every capability's routes in ROUTES (touches no database)
COMMAND_ROUTES = sorted(ROUTES.values(), key=lambda route: (route.path, route.method))
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
REFUSAL_WRITES = {"crossings", "audit_log"}  # a recorded refusal (403) is on the record, and only there

# -- hostile values, for any field ---------------------------------------------------------------------
WORDS = ["release", "charter", "engineering-hiring", "go", "no-go", "technical", "pm", "em", "cost-of-delay:pm"]


def nested(depth: int, leaf: Any = "x") -> Any:
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


controls = st.text(
    st.characters(categories=["Cc", "Cs"]) | st.sampled_from("\x00\x1b\x7f\x85\u2028"), min_size=1, max_size=5
)
control_text = st.tuples(st.text(max_size=5), controls, st.text(max_size=5)).map("".join)
lone_surrogate = st.tuples(
    st.sampled_from(WORDS), st.integers(0xD800, 0xDFFF).map(chr), st.sampled_from(["", " x"])
).map("".join)
huge_text = st.sampled_from(["x" * 1_000_001, "é" * 600_000, "go " * 200_000])
deep = st.sampled_from([nested(500), nested(400, leaf=1), "[" * 500 + "]" * 500])
huge_numbers = st.sampled_from([0, -1, 2**31, -(2**31) - 1, 2**63, 10**400, -(10**30)])
odd_floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e308, -0.0, 1.5])
dates = st.sampled_from(
    [
        "0000-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:59:59.999999-23:59",
        "9999-12-31T23:59:59+14:00",
        "2026-02-30T12:00:00Z",
        "2026-11-02T09:00:00",
        "2026-11-02T25:61:61+99:99",
        "1970-01-01",
        "",
    ]
)
wrong_types = st.sampled_from([None, True, False, [], {}, "1", 1, 0.5, ["go"], {"$ref": "#"}])
hostile = st.one_of(control_text, lone_surrogate, huge_text, deep, huge_numbers, odd_floats, dates, wrong_types)

# -- plausible values, from a field's JSON schema (so that some bodies get past the types to the handler) --


def plausible(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return plausible(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([plausible(option, defs) for option in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "string" and schema.get("format") == "date-time":
        return dates | st.datetimes(timezones=st.timezones()).map(lambda moment: moment.isoformat())
    if kind == "string":
        return st.sampled_from(WORDS) | st.text(max_size=30)
    if kind == "integer":
        return st.integers(min_value=-3, max_value=12) | huge_numbers
    if kind == "array":
        return st.lists(plausible(schema.get("items", {}), defs) | hostile, max_size=3)
    if kind == "object":
        return body(schema, defs)
    if kind == "null":
        return st.none()
    return hostile


def body(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """An object for ``schema``: each field plausible or hostile, some left out, sometimes a field too many."""
    fields = {name: plausible(sub, defs) | hostile for name, sub in schema.get("properties", {}).items()}
    return st.fixed_dictionaries(
        {name: value for name, value in fields.items() if name in schema.get("required", [])},
        optional={name: value for name, value in fields.items() if name not in schema.get("required", [])}
        | {"unexpected": hostile},
    )


def request_bodies(route: Route) -> st.SearchStrategy[Any]:
    schema = body_model(route.command, tuple(route.params)).model_json_schema()
    return body(schema, schema.get("$defs", {})) | hostile  # now and then not an object at all


# Path values: real numbers (decision 1 is settled, 2 open, rule 1 in force) and ones nobody has. Token ids
# are never small: revoking the caller's own token would leave every later example a 401.
PATHS = {"number": [1, 2, 4, 0, -1, 2**31, 10**20, "x"], "rule_id": [1, 0, 2**31, "1e3"]}
PATHS["token_id"] = [10**6, 0, -5, 2**63, "x"]
PATHS["channel_id"] = [1, 0, -5, 2**31, "x"]
PATHS["delivery_id"] = [1, 0, -5, 2**63, "x"]
PATHS["subscription"] = [1, 0, -5, 2**31, "x"]
PATHS["key"] = ["CHK-142", "NOPE-1", "panjf2000/ants#31", "../../etc", "x" * 300, "", "\u0000"]  # a bug's key
PATHS["component"] = ["search", "ledger-db", "nope", "x" * 300, "..", "a b"]  # a status page component


def url(route: Route, values: dict[str, Any]) -> str:
    """The route's path with each value in its place, percent-encoded as one segment (as a client sends it)."""
    return "/api/v1" + re.sub(
        r"\{(\w+)(?::\w+)?\}", lambda found: quote(str(values[found.group(1)]), safe=""), route.path
    )


@pytest.fixture(scope="module", params=DATABASES)
def hostile_api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The demo team on one database for the whole module (each example measures its own writes)."""
    store = open_store(request, request.param, tmp_path_factory.mktemp("hostile"), demo=True)
    with TestClient(create_app(Settings(sweep_seconds=0), store=store)) as client:
        yield Api(client, store)
    store.close()


# -- what was written --------------------------------------------------------------------------------------


def counts(store: Store) -> dict[str, int]:
    """Every table's row count and the teams' chain heads, in one read."""
    tables = Base.metadata.sorted_tables
    query = select(*(select(func.count()).select_from(table).scalar_subquery() for table in tables))
    with store.engine.connect() as connection:
        found = dict(zip([table.name for table in tables], connection.execute(query).one(), strict=True))
        heads = connection.execute(select(func.sum(Base.metadata.tables["teams"].c.audit_seq))).scalar_one()
    return found | {"audit_seq": int(heads)}


@pytest.mark.parametrize("route", COMMAND_ROUTES, ids=lambda route: f"{route.method} {route.path}")
@EXAMPLES
@given(data=st.data())
def test_hostile_input_to_a_command_is_never_a_5xx_and_a_refusal_writes_nothing(
    hostile_api: Api, route: Route, data: st.DataObject
) -> None:
    api = hostile_api
    values = {name: data.draw(st.sampled_from(PATHS[name]), label=name) for name in route.params}
    sent = data.draw(request_bodies(route), label="body")
    content = json.dumps(sent, allow_nan=True)  # NaN and Infinity too: not JSON, and must be refused as such
    headers = api.as_("priya") | {"Content-Type": "application/json"}  # the token made before counting
    before = counts(api.store)
    answer = api.client.request(
        route.method, url(route, values), content=content.encode("utf-8", "surrogatepass"), headers=headers
    )
    event(f"HTTP {answer.status_code}")
    assert answer.status_code < 500, answer.text[:500]
    assert answer.json()["code"] if answer.status_code >= 400 else True
    if answer.status_code < 400:
        return
    after = counts(api.store)
    changed = {name for name in before if before[name] != after[name]}
    if answer.status_code == 403 and answer.json()["code"] == "rights_refused":
        assert changed <= REFUSAL_WRITES | {"audit_seq"}, changed
        assert after["audit_seq"] - before["audit_seq"] <= 1 + (after["crossings"] - before["crossings"])
    else:
        assert not changed, f"{answer.status_code} {answer.text[:200]} yet {changed} changed"


def test_a_lone_surrogate_is_a_422_naming_the_field_not_a_500(hostile_api: Api) -> None:
    """What this test first found: JSON's "\\ud800" is half a character, which no database stores and no
    answer can encode; it was a 500 on both databases (and an unknown stance echoed it into the error)."""
    headers = hostile_api.as_("priya") | {"Content-Type": "application/json"}
    for path, sent, field in [
        ("/api/v1/decisions", {"domain": "release", "title": "a\ud800b"}, "title"),
        ("/api/v1/decisions/2/positions", {"stance": "\udfff", "reason": "x"}, "stance"),
    ]:
        before = counts(hostile_api.store)
        answer = hostile_api.client.post(path, content=json.dumps(sent), headers=headers)
        assert answer.status_code == 422 and f"the {field} contains a lone surrogate" in answer.json()["message"]
        assert counts(hostile_api.store) == before
