"""The charter proposal form: the TOML edits it makes (comments and untouched lines kept), the form read back
into those edits, and each problem of the check placed at the cell or person it concerns."""

from __future__ import annotations

import pytest

from remit.charter import Grant, Person, Right, parse_charter, read_charter
from remit.charter.diff import charter_changes, text_diff
from remit.charter.form import (
    Cell,
    Row,
    bases_field,
    changed_cells,
    from_charter,
    place,
    read_form,
    right_field,
    roster,
    roster_problems,
)
from remit.charter.render import edit_charter, set_rights
from remit.kernel.errors import CharterInvalid, InvalidInput

TEXT = """\
# The checkout team's charter. Reviewed every quarter.

[team]
name = "checkout"
reserve = 0.2

[domains.release]
about = "Release timing."
# Both keys: a dual key, as the seeds say.
rights.pm = { right = "decide", on = ["business", "market"], why = "PM owns go/no-go for business and market reasons." }
rights.em = { right = "decide", on = ["safety", "technical"], why = "EM owns the technical go/no-go." }
rights.designer = { right = "consult", note = "asked" }  # the trio

[domains.charter]
about = "This charter."
rights.pm = { right = "decide", why = "I align on decision rights early" }
rights.em = { right = "decide", why = "peers" }

[people.priya]
name = "Priya Raman"
roles = ["pm"]

[people.ezra]
name = "Ezra Cohen"
roles = ["em"]  # engineering
"""


def lines_kept(before: str, after: str, *, but: set[str]) -> None:
    """Every line of ``before`` is in ``after`` unless it mentions one of ``but``."""
    for line in before.splitlines():
        if not any(word in line for word in but):
            assert line in after.splitlines(), line


def test_a_role_added_to_a_cell_is_one_new_line_and_the_rest_is_kept() -> None:
    edited = set_rights(TEXT, {("release", "tech-lead"): Grant("tech-lead", Right.CONSULT, note="asked first")})

    assert 'rights.tech-lead = { right = "consult", note = "asked first" }' in edited
    lines_kept(TEXT, edited, but=set())
    assert parse_charter(edited).domains["release"].grants["tech-lead"].right is Right.CONSULT


def test_a_basis_removed_keeps_the_why_and_the_comments() -> None:
    pm = Grant("pm", Right.DECIDE, frozenset({"business"}), why="PM owns go/no-go for business and market reasons.")
    edited = set_rights(TEXT, {("release", "pm"): pm})

    assert (
        'rights.pm = { right = "decide", on = ["business"], why = "PM owns go/no-go for business and market reasons." }'
        in edited
    )
    lines_kept(TEXT, edited, but={'rights.pm = { right = "decide", on = ["business", "market"]'})
    assert "# Both keys: a dual key, as the seeds say." in edited
    assert parse_charter(edited).domains["release"].grants["pm"].bases == frozenset({"business"})


def test_a_right_taken_away_removes_its_line_only() -> None:
    edited = set_rights(TEXT, {("release", "designer"): None})

    assert "rights.designer" not in edited
    lines_kept(TEXT, edited, but={"rights.designer"})


def test_a_right_changed_in_a_table_of_its_own_keeps_that_layout() -> None:
    text = (
        '[team]\nname = "x"\n\n[domains.release]\nabout = "r"\n\n[domains.release.rights]\npm = { right = "decide" }\n'
    )
    edited = set_rights(
        text,
        {("release", "em"): Grant("em", Right.BLOCK, frozenset({"technical"})), ("release", "pm"): None},
    )

    assert edited.endswith('[domains.release.rights]\nem = { right = "block", on = ["technical"] }\n')


def test_a_cell_in_a_domain_the_file_lacks_is_refused() -> None:
    with pytest.raises(CharterInvalid, match="no domain 'pricing'"):
        set_rights(TEXT, {("pricing", "pm"): Grant("pm", Right.DECIDE)})


def test_a_person_added_and_one_given_another_role_keep_the_other_lines() -> None:
    before = parse_charter(TEXT)
    people = [*before.people.values(), Person("dana", "Dana Kim", ("designer",), "priya")]
    people[1] = Person("ezra", "Ezra Cohen", ("em", "engineer"))
    edited = edit_charter(TEXT, {}, people)

    assert '[people.dana]\nname = "Dana Kim"\nroles = ["designer"]\nreports_to = "priya"\n' in edited
    assert 'roles = ["em", "engineer"]' in edited
    lines_kept(TEXT, edited, but={'roles = ["em"]'})
    assert "# The checkout team's charter. Reviewed every quarter." in edited


# --- the form read back ---------------------------------------------------------------------------------


