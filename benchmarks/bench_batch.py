"""Benchmark suite of the batch engine. Every figure is a ratio of two timings taken in this run.

    python benchmarks/bench_batch.py [--assets 20000] [--draws 1000] [--loop-assets 200]
                                     [--big 1000000] [--big-draws 100] [--chunk-rows 50000] [--skip-big]

The engine runs with its compiled kernels (valuation/compiled, numba) when numba is installed, and once
more on its numpy path (DATAVAL_COMPILED=0) for the kernels' gain; the figures must be identical.
(a) engine vs bare numpy: ``run_batch`` (local executor, 1 thread) against benchmarks/bare_kernel.py —
    the same formulas and draws as straight numpy with no framework — on the same ``--assets`` synthetic
    assets × ``--draws`` draws, whole arrays and in blocks of 250 rows; the ratio is against the faster.
    The two must agree (max relative difference printed).
(b) engine vs per-asset Python loop: benchmarks/loops (one asset, one draw at a time), timed on the first
    ``--loop-assets`` assets (best of ``--repeat``, as the engine); rates per asset compared. Also with
    the local executor on 2 threads (the engine's default chunking: two chunks per thread).
(c) Dask LocalCluster with 2 workers (1 thread each) against the local executor (1 thread, then 2
    threads) on ``--big`` assets × ``--big-draws`` draws, streamed from Parquet to Parquet in chunks
    of ``--chunk-rows``; each run in its own process; outputs checked identical.
(d) peak memory (max RSS) of those streamed runs: the process, plus every Dask worker, per million
    assets.

Synthetic assets: valuation/synthetic.py, seed 2024 (all three methods; an asset runs the methods its
weights name). Timings are wall clock (best of ``--repeat``) on whatever else the machine is doing;
CPU seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bare_kernel import bare_batch  # noqa: E402
from benchmarks.bench_valuation import _loop  # noqa: E402
from bridges.data_files import load_adjustments, load_comparables, load_price_index  # noqa: E402
from valuation import compiled  # noqa: E402
from valuation.context import ValuationContext  # noqa: E402
from valuation.executors import LocalExecutor  # noqa: E402
from valuation.runner import run_batch  # noqa: E402
from valuation.synthetic import synthetic_batch  # noqa: E402

SEED = 2024
WHOLE_ARRAYS_MAX = 5_000  # the bare kernel on whole arrays only up to this many assets (memory)


def _ctx(table: Any, draws: int) -> ValuationContext:
    return ValuationContext(valuation_date=table["valuation_date"].iat[0], price_index=load_price_index(),
                            seed=SEED, n_draws=draws)


def _timed(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """Best wall time, its CPU time, and the last result."""
    best, cpu, out = np.inf, np.inf, None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall, used = time.perf_counter() - t0, time.process_time() - c0
        if wall < best:
            best, cpu = wall, used
    return best, cpu, out


def _peak_mb() -> float:
    """Peak resident memory of this process since it started (VmHWM), MB.

    Not ru_maxrss: on Linux that carries over the parent's peak through fork and exec, so every child
    of this benchmark would report at least the parent's size.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def small_suite(args: argparse.Namespace) -> dict[str, Any]:
    db, adj = load_comparables(), load_adjustments()
    market = {"database": db, "adjustments": adj}
    table = synthetic_batch(args.assets, seed=SEED)
    ctx = _ctx(table, args.draws)
    n = args.assets
    out: dict[str, Any] = {"assets": n, "draws": args.draws}

    t_eng, c_eng, res = _timed(lambda: run_batch(table, ctx, market_kwargs=market), args.repeat)
    assert res.n_failed == 0, res.errors[:3]
    compiled_used = compiled.available()
    os.environ["DATAVAL_COMPILED"] = "0"  # the same engine on its numpy path: the compiled kernels' gain
    try:
        t_np, c_np, res_np = _timed(lambda: run_batch(table, ctx, market_kwargs=market), args.repeat)
    finally:
        del os.environ["DATAVAL_COMPILED"]
    same_np = all(res_np.table[c].equals(res.table[c]) for c in ("value", "p5", "p50", "p95"))
    out["numpy_path"] = {"compiled_used": compiled_used, "engine_numpy_s": t_np, "engine_numpy_cpu_s": c_np,
                         "ratio": t_np / t_eng, "ratio_cpu": c_np / c_eng, "identical": same_np}
    with LocalExecutor(threads=2) as ex:
        t_eng2, c_eng2, res2 = _timed(
            lambda: run_batch(table, ctx, market_kwargs=market, executor=ex), args.repeat)  # engine's chunking
    assert res2.table["value"].equals(res.table["value"])
    t_block, c_block, bare_b = _timed(lambda: bare_batch(table, ctx, db, adj, block_rows=250), args.repeat)
    if n <= WHOLE_ARRAYS_MAX:
        t_whole, c_whole, bare = _timed(lambda: bare_batch(table, ctx, db, adj), args.repeat)
    else:  # whole (n, draws, periods) arrays would take gigabytes: blocks only
        t_whole, c_whole, bare = np.inf, np.inf, bare_b
    eng = res.table
    rel_v = float(np.max(np.abs(eng["value"].to_numpy() - bare.value) / np.abs(bare.value)))
    rel_p = float(np.max(np.abs(eng[["p5", "p50", "p95"]].to_numpy() - bare_b.pct) / np.abs(bare_b.pct)))
    t_bare = min(t_whole, t_block)
    out["a"] = {"engine_s": t_eng, "engine_cpu_s": c_eng, "bare_whole_s": t_whole, "bare_whole_cpu_s": c_whole,
                "bare_blocks_s": t_block, "bare_blocks_cpu_s": c_block, "ratio": t_eng / t_bare,
                "ratio_cpu": c_eng / min(c_whole, c_block), "max_rel_diff_value": rel_v, "max_rel_diff_pct": rel_p}

    sub = table.head(args.loop_assets).reset_index(drop=True)
    t_loop, c_loop, (loop_values, _ranges) = _timed(lambda: _loop(sub, ctx, db, adj), args.repeat)  # best of, as the engine
    head = eng.head(args.loop_assets)
    rel_loop = float(np.max(np.abs(np.array(loop_values) - head["value"].to_numpy()) / head["value"].to_numpy()))
    loop_rate, rate1, rate2 = args.loop_assets / t_loop, n / t_eng, n / t_eng2
    out["b"] = {"loop_assets": args.loop_assets, "loop_s": t_loop, "loop_rate": loop_rate,
                "engine_rate": rate1, "engine_2threads_rate": rate2, "engine_2threads_s": t_eng2,
                "engine_2threads_cpu_s": c_eng2, "ratio": rate1 / loop_rate, "ratio_2threads": rate2 / loop_rate,
                "loop_cpu_s": c_loop, "ratio_cpu": (n / c_eng) / (args.loop_assets / c_loop),
                "max_rel_diff_value": rel_loop}
    out["peak_rss_mb_small"] = _peak_mb()
    return out


