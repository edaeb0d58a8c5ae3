"""Read a charter file (TOML) into a ``Charter``, finding every problem at once.

Each problem names the file, the key, what is wrong and how to fix it, so ``remit charter check`` can
print them all and a team can fix its file in one pass. The roster checks (peers, reporting chains) live
in ``charter.check``.
"""

from __future__ import annotations

import difflib
import tomllib
from typing import Any

from remit.charter.check import check_roster
from remit.charter.model import (
    BASES,
    BASIS_NAME,
    CHANNEL_URL,
    DOMAINS,
    MAX_CHANNELS,
    NOTIFY_AREAS,
    PLACEHOLDER,
    READ_ONLY_ROLES,
    ROLES,
    Charter,
    DomainRights,
    Grant,
    Person,
    Right,
)
from remit.charter.problems import Problem, toml_key
from remit.kernel.errors import CharterInvalid, InvalidInput
from remit.kernel.times import TEAM_DEFAULT, check_zone, did_you_mean


def _did_you_mean(word: str, choices: object) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)  # type: ignore[call-overload]
    return f"did you mean '{close[0]}'?" if close else ""


def _channel_shaped(url: str) -> bool:
    """A channel URL whose every ``${`` names a secret (``${SLACK_INCIDENTS}``), which it never needs to know."""
    return CHANNEL_URL.fullmatch(url) is not None and url.count("${") == len(PLACEHOLDER.findall(url))


