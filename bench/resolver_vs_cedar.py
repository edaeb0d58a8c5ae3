"""Throughput of Remit's pure resolver against cedarpy evaluating the same rights as Cedar policies.

Both engines answer the same question, "is this decision approved, blocked or open?", for the same
randomly generated decision states over the default preset's domains, in the same run:

- Remit: ``resolve(domain_rights, positions)`` (no evidence, no rules).
- Cedar: one policy set generated from the preset (not written by hand): per domain, a ``permit`` for
  ``Action::"approve"`` on ``Domain::"<name>"`` when every decider role said go, and a ``forbid`` (a veto)
  for each role x basis of the domain's block scopes (``*`` = every basis of the charter, plus no basis).
  Cedar's forbid-overrides-permit is Remit's "no force". The request context is the record of positions
  folded per role, knowing nothing of the charter: ``go`` = the roles whose latest stance is go,
  ``nogo`` = the ``{role, basis}`` no-gos a role said after its latest go. A decision is blocked when a
  forbid matched (told apart from permits by the policy ids in the diagnostics' reasons), approved on
  Allow, open otherwise.

Correctness first: the script aborts, printing the first disagreeing question, unless both engines give
the same state on every question. Then each engine is timed (best of ``--repeat`` runs over all
questions); the Cedar requests are built (context serialized to JSON) before the clock starts, and the
policies and entities are pre-parsed handles, so cedarpy is measured at its best.

    python bench/resolver_vs_cedar.py [--questions N] [--seed S] [--repeat R] [--write BENCHMARKS.md]

Nothing here asserts on time; the numbers are reported, never checked.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import cedarpy

from remit.charter.model import ROLES, Charter, DomainRights
from remit.charter.presets import load_preset
from remit.decisions.model import Position, Stance, State
from remit.decisions.resolve import resolve

PRESET = "default"
BEGIN = "<!-- bench:resolver_vs_cedar -->"
END = "<!-- /bench:resolver_vs_cedar -->"
DEFAULT_QUESTIONS = 20_000
DEFAULT_SEED = 20_240_601
DEFAULT_REPEAT = 5
MAX_POSITIONS = 4
OUTSIDER_ODDS = 0.15  # how often a position comes from any role, not one the domain grants a right to
NO_BASIS = ""  # the Cedar spelling of a position given without a basis

PRINCIPAL = 'Team::"bench"'
ACTION = 'Action::"approve"'
STANCES: tuple[Stance, ...] = (Stance.GO, Stance.NO_GO, Stance.ABSTAIN)


@dataclass(frozen=True)
class Question:
    domain: str
    positions: tuple[Position, ...]

    def describe(self) -> str:
        said = ", ".join(f"{p.role} {p.stance.value}" + (f" ({p.basis})" if p.basis else "") for p in self.positions)
        return f"domain {self.domain}: [{said or 'no positions'}]"


@dataclass(frozen=True)
class CedarCharter:
    text: str
    policies: cedarpy.PolicySet
    entities: cedarpy.Entities
    forbids: frozenset[str]  # the positional Cedar ids ("policy<N>") of the forbid policies


@dataclass(frozen=True)
class Row:
    engine: str
    seconds: float  # best run over all questions
    questions: int

    @property
    def per_second(self) -> float:
        return self.questions / self.seconds

    @property
    def micros(self) -> float:
        return self.seconds / self.questions * 1e6


# -- questions -------------------------------------------------------------------------------------------


def make_questions(charter: Charter, count: int, seed: int) -> list[Question]:
    """Random decision states: a domain and 0-4 positions, mostly from roles the domain names."""
    rng = random.Random(seed)
    domains = list(charter.domains)
    bases: list[str | None] = [*sorted(charter.bases), None]
    questions = []
    for _ in range(count):
        name = rng.choice(domains)
        named = list(charter.domains[name].grants)
        positions = tuple(
            Position(
                role=rng.choice(ROLES) if rng.random() < OUTSIDER_ODDS else rng.choice(named),
                stance=rng.choice(STANCES),
                basis=rng.choice(bases),
            )
            for _ in range(rng.randint(0, MAX_POSITIONS))
        )
        questions.append(Question(name, positions))
    return questions


# -- Cedar -----------------------------------------------------------------------------------------------


def _lit(value: str) -> str:
    """A Cedar string literal (the names here are plain slugs, for which JSON and Cedar quoting agree)."""
    return json.dumps(value)


def cedar_policy_text(charter: Charter) -> tuple[str, list[bool]]:
    """The charter's rights as Cedar policies, and for each policy (in order) whether it is a forbid."""
    every_basis = [*sorted(charter.bases), NO_BASIS]
    policies: list[str] = []
    is_forbid: list[bool] = []
    for name, rights in charter.domains.items():
        resource = f"resource == Domain::{_lit(name)}"
        deciders = ", ".join(_lit(role) for role in rights.deciders)
        policies.append(
            f'@id({_lit(f"{name}: deciders go")})\n'
            f"permit (principal, action == {ACTION}, {resource})\n"
            f"when {{ context.go.containsAll([{deciders}]) }};"
        )
        is_forbid.append(False)
        for role, scope in rights.block_scopes.items():
            for basis in every_basis if scope == ["*"] else scope:
                label = f"{name}: {role} veto on {basis or 'no basis'}"
                policies.append(
                    f"@id({_lit(label)})\n"
                    f"forbid (principal, action == {ACTION}, {resource})\n"
                    f"when {{ context.nogo.contains({{role: {_lit(role)}, basis: {_lit(basis)}}}) }};"
                )
                is_forbid.append(True)
    return "\n\n".join(policies) + "\n", is_forbid


