"""The command line's side of checkpoints: ``remit audit checkpoint`` writes one, ``remit audit verify
--checkpoint FILE`` checks kept ones (through the backend: the local database, or the team's server)."""

from __future__ import annotations

from pathlib import Path

from remit.audit import checkpoints, keys
from remit.cli.context import Backend, Json, console, err_console


def check_files(backend: Backend, files: list[Path], public_key: Path | None) -> list[Json]:
    """Each kept checkpoint against the chain, as a report naming its file."""
    pem = None if public_key is None else keys.read_public(public_key)
    reports = []
    for path in files:
        kept = checkpoints.read(path)
        reports.append({"file": str(path), **backend.check_checkpoint(kept.as_dict(), str(path), pem)})
    return reports


def show(reports: list[Json]) -> None:
    for report in reports:
        where = f"checkpoint {report['file']} (team {report['team']}, entry {report['seq']}, signed {report['at']})"
        if report["ok"]:
            console.print(f"{where}: the chain still holds it")
        else:
            err_console.print(f"[bold red]{where}: refused[/]: {report['problem']}")


def write(checkpoint: Json, out: Path | None) -> None:
    kept = checkpoints.parse(checkpoint, "the checkpoint")  # what a server sent is checked like a file
    if out is None:
        console.print(checkpoints.dumps(kept), end="", markup=False)
        return
    checkpoints.save(kept, out)
    console.print(f"wrote {out}: {kept.describe()} by key {kept.key_id}")


def ensure_key() -> keys.SigningKey:
    """The signing key, created if there is none; said where it is (and how to back it up) when created."""
    key, created = keys.ensure()
    if created:
        console.print(f"created the checkpoint signing key [bold]{key.source}[/] (key id {key.id}, mode 0600)")
        console.print(keys.backup_advice(key))
    return key
