"""The replay's folding, without a database: events in, rows out; and the comparison that names differences.
Entries written before an event carried a field are not compared on it, and rows the chain did not number
are matched to the table's rows of their decision in the order they were written."""

from __future__ import annotations

from datetime import UTC, datetime

from remit.audit.replay import Difference, compare
from remit.charter.events import CharterAdopted
from remit.charter.rebuild import rebuild as rebuild_charter
from remit.decisions.events import DecisionOpened, DecisionStateChanged, EvidenceAdded, PositionRecorded
from remit.decisions.rebuild import Rebuilt
from remit.kernel.events import Event, Recorded
from remit.kernel.replay import Row, Rows

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def entry(event: Event, actor: str = "priya", decision_id: int | None = 1) -> Recorded:
    return Recorded("checkout", 1, actor, AT, decision_id, event)


def opened(**new: object) -> DecisionOpened:
    return DecisionOpened(2, "release", "Ship it", "pm", 1, [], None, [], [], **new)  # type: ignore[arg-type]


def test_a_decision_opened_before_its_context_was_recorded_is_not_compared_on_it() -> None:
    old = Rebuilt()
    old.apply(entry(opened()))
    new = Rebuilt()
    new.apply(entry(opened(context="the why")))
    assert "context" not in old.rows["revisions"][(2, 1)].fields
    assert new.rows["revisions"][(2, 1)].fields["context"] == "the why"
    assert old.rows["decisions"][2].fields["state"] == "open"


def test_positions_the_chain_did_not_number_take_the_ids_of_their_decisions_rows_in_order() -> None:
    rebuilt = Rebuilt()
    rebuilt.apply(entry(opened()))
    rebuilt.apply(entry(PositionRecorded(2, 1, "em", "no-go", "technical", "slow", None), actor="ezra"))
    rebuilt.apply(entry(PositionRecorded(2, 1, "em", "go", None, "ok", None, position=9), actor="ezra"))
    rebuilt.apply(entry(PositionRecorded(2, 1, "pm", "go", None, "ship", None), actor="priya"))
    rebuilt.apply(entry(EvidenceAdded(2, "system-risk", "em", "low"), actor="ezra"))
    found: Rows = {
        "positions": {key: Row(f"{key} on #2", {"decision": "#2"}) for key in (4, 9, 12)},
        "evidence": {5: Row("5 on #2", {"decision": "#2"})},
    }
    rows = rebuilt.paired(found)
    assert {key: row.fields["person"] for key, row in rows["positions"].items()} == {4: "ezra", 9: "ezra", 12: "priya"}
    assert [row.label for row in rows["positions"].values()] == ["4 on #2", "9 on #2", "12 on #2"]
    assert rows["evidence"][5].fields["revision"] == 1


def test_the_roster_follows_the_last_adoption_and_names_only_what_the_chain_recorded() -> None:
    rows = rebuild_charter(
        [
            entry(CharterAdopted(1, "a" * 64, "default", ["priya", "sam"]), actor="remit init", decision_id=None),
            entry(CharterAdopted(2, "b" * 64, "default", ["priya", "nina"], {"priya": "P", "nina": "N"})),
        ],
        found={},
    )
    people = {handle: row.fields for handle, row in rows["people"].items()}
    assert people == {
        "priya": {"active": True, "name": "P"},
        "sam": {"active": False},
        "nina": {"active": True, "name": "N"},
    }
    assert rows["charter_versions"][2].fields["decision_id"] == 1


def test_compare_names_each_field_and_each_row_on_one_side_only() -> None:
    expected: Rows = {"decisions": {2: Row("#2", {"state": "open", "title": "x"}), 3: Row("#3", {})}}
    found: Rows = {"decisions": {2: Row("#2", {"state": "approved", "title": "x", "extra": 1}), 4: Row("#4", {})}}
    differences = compare(expected, found)
    assert differences == [
        Difference("decisions", "#2", "state", "open", "approved"),
        Difference("decisions", "#3", None, "present", "absent"),
        Difference("decisions", "#4", None, "absent", "present"),
    ]
    assert [difference.sentence() for difference in differences] == [
        "decisions #2 state: the chain says open, the table says approved",
        "decisions #3: the chain records it, the table has no such row",
        "decisions #4: the table has it, the chain never recorded it",
    ]
    assert Difference("revisions", "1 of #2", "title", "Ship it", None).sentence() == (
        'revisions 1 of #2 title: the chain says "Ship it", the table says nothing'
    )


def test_an_event_about_a_decision_the_chain_never_opened_changes_nothing() -> None:
    rebuilt = Rebuilt()
    rebuilt.apply(entry(DecisionStateChanged(7, "open", "approved", [])))
    assert rebuilt.rows["decisions"] == {}