def cedar_charter(charter: Charter) -> CedarCharter:
    text, is_forbid = cedar_policy_text(charter)
    policies = cedarpy.PolicySet.from_str(text)
    if len(policies) != len(is_forbid):
        raise SystemExit(f"cedarpy parsed {len(policies)} policies, expected {len(is_forbid)}")
    forbids = frozenset(f"policy{index}" for index, forbid in enumerate(is_forbid) if forbid)
    return CedarCharter(text, policies, cedarpy.Entities.from_json_str("[]"), forbids)


def cedar_context(positions: Sequence[Position]) -> dict[str, list[Any]]:
    """The record of positions folded per role, with no knowledge of the charter.

    ``go``: roles whose latest stance is go. ``nogo``: each role's no-gos since its latest go (a go lifts
    that role's earlier no-gos; an abstain does not).
    """
    latest: dict[str, Stance] = {}
    standing: dict[str, dict[str, None]] = {}
    for position in positions:
        latest[position.role] = position.stance
        if position.stance is Stance.GO:
            standing.pop(position.role, None)
        elif position.stance is Stance.NO_GO:
            standing.setdefault(position.role, {})[position.basis or NO_BASIS] = None
    return {
        "go": sorted(role for role, stance in latest.items() if stance is Stance.GO),
        "nogo": [{"role": role, "basis": basis} for role, said in sorted(standing.items()) for basis in said],
    }


def cedar_request(question: Question) -> dict[str, str]:
    return {
        "principal": PRINCIPAL,
        "action": ACTION,
        "resource": f"Domain::{_lit(question.domain)}",
        "context": json.dumps(cedar_context(question.positions), separators=(",", ":")),
    }


def cedar_state(result: cedarpy.AuthzResult, forbids: frozenset[str]) -> State:
    if result.allowed:
        return State.APPROVED
    if any(reason in forbids for reason in result.diagnostics.reasons):
        return State.BLOCKED
    return State.OPEN


# -- correctness, then timing ----------------------------------------------------------------------------


def check_agreement(
    questions: Sequence[Question], rights: Mapping[str, DomainRights], cedar: CedarCharter, requests: list[dict[str, str]]
) -> Counter[State]:
    results = cedarpy.is_authorized_batch(requests, cedar.policies, cedar.entities)
    single = cedarpy.is_authorized(requests[0], cedar.policies, cedar.entities) if requests else None
    if single is not None and cedar_state(single, cedar.forbids) is not cedar_state(results[0], cedar.forbids):
        raise SystemExit("cedarpy is_authorized and is_authorized_batch disagree on the first question")
    states: Counter[State] = Counter()
    for index, (question, request, result) in enumerate(zip(questions, requests, results, strict=True)):
        if result.diagnostics.errors:
            raise SystemExit(f"Cedar evaluation errors on question {index}: {result.diagnostics.errors}")
        resolution = resolve(rights[question.domain], question.positions)
        theirs = cedar_state(result, cedar.forbids)
        if resolution.state is not theirs:
            matched = result.diagnostics.id_annotations_by_reason
            raise SystemExit(
                "Remit and Cedar disagree; not timing engines that answer differently.\n"
                f"  question #{index}: {question.describe()}\n"
                f"  remit: {resolution.state.value}"
                f" (blocked_by={[b.as_dict() for b in resolution.blocked_by]},"
                f" waiting_on={resolution.waiting_on.as_dict()['roles']})\n"
                f"  cedar: {theirs.value} ({result.decision.value};"
                f" matched={[matched.get(reason, reason) for reason in result.diagnostics.reasons]})\n"
                f"  cedar context: {request['context']}"
            )
        states[theirs] += 1
    return states


