"""The notification commands' handlers, and the reads behind the settings page and the deliveries page."""

from __future__ import annotations

from sqlalchemy import func, select

from remit.charter.enforce import Refusal, acting, domain_rights, team_charter
from remit.charter.model import PLACEHOLDER, Charter
from remit.charter.rights import MANAGING_DOMAINS, Action, Standing, denial
from remit.charter.tables import PersonRow
from remit.charter.teams import charter_from_text, current_version, on_roster
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import Conflict, InvalidInput, NotFound, RightsRefused
from remit.kernel.messages import Message
from remit.kernel.tables import OutboxRow, TeamRow
from remit.kernel.uow import UnitOfWork
from remit.notify.channels import CHOSEN, TOPIC_WORDS, checked_url, internal_target, masked, stranger
from remit.notify.commands import AddChannel, RemoveChannel, RetryDelivery, SetPreferences
from remit.notify.events import ChannelAdded, ChannelRemoved, DeliveryRequeued, NotifyPreferencesSet
from remit.notify.outbox import preferences
from remit.notify.tables import ChannelRow, DeliveryRow, ExpandedRow, PreferenceRow, State
from remit.notify.views import ChannelView, DeliveryView, Settings, Status

MAX_ADDED = 10  # channels a person adds in the app
SHOWN = 100  # deliveries the status lists of each kind


_person = on_roster  # the person whose settings an action changes


def _manager_denial(charter: Charter, handle: str) -> str | None:
    """Why ``handle`` may not see or re-queue the team's deliveries (None: they may): a key holder of the
    charter or of team-process, in any role the roster gives them."""
    person = charter.person(handle)
    roles = person.roles if person is not None else ()
    for name in MANAGING_DOMAINS:
        rights = charter.domain(name)
        if rights is not None and any(
            denial(Action.MANAGE_DELIVERIES, Standing(handle, role, rights)) is None for role in roles
        ):
            return None
    return f"{handle} holds no key in {' or '.join(MANAGING_DOMAINS)}"


@COMMANDS.handles(AddChannel)
def add_channel(uow: UnitOfWork, caller: Caller, command: AddChannel) -> ChannelView:
    url = checked_url(command.url)
    if PLACEHOLDER.search(url):  # the server's secrets go only where the team, adopting the charter, sends them
        raise InvalidInput(
            "url: a channel you add yourself cannot name a secret kept on the server (${NAME})",
            hint="write the channel's own token or password here: it is kept in the database and shown masked",
        )
    inside = internal_target(url)
    if inside is not None:  # the server would send to its own network on a team member's say-so
        raise InvalidInput(
            f"url: a channel you add yourself must reach a public address, not {inside}",
            hint="a channel inside your network belongs in the charter's roster (`notify = [...]` under your "
            "person), which the team reviews and adopts",
        )
    with uow:
        team, person = _person(uow, caller.team, caller.handle)
        mine = uow.session.scalars(
            select(ChannelRow).where(ChannelRow.person_id == person.id, ChannelRow.removed_at.is_(None))
        ).all()
        if any(row.url == url for row in mine):
            raise Conflict("you have this channel already")
        if len(mine) >= MAX_ADDED:
            raise InvalidInput(f"url: you have {len(mine)} channels, the most you can add", hint="remove one first")
        row = ChannelRow(team_id=team.id, person_id=person.id, url=url, shown=masked(url), added_at=uow.now)
        uow.session.add(row)
        uow.session.flush()
        uow.record(team, ChannelAdded(caller.handle, row.id, row.shown), actor=caller.handle)
        view = ChannelView(row.id, row.shown, "app")
        uow.commit(view)
        return view


@COMMANDS.handles(RemoveChannel)
def remove_channel(uow: UnitOfWork, caller: Caller, command: RemoveChannel) -> ChannelView:
    with uow:
        team, person = _person(uow, caller.team, caller.handle)
        row = uow.session.get(ChannelRow, command.channel_id, with_for_update=True)
        if row is None or row.person_id != person.id or row.removed_at is not None:
            raise NotFound(f"you have no channel {command.channel_id}", hint="GET /api/v1/me/notify lists yours")
        row.removed_at = uow.now
        uow.record(team, ChannelRemoved(caller.handle, row.id, row.shown), actor=caller.handle)
        view = ChannelView(row.id, row.shown, "app")
        uow.commit(view)
        return view


@COMMANDS.handles(SetPreferences)
def set_preferences(uow: UnitOfWork, caller: Caller, command: SetPreferences) -> Settings:
    topics = sorted({topic.value for topic in command.topics}, key=[topic.value for topic in CHOSEN].index)
    with uow:
        team, person = _person(uow, caller.team, caller.handle)
        row = uow.session.get(PreferenceRow, person.id, with_for_update=True)
        if row is None:
            row = PreferenceRow(person_id=person.id, topics=topics, digest=command.digest.value, updated_at=uow.now)
            uow.session.add(row)
        else:
            row.topics, row.digest, row.updated_at = topics, command.digest.value, uow.now
        uow.record(team, NotifyPreferencesSet(caller.handle, topics, command.digest.value), actor=caller.handle)
        uow.session.flush()
        settings = settings_of(uow, team, person)
        uow.commit(settings)
        return settings


