"""What the credential actions return: a token as its owner sees it (never its secret), and a new token with
its secret, shown once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    created_at: str
    expires_at: str | None
    last_used_at: str | None
    revoked: bool

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class NewToken:
    token: str  # shown once
    view: TokenView

    def as_dict(self) -> dict[str, object]:
        return {"token": self.token, **self.view.as_dict()}


@dataclass(frozen=True)
class EndedSessions:
    ended: int  # how many web sessions were still open

    @property
    def sentence(self) -> str:
        return f"{self.ended} web session{'' if self.ended == 1 else 's'} ended"

    def as_dict(self) -> dict[str, object]:
        return {"ended": self.ended}


@dataclass(frozen=True)
class TimeZoneView:
    """The zone a person reads times in: their own choice, else the team's."""

    own: str | None  # their choice (None: they follow the team's)
    team: str  # the team's, from the charter

    @property
    def zone(self) -> str:
        return self.own or self.team

    @property
    def sentence(self) -> str:
        return f"times are shown in {self.zone}" + ("" if self.own else " (the team's)")

    def as_dict(self) -> dict[str, object]:
        return {"time_zone": self.zone, "own_time_zone": self.own, "team_time_zone": self.team}
