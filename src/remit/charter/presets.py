"""The presets that ship with Remit: data files in ``charter/presets/``.

A preset may say ``extends = "default"`` in its ``[preset]`` table; each ``[domains.X]`` it writes then
replaces that whole domain of its parent, and the rest is inherited. A team's own ``remit.toml`` is always
written out whole, so it never depends on a preset to be read.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

from remit.charter.loader import read_charter_data
from remit.charter.model import Charter
from remit.kernel.errors import CharterInvalid, NotFound


def preset_names() -> list[str]:
    folder = resources.files("remit.charter") / "presets"
    names = sorted(entry.name.removesuffix(".toml") for entry in folder.iterdir() if entry.name.endswith(".toml"))
    return ["default", *[name for name in names if name != "default"]]


def preset_data(name: str, *, _seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The preset's parsed TOML with its ``extends`` chain merged in."""
    if name not in preset_names():
        raise NotFound(f"no preset named '{name}'", hint=f"presets are: {', '.join(preset_names())}")
    if name in _seen:
        raise CharterInvalid(f"preset '{name}' extends itself through {' → '.join(_seen)}", [])
    text = (resources.files("remit.charter") / "presets" / f"{name}.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    head = dict(raw.get("preset", {}))
    parent = head.pop("extends", None)
    if parent is None:
        return raw
    merged = preset_data(parent, _seen=(*_seen, name))
    merged["preset"] = head
    merged["domains"] = {**merged.get("domains", {}), **raw.get("domains", {})}
    vocabulary = merged.setdefault("vocabulary", {})
    for key, names in raw.get("vocabulary", {}).items():
        vocabulary[key] = sorted({*vocabulary.get(key, []), *names})
    return merged


@functools.cache
def load_preset(name: str) -> Charter:
    charter, problems = read_charter_data(preset_data(name), f"preset {name}")
    errors = [problem for problem in problems if problem.severity == "error"]
    if charter is None or errors:  # a shipped preset with errors is a bug in Remit, caught by the tests
        raise CharterInvalid(f"preset '{name}' is invalid", list(errors))
    return charter
