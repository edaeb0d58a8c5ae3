"""Incidents: severity, lifecycle, commander, timestamped public and internal updates, the PM's customer
impact, the postmortem link and the timings (docs/incidents.md)."""