@COMMANDS.handles(RetryDelivery)
def retry_delivery(uow: UnitOfWork, caller: Caller, command: RetryDelivery) -> DeliveryView:
    with uow:
        team = uow.team(caller.team)
        _version, charter = team_charter(uow, team)
        refused = _manager_denial(charter, caller.handle)
        if refused is not None:
            rights = domain_rights(charter, MANAGING_DOMAINS[0])
            actor = acting(uow, team, charter, rights, caller.handle)
            raise Refusal(
                team.name, actor, Action.MANAGE_DELIVERIES, rights.name, refused, hint="ask a key holder of the charter"
            )
        row = uow.session.get(DeliveryRow, command.delivery_id, with_for_update=True)
        if row is None or row.team_id != team.id:
            raise NotFound(
                f"no delivery {command.delivery_id} on team {team.name}", hint="`remit notify status` lists them"
            )
        if row.state != State.DEAD.value:
            raise Conflict(f"delivery {row.id} is {row.state}, not dead", hint="only a dead delivery is sent again")
        if stranger(row.url, charter):
            raise Conflict(
                f"delivery {row.id} names a secret kept on the server but its channel is not the charter's",
                hint="only a channel in the charter may name a secret (${NAME}); add the channel to the charter",
            )
        uow.record(team, DeliveryRequeued(row.id, row.shown, row.attempts), actor=caller.handle)
        row.state, row.attempts, row.due_at, row.last_error = State.PENDING.value, 0, uow.now, None
        view = delivery_view(row)
        uow.commit(view)
        return view


def settings_of(uow: UnitOfWork, team: TeamRow, person: PersonRow) -> Settings:
    charter = charter_from_text(current_version(uow, team).text)
    member = charter.person(person.handle)
    roster = [ChannelView(None, masked(url), "roster") for url in (member.notify if member else ())]
    added = uow.session.scalars(
        select(ChannelRow)
        .where(ChannelRow.person_id == person.id, ChannelRow.removed_at.is_(None))
        .order_by(ChannelRow.id)
    )
    wanted = preferences(uow.session.get(PreferenceRow, person.id))
    return Settings(
        handle=person.handle,
        channels=[*roster, *(ChannelView(row.id, row.shown, "app") for row in added)],
        topics=[topic.value for topic in CHOSEN if topic in wanted.topics],
        digest=wanted.digest.value,
        choices=[(topic.value, TOPIC_WORDS[topic]) for topic in CHOSEN],
        may_manage=_manager_denial(charter, person.handle) is None,
    )


def my_settings(*, uow: UnitOfWork, team: str, handle: str) -> Settings:
    with uow.reading():
        team_row, person = _person(uow, team, handle)
        return settings_of(uow, team_row, person)


def delivery_view(row: DeliveryRow) -> DeliveryView:
    return DeliveryView(
        id=row.id,
        key=row.key,
        recipient=row.recipient,
        channel=row.shown,
        subject=Message.from_dict(row.message).subject,
        state=row.state,
        attempts=row.attempts,
        created_at=row.created_at.isoformat(),
        due_at=row.due_at.isoformat(),
        sent_at=row.sent_at.isoformat() if row.sent_at else None,
        last_error=row.last_error,
    )


def status(*, uow: UnitOfWork, team: str, viewer: str | None = None) -> Status:
    """The team's deliveries: how many in each state, the dead ones and those being retried. ``viewer``: a
    person who must be allowed to see them (None: the operator, at the command line)."""
    with uow.reading():
        team_row = uow.team(team, lock=False)
        if viewer is not None:
            _version, charter = team_charter(uow, team_row)
            refused = _manager_denial(charter, viewer)
            if refused is not None:
                raise RightsRefused(f"refused: {refused}", hint="the deliveries page is for the charter's key holders")
        counts = {state.value: 0 for state in State}
        for state, count in uow.session.execute(
            select(DeliveryRow.state, func.count())
            .where(DeliveryRow.team_id == team_row.id)
            .group_by(DeliveryRow.state)
        ):
            counts[state] = count
        waiting = uow.session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .outerjoin(ExpandedRow, ExpandedRow.outbox_id == OutboxRow.id)
            .where(OutboxRow.team_id == team_row.id, ExpandedRow.outbox_id.is_(None))
        )

        def listed(*conditions: object) -> list[DeliveryView]:
            rows = uow.session.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.team_id == team_row.id, *conditions)  # type: ignore[arg-type]
                .order_by(DeliveryRow.id.desc())
                .limit(SHOWN)
            )
            return [delivery_view(row) for row in rows]

        dead = listed(DeliveryRow.state == State.DEAD.value)
        retrying = listed(DeliveryRow.state == State.PENDING.value, DeliveryRow.attempts > 0)
        return Status(team_row.name, counts, int(waiting or 0), dead, retrying)
