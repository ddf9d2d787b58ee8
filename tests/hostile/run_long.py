"""The long hostile-input run: thousands of generated inputs across every command, as subprocesses.

    .venv/bin/python tests/hostile/run_long.py --inputs 5000            # ~2 h on 2 cores
    .venv/bin/python tests/hostile/run_long.py --inputs 200 --only book --only pledge --seed 7
    .venv/bin/python tests/hostile/run_long.py --inputs 5000 --jobs 4 --keep /tmp/hostile-failures

``--inputs`` is the total, shared evenly by the commands chosen (``--only``, repeatable; default all:
value, value -o, value batch.csv, value in.xlsx, book, pledge, export -o x.xlsx, db import, profile).
Inputs are drawn with Hypothesis from ``--seed`` (a different seed, different inputs; the CI slice in
test_hostile.py uses the fixed derandomized ones). Prints per command: inputs tried, tracebacks, hangs,
half-written outputs, bad exit codes, outputs written despite exit 2; then each failure class with
the stderr's last line and a reproducer folder (input files, cmd.sh, stderr.txt). Exit 0 when no
promise was broken, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.hostile import harness


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--inputs", type=int, default=5000, help="total inputs across the commands (default 5000)")
    p.add_argument("--only", action="append", choices=list(harness.TARGETS), help="commands to run (repeatable)")
    p.add_argument("--seed", type=int, default=int(time.time()), help="Hypothesis seed (default: the clock)")
    p.add_argument("--jobs", type=int, default=harness.JOBS, help=f"subprocesses at a time (default {harness.JOBS})")
    p.add_argument("--timeout", type=float, default=harness.TIMEOUT_S, help="seconds before a run is a hang")
    p.add_argument("--keep", type=Path, default=harness.FAILURES_DIR, help="where reproducers are kept")
    p.add_argument("--batch", type=int, default=100, help="inputs drawn per round (memory bound)")
    args = p.parse_args(argv)

    targets = args.only or list(harness.TARGETS)
    per_target = max(1, -(-args.inputs // len(targets)))  # rounded up: --inputs 5000 runs at least 5,000
    print(f"hostile run: {per_target} inputs × {len(targets)} commands, seed {args.seed}, {args.jobs} at a time, "
          f"timeout {args.timeout:.0f} s, reproducers in {args.keep}", flush=True)
    outcomes: list[harness.Outcome] = []
    started = time.monotonic()
    for target in targets:
        pinned = harness.pinned_jobs(target)
        outcomes.extend(harness.run_jobs(pinned, jobs_in_parallel=args.jobs, timeout=args.timeout, keep_dir=args.keep))
        done = len(pinned)
        round_no = 0
        seen: set[str] = {j.digest() for j in pinned}
        while done < per_target:
            n = min(args.batch, per_target - done)
            jobs = [j for j in harness.draw_jobs(target, n, seed=args.seed + 7919 * round_no) if j.digest() not in seen]
            round_no += 1
            if not jobs:
                if round_no > 3 + per_target // max(1, args.batch) * 2:
                    break
                continue
            seen.update(j.digest() for j in jobs)
            got = harness.run_jobs(jobs, jobs_in_parallel=args.jobs, timeout=args.timeout, keep_dir=args.keep)
            outcomes.extend(got)
            done += len(got)
            bad = sum(1 for o in got if o.problems)
            print(f"  {target}: {done}/{per_target} ({bad} failing in this round) · "
                  f"{time.monotonic() - started:.0f} s", flush=True)
    print()
    print(harness.format_report(outcomes))
    return 1 if any(o.problems for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
