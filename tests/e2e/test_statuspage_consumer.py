"""Tools built for Atlassian Statuspage work unchanged against Remit: `statuspage-prometheus-exporter`
(PyPI, pinned in the dev extra) run once, as its README says to run it from cron, against a live
`remit serve --demo`; its Prometheus textfile must show the demo's components and open incident. And every
public Statuspage v2 endpoint of the live server has Statuspage's fields, no more, no fewer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.test_status import API, COMPONENT_KEYS, INCIDENT_KEYS, UPDATE_KEYS
from tests.live.server import LiveServer

EXPORTER = str(Path(sys.executable).with_name("statuspage-prometheus-exporter"))
SERVICE = "Remit demo"
# Statuspage v2's documents: each holds the page and one list (summary.json all of them, and the status)
DOCUMENTS = {
    "summary.json": {"page", "components", "incidents", "scheduled_maintenances", "status"},
    "status.json": {"page", "status"},
    "components.json": {"page", "components"},
    "incidents.json": {"page", "incidents"},
    "incidents/unresolved.json": {"page", "incidents"},
    "scheduled-maintenances.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/active.json": {"page", "scheduled_maintenances"},
}
PAGE_KEYS = {"id", "name", "url", "time_zone", "updated_at"}
MAINTENANCE_KEYS = INCIDENT_KEYS | {"scheduled_for", "scheduled_until"}
ENDED = {"resolved", "completed", "postmortem"}  # what the exporter counts as no longer active


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    where = tmp_path_factory.mktemp("consumer")
    live = LiveServer(f"sqlite:///{where}/remit.db", log=where / "server.log").start(timeout=120)  # seeds the demo
    try:
        yield live
    finally:
        live.stop()


def run_exporter(url: str, folder: Path) -> dict[str, list[tuple[dict[str, str], float]]]:
    """The exporter's one-shot mode: a services.json naming the summary URL, RUN_MODE=once, a textfile out.
    Its samples by metric name, as (labels, value)."""
    (folder / "services.json").write_text(
        f'{{"remit": {{"url": "{url}/api/v2/summary.json", "name": "{SERVICE}"}}}}', encoding="utf-8"
    )
    textfile = folder / "metrics" / "statuspage.prom"
    env = {
        **os.environ,
        "RUN_MODE": "once",
        "SERVICES_JSON_PATH": str(folder / "services.json"),
        "METRICS_TEXTFILE_PATH": str(textfile),
    }
    done = subprocess.run([EXPORTER], cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stderr.lower(), done.stderr  # it logs a failed fetch or parse and goes on
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(textfile.read_text(encoding="utf-8")):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def ours(samples: dict[str, list[tuple[dict[str, str], float]]], name: str) -> list[tuple[dict[str, str], float]]:
    return [(labels, value) for labels, value in samples.get(name, []) if labels.get("service_name") == SERVICE]


def test_the_statuspage_prometheus_exporter_reads_the_demo_as_it_reads_statuspage(
    server: LiveServer, tmp_path: Path
) -> None:
    summary = httpx.get(f"{server.url}/api/v2/summary.json").json()
    open_incidents = [i for i in summary["incidents"] if i["status"] not in ENDED]
    # the demo has something to see: a component not operational, an open incident on it
    assert any(c["status"] != "operational" for c in summary["components"]) and open_incidents

    samples = run_exporter(server.url, tmp_path)

    assert ours(samples, "statuspage_probe_check") == [({"service_name": SERVICE}, 1.0)]
    assert ours(samples, "statuspage_service_status") == [({"service_name": SERVICE}, 0.0)]  # not "none": down
    components = {labels["component_name"]: value for labels, value in ours(samples, "statuspage_component_status")}
    assert components == {c["name"]: float(c["status"] == "operational") for c in summary["components"]}
    incidents = {labels["incident_id"]: labels for labels, value in ours(samples, "statuspage_incident_info") if value}
    assert set(incidents) == {i["id"] for i in open_incidents}
    for incident in open_incidents:
        seen = incidents[incident["id"]]
        assert (seen["incident_name"], seen["impact"]) == (incident["name"], incident["impact"])
        assert seen["shortlink"] == incident["shortlink"] and seen["shortlink"].startswith(server.url + "/status")
        assert seen["affected_components"] == ", ".join(c["name"] for c in incident["components"])
    assert "Search results are slow" in {labels["incident_name"] for labels in incidents.values()}
    active = [m for m in summary["scheduled_maintenances"] if m["status"] not in {"completed", "cancelled"}]
    maintenance = {labels["maintenance_id"] for labels, value in ours(samples, "statuspage_maintenance_info") if value}
    assert maintenance == {m["id"] for m in active}


def test_every_public_document_has_statuspage_fields_and_no_others(server: LiveServer) -> None:
    assert set(DOCUMENTS) == set(API)
    for path, keys in DOCUMENTS.items():
        answer = httpx.get(f"{server.url}/api/v2/{path}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json"), path
        document: dict[str, Any] = answer.json()
        assert set(document) == keys, path
        assert set(document["page"]) == PAGE_KEYS, path
        for component in document.get("components", []):  # a group lists its members' ids, as Statuspage's do
            expected = COMPONENT_KEYS | {"components"} if component["group"] else COMPONENT_KEYS
            assert set(component) == expected, (path, component["name"])
        for incident in document.get("incidents", []):
            assert set(incident) == INCIDENT_KEYS, (path, incident["name"])
            for update in incident["incident_updates"]:
                assert set(update) == UPDATE_KEYS, (path, incident["name"])
            for component in incident["components"]:
                assert set(component) == COMPONENT_KEYS, (path, incident["name"])
        for maintenance in document.get("scheduled_maintenances", []):
            assert set(maintenance) == MAINTENANCE_KEYS, (path, maintenance["name"])
        if "status" in keys:
            assert set(document["status"]) == {"indicator", "description"}, path