class _Reader:
    """Walks the parsed TOML and collects problems instead of stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, key: str, what: str, fix: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.source, key, what, fix, severity))

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.problem(key, f"expected a table, found {type(value).__name__}", f"write it as [{key}]")
        return {}

    def text(self, value: Any, key: str, *, default: str = "") -> str:
        if value is None:
            return default
        if isinstance(value, str):
            return value
        self.problem(key, f"expected a string, found {value!r}", 'quote it: key = "text"')
        return default

    def names(self, value: Any, key: str) -> list[str]:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        self.problem(key, f"expected a list of names, found {value!r}", 'write it as ["a", "b"]')
        return []

    def channels(self, value: Any, key: str) -> tuple[str, ...]:
        """A list of notification channels: Apprise URLs (``slack://...``, ``mailto://...``). The shape only:
        which schemes can be delivered is the ``notify`` capability's check. A problem never quotes the URL,
        which may carry a secret. A ``${NAME}`` stands for a secret kept on the server; only its name is checked."""
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(key, "expected a list of channel URLs", 'write it as ["mailto://...", "slack://..."]')
            return ()
        if len(value) > MAX_CHANNELS:
            self.problem(key, f"{len(value)} channels, at most {MAX_CHANNELS}", "keep the ones people read")
        for index, url in enumerate(value, start=1):
            if not CHANNEL_URL.fullmatch(url):
                self.problem(
                    key,
                    f"channel {index} is not a channel URL",
                    "write it as scheme://..., e.g. mailto://smtp.example.com?to=priya@example.com or slack://T/B/C "
                    "(docs/notify.md lists the schemes)",
                )
            elif url.count("${") != len(PLACEHOLDER.findall(url)):
                self.problem(
                    key,
                    f"channel {index} has a '${{' that is not a secret's name",
                    "name a secret kept on the server as ${NAME}: capitals, digits and _, starting with a letter, "
                    "e.g. slack://${SLACK_INCIDENTS}, sent with REMIT_SECRET_SLACK_INCIDENTS (docs/notify.md)",
                )
        return tuple(url for url in value[:MAX_CHANNELS] if _channel_shaped(url))

    def unknown_keys(self, table: dict[str, Any], key: str, allowed: tuple[str, ...]) -> None:
        for name in table:
            if name not in allowed:
                hint = _did_you_mean(name, allowed)
                self.problem(
                    f"{key}.{toml_key(name)}" if key else toml_key(name),
                    "unknown key",
                    f"{hint} allowed here: {', '.join(allowed)}".strip(),
                )


def _read_zone(reader: _Reader, value: Any, key: str) -> str:
    """The team's time zone: an IANA name (default UTC)."""
    name = reader.text(value, key, default=TEAM_DEFAULT)
    try:
        return check_zone(name)
    except InvalidInput as unknown:
        fix = f'{did_you_mean(name)}write an IANA name, e.g. time_zone = "Europe/Berlin", or leave it out for UTC'
        reader.problem(key, unknown.message, fix)
        return TEAM_DEFAULT


def _read_grant(reader: _Reader, role: str, raw: Any, key: str, bases: frozenset[str]) -> Grant | None:
    if role not in ROLES:
        hint = _did_you_mean(role, ROLES)
        reader.problem(key, f"unknown role '{role}'", f"{hint} roles are: {', '.join(ROLES)}".strip())
        return None
    entry = reader.table(raw, key)
    reader.unknown_keys(entry, key, ("right", "on", "why", "note"))
    right_name = reader.text(entry.get("right"), f"{key}.right")
    try:
        right = Right(right_name)
    except ValueError:
        reader.problem(
            f"{key}.right",
            f"unknown right '{right_name}'" if right_name else "missing right",
            f"use one of: {', '.join(r.value for r in Right)}",
        )
        return None
    scope: frozenset[str] | None = None
    if "on" in entry:
        names = reader.names(entry["on"], f"{key}.on")
        for basis in names:
            if basis not in bases:
                hint = _did_you_mean(basis, bases)
                reader.problem(
                    f"{key}.on",
                    f"unknown basis '{basis}'",
                    f"{hint} bases are: {', '.join(sorted(bases))}; a team may add its own under "
                    "[vocabulary] bases".strip(),
                )
        scope = frozenset(names)
        if right not in (Right.DECIDE, Right.BLOCK):
            reader.problem(
                f"{key}.on",
                f"'{right.value}' carries no veto, so it has no bases",
                "remove 'on', or make the right 'block' if this role may stop the decision",
            )
    elif right is Right.BLOCK:
        reader.problem(f"{key}.on", "a block right must list its bases", 'add on = ["technical", ...]')
    why = reader.text(entry.get("why"), f"{key}.why")
    note = reader.text(entry.get("note"), f"{key}.note")
    if not why and not note:
        reader.problem(
            key,
            "this right says neither where it comes from nor why the team chose it",
            'add why = "the sentence it comes from" or note = "why we chose it"',
            severity="warning",
        )
    if role in READ_ONLY_ROLES and right is not Right.INFORM:
        reader.problem(
            f"{key}.right",
            f"{role} may only be informed, not given {right.value}",
            'stakeholders read, they never write: right = "inform"',
        )
    return Grant(role=role, right=right, bases=scope, why=why, note=note)


def _read_domains(
    reader: _Reader, raw: dict[str, Any], known: tuple[str, ...], bases: frozenset[str]
) -> dict[str, DomainRights]:
    domains: dict[str, DomainRights] = {}
    for name, body in raw.items():
        key = f"domains.{toml_key(name)}"
        if name not in known:
            hint = _did_you_mean(name, known)
            reader.problem(key, f"unknown domain '{name}'", f"{hint} or declare it under [vocabulary] domains".strip())
            continue
        table = reader.table(body, key)
        reader.unknown_keys(table, key, ("about", "rights"))
        grants: dict[str, Grant] = {}
        for role, entry in reader.table(table.get("rights", {}), f"{key}.rights").items():
            grant = _read_grant(reader, role, entry, f"{key}.rights.{toml_key(role)}", bases)
            if grant is not None:
                grants[role] = grant
        rights = DomainRights(name=name, about=reader.text(table.get("about"), f"{key}.about"), grants=grants)
        if not rights.deciders:
            reader.problem(
                f"{key}.rights",
                f"domain '{name}' has no decider, so no decision in it could ever be approved",
                'give one role right = "decide"',
            )
        domains[name] = rights
    return domains


def _read_people(reader: _Reader, raw: dict[str, Any]) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for handle, body in raw.items():
        key = f"people.{toml_key(handle)}"
        table = reader.table(body, key)
        reader.unknown_keys(table, key, ("name", "roles", "reports_to", "notify"))
        roles = reader.names(table.get("roles", []), f"{key}.roles")
        for role in roles:
            if role not in ROLES:
                hint = _did_you_mean(role, ROLES)
                reader.problem(
                    f"{key}.roles", f"unknown role '{role}'", f"{hint} roles are: {', '.join(ROLES)}".strip()
                )
        if not roles:
            reader.problem(f"{key}.roles", f"{handle} has no role", 'add roles = ["engineer"] (or the right one)')
        reports_to = table.get("reports_to")
        people[handle] = Person(
            handle=handle,
            name=reader.text(table.get("name"), f"{key}.name", default=handle),
            roles=tuple(role for role in roles if role in ROLES),
            reports_to=reader.text(reports_to, f"{key}.reports_to") or None,
            notify=reader.channels(table["notify"], f"{key}.notify") if "notify" in table else (),
        )
    return people


def read_charter(text: str, source: str = "remit.toml") -> tuple[Charter | None, list[Problem]]:
    """Parse a charter or preset file; returns the charter (if it could be built) and every problem found."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [
            Problem(source, "(file)", f"not valid TOML: {error}", "fix the syntax at the line and column given")
        ]
    return read_charter_data(raw, source)


MAX_STATUS_COMPONENTS = 100  # the public status page's components, listed in [status]


def _read_status(
    reader: _Reader, table: dict[str, Any]
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]], tuple[str, ...]]:
    """[status]: the components in the page's order, their groups (a component in one group at most), and the
    private ones (the team sees and sets them; the public never does). Every name is one of ``components``."""
    reader.unknown_keys(table, "status", ("components", "groups", "private"))
    components = reader.names(table.get("components", []), "status.components")
    if len(set(components)) != len(components) or len(components) > MAX_STATUS_COMPONENTS:
        reader.problem(
            "status.components",
            f"the components must be distinct names, at most {MAX_STATUS_COMPONENTS}",
            'write each once, e.g. components = ["checkout", "payments", "search"]',
        )
    listed = tuple(dict.fromkeys(components))
    groups: dict[str, tuple[str, ...]] = {}
    grouped: set[str] = set()
    for group, members in reader.table(table.get("groups", {}), "status.groups").items():
        key = f"status.groups.{toml_key(group)}"
        names = reader.names(members, key)
        if group in listed:
            reader.problem(key, f"'{group}' is a component and a group", "give the group another name")
        if not names or set(names) - set(listed) or set(names) & grouped or len(set(names)) != len(names):
            reader.problem(
                key,
                "a group lists one or more of [status] components, each once, none in another group",
                f'e.g. {toml_key(group)} = ["{listed[0] if listed else "api"}"], and list it in components',
            )
        grouped |= set(names)
        groups[group] = tuple(dict.fromkeys(n for n in names if n in listed))
    private = reader.names(table.get("private", []), "status.private")
    if set(private) - set(listed):
        reader.problem(
            "status.private",
            f"not in [status] components: {', '.join(sorted(set(private) - set(listed)))}",
            "list a private component in components too: the team sets it; the public never sees it",
        )
    return listed, {g: m for g, m in groups.items() if m}, tuple(dict.fromkeys(p for p in private if p in listed))


def read_charter_data(raw: dict[str, Any], source: str) -> tuple[Charter | None, list[Problem]]:
    """Build a charter from parsed TOML (presets arrive here with ``extends`` already merged)."""
    reader = _Reader(source)
    reader.unknown_keys(raw, "", ("team", "preset", "vocabulary", "domains", "people", "notify", "status"))
    head_key = "team" if "team" in raw else "preset"
    head = reader.table(raw.get(head_key, {}), head_key)
    if head_key not in raw:
        reader.problem("team", "missing [team] table", 'add [team] with name = "your-team"')
    reader.unknown_keys(head, head_key, ("name", "preset", "about", "reserve", "time_zone"))
    name = reader.text(head.get("name"), f"{head_key}.name")
    if not name:
        reader.problem(f"{head_key}.name", "missing name", 'add name = "checkout"')
    reserve = head.get("reserve", 0.20)
    if not isinstance(reserve, int | float) or isinstance(reserve, bool) or not 0 <= reserve <= 1:
        reader.problem(
            f"{head_key}.reserve", f"expected a share between 0 and 1, found {reserve!r}", "write reserve = 0.2"
        )
        reserve = 0.20
    time_zone = _read_zone(reader, head.get("time_zone"), f"{head_key}.time_zone")

    vocabulary = reader.table(raw.get("vocabulary", {}), "vocabulary")
    reader.unknown_keys(vocabulary, "vocabulary", ("bases", "domains"))
    custom_bases = reader.names(vocabulary.get("bases", []), "vocabulary.bases")
    for basis in custom_bases:
        if not BASIS_NAME.fullmatch(basis):
            reader.problem(
                "vocabulary.bases",
                f"'{basis}' is not a valid basis name",
                "use lowercase letters, digits and dashes (at most 50 characters), e.g. legal",
            )
    bases = frozenset(BASES) | frozenset(custom_bases)
    known = DOMAINS + tuple(reader.names(vocabulary.get("domains", []), "vocabulary.domains"))

    domains = _read_domains(reader, reader.table(raw.get("domains", {}), "domains"), known, bases)
    if "charter" not in domains and "domains" in raw:
        reader.problem(
            "domains.charter",
            "no 'charter' domain, so the charter itself could never be changed",
            "add [domains.charter] with the roles that decide on changes to this file",
        )
    people = _read_people(reader, reader.table(raw.get("people", {}), "people"))
    notify_table = reader.table(raw.get("notify", {}), "notify")
    reader.unknown_keys(notify_table, "notify", NOTIFY_AREAS)
    notify = {
        area: reader.channels(urls, f"notify.{toml_key(area)}")
        for area, urls in notify_table.items()
        if area in NOTIFY_AREAS
    }
    status_components, status_groups, status_private = _read_status(
        reader, reader.table(raw.get("status", {}), "status")
    )
    charter = Charter(
        name=name,
        preset=reader.text(head.get("preset"), f"{head_key}.preset") or (name if head_key == "preset" else None),
        about=reader.text(head.get("about"), f"{head_key}.about"),
        domains=domains,
        people=people,
        bases=bases,
        reserve=float(reserve),
        time_zone=time_zone,
        notify=notify,
        status_components=status_components,
        status_groups=status_groups,
        status_private=status_private,
    )
    if head_key == "team":
        reader.problems.extend(check_roster(charter, source))
    return charter, reader.problems


def parse_charter(text: str, source: str = "remit.toml") -> Charter:
    """Like ``read_charter`` but raises ``CharterInvalid`` listing every error (warnings pass)."""
    charter, problems = read_charter(text, source)
    errors = [problem for problem in problems if problem.severity == "error"]
    if charter is None or errors:
        raise CharterInvalid(
            f"{source} has {len(errors)} problem(s): " + "; ".join(str(problem) for problem in errors),
            list(errors),
            hint="run `remit charter check` to see each problem with its fix",
        )
    return charter