def sent(charter_text: str = TEXT, **changes: list[str]) -> dict[str, list[str]]:
    """The form as a browser sends a fresh one, with ``changes`` (field name -> values) applied."""
    charter = parse_charter(charter_text)
    typed = from_charter(charter, 3)
    form: dict[str, list[str]] = {"version": ["3"], "rows": [str(len(typed.rows))]}
    for (domain, role), cell in typed.cells.items():
        if cell.right:
            form[right_field(domain, role)] = [cell.right]
        if cell.bases:
            form[bases_field(domain, role)] = list(cell.bases)
    for index, row in enumerate(typed.rows):
        form[f"p{index}.handle"] = [row.handle]
        form[f"p{index}.name"] = [row.name]
        form[f"p{index}.roles"] = list(row.roles)
        form[f"p{index}.reports_to"] = [row.reports_to]
        if row.existing:
            form[f"p{index}.existing"] = ["1"]
    form.update(changes)
    return form


def test_an_untouched_form_changes_nothing() -> None:
    charter = parse_charter(TEXT)
    typed = read_form(charter, sent())

    assert typed.version == 3
    assert changed_cells(charter, typed) == {}
    assert edit_charter(TEXT, changed_cells(charter, typed), roster(typed)) == TEXT


def test_ticking_a_box_and_picking_a_right_become_the_cells_that_changed() -> None:
    charter = parse_charter(TEXT)
    form = sent(
        **{
            bases_field("release", "pm"): ["business", "market", "safety"],
            right_field("release", "engineer"): ["inform"],
            "reason": ["safety is everyone's"],
        }
    )
    cells = changed_cells(charter, read_form(charter, form))

    assert cells == {
        ("release", "pm"): Grant(
            "pm",
            Right.DECIDE,
            frozenset({"business", "market", "safety"}),
            why="PM owns go/no-go for business and market reasons.",
            note="safety is everyone's",
        ),
        ("release", "engineer"): Grant("engineer", Right.INFORM, note="safety is everyone's"),
    }


def test_a_tampered_right_is_a_clear_refusal() -> None:
    charter = parse_charter(TEXT)
    with pytest.raises(InvalidInput, match="'owner' is not a right"):
        read_form(charter, sent(**{right_field("release", "pm"): ["owner"]}))


def test_a_domain_left_with_no_decider_is_placed_on_its_row_and_a_person_problem_on_theirs() -> None:
    charter = parse_charter(TEXT)
    form = sent(
        **{
            right_field("release", "pm"): ["voice"],
            right_field("release", "em"): ["block"],
            bases_field("release", "em"): [],
            "p1.roles": ["em", "pm"],
        }
    )
    typed = read_form(charter, form)
    text = edit_charter(TEXT, changed_cells(charter, typed), roster(typed))
    _proposed, problems = read_charter(text)
    placed = place(problems, typed)

    assert [p.what for p in placed.domain("release")] == [
        "domain 'release' has no decider, so no decision in it could ever be approved"
    ]
    assert [p.what for p in placed.cell("release", "em")] == ["a block right must list its bases"]
    assert [p.what for p in placed.row(1)] == ["ezra is both pm and em"]
    assert placed.form == []
    assert placed.errors == 3
    assert typed.cell("release", "em") == Cell("block", ())  # as typed, to show again


def test_new_people_need_a_handle_of_their_own() -> None:
    charter = parse_charter(TEXT)
    typed = read_form(charter, sent(**{"p2.name": ["Nobody"], "p2.roles": ["engineer"]}))
    assert [p.what for p in roster_problems(charter, typed, "form")] == ["a new person needs a handle"]

    placed = place(roster_problems(charter, typed, "form"), typed)
    assert [p.what for p in placed.row(2)] == ["a new person needs a handle"]

    typed = read_form(charter, sent(**{"p2.handle": ["ezra"], "p2.roles": ["engineer"]}))
    problems = roster_problems(charter, typed, "form")
    assert [p.what for p in problems] == ["'ezra' is on the roster twice"]
    assert place(problems, typed).row(2) == problems  # on the new row, not on ezra's
    assert place(problems, typed).row(1) == []

    typed = read_form(charter, sent(**{"p2.handle": ["x" * 101], "p2.name": ["y" * 201]}))
    assert [p.what for p in roster_problems(charter, typed, "form")] == [
        "the handle is too long",
        "the name is too long",
    ]


def test_removing_a_person_takes_them_off_the_roster() -> None:
    charter = parse_charter(TEXT)
    typed = read_form(charter, sent(**{"p0.remove": ["1"]}))

    assert [person.handle for person in roster(typed)] == ["ezra"]
    assert typed.rows[0] == Row("priya", "Priya Raman", ("pm",), "", existing=True, remove=True)


def test_the_changes_of_a_proposal_in_words_and_in_lines() -> None:
    before = parse_charter(TEXT)
    after_text = edit_charter(
        TEXT,
        {("release", "designer"): None},
        [*before.people.values(), Person("dana", "Dana Kim", ("designer",))],
    )
    after = parse_charter(after_text)

    assert [change.as_dict() for change in charter_changes(before, after)] == [
        {"domain": "release", "role": "designer", "preset": "consult", "team": None, "text": "removed (was consult)"},
        {"domain": "people", "role": "dana", "preset": None, "team": "designer", "text": "added: designer"},
    ]
    lines = text_diff(TEXT, after_text)
    assert '-rights.designer = { right = "consult", note = "asked" }  # the trio' in lines
    assert "+[people.dana]" in lines
