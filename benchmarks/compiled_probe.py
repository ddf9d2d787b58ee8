"""What do fused compiled kernels buy? The cost method's Monte Carlo three ways.

The measure of the limit beside valuation/compiled (the engine's compiled loops): one method,
everything fused, percentiles included.

    python benchmarks/compiled_probe.py [--assets 20000] [--draws 1000] [--loop-assets 200]

The same Monte Carlo of the cost method (docs/valuation.md §Cost method, P = C × δ) on the same base drivers
and the same counter-based uniforms (valuation/random.py), ending in P5 / P50 / P95 per asset:

1. ``engine``: the batch engine's own pieces — ``draw_drivers`` (uniforms → triangular inverse CDF →
   bound) and ``cost_build_up`` in 250,000-cell pieces, then ``percentiles_of_rows`` (numpy);
2. ``loop``: one asset and one draw at a time in plain Python, as benchmarks/loops/cost_loop.py;
3. ``compiled``: one numba function that, per asset and draw, hashes the uniform, maps it through
   the triangular inverse CDF, bounds it and builds P up in registers, then partitions the asset's
   row for the percentiles — no intermediate arrays; on 1 thread and on all cores (``prange``).

The engine and the compiled kernel agree to the bit (the cost formulas use only +, −, ×, ÷ and √,
which IEEE 754 rounds the same way everywhere); the loop to about 2·10⁻¹⁶ (its percentile index is
(n − 1)·p / 100, numpy's (n − 1)·(p / 100)). Timings are in this run; ratios are printed against the loop.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_valuation import _pct  # noqa: E402
from benchmarks.loops.scalar import ppf  # noqa: E402
from valuation.batch import percentiles_of_rows  # noqa: E402
from valuation.compiled import TRIANGULAR  # noqa: E402
from valuation.cost import STREAM_BASE, CostUncertainty  # noqa: E402
from valuation.cost.draws import draw_drivers  # noqa: E402
from valuation.cost.kernel import INPUT_BOUNDS, CostDrivers, cost_build_up  # noqa: E402
from valuation.random import stream_starts, uniforms  # noqa: E402

try:
    import numba

    from valuation.compiled.random import uniform
    from valuation.compiled.spreads import factor
except ImportError:  # pragma: no cover - the probe only
    sys.exit("compiled_probe needs numba: pip install -e '.[fast]'")

SEED = 2024
CELLS = 250_000  # the engine's piece size (valuation/cost/batch.py DRAW_CELLS_PER_CHUNK)
MOVING = ("planning", "direct_construction", "direct_operation", "indirect", "opportunity_rate", "delta")


def base_drivers(n: int) -> CostDrivers:
    """n assets' base drivers (CNY, rate, years, ratio), every amount given and 机会成本 by rate."""
    rng = np.random.default_rng(SEED)
    planning, construction, operation, indirect = rng.uniform(1e5, 5e6, size=(4, n)).round(2)
    zero = np.zeros(n)
    return CostDrivers(planning, construction, operation, indirect, opportunity=zero, taxes=zero,
                       opportunity_rate=rng.uniform(0.02, 0.06, n), holding_years=rng.uniform(0.5, 3.0, n),
                       tax_rate=np.full(n, 0.06), delta=rng.uniform(0.5, 0.95, n))


