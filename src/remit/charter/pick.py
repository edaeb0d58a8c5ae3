"""Which charter a command reads: a preset, a file, or the team's charter file. Kept apart from the
``remit charter`` commands so that `remit who` and `remit resolve` read a charter without the command line's
framework (see ``remit/quick.py``)."""

from __future__ import annotations

from pathlib import Path

from remit.charter import Charter, load_preset, parse_charter
from remit.cli.context import read_file
from remit.kernel.errors import InvalidInput


def pick_charter(preset: str | None, charter: Path | None, default: Path) -> Charter:
    """--preset NAME, --charter FILE, or the team's charter file (in that order)."""
    if preset and charter:
        raise InvalidInput("give --preset or --charter, not both")
    if preset:
        return load_preset(preset)
    path = charter or default
    return parse_charter(read_file(path), str(path))
