"""The batch engine of this working tree against the same engine in another git revision, in one run.

    python benchmarks/bench_trees.py --before REV [--assets 20000] [--draws 1000] [--rounds 3]
                                     [--repeat 3] [--json out.json]
    python benchmarks/bench_trees.py --before-dir DIR ...     (an existing checkout instead of REV)

BEFORE is ``REV`` checked out in a temporary ``git worktree add --detach`` (removed at the end with
``git worktree remove --force``), or the checkout ``--before-dir``; AFTER is the working tree this
script lives in, uncommitted edits included. Both run on this interpreter (the same venv).

What is timed, as (a) of benchmarks/bench_batch.py: ``run_batch`` (local executor, 1 thread) on
``--assets`` synthetic assets (valuation/synthetic.py, seed 2024) × ``--draws`` draws, with the bundled
price index, comparables and market adjustments. Each timing is a fresh process whose cwd and
sys.path[0] are the tree being timed (the venv's editable-install finder is taken out, so a module
missing from that tree cannot come from the other one); it prints the ``valuation.__file__`` it
imported and checks that every project module it loaded lies under its own tree. Names are looked up
where the current tree has them first (``valuation.runner.run_batch``, ``bridges.data_files``), then
where older trees had them (``valuation.batch.run_batch``, ``dataval.data_files``). Each process first
values 200 assets once (numba compilation, caches: not timed), then keeps the best wall time of
``--repeat`` runs; data loading is not timed.

Rounds alternate the order (B then A, A then B, ...) so drift in the machine's load hits both trees
alike. The figure is median(AFTER) / median(BEFORE) of the per-process best times: below 1 the
working tree is faster. Both trees must give the same figures: each process writes the sum and a
SHA-256 of the concluded value column rounded to 2 decimals (and a hash of the exact float bits of
value, P5, P50, P95, for information); the report says whether all processes agree.

Timings are wall clock on whatever else the machine is doing; CPU seconds of the same runs are printed
beside them, with their own median ratio (a run whose wall time is well above its CPU time waited for a
core), and the load average at the start and the end.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = 2024
WARMUP_ASSETS = 200
# top-level packages of the project, current and older layouts: every one loaded must be the timed tree's
PROJECT_PACKAGES = ("valuation", "bridges", "base", "cli", "dataval", "accounting", "pledge", "register",
                    "ledger_export", "app", "benchmarks")
# where each name lives, the current tree's place first
RUN_BATCH = (("valuation.runner", "run_batch"), ("valuation.batch", "run_batch"), ("valuation", "run_batch"))
DATA_FILES = ("bridges.data_files", "dataval.data_files", "dataval.data", "valuation.data_files")
LOCAL_EXECUTOR = (("valuation.executors", "LocalExecutor"), ("valuation.executors.local", "LocalExecutor"))


# --- child: one tree, one process -------------------------------------------------------------------

def _under(path: str | None, root: Path) -> bool:
    return path is not None and Path(path).resolve().is_relative_to(root)


def _isolate(tree: Path) -> None:
    """Import the project only from ``tree``: sys.path[0] is the tree, no editable-install finder."""
    sys.path[0] = str(tree)
    sys.meta_path[:] = [f for f in sys.meta_path  # the finder is a class or an instance of one
                        if not str(getattr(f, "__module__", "")).startswith("__editable__")]
    for name in [m for m in sys.modules if m.split(".")[0] in PROJECT_PACKAGES]:
        del sys.modules[name]


def _first(tree: Path, places: tuple[tuple[str, str], ...]) -> tuple[Any, str]:
    """The first of ``(module, name)`` that the tree itself provides, and where it was found."""
    tried = []
    for mod_name, attr in places:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError as exc:
            tried.append(f"{mod_name}: {exc}")
            continue
        if not _under(getattr(mod, "__file__", None), tree):
            tried.append(f"{mod_name}: {getattr(mod, '__file__', None)} is outside {tree}")
            continue
        if hasattr(mod, attr):
            return getattr(mod, attr), f"{mod_name}.{attr}"
        tried.append(f"{mod_name}: no {attr}")
    raise ImportError(f"none of {places} in {tree}: " + "; ".join(tried))


def _checksum(res: Any) -> dict[str, Any]:
    import numpy as np

    table = res.table
    value = table["value"].to_numpy(dtype=np.float64)
    rounded = np.round(value, 2) + 0.0  # + 0.0: -0.0 and 0.0 hash alike
    exact = np.ascontiguousarray(table[["value", "p5", "p50", "p95"]].to_numpy(dtype=np.float64))
    return {"rows": len(table), "value_sum": float(np.nansum(value)),
            "value_nan": int(np.isnan(value).sum()),
            "value_round2_sha256": hashlib.sha256(rounded.tobytes()).hexdigest(),
            "exact_sha256": hashlib.sha256(exact.tobytes()).hexdigest()}


def child(args: argparse.Namespace) -> None:
    """Time ``run_batch`` of the tree ``--child-tree`` (this process's cwd): prints one JSON line."""
    tree = Path(args.child_tree).resolve()
    _isolate(tree)
    import valuation

    if not _under(valuation.__file__, tree):
        raise AssertionError(f"valuation imported from {valuation.__file__}, not from {tree}")
    from valuation.context import ValuationContext
    from valuation.synthetic import synthetic_batch

    run_batch, run_batch_at = _first(tree, RUN_BATCH)
    local_executor, executor_at = _first(tree, LOCAL_EXECUTOR)
    loaders = [_first(tree, tuple((m, n) for m in DATA_FILES)) for n in
               ("load_price_index", "load_comparables", "load_adjustments")]
    (load_price_index, data_at), (load_comparables, _), (load_adjustments, _) = loaders
    try:
        compiled_used = bool(importlib.import_module("valuation.compiled").available())
    except (ImportError, AttributeError):
        compiled_used = False

    market = {"database": load_comparables(), "adjustments": load_adjustments()}
    price_index = load_price_index()

    def ctx(table: Any) -> Any:  # as _ctx of benchmarks/bench_batch.py
        return ValuationContext(valuation_date=table["valuation_date"].iat[0], price_index=price_index,
                                seed=SEED, n_draws=args.draws)

    def run(table: Any, context: Any) -> Any:
        with local_executor(threads=1) as ex:
            return run_batch(table, context, market_kwargs=market, executor=ex)

    warm = synthetic_batch(WARMUP_ASSETS, seed=SEED)
    t0 = time.perf_counter()
    run(warm, ctx(warm))  # numba compilation and first-use caches: not timed
    warmup_s = time.perf_counter() - t0

    table = synthetic_batch(args.assets, seed=SEED)
    context = ctx(table)
    walls, cpus, res = [], [], None
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        res = run(table, context)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    assert res is not None and res.n_failed == 0, (res.errors[:3] if res is not None else None)
    best = min(range(len(walls)), key=walls.__getitem__)

    files = {getattr(m, "__file__", None) for name, m in list(sys.modules.items())
             if name.split(".")[0] in PROJECT_PACKAGES}
    foreign = sorted(f for f in files if f is not None and not _under(f, tree))
    if foreign:
        raise AssertionError(f"project modules loaded from outside {tree}: {foreign[:5]}")
    print(json.dumps({"tree": str(tree), "valuation_file": valuation.__file__, "run_batch": run_batch_at,
                      "executor": executor_at, "data_files": data_at, "compiled": compiled_used,
                      "warmup_s": warmup_s, "seconds": walls[best], "cpu_s": cpus[best], "walls": walls,
                      "checksum": _checksum(res)}))


# --- parent: rounds over both trees ------------------------------------------------------------------

def _git(*argv: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *argv], check=True, capture_output=True,
                          text=True).stdout.strip()


