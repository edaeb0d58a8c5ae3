"""``remit bugs``: import issues into the team's bug board (from a file, or a tracker's API with a token), list
and search the board, publish it. Parse, ask the backend, render.

Heavy modules (the HTTP client, the commands, the database stack) load inside the commands that use them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from remit.cli.context import console, ctx, emit_json, err_console
from remit.kernel.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from remit.integrations.issues import Parsed, Source

bugs = typer.Typer(no_args_is_help=True, help="The team's bug board: import from GitHub or Jira, list, publish.")
imports = typer.Typer(no_args_is_help=True, help="Import issues from a file or a tracker's API (incremental).")
bugs.add_typer(imports, name="import")

As = Annotated[
    str | None, typer.Option("--as", help="who acts (a handle on the roster); with --server, the token's person")
]
FileArg = Annotated[Path | None, typer.Argument(help="an export file (JSON, JSON lines, .gz)", show_default=False)]
Json = Annotated[bool, typer.Option("--json")]
SHOWN_UNREADABLE = 20


@contextmanager
def _progress(what: str) -> Iterator[Callable[[int, int | None], None]]:
    """A progress bar on stderr (quiet when it is not a terminal); yields the function that advances it."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task(what, total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _read(path: Path, source: Source) -> Parsed:
    from remit.integrations import github, jira

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"no file {path}", hint="give the path of the export") from None
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error}") from None
    reader = github.read if source.value == "github" else jira.read
    with _progress(f"reading {path.name}") as advance:
        parsed = reader(data, str(path))
        advance(1, 1)
    return parsed


def _send(
    typer_ctx: typer.Context, source: Source, origin: str, parsed: Parsed, actor: str | None, json_out: bool
) -> None:
    from remit.tracker.commands import import_command

    backend = ctx(typer_ctx).backend()
    command = import_command(source, origin, parsed)
    with _progress(f"importing {len(command.issues)} issues") as advance:
        result = backend.act(backend.actor(actor), command)
        advance(1, 1)
    if json_out:
        emit_json(result)
        return
    console.print(f"imported {result['sentence']}")
    for row in result["unreadable"][:SHOWN_UNREADABLE]:
        console.print(f"  not read: {row['where']}: {row['reason']}")
    if len(result["unreadable"]) > SHOWN_UNREADABLE:
        console.print(f"  … and {len(result['unreadable']) - SHOWN_UNREADABLE} more (--json lists them all)")


def _token(variable: str) -> str | None:
    token = os.environ.get(variable, "").strip()
    return token or None


@imports.command("github")
def import_github(
    typer_ctx: typer.Context,
    file: FileArg = None,
    repo: Annotated[str | None, typer.Option("--repo", help="OWNER/NAME: read GitHub's API instead of a file")] = None,
    token_env: Annotated[
        str, typer.Option("--token-env", help="the environment variable holding the token")
    ] = "GITHUB_TOKEN",  # noqa: S107 - the name of a variable, not a token
    api_url: Annotated[str, typer.Option("--api-url", help="GitHub's API (GitHub Enterprise: its /api/v3)")] = (
        "https://api.github.com"
    ),
    actor: As = None,
    json_out: Json = False,
) -> None:
    """Import GitHub issues (pull requests are skipped and counted) from FILE or from --repo's API."""
    from remit.integrations.issues import Source

    if (file is None) == (repo is None):
        raise InvalidInput("give an export FILE or --repo OWNER/NAME, not both", hint="e.g. --repo panjf2000/ants")
    if repo is None:
        assert file is not None  # noqa: S101 - one of the two, checked above
        _send(typer_ctx, Source.GITHUB, file.name, _read(file, Source.GITHUB), actor, json_out)
        return
    from remit.integrations.clients import GitHubClient

    token = _token(token_env)
    if token is None:
        err_console.print(f"no token in ${token_env}: reading as a guest (GitHub allows 60 requests an hour)")
    with GitHubClient(token, base_url=api_url) as client, _progress(f"reading {repo}'s issues") as advance:
        parsed = client.issues(repo, advance)
    _send(typer_ctx, Source.GITHUB, f"github.com/{repo}", parsed, actor, json_out)


