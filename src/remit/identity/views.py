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
