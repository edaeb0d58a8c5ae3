"""Does someone guessing passwords hold up the team's writers? argon2 is slow on purpose (tens of ms per
verification); it must run outside every transaction and the SQLite writers' lock.

One process, one SQLite file (the default store), the demo team. A writer thread records positions
(``RecordPosition`` through the registry, alternately go and abstain on one open decision) for
``--seconds``; its latency is measured alone, then again while ``--guessers`` threads sign in with a wrong
password in a loop (argon2-cffi's default parameters, as in production). The peer is the same writer in the
same run without the guessers: the ratio is what the guessing costs each write. Before [3/11] the sign-in
verified the password inside its writing unit of work, so every guess held the writers' lock for one argon2
verification (the issue measured writes going from about 12 ms to about 175 ms).

    python bench/sign_in_contention.py [--seconds 8] [--guessers 2] [--write BENCHMARKS.md]

Nothing asserts on time; the numbers are reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from argon2.exceptions import VerificationError

from loadkit import heading, write_section
from remit import capabilities  # noqa: F401 - registers the handlers
from remit.decisions.commands import RecordPosition
from remit.decisions.model import Stance
from remit.identity import accounts
from remit.identity.throttle import SignInLimits
from remit.kernel.commands import act
from remit.kernel.errors import NotAuthenticated
from remit.kernel.uow import Store
from remit.seed import DEMO_TEAM, seed_demo

SECTION = "sign_in_contention"
Guesser = Callable[[Store, threading.Event, list[int]], None]


def writes(store: Store, seconds: float, number: int) -> list[float]:
    """Milliseconds per recorded position, for ``seconds``."""
    took: list[float] = []
    end = time.perf_counter() + seconds
    stances = (Stance.GO, Stance.ABSTAIN)
    while time.perf_counter() < end:
        start = time.perf_counter()
        act(store, DEMO_TEAM, "dana", RecordPosition(number=number, stance=stances[len(took) % 2], reason="load"))
        took.append((time.perf_counter() - start) * 1000)
    return took


WRONG = "not-the-password"


# Windows that never fill: every guess is verified and recorded, as guesses spread over more accounts and
# addresses than the limits cover would be (under the default limits one guesser is refused, without any
# argon2 work, after its 10th wrong password).
UNLIMITED = SignInLimits(per_account="1000000 per 1 second", per_address="1000000 per 1 second")


def guess(store: Store, stop: threading.Event, counter: list[int]) -> None:
    """Today's sign-in: the hash is read, verified outside any unit of work; the session (or, for a wrong
    password, the failure's audit entry) is written after."""
    while not stop.is_set():
        try:
            accounts.sign_in(
                uow=store.uow(), limits=UNLIMITED, address="192.0.2.1", team=DEMO_TEAM, handle="priya", password=WRONG
            )
        except NotAuthenticated:
            counter[0] += 1


def guess_inside(store: Store, stop: threading.Event, counter: list[int]) -> None:
    """The shape of sign-in before [3/11], as the peer: the same verification inside a writing unit of work."""
    stored = accounts.HASHER.hash("the real password")
    while not stop.is_set():
        with store.uow() as uow:
            uow.team(DEMO_TEAM)  # the team row, as the old sign-in's writing transaction held the lock
            try:
                accounts.HASHER.verify(stored, WRONG)
            except VerificationError:
                counter[0] += 1


def with_guessers(
    store: Store, target: Guesser, guessers: int, seconds: float, number: int
) -> tuple[list[float], float]:
    stop, guesses = threading.Event(), [0]
    threads = [threading.Thread(target=target, args=(store, stop, guesses)) for _ in range(guessers)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    started = guesses[0]
    took = writes(store, seconds, number)
    rate = (guesses[0] - started) / seconds
    stop.set()
    for thread in threads:
        thread.join()
    return took, rate


def summary(name: str, took: list[float]) -> dict[str, float | str]:
    ordered = sorted(took)
    return {
        "run": name,
        "writes": len(took),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--guessers", type=int, default=2)
    parser.add_argument("--write", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{Path(folder) / 'remit.db'}", migrate=True)
        seed_demo(store)
        number = 2  # the demo's open release: dana (designer) is consulted there
        writes(store, 1.0, number)  # warm-up
        alone = writes(store, args.seconds, number)
        outside, rate_outside = with_guessers(store, guess, args.guessers, args.seconds, number)
        inside, rate_inside = with_guessers(store, guess_inside, args.guessers, args.seconds, number)
        store.close()
    base = statistics.median(alone)
    rows = [
        ("writes alone", alone, None),
        (f"{args.guessers} guessing, argon2 outside the lock (sign_in today)", outside, rate_outside),
        (f"{args.guessers} guessing, argon2 inside a writing unit of work (the old shape)", inside, rate_inside),
    ]
    lines = [
        "| run | writes | p50 ms | p99 ms | p50 ÷ alone | wrong sign-ins/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, took, rate in rows:
        row = summary(name, took)
        guessed = "" if rate is None else f"{rate:.1f}"
        lines.append(
            f"| {name} | {row['writes']} | {float(row['p50']):.1f} | {float(row['p99']):.1f} | "
            f"{float(row['p50']) / base:.2f} | {guessed} |"
        )
    text = "\n".join(lines)
    ratio = statistics.median(inside) / statistics.median(outside)
    print(text)
    print(f"\nthe old shape's p50 ÷ today's: {ratio:.2f}")
    if args.write is not None:
        body = (
            heading("Password guessing beside the team's writers", "sign_in_contention.py", argv)
            + "- One process, SQLite, the demo team; a writer records positions through the registry, alone, then "
            f"while {args.guessers} thread(s) verify a wrong password (argon2-cffi defaults; the sign-in limits "
            "raised so every guess is verified, and each failure recorded in the audit chain), "
            f"{args.seconds:g} s per row. The peer (third row) verifies the same passwords inside a writing unit of "
            "work, the shape "
            "sign-in had before [3/11].\n\n"
            f"{text}\n\nThe old shape's p50 ÷ today's: **{ratio:.2f}**. Today a guess never holds the writers' "
            "lock; what remains is the CPU the guessers' argon2 takes from the same 2 cores.\n"
        )
        write_section(args.write, SECTION, body)
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
