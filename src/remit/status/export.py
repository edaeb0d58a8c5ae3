"""The static export: every public body the server answers from memory (``status/web.py``), written as files
at the paths it serves them, so nginx, a CDN or ``python -m http.server`` serves the same bytes.

Layout (``DIR`` is the web root): a team's page ``status/{team}/index.html``, its API
``status/{team}/api/v2/...``, its feeds ``status/{team}/history.atom`` and ``.rss``, its published bug board
``public/{team}/bugs/index.html``; the first team's also at the root paths (``status/index.html``,
``api/v2/...``, ``status/history.atom``, ``history.atom``); and ``static/remit.css``, which the pages load.

Each file is written to a temporary file beside it and renamed over it, so a reader never sees half a file;
a file whose bytes did not change is left alone (its modification time, hence a web server's ``ETag`` and
``Last-Modified``, stay). ``.remit-export`` lists what was written, so a file that is no longer public (an
unpublished board) is removed, and nothing else in ``DIR`` is ever touched."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from remit.status.feeds import FEEDS
from remit.status.web import BOARD, PAGE, Published
from remit.web.render import STATIC

log = logging.getLogger("remit.status")
MANIFEST = ".remit-export"
ASSETS = ("remit.css",)  # what the public pages load from /static/
DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # where `remit serve` says its links point when REMIT_BASE_URL is unset


def where(team: str, key: str, *, default: bool) -> list[str]:
    """The files (relative to the export's root) one of a team's bodies is served as."""
    if key == BOARD:
        return [f"public/{team}/bugs/index.html"]
    own = f"status/{team}"
    if key == PAGE:
        found = [f"{own}/index.html"], ["status/index.html"]
    elif key in FEEDS:
        found = [f"{own}/{key}"], [f"status/{key}", key]  # and at the root, where Statuspage has them
    else:  # a Statuspage v2 document
        found = [f"{own}/api/v2/{key}"], [f"api/v2/{key}"]
    return found[0] + (found[1] if default else [])


def files(published: Published) -> dict[str, bytes]:
    """Every file of the export, by its path: the bodies rendered so far and the assets."""
    found = {f"static/{name}": (STATIC / name).read_bytes() for name in ASSETS}
    for team, bodies in list(published.teams.items()):
        for key, body in bodies.items():
            for path in where(team, key, default=team == published.default):
                found[path] = body.content
    return found


@dataclass
class Written:
    """What one export did: the files it (re)wrote, those it removed, and how many it left as they were."""

    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def sentence(self) -> str:
        return (
            f"{len(self.changed)} written, {self.unchanged} unchanged, {len(self.removed)} removed"
            f" ({len(self.changed) + self.unchanged} files in all)"
        )


def _atomic(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        Path(temporary).chmod(0o644)  # readable by the web server's user, as any static file
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _inside(root: Path, relative: str) -> Path | None:
    path = (root / relative).resolve()
    return path if path.is_relative_to(root.resolve()) and relative else None


def write(root: Path, wanted: dict[str, bytes]) -> Written:
    """Make ``root`` hold ``wanted``: write what changed, remove what an earlier export wrote and is gone."""
    done = Written()
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in sorted(wanted.items()):
        target = root / relative
        try:
            same = target.read_bytes() == content
        except OSError:  # not there yet (or not a file: written over)
            same = False
        if same:
            done.unchanged += 1
            continue
        _atomic(target, content)
        done.changed.append(relative)
    manifest = root / MANIFEST
    earlier = manifest.read_text(encoding="utf-8").splitlines() if manifest.is_file() else []
    for relative in earlier:
        path = _inside(root, relative)
        if relative not in wanted and path is not None and path.is_file():
            path.unlink()
            done.removed.append(relative)
            if path.parent != root.resolve():
                with contextlib.suppress(OSError):  # its folder too, if that left it empty
                    path.parent.rmdir()
    listed = "".join(f"{relative}\n" for relative in sorted(wanted))
    if listed != "\n".join(earlier) + ("\n" if earlier else ""):
        _atomic(manifest, listed.encode())
    return done


def export(published: Published, root: Path) -> Written:
    """Write every team's public bodies to ``root`` (``published.render_all()`` first, where nothing is
    rendered yet)."""
    return write(root, files(published))


class Exporter:
    """Keeps ``root`` current for a running server: told after each rebuild of the public bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, published: Published) -> None:
        done = export(published, self.root)
        if done.changed or done.removed:
            log.info("status export written", extra={"folder": str(self.root), "changed": done.changed})
