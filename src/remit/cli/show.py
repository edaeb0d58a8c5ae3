"""Rich renderings for people at a terminal (``--json`` gives the machine form)."""

from __future__ import annotations

LINE = {"blocked": "red", "consult": "dim", "crossing": "magenta"}  # the colours of words.account's lines
STYLE = {"approved": "bold green", "blocked": "bold red", "open": "yellow", "withdrawn": "dim", "expired": "dim"}


def state_text(state: str) -> str:
    return f"[{STYLE.get(state, '')}]{state}[/]"
