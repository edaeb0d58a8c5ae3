"""The summary as the public sees it, in lines of text (``remit status show``): from the Statuspage v2
``summary.json`` document, whichever server or database it came from. Plain Python."""

from __future__ import annotations

from typing import Any

from remit.kernel import times


def summary_lines(summary: dict[str, Any]) -> list[str]:
    page = summary["page"]
    zone = page.get("time_zone") or "UTC"
    lines = [f"{page['name']}: {summary['status']['description']} (times in {zone}; {page['url']})"]
    components = summary["components"]
    width = max((len(c["name"]) for c in components), default=0)
    lines.append("Components:" if components else "Components: none listed yet")
    lines += [f"  {c['name'].ljust(width)}  {c['status']}" for c in components]
    incidents = summary["incidents"]
    lines.append("Open incidents:" if incidents else "Open incidents: none")
    for incident in incidents:
        lines.append(f"  {incident['name']} — {incident['status']}, {incident['impact']} impact")
        for update in incident["incident_updates"]:
            lines.append(f"    {times.exact(update['created_at'], zone)} {update['status']}: {update['body']}")
    return lines
