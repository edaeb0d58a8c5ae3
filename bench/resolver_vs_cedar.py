"""Throughput of Remit's pure resolver against cedarpy evaluating the same rights as Cedar policies.

Both engines answer the same question, "is this decision approved, blocked or open?", for the same
randomly generated decision states over the default preset's domains, in the same run:

- Remit: ``resolve(domain_rights, positions)`` (no evidence, no rules).
- Cedar: policies generated from the preset (not written by hand): per domain, a ``permit`` for
  ``Action::"approve"`` on ``Domain::"<name>"`` when every decider role said go, and a ``forbid`` (a veto)
  for each role x basis of the domain's block scopes (``*`` = every basis of the charter, plus no basis).
  Cedar's forbid-overrides-permit is Remit's "no force". The request context is the record of positions
  folded per role, knowing nothing of the charter: ``go`` = the roles whose latest stance is go,
  ``nogo`` = the ``{role, basis}`` no-gos a role said after its latest go (a go lifts them, an abstain
  does not). A decision is blocked when a forbid matched (told apart from the permit by the policy ids
  in the diagnostics' reasons), approved on Allow, open otherwise.

Cedar is asked three ways, each a row: ``is_authorized_batch`` with one PolicySet per domain (the
questions grouped by domain, as Remit is handed the one domain's rights), ``is_authorized`` per question
with the same per-domain sets, and ``is_authorized_batch`` with every domain's policies in one set (Cedar
then evaluates all of them on every request, which costs it about three times as much).

Correctness first: the script aborts, printing the first disagreeing question, unless Remit and every
way of asking Cedar give the same state on every question. Then each engine is timed (best of ``--repeat`` runs over all
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
from remit.decisions.model import Position, Resolution, Stance, State
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
class CedarPolicies:
    text: str
    handle: cedarpy.PolicySet
    forbids: frozenset[str]  # the positional Cedar ids ("policy<N>") of the forbid policies in this set


@dataclass(frozen=True)
class CedarCharter:
    whole: CedarPolicies  # every domain's policies in one set
    by_domain: Mapping[str, CedarPolicies]  # the same policies, one set per domain
    entities: cedarpy.Entities


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


def domain_policies(charter: Charter, name: str) -> list[tuple[str, bool]]:
    """One domain's rights as Cedar policies, each with whether it is a forbid."""
    rights = charter.domains[name]
    every_basis = [*sorted(charter.bases), NO_BASIS]
    resource = f"resource == Domain::{_lit(name)}"
    deciders = ", ".join(_lit(role) for role in rights.deciders)
    policies = [
        (
            f"@id({_lit(f'{name}: deciders go')})\n"
            f"permit (principal, action == {ACTION}, {resource})\n"
            f"when {{ context.go.containsAll([{deciders}]) }};",
            False,
        )
    ]
    for role, scope in rights.block_scopes.items():
        for basis in every_basis if scope == ["*"] else scope:
            label = f"{name}: {role} veto on {basis or 'no basis'}"
            policies.append(
                (
                    f"@id({_lit(label)})\n"
                    f"forbid (principal, action == {ACTION}, {resource})\n"
                    f"when {{ context.nogo.contains({{role: {_lit(role)}, basis: {_lit(basis)}}}) }};",
                    True,
                )
            )
    return policies


def compile_policies(policies: Sequence[tuple[str, bool]]) -> CedarPolicies:
    text = "\n\n".join(policy for policy, _ in policies) + "\n"
    handle = cedarpy.PolicySet.from_str(text)
    if len(handle) != len(policies):
        raise SystemExit(f"cedarpy parsed {len(handle)} policies, expected {len(policies)}")
    forbids = frozenset(f"policy{index}" for index, (_, forbid) in enumerate(policies) if forbid)
    return CedarPolicies(text, handle, forbids)


def cedar_charter(charter: Charter) -> CedarCharter:
    parts = {name: domain_policies(charter, name) for name in charter.domains}
    return CedarCharter(
        whole=compile_policies([policy for policies in parts.values() for policy in policies]),
        by_domain={name: compile_policies(policies) for name, policies in parts.items()},
        entities=cedarpy.Entities.from_json_str("[]"),
    )


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


Answer = tuple[cedarpy.AuthzResult, CedarPolicies]  # a Cedar result, and the policy set that gave it


