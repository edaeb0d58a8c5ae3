"""A database that does not answer is a clear 503 (API and pages) and a clear CLI error, never a 400 or a
traceback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from remit.app import Settings, create_app
from remit.kernel.uow import Store
from remit.main import main

NOWHERE = "postgresql+psycopg://remit@127.0.0.1:1/nowhere?connect_timeout=2"


def test_the_api_and_the_pages_answer_503_when_the_database_is_down() -> None:
    store = Store(create_engine(NOWHERE))
    with TestClient(create_app(Settings(sweep_seconds=0), store=store)) as client:
        api = client.get("/api/v1/me", headers={"Authorization": "Bearer remit_anything"})
        assert api.status_code == 503
        assert api.json()["code"] == "database_unreachable"
        assert "does not answer" in api.json()["message"]
        page = client.get("/login")  # the sign-in form lists the teams: it reads the database
        assert page.status_code == 503
        assert "text/html" in page.headers["content-type"] and "does not answer" in page.text
        assert client.get("/readyz").status_code == 503  # not ready: the database does not answer
        assert client.get("/healthz").status_code == 200  # but the process is alive (no restart would help)
        status = client.get("/api/v2/summary.json")  # the public page: nothing rendered, nothing to serve
        assert status.status_code == 503 and "does not answer" in status.text


def test_the_cli_says_the_database_does_not_answer(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--database", NOWHERE, "--team", "checkout", "decision", "list"])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "the database at postgresql+psycopg://remit@127.0.0.1:1/nowhere" in err and "does not answer" in err
    assert "Traceback" not in err
