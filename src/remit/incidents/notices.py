"""What an incident tells and asks, in the app and beyond it. "The PM is informed automatically on open and
at every severity change, and asked for customer-impact priority": the consulted roles are asked on open
(once: asked, not asked and told) and told of every later change; the informed roles are told of every
change; the team's own channels hear the opening, severity and status changes. Plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from remit.kernel.messages import Message


class NoticeKind(StrEnum):
    ASKED = "asked"  # the consulted role: customer impact, please
    TOLD = "told"  # for their information


class NoticeEvent(StrEnum):
    OPENED = "opened"
    SEVERITY = "severity"
    STATUS = "status"
    RESOLVED = "resolved"
    COMMANDER = "commander"  # the person named to run it


TOPICS = {
    (NoticeEvent.OPENED, NoticeKind.TOLD): "incident.opened",
    (NoticeEvent.OPENED, NoticeKind.ASKED): "incident.impact-asked",
    (NoticeEvent.SEVERITY, NoticeKind.TOLD): "incident.severity",
    (NoticeEvent.STATUS, NoticeKind.TOLD): "incident.status",
    (NoticeEvent.RESOLVED, NoticeKind.TOLD): "incident.resolved",
    (NoticeEvent.COMMANDER, NoticeKind.TOLD): "incident.commander",
}


@dataclass(frozen=True)
class Facts:
    """The incident as a message states it."""

    number: int
    title: str
    severity: str
    status: str
    commander: str
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class News:
    """What happened: the event, and the change in words ("sev3 → sev1")."""

    event: NoticeEvent
    change: str = ""


def headline(facts: Facts, news: News) -> str:
    n = f"Incident #{facts.number}"
    if news.event is NoticeEvent.OPENED:
        return f"{n} opened ({facts.severity}): {facts.title}"
    if news.event is NoticeEvent.SEVERITY:
        return f"{n} severity {news.change}: {facts.title}"
    if news.event is NoticeEvent.RESOLVED:
        return f"{n} resolved: {facts.title}"
    if news.event is NoticeEvent.COMMANDER:
        return f"{n} ({facts.severity}) is yours to run: {facts.title}"
    if facts.status == "postmortem":
        return f"{n} has its postmortem: {facts.title}"
    return f"{n} is {facts.status}: {facts.title}"


def message(facts: Facts, news: News, kind: NoticeKind, *, to: str | None, role: str = "") -> Message:
    """The notice as a message beyond the app, readable on its own, with the way back to the incident.
    ``to`` None addresses the team's own channels."""
    if kind is NoticeKind.ASKED:
        subject = f"Customer impact asked: incident #{facts.number} ({facts.severity}): {facts.title}"
        why = (
            f"You are consulted as {role} on customer-impact prioritization: which customers are hit, and what "
            "matters most to them. Answer on the incident's page or with `remit incident impact`. The commander "
            f"({facts.commander}) runs the incident; you are not asked to."
        )
    elif news.event is NoticeEvent.COMMANDER:
        subject = headline(facts, news)
        why = f"You were named its commander{news.change}: you run it now, its updates, severity and status."
    else:
        subject = headline(facts, news)
        why = f"You are told as {role}, for your information; nothing is asked of you." if to else ""
    lines = [f"{headline(facts, news)}.", f"Severity {facts.severity}, {facts.status}; commander {facts.commander}."]
    if facts.components:
        lines.append(f"Affected: {', '.join(facts.components)}.")
    if why:
        lines.append(why)
    return Message(
        topic=TOPICS[(news.event, kind)],
        subject=subject,
        lines=tuple(lines),
        link=f"/incidents/{facts.number}",
        to=to,
        asks=kind is NoticeKind.ASKED,
        facts=(
            ("Incident", f"#{facts.number}"),
            ("Severity", facts.severity),
            ("Status", facts.status),
            ("Commander", facts.commander),
        ),
    )