def child(args: argparse.Namespace) -> None:
    """One streamed run in its own process (for (c) and (d)): prints a JSON line."""
    from cli.executors import make_executor
    from cli.stream import BatchSource, TableSink, value_stream
    from valuation.batch import BatchJob

    db, adj = load_comparables(), load_adjustments()

    def job(vdate: Any) -> BatchJob:
        ctx = ValuationContext(valuation_date=vdate, price_index=load_price_index(), seed=SEED, n_draws=args.draws)
        return BatchJob(ctx, {"database": db, "adjustments": adj})

    options: dict[str, Any] = ({"n_workers": 2, "threads_per_worker": 1} if args.child == "dask"
                               else {"threads": args.threads})
    t_start = time.perf_counter()
    with make_executor(args.child, **options) as ex:
        client = cast(Any, ex).client if args.child == "dask" else None
        before = client.run(_cpu_s) if client is not None else {}
        t0, c0 = time.perf_counter(), time.process_time()
        with TableSink(Path(args.output)) as sink:
            summary = value_stream(BatchSource(Path(args.input), chunk_rows=args.chunk_rows), job, ex, sink=sink)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        after = client.run(_cpu_s) if client is not None else {}
        workers_mb = client.run(_peak_mb) if client is not None else {}
        engine = ex.describe()
    print(json.dumps({"engine": engine, "seconds": wall, "cpu_s": cpu, "startup_s": t0 - t_start,
                      "assets": summary.n_assets, "ok": summary.n_ok, "peak_mb": _peak_mb(),
                      "worker_peak_mb": list(workers_mb.values()),
                      "worker_cpu_s": [after[w] - before[w] for w in after]}))


def big_suite(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"assets": args.big, "draws": args.big_draws, "chunk_rows": args.chunk_rows}
    with tempfile.TemporaryDirectory(prefix="dataval-bench-") as tmp:
        src = Path(tmp) / "batch.parquet"
        t0 = time.perf_counter()
        synthetic_batch(args.big, seed=SEED).to_parquet(src, index=False, row_group_size=100_000)
        out["generate_s"] = time.perf_counter() - t0
        out["input_mb"] = src.stat().st_size / 2**20
        runs = {}
        for name, engine, threads in (("local", "local", 1), ("local_2threads", "local", 2), ("dask", "dask", 1)):
            dest = Path(tmp) / f"{name}.parquet"
            cmd = [sys.executable, str(Path(__file__).resolve()), "--child", engine, "--threads", str(threads),
                   "--input", str(src), "--output", str(dest), "--draws", str(args.big_draws),
                   "--chunk-rows", str(args.chunk_rows)]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ})
            runs[name] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {name}: {runs[name]['seconds']:.1f} s", file=sys.stderr)
        import pyarrow.parquet as pq

        ref = pq.read_table(Path(tmp) / "local.parquet").to_pandas()
        for name in ("local_2threads", "dask"):
            other = pq.read_table(Path(tmp) / f"{name}.parquet").to_pandas()
            num = [c for c in ref.columns if ref[c].dtype.kind == "f"]
            runs[name]["identical_to_local"] = bool(
                np.array_equal(ref[num].to_numpy(), other[num].to_numpy(), equal_nan=True)
                and ref["error"].fillna("").equals(other["error"].fillna("")))
        out["runs"] = runs
        out["c_ratio_local_over_dask"] = runs["local"]["seconds"] / runs["dask"]["seconds"]
        out["c_ratio_local2_over_dask"] = runs["local_2threads"]["seconds"] / runs["dask"]["seconds"]
        million = args.big / 1e6
        out["d"] = {
            "local_mb_per_million": runs["local"]["peak_mb"] / million,
            "local_2threads_mb_per_million": runs["local_2threads"]["peak_mb"] / million,
            "dask_client_mb": runs["dask"]["peak_mb"],
            "dask_workers_mb": runs["dask"]["worker_peak_mb"],
            "dask_total_mb_per_million": (runs["dask"]["peak_mb"] + sum(runs["dask"]["worker_peak_mb"])) / million,
        }
    return out


