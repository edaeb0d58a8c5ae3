"""A person's own settings: the time zone they read and write times in. Only their own: the command names
nobody, so whoever sends it changes their own setting, and nobody else's."""

from __future__ import annotations

from sqlalchemy import select

from remit.charter.tables import PersonRow
from remit.charter.teams import charter_from_text, current_version
from remit.identity.commands import SetTimeZone
from remit.identity.events import TimeZoneSet
from remit.identity.views import TimeZoneView
from remit.kernel.commands import COMMANDS, Caller
from remit.kernel.errors import NotFound
from remit.kernel.uow import UnitOfWork


@COMMANDS.handles(SetTimeZone)
def set_time_zone(uow: UnitOfWork, caller: Caller, command: SetTimeZone) -> TimeZoneView:
    """Set the caller's own time zone (``None``: follow the team's). Recorded only when it changes."""
    with uow:
        team = uow.team(caller.team)
        person = uow.session.scalars(
            select(PersonRow).where(PersonRow.team_id == team.id, PersonRow.handle == caller.handle)
        ).one_or_none()
        if person is None or not person.active:
            raise NotFound(f"nobody called '{caller.handle}' is on team {caller.team}'s roster")
        if person.time_zone != command.time_zone:
            person.time_zone = command.time_zone
            uow.record(team, TimeZoneSet(person.handle, command.time_zone), actor=person.handle)
        view = TimeZoneView(person.time_zone, charter_from_text(current_version(uow, team).text).time_zone)
        uow.commit(view)
        return view
