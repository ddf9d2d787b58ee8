"""CLI latency: how long ``dataval`` takes as a whole process, against a bare Python start.

    .venv/bin/python scripts/bench_cli.py [--repeat 7] [--warm-bytecode]

Run from anywhere (paths are taken from this file); the venv is the one of the Python running the
script. Times, in the same run and each ``--repeat`` times after one warm-up run each:

1. ``python -c pass``: the venv's interpreter alone, the baseline;
2. ``dataval --help``;
3. ``dataval value data/examples/parking_city_investment.json``: a valid case, valued (3 methods,
   the case's 2,000 Monte Carlo draws);
4. ``dataval value invalid.json``: the same case with method weights that do not sum to 1, written to
   a temporary folder: refused by the case's validation (exit 2).

The commands take turns, one run of each per round (the first command of a round rotating), so the
machine's drifts in speed fall on all of them alike. Printed: the median and minimum wall time of
each, the ratio of its median to the baseline's median, the median CPU seconds (user + system: on a
busy machine steadier than the wall time), the exit status, and the targets (help ≤ 0.3 s,
the valid case ≤ 1.0 s) met (✓) or not (✗). Quote medians and ratios: on a shared machine single
runs are noisy. The script reports; it never fails (exit 0).

Bytecode: with ``PYTHONDONTWRITEBYTECODE`` set and no ``__pycache__`` in the checkout, every run
compiles the project's sources again (about 0.2-0.3 s more than an installed copy takes).
``--warm-bytecode`` gives the commands a temporary ``PYTHONPYCACHEPREFIX`` (nothing is written in the
checkout) and lets Python write it, so the warm-up compiles and the counted runs load bytecode, as an
installed ``dataval`` does.

To cross-check a figure with the operating system's own accounting of a process (wall, user and
system seconds, peak memory), run it under ``/usr/bin/time -v`` a few times, e.g.
``/usr/bin/time -v .venv/bin/dataval value data/examples/parking_city_investment.json > /dev/null``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARKING = ROOT / "data" / "examples" / "parking_city_investment.json"
TARGETS = {"help": 0.3, "value parking": 1.0}  # seconds, median wall


@dataclass
class Command:
    name: str
    argv: list[str]
    expected_exit: int
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    exits: set[int] = field(default_factory=set)


def dataval_argv(python: Path) -> list[str]:
    """The venv's ``dataval`` console script, or ``python -m cli`` when the script is not installed."""
    script = python.parent / "dataval"
    return [str(script)] if script.exists() else [str(python), "-m", "cli"]


def write_invalid_case(folder: Path) -> Path:
    """The parking case with method weights summing to 1.2: read, then refused by validation."""
    case = json.loads(PARKING.read_text(encoding="utf-8"))
    case["assets"][0]["methods"][0]["weight"] = 0.5
    path = folder / "invalid_weights.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return path


def children_cpu() -> float:
    """User + system seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(cmd: Command, env: dict[str, str]) -> None:
    cpu, start = children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd.argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False)
    cmd.walls.append(time.perf_counter() - start)
    cmd.cpus.append(children_cpu() - cpu)
    cmd.exits.add(proc.returncode)


def measure(commands: list[Command], repeat: int, env: dict[str, str]) -> None:
    """One warm-up run of each (not counted), then ``repeat`` rounds, one run of each per round."""
    for cmd in commands:
        run_once(cmd, env)
        cmd.walls.clear()
        cmd.cpus.clear()
        cmd.exits.clear()
    for r in range(repeat):
        k = r % len(commands)
        for cmd in commands[k:] + commands[:k]:
            run_once(cmd, env)


def report(commands: list[Command], repeat: int, env: dict[str, str]) -> None:
    base = statistics.median(commands[0].walls)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"CLI latency, {repeat} runs each after 1 warm-up, taking turns; {os.cpu_count()} CPUs"
          + (f", load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}" if load else ""))
    print(f"bytecode: {bytecode_state(env)}")
    print()
    header = f"{'command':<16} {'median s':>9} {'min s':>7} {'× base':>7} {'cpu s':>6} {'exit':>5}  target"
    print(header)
    print("-" * len(header))
    notes = []
    for cmd in commands:
        med, low = statistics.median(cmd.walls), min(cmd.walls)
        target = TARGETS.get(cmd.name)
        verdict = "" if target is None else f"≤ {target:.1f} s {'✓' if med <= target else '✗'}"
        exits = ",".join(str(e) for e in sorted(cmd.exits))
        cpu = statistics.median(cmd.cpus)
        print(f"{cmd.name:<16} {med:>9.3f} {low:>7.3f} {med / base:>7.1f} {cpu:>6.3f} {exits:>5}  {verdict}")
        if cmd.exits != {cmd.expected_exit}:
            notes.append(f"{cmd.name}: exit {exits}, expected {cmd.expected_exit}")
    for note in notes:
        print(f"note: {note}")


def bytecode_state(env: dict[str, str]) -> str:
    if env.get("PYTHONPYCACHEPREFIX"):
        return f"cached in {env['PYTHONPYCACHEPREFIX']} (--warm-bytecode)"
    if env.get("PYTHONDONTWRITEBYTECODE") and not (ROOT / "valuation" / "__pycache__").is_dir():
        return "not cached (PYTHONDONTWRITEBYTECODE, no __pycache__): every run compiles; see --warm-bytecode"
    return "as the environment leaves it"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7, help="counted runs of each command (default 7)")
    parser.add_argument("--warm-bytecode", action="store_true",
                        help="cache bytecode in a temporary PYTHONPYCACHEPREFIX, as an installed copy has it")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    python = Path(sys.executable)
    dataval = dataval_argv(python)
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="bench_cli_") as tmp:
        if args.warm_bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        invalid = write_invalid_case(Path(tmp))
        commands = [
            Command("python -c pass", [str(python), "-c", "pass"], 0),
            Command("help", [*dataval, "--help"], 0),
            Command("value parking", [*dataval, "value", str(PARKING)], 0),
            Command("value invalid", [*dataval, "value", str(invalid)], 2),
        ]
        measure(commands, repeat, env)
        report(commands, repeat, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
