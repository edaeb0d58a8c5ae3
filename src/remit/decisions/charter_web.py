"""The charter proposal form: the rights matrix and the roster as ordinary form controls. On sending, it
writes the new remit.toml (``charter.render``: the team's comments and layout kept), runs the charter
check, and either shows each problem next to its cell or person with everything typed kept, shows a
preview of the change, or proposes it with the same ``ProposeCharter`` command the raw-TOML form sends.
It lives in ``decisions`` because a proposal is a decision (the charter package never imports decisions)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from remit.charter import ROLES, Charter, read_charter
from remit.charter import views as charters
from remit.charter.abilities import open_abilities
from remit.charter.diff import charter_changes, text_diff
from remit.charter.form import (
    Placed,
    Row,
    Typed,
    bases_field,
    changed_cells,
    from_charter,
    place,
    read_form,
    right_field,
    roster,
    roster_problems,
)
from remit.charter.problems import Problem
from remit.charter.render import edit_charter
from remit.charter.teams import charter_from_text
from remit.decisions.commands import ProposeCharter
from remit.decisions.queries import ProposedCharter
from remit.kernel.commands import build
from remit.kernel.errors import CharterInvalid, InvalidInput
from remit.web.render import ENV, PageRoute, page, redirect
from remit.web.session import Poster, Viewer, act, store_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)
ENV.globals.update(right_field=right_field, bases_field=bases_field)
SOURCE = "proposed charter"
RIGHTS = ("decide", "block", "voice", "consult", "inform")


async def sent_form(request: Request) -> dict[str, list[str]]:
    """Every field of the form with all its values (a cell's ticked grounds, a person's roles)."""
    form = await request.form()  # parsed once per request (the CSRF check read it first)
    return {name: [value for value in form.getlist(name) if isinstance(value, str)] for name in form}


Sent = Annotated[dict[str, list[str]], Depends(sent_form)]


def _form(
    request: Request,
    charter: charters.CharterView,
    parsed: Charter,
    typed: Typed,
    *,
    placed: Placed | None = None,
    message: str = "",
    preview: ProposedCharter | None = None,
    status: int = 200,
) -> HTMLResponse:
    before = from_charter(parsed, charter.version)
    return page(
        request,
        "charter_propose.html",
        status=status,
        title="Propose a charter change",
        charter=charter,
        domains=list(parsed.domains.values()),
        roles=ROLES,
        rights=RIGHTS,
        bases=sorted(parsed.bases),
        typed=typed,
        before=before,
        placed=placed or Placed(),
        message=message,
        preview=preview,
        refused=False,
    )


def _refused(request: Request, who: Viewer, holders: dict[str, list[str]]) -> HTMLResponse:
    return page(
        request,
        "charter_propose.html",
        status=403,
        title="Propose a charter change",
        refused=True,
        holders=holders,
        handle=who.handle,
    )


@router.get("/charter/propose")
def propose_form(request: Request, who: Viewer) -> HTMLResponse:
    can = open_abilities(uow=store_of(request).uow(), team=who.team, handle=who.handle)
    if not can.propose_charter:
        return _refused(request, who, can.holders)
    view = charters.charter_view(uow=store_of(request).uow(), team=who.team)
    parsed = charter_from_text(view.text)
    return _form(request, view, parsed, from_charter(parsed, view.version))


def _not_theirs(request: Request, who: Poster, view: charters.CharterView, parsed: Charter, sent: Sent) -> Response:
    """Someone the rights table does not let propose sent the form anyway: a real, valid change goes to the
    command, which refuses it and records the refusal, as from the raw form; anything else is refused here."""
    try:
        typed = read_form(parsed, sent)
        text = edit_charter(view.text, changed_cells(parsed, typed), roster(typed), SOURCE)
    except (InvalidInput, CharterInvalid):
        text = view.text
    proposed, problems = read_charter(text, SOURCE)
    if text != view.text and proposed is not None and all(p.severity != "error" for p in problems):
        outcome = act(request, who, build(ProposeCharter, text=text, title=typed.title or None, source=SOURCE))
        return redirect(f"/decisions/{outcome.number}")  # only if the rights changed since the page was read
    can = open_abilities(uow=store_of(request).uow(), team=who.team, handle=who.handle)
    return _refused(request, who, can.holders)


@router.post("/charter/propose")
def propose_from_form(request: Request, who: Poster, sent: Sent) -> Response:
    can = open_abilities(uow=store_of(request).uow(), team=who.team, handle=who.handle)
    view = charters.charter_view(uow=store_of(request).uow(), team=who.team)
    parsed = charter_from_text(view.text)
    if not can.propose_charter:
        return _not_theirs(request, who, view, parsed, sent)
    typed = read_form(parsed, sent)
    intent = (sent.get("intent") or ["propose"])[0]
    if intent == "add-row":
        return _form(request, view, parsed, replace(typed, rows=[*typed.rows, Row("")]))
    if typed.version != view.version:
        message = (
            f"The charter changed since you opened this form: v{view.version} is now adopted. Nothing was "
            "proposed; what you typed is kept below. Check it against the new version, then send it again."
        )
        return _form(request, view, parsed, replace(typed, version=view.version), message=message, status=409)
    problems = roster_problems(parsed, typed, SOURCE)
    if problems:
        return _problems(request, view, parsed, typed, problems)
    text = edit_charter(view.text, changed_cells(parsed, typed), roster(typed), SOURCE)
    if text == view.text:
        message = "Nothing changed: pick another right, tick or untick a ground, or change the roster."
        return _form(request, view, parsed, typed, message=message, status=422)
    proposed, problems = read_charter(text, SOURCE)
    if proposed is None or any(problem.severity == "error" for problem in problems):
        return _problems(request, view, parsed, typed, problems)
    if intent == "preview":
        preview = ProposedCharter(view.version, charter_changes(parsed, proposed), text_diff(view.text, text))
        return _form(request, view, parsed, typed, placed=place(problems, typed), preview=preview)
    try:
        outcome = act(request, who, build(ProposeCharter, text=text, title=typed.title or None, source=SOURCE))
    except CharterInvalid as error:
        return _problems(request, view, parsed, typed, [p for p in error.problems if isinstance(p, Problem)])
    except InvalidInput as error:
        message = f"Not proposed: {error.message}" + (f" — {error.hint}" if error.hint else "")
        return _form(request, view, parsed, typed, message=message, status=422)
    flash = f"proposed: #{outcome.number} adopts the new charter when it is approved"
    return redirect(f"/decisions/{outcome.number}", flash=flash)


def _problems(
    request: Request,
    view: charters.CharterView,
    parsed: Charter,
    typed: Typed,
    problems: list[Problem],
) -> HTMLResponse:
    """The form again (422), as typed, each problem beside its cell, domain or person; nothing proposed."""
    placed = place(problems, typed)
    errors = placed.errors
    message = f"Not proposed: the charter check found {errors} problem(s), shown next to what they concern."
    return _form(request, view, parsed, typed, placed=placed, message=message, status=422)
