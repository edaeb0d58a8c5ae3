"""The messages a form leaves after it acts, in the words of ``remit.decisions.words`` (which the pages'
templates use too): "opened: #4 is open, waiting on a go from em (ezra)"."""

from __future__ import annotations

from remit.decisions import words
from remit.decisions.results import Outcome
from remit.decisions.words import Holders


def state(outcome: Outcome, holders: Holders) -> str:
    return words.state_sentence(outcome.number, outcome.resolution, holders)


def position_recorded(outcome: Outcome, stance: str, basis: str | None, holders: Holders) -> str:
    return words.position_recorded(outcome.number, outcome.resolution, outcome.crossing, stance, basis, holders)
