"""The API against its own OpenAPI document: schemathesis generates requests for every operation, valid
and invalid, and checks that none gets a server error, every status is one the document declares, and every
response matches its declared schema and media type. Over SQLite, with the demo team and a valid token;
deterministic and bounded so it runs on every push.

(Driven through ``APIOperation.as_strategy`` and Hypothesis directly: schemathesis's pytest plugin renames
``request.node._nodeid``, which pytest 9 no longer has.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from remit.app import Settings, create_app
from remit.audit.keys import SigningKey
from remit.identity.commands import CreateToken
from remit.kernel.commands import act
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM, seed_demo
from tests.conftest import Clock

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 10  # per mode: 20 requests per operation that takes input
# Every operation in the document (building the app touches no database), valid requests for each, and
# invalid ones for each that takes any input.
DOCUMENT = create_app(Settings(sweep_seconds=0)).openapi()
RUNS = [
    pytest.param(method.upper(), path, mode, id=f"{method.upper()} {path} {mode.value}")
    for path, methods in DOCUMENT["paths"].items()
    for method, operation in methods.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or {"parameters", "requestBody", "security"} & set(operation)
]


class Fuzzed:
    """The app over a SQLite store holding the demo team, its schema, and priya's (the PM's) token: a
    decider in many domains, so generated writes reach deep into the services."""

    def __init__(self, store: Store) -> None:
        key = SigningKey(Ed25519PrivateKey.generate(), "schemathesis")  # the checkpoint routes sign and check
        self.app = create_app(Settings(sweep_seconds=0, signing_key=key), store=store)
        new = act(store, DEMO_TEAM, "priya", CreateToken(name="schemathesis"))
        self.token_id = new.view.id
        self.headers = {"Authorization": f"Bearer {new.token}"}
        self.schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", self.app)
        self.client = asgi.get_client(self.app)  # one client (and one lifespan) for the whole run


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'remit.db'}", migrate=True, clock=Clock())
    seed_demo(store)
    fuzzed = Fuzzed(store)
    with fuzzed.client:
        yield fuzzed
    store.close()


@pytest.mark.parametrize(("method", "path", "mode"), RUNS)
def test_the_operation_keeps_its_documented_contract(
    method: str, path: str, mode: GenerationMode, fuzzed: Fuzzed
) -> None:
    operation = fuzzed.schema[path][method]

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def calls(case: Any) -> None:
        # revoking the very token the run uses would turn every later call into a 401
        assume((case.path_parameters or {}).get("token_id") != fuzzed.token_id)
        case.call_and_validate(session=fuzzed.client, headers=fuzzed.headers, checks=CHECKS)

    calls()
