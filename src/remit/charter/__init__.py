"""The charter domain: rights per role per domain, presets, checks. Plain Python, no I/O beyond package data."""

from remit.charter.loader import parse_charter, read_charter
from remit.charter.model import (
    BASES,
    CHARTER_DOMAIN,
    DOMAINS,
    ROLES,
    Basis,
    Charter,
    DomainRights,
    Grant,
    Person,
    Right,
)
from remit.charter.presets import load_preset, preset_names
from remit.charter.problems import Problem

__all__ = [
    "BASES",
    "CHARTER_DOMAIN",
    "DOMAINS",
    "ROLES",
    "Basis",
    "Charter",
    "DomainRights",
    "Grant",
    "Person",
    "Problem",
    "Right",
    "load_preset",
    "parse_charter",
    "preset_names",
    "read_charter",
]
