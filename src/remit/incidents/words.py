"""Incidents in words, for the pages and the terminal alike. Plain Python."""

from __future__ import annotations

from typing import Any

from remit.incidents.model import Severity, Status
from remit.incidents.timings import duration

STATUS_WORDS = {
    Status.INVESTIGATING: "being investigated",
    Status.IDENTIFIED: "identified: the cause is known",
    Status.MONITORING: "mitigated and being monitored",
    Status.RESOLVED: "resolved",
    Status.POSTMORTEM: "resolved, with its postmortem",
}


def state_sentence(incident: dict[str, Any]) -> str:
    """ "Incident #3 is sev2 (major), identified: the cause is known; commander ezra; affects checkout." """
    severity = Severity(incident["severity"])
    parts = [f"Incident #{incident['number']} is {severity.value} ({severity.impact} impact)"]
    parts.append(STATUS_WORDS[Status(incident["status"])])
    said = ", ".join(parts) + f"; commander {incident['commander']}"
    if incident.get("components"):
        said += f"; affects {', '.join(incident['components'])}"
    return said + "."


def change(entry: dict[str, Any]) -> str:
    """What a timeline line changed: "opened at sev2", "status investigating → identified", ..."""
    kind = entry["kind"]
    if kind == "opened":
        return f"opened at {entry['severity']}, {entry['status']}"
    if kind == "commander":
        return str(entry["text"])
    if kind == "impact":
        return "customer impact answered"
    if kind == "postmortem":
        return "postmortem linked"
    moved = []
    if entry.get("status_from"):
        moved.append(f"status {entry['status_from']} → {entry['status']}")
    if entry.get("severity_from"):
        moved.append(f"severity {entry['severity_from']} → {entry['severity']}")
    return "; ".join(moved) or "update"


def timings_line(timings: dict[str, float | None]) -> str:
    return (
        f"acknowledged {duration(timings['acknowledge'])} · mitigated {duration(timings['mitigate'])} · "
        f"resolved {duration(timings['resolve'])} after opening"
    )


def concern(kind: str, event: str, role: str) -> str:
    """What an incident asked or told a person, in words."""
    if kind == "asked":
        return f"your view on customer impact is asked (as {role})"
    if event == "commander":
        return "you were named its commander: you run it now"
    told = {"opened": "opened", "severity": "its severity changed", "status": "its status changed"}
    return f"told as {role}: {told.get(event, 'resolved')}"
