"""How long does the command line take to answer? `remit who`, `remit resolve` and `remit gate` must start in under
0.25 s (issue [5/11]). The console script (``remit/entry.py``) parses their plain calls by hand and answers them
without building the Typer tree (Typer converts every parameter through pydantic) or loading every capability's
handlers; `who` and `resolve` load no database stack at all; `gate` on SQLite loads SQLAlchemy (its ORM) and no
more of it than it reads with.

Each command runs as a fresh process ``--runs`` times (after one warm-up run, so the files are in the page
cache) in a folder holding a charter and its database; the figure is the median wall time. The peer is
``python -c pass`` in the same virtual environment, in the same run: the interpreter's own start, which no
command can beat. Two more peers show what loading the database stack alone costs (``import sqlalchemy``, and
``import sqlalchemy.orm``, the gate's floor), and ``python -m remit.main who release`` is the same command
through the Typer tree, for comparison.

    python bench/cli_startup.py [--runs 10] [--bytecode] [--write BENCHMARKS.md]

By default the commands run in the environment as it is: where PYTHONDONTWRITEBYTECODE is set (this machine's
engineers' shells set it), Remit's own modules are compiled from source on every run, which an installed Remit
does not do. ``--bytecode`` measures the installed case: the variable is unset and Python keeps its bytecode
in a temporary PYTHONPYCACHEPREFIX (written by the warm-up run; nothing is written into the source tree).

Nothing asserts on time; the numbers are reported. The load average is printed beside them: other work on the
same 2 cores shows up here directly.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from loadkit import heading, load_average, write_section

SECTION = "cli_startup"
BIN = Path(sys.executable).parent
COMMANDS = [
    ("`python -c pass` (the peer: the interpreter alone)", [sys.executable, "-c", "pass"]),
    ("`python -c 'import sqlalchemy'` (the database stack alone)", [sys.executable, "-c", "import sqlalchemy"]),
    ("`python -c 'import sqlalchemy.orm'` (the gate's floor)", [sys.executable, "-c", "import sqlalchemy.orm"]),
    ("`remit --help`", [str(BIN / "remit"), "--help"]),
    ("`remit who release`", [str(BIN / "remit"), "who", "release"]),
    (
        "`remit resolve release --position pm=go --position em=no-go:technical`",
        [str(BIN / "remit"), "resolve", "release", "--position", "pm=go", "--position", "em=no-go:technical"],
    ),
    ("`remit gate 1` (reads the database)", [str(BIN / "remit"), "gate", "1"]),
    (
        "`python -m remit.main who release` (the same command through the Typer tree)",
        [sys.executable, "-m", "remit.main", "who", "release"],
    ),
]


def wall(command: list[str], folder: Path) -> tuple[float, float]:
    """One run: its wall time, and the CPU time (user + system) the process took, which other work on the
    machine inflates less than it does the wall time."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(command, cwd=folder, check=False, **quiet)  # noqa: S603 - our own commands
    seconds, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--bytecode", action="store_true", help="keep bytecode, as an installed Remit does")
    parser.add_argument("--write", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REMIT_")}
    os.environ.clear()
    os.environ.update(env)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.bytecode:
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        bytecode = (
            "kept (in a temporary PYTHONPYCACHEPREFIX), as an installed Remit has it"
            if not os.environ.get("PYTHONDONTWRITEBYTECODE")
            else "not kept (PYTHONDONTWRITEBYTECODE is set): Remit's own modules are compiled on every run"
        )
        remit = str(BIN / "remit")
        subprocess.run(  # noqa: S603 - our own remit
            [remit, "init", "--preset", "default", "--team", "bench"], cwd=folder, check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run(  # noqa: S603 - our own remit
            [remit, "decision", "open", "release", "bench release", "--as", "priya"],
            cwd=folder,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        results = []
        for name, command in COMMANDS:
            wall(command, folder)  # warm-up
            runs = [wall(command, folder) for _ in range(args.runs)]
            results.append((name, statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)))
    peer = results[0][1]
    lines = ["| command | median s | ÷ `python -c pass` | median CPU s |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {name} | {seconds:.3f} | {seconds / peer:.1f} | {cpu:.3f} |" for name, seconds, cpu in results]
    text = "\n".join(lines)
    load = load_average()
    print(text)
    print(f"\nload average (1 / 5 min) at the end: {load}; bytecode {bytecode}")
    if args.write is not None:
        body = (
            heading("The command line's start", "cli_startup.py", argv)
            + f"- Each command is a fresh process, median of {args.runs} runs after a warm-up (its wall time, and the "
            "CPU time it took), in a folder holding a "
            "charter and its SQLite database. The peer is the interpreter alone, in the same run. Load average "
            f"(1 / 5 min) at the end: {load}. Bytecode: {bytecode}.\n\n"
            f"{text}\n\n"
            "`remit who` and `remit resolve` import no database or server stack, and the console script answers "
            "them and `remit gate` without Typer or pydantic (tests check it: `tests/unit/test_cli_imports.py`); "
            "`remit gate` on SQLite loads SQLAlchemy's ORM, which it reads with.\n"
        )
        write_section(args.write, SECTION, body)
        print(f"\nwrote the section to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
