"""The subscription commands' handlers, and the reads behind the team's view of its subscribers.

A stakeholder's action is recorded on the team's chain with the actor ``public`` and the masked address
only. Whatever happens to an address already known (pending, confirmed, ended), subscribing answers the same
sentence, so the form never tells a stranger whether an address is subscribed."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from remit.charter.enforce import acting, check, domain_rights, team_charter
from remit.charter.model import Charter
from remit.charter.rights import Action, Standing, denial
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import InvalidInput, NotFound, RightsRefused
from remit.kernel.messages import Message
from remit.kernel.tables import TeamRow
from remit.kernel.uow import UnitOfWork
from remit.notify.channels import internal_target
from remit.status import model
from remit.status.subscription_commands import (
    ConfirmSubscription,
    RemoveSubscriber,
    Subscribe,
    SubscriptionDone,
    Unsubscribe,
)
from remit.status.subscription_events import (
    StatusSubscribed,
    StatusSubscriberRemoved,
    StatusSubscriptionConfirmed,
    StatusUnsubscribed,
)
from remit.status.subscription_tables import LinkKeyRow, SubscriptionRow
from remit.status.subscriptions import (
    PENDING_FOR,
    PUBLIC,
    Address,
    BadLink,
    Kind,
    Purpose,
    State,
    check_token,
    chosen,
    digest,
    link_token,
    new_key,
    new_secret,
    parse_address,
    unsubscribe_secret,
)

DOMAIN = "incident-response"
SENT = "A confirmation link is on its way to {shown}: open it to start receiving notices"


def base_url() -> str:
    """Where the server is seen from outside (``REMIT_BASE_URL``): the links in subscribers' messages."""
    return (os.environ.get("REMIT_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")


def public_components(charter: Charter) -> tuple[str, ...]:
    """The components a stakeholder may choose: the ones the public page lists from the charter (never a
    private one)."""
    return tuple(name for name in charter.status_components if name not in charter.status_private)


def link_key(uow: UnitOfWork, team: TeamRow) -> str:
    row = uow.session.get(LinkKeyRow, team.id)
    if row is None:
        row = LinkKeyRow(team_id=team.id, key=new_key(), created_at=uow.now)
        uow.session.add(row)
        uow.session.flush()
    return row.key


def unsubscribe_url(key: str, team: TeamRow, row: SubscriptionRow) -> str:
    secret = unsubscribe_secret(key, team.name, row.id, row.unsubscribe_salt)
    return (
        f"{base_url()}/status/{team.name}/unsubscribe/{link_token(key, Purpose.UNSUBSCRIBE, team.name, row.id, secret)}"
    )


def page_json(team: TeamRow, charter: Charter) -> dict[str, Any]:
    return {"id": model.ident("page", team.name), "name": charter.name, "url": f"{base_url()}/status/{team.name}"}


def tell(uow: UnitOfWork, team: TeamRow, row: SubscriptionRow, message: Message) -> None:
    """``message`` to one subscriber, with its unsubscribe link (a webhook's document carries it in ``meta``)."""
    key = link_key(uow, team)
    leave = unsubscribe_url(key, team, row)
    data = None
    if message.data is not None:
        meta = {"unsubscribe": leave, "documentation": f"{base_url()}/status/{team.name}/subscribe"}
        data = {"meta": meta, **message.data}
    channel = Address(Kind(row.kind), row.address).channel
    uow.tell(team, replace(message, address=channel, unsubscribe=leave, data=data))


def _ask(uow: UnitOfWork, team: TeamRow, charter: Charter, row: SubscriptionRow, key: str) -> None:
    """A new confirmation secret and link, sent to the address; the pending subscription expires later."""
    secret = new_secret()
    row.confirm_digest, row.asked_at, row.expires_at = digest(secret), uow.now, uow.now + PENDING_FOR
    path = f"/status/{team.name}/confirm/{link_token(key, Purpose.CONFIRM, team.name, row.id, secret)}"
    which = ", ".join(row.components) or "every component"
    lines = (
        f"Someone (we hope you) asked to be told when {charter.name}'s status page changes ({which}).",
        f"Confirm here: {base_url()}{path}",
        f"The link works for {int(PENDING_FOR.total_seconds() // 3600)} hours. If you did not ask, do nothing: "
        "nothing more is sent.",
    )
    page = page_json(team, charter)
    confirm = {"url": base_url() + path, "expires_at": row.expires_at.isoformat()}
    tell(
        uow,
        team,
        row,
        Message(
            topic="status.confirm",
            subject=f"Confirm your subscription to {charter.name} status",
            lines=lines,
            link=path,
            data={"page": page, "subscription": {"state": "pending", "components": row.components}, "confirm": confirm},
        ),
    )


def _refuse_internal(address: Address) -> None:
    inside = internal_target(address.value) if address.kind is Kind.WEBHOOK else None
    if inside is not None:  # the server would post to its own network on a stranger's say-so
        raise InvalidInput(
            f"address: a webhook must reach a public address, not {inside}",
            hint="give a URL on the public internet",
            field="address",
        )


def _done(uow: UnitOfWork, row: SubscriptionRow, sentence: str) -> SubscriptionDone:
    """Commit the action, answering the subscription as it stands and ``sentence`` (the answer is kept with the
    write under an idempotency key, so a retried click hears the same)."""
    done = SubscriptionDone(row.id, row.state, row.shown, row.kind, list(row.components), sentence)
    uow.commit(done)
    return done


@COMMANDS.handles(Subscribe)
def subscribe(uow: UnitOfWork, caller: Caller, command: Subscribe) -> SubscriptionDone:
    address = parse_address(command.address)
    _refuse_internal(address)
    with uow:
        team = uow.team(caller.team)
        _version, charter = team_charter(uow, team)
        components = chosen(command.components, public_components(charter))
        key = link_key(uow, team)
        row = uow.session.scalars(
            select(SubscriptionRow).where(
                SubscriptionRow.team_id == team.id, SubscriptionRow.address_key == address.key
            )
        ).one_or_none()
        if row is not None and row.state == State.CONFIRMED.value:  # already receiving: say so to it, change nothing
            lines = (
                f"This address already receives {charter.name}'s status notices "
                f"({', '.join(row.components) or 'every component'}).",
                "To choose other components, unsubscribe with the link below, then subscribe again.",
            )
            subject = f"You are subscribed to {charter.name} status"
            data = {
                "page": page_json(team, charter),
                "subscription": {"state": "confirmed", "components": row.components},
            }
            tell(uow, team, row, Message("status.subscribed", subject, lines, f"/status/{team.name}", data=data))
            return _done(uow, row, SENT.format(shown=row.shown))
        if row is None:
            row = SubscriptionRow(
                team_id=team.id,
                kind=address.kind.value,
                address=address.value,
                address_key=address.key,
                created_at=uow.now,
            )
            uow.session.add(row)
        salt = new_secret() if row.state != State.PENDING.value else row.unsubscribe_salt
        row.shown, row.components, row.state = address.shown, components, State.PENDING.value
        row.unsubscribe_salt, row.confirmed_at, row.ended_at = salt, None, None
        row.asked_at, row.unsubscribe_digest = uow.now, ""
        uow.session.flush()
        row.unsubscribe_digest = digest(unsubscribe_secret(key, team.name, row.id, salt))
        _ask(uow, team, charter, row, key)
        uow.record(team, StatusSubscribed(row.id, row.kind, row.shown, list(components)), actor=PUBLIC)
        return _done(uow, row, SENT.format(shown=row.shown))


def _named(uow: UnitOfWork, team: TeamRow, key: str, purpose: Purpose, token: str) -> SubscriptionRow:
    """The subscription a signed link names, its secret checked against the stored digest, or ``BadLink``."""
    ident, secret = check_token(key, purpose, team.name, token)
    row = uow.session.get(SubscriptionRow, ident, with_for_update=not uow.read_only)
    stored = None
    if row is not None and row.team_id == team.id:
        stored = row.confirm_digest if purpose is Purpose.CONFIRM else row.unsubscribe_digest
    if row is None or stored is None or stored != digest(secret):
        raise BadLink(
            "this link is no longer valid: it belongs to an older subscription", hint="subscribe again on the page"
        )
    return row


def _by_link(uow: UnitOfWork, team: TeamRow, purpose: Purpose, token: str) -> SubscriptionRow:
    return _named(uow, team, link_key(uow, team), purpose, token)


@COMMANDS.handles(ConfirmSubscription)
def confirm(uow: UnitOfWork, caller: Caller, command: ConfirmSubscription) -> SubscriptionDone:
    with uow:
        team = uow.team(caller.team)
        row = _by_link(uow, team, Purpose.CONFIRM, command.token)
        if row.state == State.CONFIRMED.value:
            return _done(uow, row, f"{row.shown} is subscribed already")
        if row.state != State.PENDING.value or (row.expires_at is not None and row.expires_at <= uow.now):
            raise BadLink("this confirmation link has expired", hint="subscribe again on the page: a new link is sent")
        row.state, row.confirmed_at, row.expires_at = State.CONFIRMED.value, uow.now, None
        uow.record(team, StatusSubscriptionConfirmed(row.id, row.shown), actor=PUBLIC)
        which = ", ".join(row.components) or "every component"
        return _done(uow, row, f"{row.shown} is subscribed: notices of {which}")


@COMMANDS.handles(Unsubscribe)
def unsubscribe(uow: UnitOfWork, caller: Caller, command: Unsubscribe) -> SubscriptionDone:
    with uow:
        team = uow.team(caller.team)
        row = _by_link(uow, team, Purpose.UNSUBSCRIBE, command.token)
        if row.state == State.ENDED.value:
            return _done(uow, row, f"{row.shown} is unsubscribed already")
        _end(uow, row)
        uow.record(team, StatusUnsubscribed(row.id, row.shown), actor=PUBLIC)
        return _done(uow, row, f"{row.shown} is unsubscribed: nothing more will be sent to it")


def _end(uow: UnitOfWork, row: SubscriptionRow) -> None:
    row.state, row.ended_at, row.confirm_digest, row.expires_at = State.ENDED.value, uow.now, None, None


@COMMANDS.handles(RemoveSubscriber)
def remove_subscriber(uow: UnitOfWork, caller: Caller, command: RemoveSubscriber) -> SubscriptionDone:
    with uow:
        team = uow.team(caller.team)
        _version, charter = team_charter(uow, team)
        rights = domain_rights(charter, DOMAIN)
        who = acting(uow, team, charter, rights, caller.handle)
        check(team, Action.MANAGE_STATUS_SUBSCRIBERS, who, rights)
        row = uow.session.get(SubscriptionRow, command.subscription, with_for_update=True)
        if row is None or row.team_id != team.id or row.state == State.ENDED.value:
            raise NotFound(
                f"no subscriber {command.subscription} on team {team.name}'s status page",
                hint="`remit status subscribers list` shows them",
            )
        _end(uow, row)
        uow.record(team, StatusSubscriberRemoved(row.id, row.shown, who.role), actor=who.handle)
        return _done(uow, row, f"removed {row.shown}: nothing more will be sent to it")


@dataclass(frozen=True)
class SubscriberView:
    id: int
    kind: str
    shown: str
    state: str  # pending, confirmed (an expired pending one reads "expired")
    components: list[str]
    created_at: str
    confirmed_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _view(row: SubscriptionRow, now: datetime) -> SubscriberView:
    expired = row.state == State.PENDING.value and row.expires_at is not None and row.expires_at <= now
    return SubscriberView(
        row.id,
        row.kind,
        row.shown,
        "expired" if expired else row.state,
        list(row.components),
        row.created_at.isoformat(),
        row.confirmed_at.isoformat() if row.confirmed_at else None,
    )


@dataclass(frozen=True)
class Subscribers:
    """The team's view: each subscriber not ended, and how many confirmed ones hear of each component."""

    items: list[SubscriberView]
    per_component: dict[str, int]
    everything: int  # confirmed subscribers of every component

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": [item.as_dict() for item in self.items],
            "per_component": dict(self.per_component),
            "all_components": self.everything,
        }


