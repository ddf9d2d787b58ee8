"""Benchmark: the vectorized batch engine against a straightforward per-asset Python loop.

    python benchmarks/bench_valuation.py [--assets 100000] [--draws 1000] [--loop-assets 300]

Both sides run the same formulas on the same synthetic assets (valuation/synthetic.py, seed 2024): all
three methods (each asset runs the methods its weights name) plus a Monte Carlo of ``--draws`` draws per
asset, reconciled into the concluded value with P5/P50/P95. The loop (benchmarks/loops/) is timed on the
first ``--loop-assets`` assets and its rate per asset is compared with the engine's rate on all assets;
the engine is also run on that subset to confirm both give the same values. Everything is measured in
this one run; nothing is compared with figures from elsewhere.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.loops.cost_loop import value_cost_loop
from benchmarks.loops.income_loop import value_income_loop
from benchmarks.loops.market_loop import value_market_loop
from bridges.data_files import load_adjustments, load_comparables, load_price_index
from valuation.context import ValuationContext
from valuation.runner import run_batch
from valuation.synthetic import synthetic_batch


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _loop(table: Any, ctx: Any, database: Any, adjustments: Any) -> tuple[list[float], list[tuple[float, ...]]]:
    """Per asset: each weighted method one draw at a time, then V and its percentiles in plain Python."""
    n = len(table)
    values = [0.0] * n
    draws = [[0.0] * ctx.n_draws for _ in range(n)]
    for method, fn, kwargs in (
        ("cost", value_cost_loop, {}),
        ("income", value_income_loop, {}),
        ("market", value_market_loop, {"database": database, "adjustments": adjustments}),
    ):
        rows = [i for i in range(n) if table.iloc[i][f"w_{method}"] > 0]
        if not rows:
            continue
        out: list[list[float]] = []
        vals = fn(table.iloc[rows], ctx, ctx.n_draws, draws_out=out, **kwargs)
        for i, v, d in zip(rows, vals, out, strict=True):
            w = float(table.iloc[i][f"w_{method}"])
            values[i] += w * v
            draws[i] = [a + w * b for a, b in zip(draws[i], d, strict=True)]
    ranges = []
    for d in draws:
        s = sorted(d)
        ranges.append(tuple(_pct(s, p) for p in (5, 50, 95)))
    return values, ranges


def _pct(sorted_values: list[float], p: float) -> float:
    """numpy's default (linear) percentile on a sorted list."""
    if not sorted_values:
        return math.nan
    k = (len(sorted_values) - 1) * p / 100
    lo = math.floor(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=int, default=100_000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--loop-assets", type=int, default=300)
    args = ap.parse_args()

    database, adjustments = load_comparables(), load_adjustments()
    t0 = time.perf_counter()
    table = synthetic_batch(args.assets, seed=2024)
    t_gen = time.perf_counter() - t0
    ctx = ValuationContext(valuation_date=table["valuation_date"].iat[0], price_index=load_price_index(),
                           seed=2024, n_draws=args.draws)
    market_kwargs = {"database": database, "adjustments": adjustments}

    t0 = time.perf_counter()
    result = run_batch(table, ctx, market_kwargs=market_kwargs)
    t_engine = time.perf_counter() - t0
    rss_engine = _peak_rss_mb()
    assert result.n_failed == 0, result.errors[:3]

    sub = table.head(args.loop_assets).reset_index(drop=True)
    t0 = time.perf_counter()
    loop_values, loop_ranges = _loop(sub, ctx, database, adjustments)
    t_loop = time.perf_counter() - t0
    engine_sub = result.table.head(args.loop_assets)
    rel = np.max(np.abs(np.array(loop_values) - engine_sub["value"].to_numpy()) / engine_sub["value"].to_numpy())
    rel_p95 = np.max(np.abs(np.array([r[2] for r in loop_ranges]) - engine_sub["p95"].to_numpy())
                     / engine_sub["p95"].to_numpy())

    engine_rate = args.assets / t_engine
    loop_rate = args.loop_assets / t_loop
    print(f"synthetic batch: {args.assets:,} assets generated in {t_gen:.1f} s")
    print(f"engine (vectorized, chunked): {args.assets:,} assets × {args.draws:,} draws in {t_engine:.1f} s"
          f" = {engine_rate:,.0f} assets/s; peak RSS {rss_engine:,.0f} MB")
    print(f"per-asset Python loop: {args.loop_assets:,} assets × {args.draws:,} draws in {t_loop:.1f} s"
          f" = {loop_rate:,.1f} assets/s")
    print(f"speed-up engine / loop: {engine_rate / loop_rate:,.0f}×")
    print(f"agreement on the loop's assets: max relative difference of V {rel:.1e}, of P95 {rel_p95:.1e}")


if __name__ == "__main__":
    main()