@imports.command("jira")
def import_jira(
    typer_ctx: typer.Context,
    file: FileArg = None,
    url: Annotated[str | None, typer.Option("--url", help="the Jira site, e.g. https://issues.apache.org/jira")] = None,
    jql: Annotated[
        str | None, typer.Option("--jql", help="which issues, e.g. 'project = STORM AND type = Bug'")
    ] = None,
    token_env: Annotated[
        str, typer.Option("--token-env", help="the variable holding a token (or EMAIL:TOKEN for Jira Cloud)")
    ] = "JIRA_TOKEN",  # noqa: S107 - the name of a variable, not a token
    actor: As = None,
    json_out: Json = False,
) -> None:
    """Import Jira issues from FILE (an issue, a search response, JSON lines, .gz) or from --url's search API."""
    from remit.integrations.issues import Source

    if (file is None) == (url is None):
        raise InvalidInput("give an export FILE or --url URL --jql JQL, not both", hint="e.g. --jql 'type = Bug'")
    if url is None:
        assert file is not None  # noqa: S101 - one of the two, checked above
        _send(typer_ctx, Source.JIRA, file.name, _read(file, Source.JIRA), actor, json_out)
        return
    if not jql or not jql.strip():
        raise InvalidInput(
            "--url needs --jql: which issues to import", hint="e.g. --jql 'project = STORM AND type = Bug'"
        )
    from remit.integrations.clients import JiraClient

    with JiraClient(url, _token(token_env)) as client, _progress("searching Jira") as advance:
        parsed = client.search(jql, advance)
    _send(typer_ctx, Source.JIRA, f"{url.rstrip('/')} ({jql})"[:500], parsed, actor, json_out)


@bugs.command("list")
def list_bugs(
    typer_ctx: typer.Context,
    q: Annotated[str, typer.Option("--q", help="words or a key, e.g. STORM-10")] = "",
    label: Annotated[str, typer.Option("--label")] = "",
    component: Annotated[str, typer.Option("--component")] = "",
    customer: Annotated[str, typer.Option("--customer")] = "",
    status: Annotated[str, typer.Option("--status", help="open, in-progress or done")] = "",
    incident: Annotated[
        int | None, typer.Option("--incident", min=1, help="only the bugs linked to this incident")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 50,
    json_out: Json = False,
) -> None:
    """The team's bug board: where each bug stands, and its incident, most recently updated first."""
    asked: dict[str, Any] = {"q": q, "label": label, "component": component, "customer": customer}
    asked |= {"status": status, "incident": incident}
    found = ctx(typer_ctx).backend().bugs({**asked, "limit": limit})
    if json_out:
        emit_json(found)
        return
    _print_board(found)


def _print_board(found: dict[str, Any]) -> None:
    items = found["items"]
    counts = ", ".join(f"{count} {category}" for category, count in found["counts"].items())
    console.print(f"{found['total']} bugs ({counts}); the first {len(items)}:")
    for bug in items:
        who = bug["assignee"] or f"team {found['team']}"
        console.print(
            f"{bug['key']:<18} {bug['category']:<11} {bug['status']:<12} {who:<16} "
            f"{bug['updated'][:10]}  {bug['title']}"
        )
        console.print(f"{'':<18} {bug['url']}", style="dim")
        if bug.get("incident"):
            linked = bug["incident"]
            console.print(f"{'':<18} incident #{linked['number']} {linked['title']} ({linked['status']})")


@bugs.command("link")
def link(
    typer_ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="the bug's key, e.g. STORM-10 or panjf2000/ants#12")],
    incident: Annotated[int, typer.Argument(help="the incident's number", min=1)],
    actor: As = None,
) -> None:
    """Link bug KEY to INCIDENT (a bug has one incident at most: linking it again moves it)."""
    from remit.kernel.commands import build
    from remit.tracker.commands import LinkBug

    backend = ctx(typer_ctx).backend()
    console.print(backend.act(backend.actor(actor), build(LinkBug, key=key, incident=incident))["sentence"])


@bugs.command("unlink")
def unlink(
    typer_ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="the bug's key")],
    actor: As = None,
) -> None:
    """Unlink bug KEY from its incident."""
    from remit.kernel.commands import build
    from remit.tracker.commands import UnlinkBug

    backend = ctx(typer_ctx).backend()
    console.print(backend.act(backend.actor(actor), build(UnlinkBug, key=key))["sentence"])


@bugs.command("publish")
def publish(
    typer_ctx: typer.Context,
    off: Annotated[bool, typer.Option("--off", help="stop publishing: the board is for the team again")] = False,
    actor: As = None,
) -> None:
    """Publish the board: anyone reads it without signing in, at /public/TEAM/bugs (or --off)."""
    from remit.kernel.commands import build
    from remit.tracker.commands import PublishBoard

    backend = ctx(typer_ctx).backend()
    setting = backend.act(backend.actor(actor), build(PublishBoard, published=not off))
    where = f"published at {setting['public_path']}" if setting["published"] else "for the team's members only"
    console.print(f"team {setting['team']}'s bug board is {where}")