def time_tree(tree: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One fresh process on ``tree``; its JSON line, checked to have imported that tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATAVAL_COMPILED")}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-tree", str(tree), "--assets", str(args.assets),
           "--draws", str(args.draws), "--repeat", str(args.repeat)]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"child on {tree} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if not _under(out["valuation_file"], tree.resolve()):
        raise AssertionError(f"child on {tree} imported valuation from {out['valuation_file']}")
    return out


def _describe(label: str, tree: Path, run: dict[str, Any]) -> str:
    return (f"{label}: {tree}\n    valuation from {run['valuation_file']}; {run['run_batch']}, "
            f"{run['executor']}, {run['data_files'].rsplit('.', 1)[0]}; "
            f"{'compiled kernels' if run['compiled'] else 'numpy path (no compiled kernels)'}")


def measure(before: Path, after: Path, args: argparse.Namespace, before_label: str) -> dict[str, Any]:
    load_start = os.getloadavg()
    head = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--short", "--untracked-files=no").splitlines()
    print(f"{args.assets:,} assets × {args.draws:,} draws, run_batch on a local executor (1 thread); "
          f"best of {args.repeat} per process after a {WARMUP_ASSETS}-asset warm-up; {args.rounds} rounds",
          file=sys.stderr)
    rounds: list[dict[str, Any]] = []
    for r in range(1, args.rounds + 1):
        order = ("before", "after") if r % 2 == 1 else ("after", "before")
        row: dict[str, Any] = {"round": r, "order": "".join(o[0].upper() for o in order)}
        for which in order:
            row[which] = time_tree(before if which == "before" else after, args)
            print(f"  round {r} {which}: {row[which]['seconds']:.2f} s", file=sys.stderr)
        rounds.append(row)

    med_b = statistics.median(x["before"]["seconds"] for x in rounds)
    med_a = statistics.median(x["after"]["seconds"] for x in rounds)
    cpu_b = statistics.median(x["before"]["cpu_s"] for x in rounds)
    cpu_a = statistics.median(x["after"]["cpu_s"] for x in rounds)
    sums = {(x[w]["checksum"]["value_sum"], x[w]["checksum"]["value_round2_sha256"], x[w]["checksum"]["rows"])
            for x in rounds for w in ("before", "after")}
    exact = {x[w]["checksum"]["exact_sha256"] for x in rounds for w in ("before", "after")}
    return {"assets": args.assets, "draws": args.draws, "repeat": args.repeat,
            "before": {"label": before_label, "tree": str(before)},
            "after": {"label": f"working tree (HEAD {head}, {len(dirty)} uncommitted tracked changes)",
                      "tree": str(after)},
            "rounds": rounds, "median_before_s": med_b, "median_after_s": med_a, "ratio": med_a / med_b,
            "median_before_cpu_s": cpu_b, "median_after_cpu_s": cpu_a, "ratio_cpu": cpu_a / cpu_b,
            "checksums_agree": len(sums) == 1, "bit_identical": len(exact) == 1,
            "load_start": list(load_start), "load_end": list(os.getloadavg()), "cpus": os.cpu_count()}


