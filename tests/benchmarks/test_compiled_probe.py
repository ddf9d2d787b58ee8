"""The compiled probe measures what it claims: the engine and the compiled kernel give
the same P5 / P50 / P95 to the bit, the loop agrees to rounding, and one draw matches the formula."""

from __future__ import annotations

import math

import numpy as np

from benchmarks import compiled_probe as probe


def test_engine_loop_and_compiled_kernels_agree_to_the_bit() -> None:
    timings = probe.run(n=40, draws=200, loop_assets=10)
    reference = timings["engine (numpy)"][2]
    assert reference.shape == (40, 3) and np.all(np.isfinite(reference))
    assert len(timings) == 4
    for name, (_secs, count, pct) in timings.items():
        if name.startswith("compiled"):
            assert np.array_equal(pct, reference)
        else:  # the loop's percentile index (n − 1)·p / 100 may differ from numpy's in the last bit
            np.testing.assert_allclose(pct, reference[:count], rtol=1e-15, atol=0)


def test_one_draw_by_hand() -> None:
    """With one draw, P5 = P50 = P95 = P of that draw (docs/valuation.md §Cost method):
    C = Σ amounts × m_k + r·(Σ amounts)·years + τ·(capital + 机会成本), P = C × δ × m_δ."""
    timings = probe.run(n=1, draws=1, loop_assets=1)
    base = probe.base_drivers(1)
    key = np.random.default_rng(probe.SEED + 1).integers(0, 2**63, size=1, dtype=np.int64).astype(np.uint64)
    from valuation.random import uniforms

    def tri(u: float, lo: float, hi: float, c: float) -> float:
        if u < (c - lo) / (hi - lo):
            return lo + math.sqrt(u * (hi - lo) * (c - lo))
        return hi - math.sqrt((1 - u) * (hi - lo) * (hi - c))

    u = [float(uniforms(probe.SEED, key, 100 + i, 1)[0, 0]) for i in (0, 1, 2, 3, 6, 9)]
    amounts = [float(getattr(base, f)[0]) * tri(u[k], 0.9, 1.1, 1.0)
               for k, f in enumerate(("planning", "direct_construction", "direct_operation", "indirect"))]
    rate = float(base.opportunity_rate[0]) + tri(u[4], -0.01, 0.01, 0.0)
    delta = min(float(base.delta[0]) * tri(u[5], 0.9, 1.1, 1.0), 1.0)
    capital = sum(amounts)
    opportunity = rate * capital * float(base.holding_years[0])
    value = (capital + opportunity + 0.06 * (capital + opportunity)) * delta
    for _secs, _count, pct in timings.values():
        assert np.allclose(pct[0], value, rtol=1e-15, atol=0)
