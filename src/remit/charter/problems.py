"""A problem found in a charter file: what the loader and the roster checks both report."""

from __future__ import annotations

from dataclasses import dataclass


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