def subscribers(*, uow: UnitOfWork, team: str, handle: str) -> Subscribers:
    """The status page's subscribers, for incident-response's key holders (others: ``RightsRefused``)."""
    with uow.reading():
        row = uow.team(team, lock=False)
        _version, charter = team_charter(uow, row)
        rights = domain_rights(charter, DOMAIN)
        who = acting(uow, row, charter, rights, handle)
        refused = denial(Action.MANAGE_STATUS_SUBSCRIBERS, Standing(who.handle, who.role, rights))
        if refused is not None:
            raise RightsRefused(refused.why, hint=refused.hint)
        rows = uow.session.scalars(
            select(SubscriptionRow)
            .where(SubscriptionRow.team_id == row.id, SubscriptionRow.state != State.ENDED.value)
            .order_by(SubscriptionRow.id)
        ).all()
        items = [_view(r, uow.now) for r in rows]
        confirmed = [item for item in items if item.state == State.CONFIRMED.value]
        everything = sum(not item.components for item in confirmed)
        per = {c: everything + sum(c in item.components for item in confirmed) for c in public_components(charter)}
        return Subscribers(items, per, everything)


@dataclass(frozen=True)
class Form:
    """What the public subscribe form offers: the page's name and its public components."""

    team: str
    name: str
    components: tuple[str, ...]


def subscribe_form(*, uow: UnitOfWork, team: str) -> Form:
    with uow.reading():
        row = uow.team(team, lock=False)
        _version, charter = team_charter(uow, row)
        return Form(row.name, charter.name, public_components(charter))


def link_holds(*, uow: UnitOfWork, team: str, purpose: Purpose, token: str) -> SubscriberView:
    """The subscription a link names, if the link is one we sent and still holds (else ``BadLink``): what the
    confirm and unsubscribe pages show before the button that acts. Reads never write: a team with no link
    key yet has sent no link."""
    with uow.reading():
        row_team = uow.team(team, lock=False)
        key = uow.session.get(LinkKeyRow, row_team.id)
        if key is None:
            raise BadLink("this link is not one we sent", hint="copy the whole link from the message")
        row = _named(uow, row_team, key.key, purpose, token)
        return _view(row, uow.now)