def group_by_domain(questions: Sequence[Question]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, question in enumerate(questions):
        groups.setdefault(question.domain, []).append(index)
    return groups


def cedar_answers(
    questions: Sequence[Question], cedar: CedarCharter, requests: Sequence[dict[str, str]]
) -> dict[str, list[Answer]]:
    """Every question asked of Cedar in each way that is timed, answers in question order."""
    whole = cedar.whole
    batched_by_domain: dict[int, Answer] = {}
    for name, indexes in group_by_domain(questions).items():
        policies = cedar.by_domain[name]
        results = cedarpy.is_authorized_batch([requests[i] for i in indexes], policies.handle, cedar.entities)
        batched_by_domain.update((i, (result, policies)) for i, result in zip(indexes, results, strict=True))
    one_by_one = []
    for question, request in zip(questions, requests, strict=True):
        policies = cedar.by_domain[question.domain]
        one_by_one.append((cedarpy.is_authorized(request, policies.handle, cedar.entities), policies))
    return {
        "a policy set per domain, batched": [batched_by_domain[i] for i in range(len(questions))],
        "a policy set per domain, one request at a time": one_by_one,
        "one policy set, batched": [
            (result, whole) for result in cedarpy.is_authorized_batch(list(requests), whole.handle, cedar.entities)
        ],
    }


def disagreement(
    index: int, question: Question, request: Mapping[str, str], ours: Resolution, how: str, answer: Answer
) -> str:
    result, policies = answer
    matched = result.diagnostics.id_annotations_by_reason
    return (
        f"Remit and Cedar ({how}) disagree; not timing engines that answer differently.\n"
        f"  question #{index}: {question.describe()}\n"
        f"  remit: {ours.state.value} (blocked_by={[blocker.as_dict() for blocker in ours.blocked_by]},"
        f" waiting on {ours.waiting_on.roles})\n"
        f"  cedar: {cedar_state(result, policies.forbids).value} ({result.decision.value},"
        f" matched {[matched.get(reason, reason) for reason in result.diagnostics.reasons]})\n"
        f"  cedar context: {request['context']}"
    )


def check_agreement(
    questions: Sequence[Question],
    rights: Mapping[str, DomainRights],
    cedar: CedarCharter,
    requests: Sequence[dict[str, str]],
) -> Counter[State]:
    """Remit's state against Cedar's, every question, every way Cedar is asked; abort on the first mismatch."""
    answers = cedar_answers(questions, cedar, requests)
    states: Counter[State] = Counter()
    for index, question in enumerate(questions):
        ours = resolve(rights[question.domain], question.positions)
        for how, results in answers.items():
            result, policies = results[index]
            if result.diagnostics.errors:
                raise SystemExit(f"Cedar ({how}) failed on question #{index}: {result.diagnostics.errors}")
            if cedar_state(result, policies.forbids) is not ours.state:
                raise SystemExit(disagreement(index, question, requests[index], ours, how, results[index]))
        states[ours.state] += 1
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
    """Best-of-``repeat`` wall time of each engine over all questions; inputs are prepared before the clock."""
    remit_inputs = [(rights[question.domain], question.positions) for question in questions]
    per_question = [(cedar.by_domain[q.domain], request) for q, request in zip(questions, requests, strict=True)]
    batches = [
        (cedar.by_domain[name], [requests[i] for i in indexes]) for name, indexes in group_by_domain(questions).items()
    ]
    entities, whole = cedar.entities, cedar.whole

    def remit() -> list[State]:
        return [resolve(domain, positions).state for domain, positions in remit_inputs]

    def cedar_batched_by_domain() -> list[State]:
        return [
            cedar_state(result, policies.forbids)
            for policies, batch in batches
            for result in cedarpy.is_authorized_batch(batch, policies.handle, entities)
        ]

    def cedar_one_by_one() -> list[State]:
        return [
            cedar_state(cedarpy.is_authorized(request, policies.handle, entities), policies.forbids)
            for policies, request in per_question
        ]

    def cedar_batched_whole() -> list[State]:
        return [
            cedar_state(result, whole.forbids)
            for result in cedarpy.is_authorized_batch(requests, whole.handle, entities)
        ]

    count = len(questions)
    return [
        Row("Remit `resolve()` (pure Python)", best_of(repeat, remit), count),
        Row(
            "cedarpy `is_authorized_batch`, a PolicySet per domain (one call per domain)",
            best_of(repeat, cedar_batched_by_domain),
            count,
        ),
        Row(
            "cedarpy `is_authorized`, a PolicySet per domain (one call per question)",
            best_of(repeat, cedar_one_by_one),
            count,
        ),
        Row(
            "cedarpy `is_authorized_batch`, one PolicySet for all domains (one call)",
            best_of(repeat, cedar_batched_whole),
            count,
        ),
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
    made = (
        "`make bench`, i.e. " if (questions, seed, repeat) == (DEFAULT_QUESTIONS, DEFAULT_SEED, DEFAULT_REPEAT) else ""
    )
    tally = ", ".join(f"{states[state]:,} {state.value}" for state in (State.APPROVED, State.BLOCKED, State.OPEN))
    best_ratio = rows[0].per_second / max(rows[1:], key=lambda row: row.per_second).per_second
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
            f"Remit's `resolve()` and cedarpy answer the same question (approved, blocked or open?) on the "
            f"same decision states in the same run, Cedar from policies generated from the same `{PRESET}` "
            "rights (a permit when every decider said go, a forbid per role and basis of each veto; Cedar's "
            "forbid-overrides-permit is Remit's no force), with policies pre-parsed and requests built before "
            "the clock starts; the ratio is Remit's questions per second over the engine's, so the "
            f"{best_ratio:.2f}× against the fastest cedarpy row means Remit answers "
            f"{best_ratio:.2f} times as many questions per second (below 1 would mean Cedar is faster).",
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
        print(cedar.whole.text, end="")
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
        write_section(
            args.write, section(rows, states, args.questions, args.seed, args.repeat, len(cedar.whole.handle))
        )
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
