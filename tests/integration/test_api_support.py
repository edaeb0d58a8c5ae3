"""What the API tests share (no tests here): the demo charter the expectations are read from, a picture of
every table to show what a request wrote, and the checks of the one error shape."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from remit.app import Settings, create_app
from remit.charter import Right
from remit.charter.tables import CrossingRow
from remit.charter.teams import charter_from_text
from remit.kernel.errors import RemitError
from remit.kernel.tables import AuditRow, Base
from remit.kernel.uow import Store
from remit.seed import demo_text
from tests.conftest import Api

DEMO = charter_from_text(demo_text())  # the charter `remit serve --demo` runs under: the default preset
ROLE = {handle: person.roles[0] for handle, person in DEMO.people.items()}  # one role each in the demo
ROSTER = list(ROLE.items())
# Columns a request may touch without writing to the ledger: the team's audit chain head (checked through
# the audit rows themselves) and a token's coarse last-used time.
BOOKKEEPING = {("teams", "audit_seq"), ("teams", "audit_head"), ("api_tokens", "last_used_at")}


def takes_part(role: str, domain: str) -> bool:
    """Decide, block, voice or consult: may open a decision and record a position or evidence."""
    grant = DEMO.domains[domain].grant(role)
    return grant is not None and grant.right.may_take_position


def holds_key(role: str, domain: str) -> bool:
    grant = DEMO.domains[domain].grant(role)
    return grant is not None and grant.right is Right.DECIDE


def may(allowed: bool) -> str:
    return "may" if allowed else "may not"


@dataclass(frozen=True)
class Ledger:
    """Every row of every table at one moment (less the bookkeeping columns), and the last audit entry."""

    tables: dict[str, frozenset[str]]
    seq: int

    @classmethod
    def of(cls, store: Store) -> Ledger:
        with store.engine.connect() as connection:
            tables = {
                table.name: frozenset(
                    repr(tuple(row))
                    for row in connection.execute(
                        select(*(c for c in table.c if (table.name, c.name) not in BOOKKEEPING))
                    )
                )
                for table in Base.metadata.sorted_tables
            }
            seq = connection.scalar(select(func.coalesce(func.max(AuditRow.seq), 0)))
        return cls(tables, int(seq or 0))

    def written(self, store: Store) -> dict[str, tuple[int, int]]:
        """Per table that changed since: (rows new or changed, rows gone or changed)."""
        now = Ledger.of(store)
        return {
            name: (len(now.tables[name] - rows), len(rows - now.tables[name]))
            for name, rows in self.tables.items()
            if rows != now.tables[name]
        }

    def audit_entries(self, store: Store) -> list[tuple[str, str]]:
        """The (kind, actor) of each audit entry appended since."""
        with store.engine.connect() as connection:
            query = select(AuditRow.kind, AuditRow.actor).where(AuditRow.seq > self.seq).order_by(AuditRow.seq)
            return [(kind, actor) for kind, actor in connection.execute(query)]

    def audit_kinds(self, store: Store) -> list[str]:
        return [kind for kind, _actor in self.audit_entries(store)]


def newest_crossing(store: Store) -> CrossingRow:
    with store.sessions() as session:
        return session.scalars(select(CrossingRow).order_by(CrossingRow.id.desc()).limit(1)).one()


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """An error in the API's one shape: ``{code, message, hint}``, JSON, with the given status and code."""
    assert response.status_code == status, f"{response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "hint"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["hint"], str), body
    return body


def assert_refused_and_recorded(
    store: Store, before: Ledger, response: httpx.Response, *, handle: str, action: str
) -> None:
    """403 rights_refused; the refusal is a recorded boundary crossing, and nothing else was written."""
    body = assert_problem(response, 403, "rights_refused")
    assert body["message"].startswith("refused: "), body
    assert before.written(store) == {"crossings": (1, 0), "audit_log": (1, 0)}
    assert before.audit_entries(store) == [("ActionRefused", handle)]
    crossing = newest_crossing(store)
    assert (crossing.refused, crossing.action, crossing.role) == (True, action, ROLE[handle])


def assert_allowed(store: Store, before: Ledger, response: httpx.Response, status: int) -> None:
    assert response.status_code == status, f"{response.status_code} {response.text[:300]}"
    assert "ActionRefused" not in before.audit_kinds(store)


def test_metrics_labels_stay_bounded_whatever_methods_and_paths_clients_send(api: Api) -> None:
    for number in range(30):
        api.client.request(f"MADEUP{number}", "/api/v1/queue")
        api.client.get(f"/no/such/path/{number}")
    metrics = api.client.get("/metrics").text
    assert "MADEUP" not in metrics and "/no/such/path" not in metrics
    assert 'method="other"' in metrics and 'route="unmatched"' in metrics


def test_every_response_says_nosniff(api: Api) -> None:
    for response in (
        api.client.get("/healthz"),
        api.client.get("/api/v1/queue"),  # a 401 problem
        api.client.get("/api/v1/queue", headers=api.as_("priya")),
        api.client.get("/login"),
        api.client.get("/nowhere"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff", response.url


def test_the_log_level_can_drop_the_line_per_request_leaving_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """`make serve` (the demo) keeps the terminal quiet: REMIT_LOG_LEVEL=warning drops the line per request and
    the worker's tallies, not the warnings and errors; a level that is no level is refused in words."""
    http = logging.getLogger("remit.http")
    monkeypatch.setenv("REMIT_LOG_LEVEL", "warning")
    create_app(Settings.from_env())
    assert not http.isEnabledFor(logging.INFO) and http.isEnabledFor(logging.WARNING)
    monkeypatch.setenv("REMIT_LOG_LEVEL", "INFO")
    create_app(Settings.from_env())
    assert http.isEnabledFor(logging.INFO)
    monkeypatch.setenv("REMIT_LOG_LEVEL", "loud")
    with pytest.raises(RemitError, match="REMIT_LOG_LEVEL is 'loud', not a log level"):
        Settings.from_env()
