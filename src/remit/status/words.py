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


def manage_lines(board: dict[str, Any]) -> list[str]:
    """The team's view (``remit status maintenance list``): components as set and as shown, maintenances."""
    zone = board.get("time_zone") or "UTC"
    lines = ["Components:" if board["components"] else "Components: none listed yet"]
    width = max((len(c["name"]) for c in board["components"]), default=0)
    for c in board["components"]:
        tags = [t for t in (c["group"] and f"in {c['group']}", c["private"] and "private") if t]
        shown = f"  {c['name'].ljust(width)}  {c['effective']}"
        if c["hand"] != "operational" or c["note"]:
            shown += f" (set by hand: {c['hand']}{'; ' + c['note'] if c['note'] else ''})"
        lines.append(shown + (f" [{', '.join(tags)}]" if tags else ""))
    lines.append("Maintenance:" if board["maintenances"] else "Maintenance: none scheduled")
    for m in board["maintenances"]:
        window = f"{times.exact(m['scheduled_for'], zone)} to {times.exact(m['scheduled_until'], zone)}"
        lines.append(f"  #{m['number']} {m['name']} — {m['status']}, {window}; {', '.join(m['components'])}")
        for u in reversed(m["updates"]):
            said = f": {u['text']}" if u["text"] else ""
            lines.append(
                f"    {times.exact(u['at'], zone)} {u['status']} ({'public' if u['public'] else 'internal'}){said}"
            )
    return lines