def report(small: dict[str, Any] | None, big: dict[str, Any] | None) -> str:
    lines = []
    if small:
        a, b, p = small["a"], small["b"], small["numpy_path"]
        lines += [
            f"engine {a['engine_s']:.2f} s ({'compiled kernels' if p['compiled_used'] else 'numpy: numba missing'}),"
            f" on its numpy path (DATAVAL_COMPILED=0) {p['engine_numpy_s']:.2f} s → compiled kernels "
            f"{p['ratio']:.2f}× faster (CPU time {p['ratio_cpu']:.2f}×); identical figures: {p['identical']}",
            f"(a) {small['assets']:,} assets × {small['draws']:,} draws: engine {a['engine_s']:.2f} s; bare numpy "
            f"{a['bare_whole_s']:.2f} s whole arrays (inf = not run), {a['bare_blocks_s']:.2f} s in 250-row blocks → "
            f"engine / bare = {a['ratio']:.2f}× (CPU time {a['ratio_cpu']:.2f}×); agreement: V {a['max_rel_diff_value']:.1e},"
            f" P5/P50/P95 {a['max_rel_diff_pct']:.1e}",
            f"(b) per-asset Python loop {b['loop_rate']:,.1f} assets/s ({b['loop_assets']} assets, {b['loop_s']:.1f} s); "
            f"engine {b['engine_rate']:,.0f} assets/s → {b['ratio']:,.0f}× (CPU time {b['ratio_cpu']:,.0f}×); engine on 2 threads "
            f"{b['engine_2threads_rate']:,.0f} assets/s → {b['ratio_2threads']:,.0f}×; agreement {b['max_rel_diff_value']:.1e}",
        ]
    if big:
        r = big["runs"]
        lines += [
            f"(c) {big['assets']:,} assets × {big['draws']} draws, Parquet → Parquet in chunks of {big['chunk_rows']:,}: "
            f"local 1 thread {r['local']['seconds']:.1f} s, local 2 threads {r['local_2threads']['seconds']:.1f} s, "
            f"Dask LocalCluster 2 workers {r['dask']['seconds']:.1f} s (+{r['dask']['startup_s']:.1f} s start) → "
            f"local / Dask = {big['c_ratio_local_over_dask']:.2f}×, local 2 threads / Dask = "
            f"{big['c_ratio_local2_over_dask']:.2f}×; CPU seconds: local {r['local']['cpu_s']:.0f}, Dask workers "
            f"{' + '.join(f'{c:.0f}' for c in r['dask']['worker_cpu_s'])} + client {r['dask']['cpu_s']:.0f}; "
            f"identical outputs: {r['local_2threads']['identical_to_local'] and r['dask']['identical_to_local']}",
            f"(d) peak memory: local {big['d']['local_mb_per_million']:,.0f} MB per million assets "
            f"(2 threads {big['d']['local_2threads_mb_per_million']:,.0f}); Dask client "
            f"{big['d']['dask_client_mb']:,.0f} MB + workers "
            f"{' + '.join(f'{w:,.0f}' for w in big['d']['dask_workers_mb'])} MB = "
            f"{big['d']['dask_total_mb_per_million']:,.0f} MB per million assets",
        ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=int, default=20_000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--loop-assets", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--big-draws", type=int, default=100)
    ap.add_argument("--chunk-rows", type=int, default=50_000)
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--skip-small", action="store_true")
    ap.add_argument("--json", help="also write every figure to this JSON file")
    ap.add_argument("--child", choices=("local", "dask"), help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--output", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        args.draws = args.draws
        child(args)
        return
    small = None if args.skip_small else small_suite(args)
    big = None if args.skip_big else big_suite(args)
    print(report(small, big))
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    if args.json:
        Path(args.json).write_text(json.dumps({"small": small, "big": big}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
