"""A problem found in a charter file: what the loader and the roster checks both report, at a key of the file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_BARE = re.compile(r"[A-Za-z0-9_-]+")  # TOML's bare keys; JSON's string quoting is valid TOML for the rest


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    what: str
    fix: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.what} — {self.fix}"

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "key": self.key, "what": self.what, "fix": self.fix, "severity": self.severity}


def toml_key(name: str) -> str:
    """``name`` as one part of a dotted key: bare if TOML allows, else quoted (``people."mary.jones"``)."""
    return name if _BARE.fullmatch(name) else json.dumps(name, ensure_ascii=False)