def best_of(repeat: int, run: Callable[[], list[State]]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def measure(
    questions: Sequence[Question],
    rights: Mapping[str, DomainRights],
    cedar: CedarCharter,
    requests: list[dict[str, str]],
    repeat: int,
) -> list[Row]:
    pairs = [(rights[question.domain], question.positions) for question in questions]
    policies, entities, forbids = cedar.policies, cedar.entities, cedar.forbids

    def remit() -> list[State]:
        return [resolve(domain, positions).state for domain, positions in pairs]

    def cedar_batch() -> list[State]:
        return [cedar_state(result, forbids) for result in cedarpy.is_authorized_batch(requests, policies, entities)]

    def cedar_each() -> list[State]:
        return [cedar_state(cedarpy.is_authorized(request, policies, entities), forbids) for request in requests]

    count = len(questions)
    return [
        Row("Remit `resolve()` (pure Python)", best_of(repeat, remit), count),
        Row("cedarpy `is_authorized_batch` (one call)", best_of(repeat, cedar_batch), count),
        Row("cedarpy `is_authorized` (one call per question)", best_of(repeat, cedar_each), count),
    ]


# -- report ----------------------------------------------------------------------------------------------


def table(rows: Sequence[Row]) -> str:
    remit = rows[0]
    lines = [
        "| engine | questions/s | µs/question | Remit ÷ engine |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        ratio = remit.per_second / row.per_second
        lines.append(f"| {row.engine} | {row.per_second:,.0f} | {row.micros:.1f} | {ratio:.2f}× |")
    return "\n".join(lines)


def _version(name: str) -> str:
    try:
        return package_version(name)
    except PackageNotFoundError:
        return "unknown"


def command(questions: int, seed: int, repeat: int) -> str:
    extra = "" if repeat == DEFAULT_REPEAT else f" --repeat {repeat}"
    return f"python bench/resolver_vs_cedar.py --questions {questions} --seed {seed}{extra}"


def section(
    rows: Sequence[Row], states: Counter[State], questions: int, seed: int, repeat: int, policy_count: int
) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    made = "`make bench`, i.e. " if (questions, seed, repeat) == (DEFAULT_QUESTIONS, DEFAULT_SEED, DEFAULT_REPEAT) else ""
    tally = ", ".join(f"{states[state]:,} {state.value}" for state in (State.APPROVED, State.BLOCKED, State.OPEN))
    cedar_ratio = rows[0].per_second / rows[1].per_second
    return "\n".join(
        [
            BEGIN,
            "## Resolver vs Cedar",
            "",
            f"- Command: {made}`{command(questions, seed, repeat)}`",
            f"- Date: {now}",
            f"- Machine: {platform.platform()}, {platform.machine() or 'unknown arch'}, "
            f"{os.cpu_count()} CPUs; {platform.python_implementation()} {platform.python_version()}, "
            f"cedarpy {_version('cedarpy')}, remit {_version('remit')}",
            f"- Questions: {questions:,} random decision states over the `{PRESET}` preset's domains "
            f"(both engines agreed on every one: {tally}); best of {repeat} runs each; "
            f"{policy_count} generated Cedar policies.",
            "",
            table(rows),
            "",
            "Both engines answer the same question on the same decision states in the same run: whether a "
            f"decision is approved, blocked or open under the `{PRESET}` preset's rights, Remit through its "
            "pure `resolve()`, Cedar through policies generated from the same rights (a permit when every "
            "decider said go, a forbid per role and basis of each veto, with Cedar's forbid-overrides-permit "
            "as Remit's no force), with requests prepared and policies pre-parsed before timing; "
            f"the ratio is Remit's questions per second divided by the engine's, so {cedar_ratio:.2f}× means "
            f"Remit answers {cedar_ratio:.2f} times as many questions per second as batched cedarpy "
            "(above 1, Remit is faster).",
            END,
        ]
    )


def write_section(path: Path, text: str) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start, stop = current.find(BEGIN), current.find(END)
    if start != -1 and stop > start:
        updated = current[:start] + text + current[stop + len(END) :]
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(updated, encoding="utf-8")


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--questions", type=positive, default=DEFAULT_QUESTIONS, help="how many decision states")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of random.Random for the questions")
    parser.add_argument("--repeat", type=positive, default=DEFAULT_REPEAT, help="timed runs per engine (best is kept)")
    parser.add_argument("--write", type=Path, metavar="FILE", help="write/replace the section in FILE")
    parser.add_argument("--show-policies", action="store_true", help="print the generated Cedar policies and exit")
    args = parser.parse_args(argv)

    charter = load_preset(PRESET)
    cedar = cedar_charter(charter)
    if args.show_policies:
        print(cedar.text, end="")
        return 0
    questions = make_questions(charter, args.questions, args.seed)
    requests = [cedar_request(question) for question in questions]
    rights = charter.domains

    states = check_agreement(questions, rights, cedar, requests)
    rows = measure(questions, rights, cedar, requests, args.repeat)

    print(f"{command(args.questions, args.seed, args.repeat)}: engines agree on all {len(questions):,} questions")
    print()
    print(table(rows))
    if args.write is not None:
        write_section(args.write, section(rows, states, args.questions, args.seed, args.repeat, len(cedar.policies)))
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
