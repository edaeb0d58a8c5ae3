"""Panels other capabilities contribute to shared pages, so a page can show what a capability it must not
import has to say: the queue page (in ``decisions``) shows an "Incidents" panel that ``incidents`` registers.
An incident's page likewise shows the bugs linked to it, a panel ``tracker`` registers. A panel maker gets the
request and the signed-in viewer (and the incident's number) and returns a rendered panel, or None for none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from markupsafe import Markup

from remit.kernel.commands import SignedIn


@dataclass(frozen=True)
class Panel:
    key: str  # a slug, for the section's ids
    title: str
    html: Markup  # rendered by its capability, autoescaped
    count: int = 0


PanelMaker = Callable[[Request, SignedIn], Panel | None]
QUEUE_PANELS: list[PanelMaker] = []
IncidentPanelMaker = Callable[[Request, SignedIn, int], Panel | None]  # (..., the incident's number)
INCIDENT_PANELS: list[IncidentPanelMaker] = []


def queue_panel(maker: PanelMaker) -> PanelMaker:
    """Register ``maker`` as a panel of the queue page (in the order registered)."""
    if maker not in QUEUE_PANELS:
        QUEUE_PANELS.append(maker)
    return maker


def queue_panels(request: Request, who: SignedIn) -> list[Panel]:
    return [panel for maker in QUEUE_PANELS if (panel := maker(request, who)) is not None]


def incident_panel(maker: IncidentPanelMaker) -> IncidentPanelMaker:
    """Register ``maker`` as a panel of an incident's page: the bug board's "Linked bugs" (``tracker``)."""
    if maker not in INCIDENT_PANELS:
        INCIDENT_PANELS.append(maker)
    return maker


def incident_panels(request: Request, who: SignedIn, number: int) -> list[Panel]:
    return [panel for maker in INCIDENT_PANELS if (panel := maker(request, who, number)) is not None]
