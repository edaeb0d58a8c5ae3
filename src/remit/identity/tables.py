"""Credentials: password hashes, web sessions, API tokens and sign-in links (secrets stored hashed).

Every column that holds a closed vocabulary is checked by the database against the domain's enum (see
migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from remit.kernel.tables import Base


class CredentialRow(Base):
    """A person's password, as an argon2id hash; never the password itself."""

    __tablename__ = "credentials"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class WebSessionRow(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiTokenRow(Base):
    """A person's token for scripts and pipelines: stored as a SHA-256 digest, shown once, revocable."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_person", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class LoginLinkRow(Base):
    """A one-time sign-in link (for a first sign-in or a forgotten password)."""

    __tablename__ = "login_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