def report(res: dict[str, Any]) -> str:
    first = res["rounds"][0]
    lines = [
        f"batch engine, {res['assets']:,} assets × {res['draws']:,} draws, local executor (1 thread), best of "
        f"{res['repeat']} per process after a {WARMUP_ASSETS}-asset warm-up",
        _describe(f"BEFORE {res['before']['label']}", Path(res["before"]["tree"]), first["before"]),
        _describe(f"AFTER  {res['after']['label']}", Path(res["after"]["tree"]), first["after"]),
        "",
        f"{'round':>5}  {'order':>5}  {'before s':>9}  {'after s':>9}  {'before cpu':>10}  {'after cpu':>9}",
    ]
    for x in res["rounds"]:
        b, a = x["before"], x["after"]
        lines.append(f"{x['round']:>5}  {x['order']:>5}  {b['seconds']:>9.2f}  {a['seconds']:>9.2f}  "
                     f"{b['cpu_s']:>10.2f}  {a['cpu_s']:>9.2f}")
    lines.append(f"{'median':>5}  {'':>5}  {res['median_before_s']:>9.2f}  {res['median_after_s']:>9.2f}  "
                 f"{res['median_before_cpu_s']:>10.2f}  {res['median_after_cpu_s']:>9.2f}")
    ck_b, ck_a = first["before"]["checksum"], first["after"]["checksum"]
    lines += [
        "",
        f"ratio after/before = {res['ratio']:.2f}",
        f"(CPU time of the same runs: ratio after/before = {res['ratio_cpu']:.2f}; wall above CPU means the "
        f"process waited for a core)",
        f"checksums (sum and SHA-256 of the concluded value rounded to 2 decimals, every process): "
        f"{'agree' if res['checksums_agree'] else 'DIFFER'} — before sum {ck_b['value_sum']:,.2f} "
        f"sha {ck_b['value_round2_sha256'][:12]}, after sum {ck_a['value_sum']:,.2f} "
        f"sha {ck_a['value_round2_sha256'][:12]}; value/P5/P50/P95 bit-identical: {res['bit_identical']}",
        f"load average at the start {', '.join(f'{v:.2f}' for v in res['load_start'])}, at the end "
        f"{', '.join(f'{v:.2f}' for v in res['load_end'])} ({res['cpus']} cores)",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--before", help="git revision to compare with (checked out in a temporary worktree)")
    which.add_argument("--before-dir", help="an existing checkout to compare with")
    ap.add_argument("--assets", type=int, default=20_000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", help="also write every figure to this JSON file")
    ap.add_argument("--child-tree", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_tree:
        child(args)
        return
    if not (args.before or args.before_dir):
        ap.error("one of --before REV or --before-dir DIR is required")

    tmp: Path | None = None
    try:
        if args.before_dir:
            before, label = Path(args.before_dir).resolve(), f"checkout {args.before_dir}"
        else:
            rev = _git("rev-parse", "--verify", f"{args.before}^{{commit}}")
            tmp = Path(tempfile.mkdtemp(prefix="dataval-bench-trees-"))
            before = tmp / "before"
            _git("worktree", "add", "--detach", str(before), rev)
            label = f"{args.before} ({rev[:7]})"
        res = measure(before, ROOT, args, label)
    finally:
        if tmp is not None:
            if (tmp / "before").exists():
                _git("worktree", "remove", "--force", str(tmp / "before"))
            shutil.rmtree(tmp, ignore_errors=True)
    print(report(res))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