def engine(base: CostDrivers, keys: np.ndarray, draws: int) -> np.ndarray:
    n = len(keys)
    spreads, ones = CostUncertainty(), np.ones(5)
    in_use = {name: np.ones(n, dtype=bool) for name in (*MOVING, "holding_years", "tax_rate")}
    out = np.empty((n, draws))
    step = max(1, CELLS // draws)
    for start in range(0, n, step):
        part = slice(start, min(n, start + step))
        drawn = draw_drivers(CostDrivers(*(x[part] for x in base)), {k: v[part] for k, v in in_use.items()},
                             spreads, seed=SEED, keys=keys[part], n_draws=draws)
        out[part] = cost_build_up(drawn, ones).value
    return percentiles_of_rows(out)


def loop(base: CostDrivers, keys: np.ndarray, draws: int) -> np.ndarray:
    spreads = CostUncertainty()
    bounds = {name: INPUT_BOUNDS[name][1] for name in MOVING}
    streams = {name: STREAM_BASE + CostDrivers._fields.index(name) for name in MOVING}
    result = []
    for i in range(len(keys)):
        b = {name: float(getattr(base, name)[i]) for name in CostDrivers._fields}
        us = {name: uniforms(SEED, keys[i : i + 1], streams[name], draws)[0].tolist() for name in MOVING}
        values = []
        for k in range(draws):
            d = dict(b)
            for name in MOVING:
                spread = getattr(spreads, name)
                f = ppf(spread, us[name][k])
                x = b[name] * f if spread.shift == "multiply" else b[name] + f
                d[name] = min(max(x, 0.0), bounds[name])
            capital = d["planning"] + d["direct_construction"] + d["direct_operation"] + d["indirect"]
            opportunity = d["opportunity_rate"] * capital * d["holding_years"]
            taxes = d["tax_rate"] * (capital + opportunity)
            values.append((capital + opportunity + taxes) * d["delta"])
        s = sorted(values)
        result.append([_pct(s, p) for p in (5, 50, 95)])
    return np.array(result)


@numba.njit(inline="always")
def _triangular(u: float, lo: float, hi: float, centre: float) -> float:
    return factor(TRIANGULAR, u, lo, hi, centre, (centre - lo) / (hi - lo))


def _make_kernel(parallel: bool) -> Any:
    @numba.njit(parallel=parallel, nogil=True)
    def kernel(base: Any, starts: Any, draws: int, out: Any) -> None:
        # base: (n, 8) planning, construction, operation, indirect, rate, years, tax rate, δ
        # starts: (n, 6) each asset's start word of each stream (valuation.random.stream_starts), MOVING order
        n = base.shape[0]
        d = draws
        # numpy's linear percentile: virtual index (d − 1)·q between neighbours lo and hi = lo + 1
        virtual = np.array([(d - 1) * 0.05, (d - 1) * 0.5, (d - 1) * 0.95])
        lo = np.floor(virtual).astype(np.int64)
        hi = np.minimum(lo + 1, d - 1)
        kth = np.concatenate((lo, hi))
        for i in numba.prange(n):
            row = np.empty(d)
            p, c, o, ind = base[i, 0], base[i, 1], base[i, 2], base[i, 3]
            r, years, tax, delta = base[i, 4], base[i, 5], base[i, 6], base[i, 7]
            for j in range(d):
                # amounts × triangular(0.9, 1, 1.1), floored at 0
                x0 = max(p * _triangular(uniform(starts[i, 0], j), 0.9, 1.1, 1.0), 0.0)
                x1 = max(c * _triangular(uniform(starts[i, 1], j), 0.9, 1.1, 1.0), 0.0)
                x2 = max(o * _triangular(uniform(starts[i, 2], j), 0.9, 1.1, 1.0), 0.0)
                x3 = max(ind * _triangular(uniform(starts[i, 3], j), 0.9, 1.1, 1.0), 0.0)
                # opportunity rate + triangular(−1 pp, 0, +1 pp), δ × triangular(0.9, 1, 1.1): in [0, 1]
                rate = min(max(r + _triangular(uniform(starts[i, 4], j), -0.01, 0.01, 0.0), 0.0), 1.0)
                dlt = min(max(delta * _triangular(uniform(starts[i, 5], j), 0.9, 1.1, 1.0), 0.0), 1.0)
                capital = x0 + x1 + x2 + x3
                opportunity = rate * capital * years
                taxes = tax * (capital + opportunity)
                row[j] = (capital + opportunity + taxes) * dlt
            row = np.partition(row, kth)
            for q in range(3):
                g = virtual[q] - lo[q]
                a, b = row[lo[q]], row[hi[q]]
                diff = b - a
                out[i, q] = b - diff * (1.0 - g) if g >= 0.5 else a + diff * g
    return kernel


def run(n: int, draws: int, loop_assets: int) -> dict[str, tuple[float, int, np.ndarray]]:
    """Each implementation's (seconds, assets, P5/P50/P95 of shape (assets, 3)), timed in this run."""
    base = base_drivers(n)
    keys = np.random.default_rng(SEED + 1).integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64)
    starts = np.column_stack([stream_starts(SEED, keys, STREAM_BASE + CostDrivers._fields.index(name))
                              for name in MOVING])
    packed = np.column_stack([base.planning, base.direct_construction, base.direct_operation, base.indirect,
                              base.opportunity_rate, base.holding_years, base.tax_rate, base.delta])
    kernels = {"compiled, 1 thread": _make_kernel(False),
               f"compiled, {numba.get_num_threads()} threads": _make_kernel(True)}
    for k in kernels.values():  # compile outside the clock
        k(packed[:2], starts[:2], draws, np.empty((2, 3)))

    timings: dict[str, tuple[float, int, np.ndarray]] = {}
    t0 = time.perf_counter()
    pct = engine(base, keys, draws)
    timings["engine (numpy)"] = (time.perf_counter() - t0, n, pct)
    m = min(loop_assets, n)
    t0 = time.perf_counter()
    pct = loop(CostDrivers(*(x[:m] for x in base)), keys[:m], draws)
    timings["loop (Python)"] = (time.perf_counter() - t0, m, pct)
    for name, k in kernels.items():
        pct = np.empty((n, 3))
        t0 = time.perf_counter()
        k(packed, starts, draws, pct)
        timings[name] = (time.perf_counter() - t0, n, pct)
    return timings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=int, default=20_000)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--loop-assets", type=int, default=200)
    args = ap.parse_args()
    timings = run(args.assets, args.draws, args.loop_assets)
    reference = timings["engine (numpy)"][2]
    loop_secs, loop_count, _ = timings["loop (Python)"]
    loop_rate = loop_count / loop_secs
    print(f"cost Monte Carlo, {args.assets:,} assets × {args.draws:,} draws (loop: first {loop_count:,}); "
          "P5/P50/P95 per asset")
    for name, (secs, count, pct) in timings.items():
        ref = reference[:count]
        diff = "identical" if np.array_equal(pct, ref) else f"{np.max(np.abs(pct - ref) / np.abs(ref)):.1e}"
        print(f"  {name:24s} {secs:8.3f} s  {count / secs:12,.0f} assets/s  "
              f"{count / secs / loop_rate:7.1f}× the loop  vs the engine: {diff}")


if __name__ == "__main__":
    main()
