"""Monte Carlo and tornado of the market method (convention: MarketUncertainty).

Uses the hand-computed grid of test_grid (C1, C2, C3). Triangular inverse CDF written out:
u < c: lo + sqrt(u·(hi − lo)·(mode − lo)); else hi − sqrt((1 − u)·(hi − lo)·(hi − mode)).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.valuation.market.conftest import adjustments, make_asset, make_ctx
from tests.valuation.market.test_grid import ADJUSTED, C1, C2, C3, X1, X3, X5, Q
from valuation.market import STREAM_BASE, MarketInputs, simulate_market, tornado_market, value_market
from valuation.random import asset_keys, uniforms

INPUTS = MarketInputs(comparables=(C1, C2, C3))
RATIO = (4.0, 0.25, 1.0)  # records_target / records_comp


def tri(u: float, lo: float, mode: float, hi: float) -> float:
    c = (mode - lo) / (hi - lo)
    return (
        lo + math.sqrt(u * (hi - lo) * (mode - lo))
        if u < c
        else hi - math.sqrt((1 - u) * (hi - lo) * (hi - mode))
    )


def test_draws_by_hand() -> None:
    n = 50
    ctx = make_ctx(n_draws=n, seed=11)
    draws = simulate_market(make_asset(), INPUTS, ctx, adjustments=adjustments())
    assert draws.shape == (n,)
    key = asset_keys(["A1"])
    u_beta = uniforms(11, key, STREAM_BASE, n)[0]
    u_x2 = uniforms(11, key, STREAM_BASE + 1, n)[0]
    u_boot = [uniforms(11, key, STREAM_BASE + 2 + j, n)[0] for j in range(3)]  # slot j: stream 302 + j
    for d in range(n):
        beta = min(1.0, max(0.0, 0.5 + tri(u_beta[d], -0.2, 0.0, 0.2)))
        x2 = 1.0 * tri(u_x2[d], 0.9, 1.0, 1.1)
        picks = [math.floor(u_boot[j][d] * 3) for j in range(3)]  # bootstrap: floor(u·m)
        expected = sum(Q[p] * X1[p] * x2 * X3[p] * RATIO[p] ** beta * X5[p] for p in picks) / 3
        assert draws[d] == pytest.approx(expected, rel=1e-12)


def test_draws_depend_only_on_seed_and_asset() -> None:
    ctx = make_ctx(n_draws=200, seed=3)
    a = simulate_market(make_asset(), INPUTS, ctx, adjustments=adjustments())
    assert np.array_equal(a, simulate_market(make_asset(), INPUTS, ctx, adjustments=adjustments()))
    assert not np.array_equal(a, simulate_market(make_asset("A2"), INPUTS, ctx, adjustments=adjustments()))
    assert not np.array_equal(
        a, simulate_market(make_asset(), INPUTS, make_ctx(n_draws=200, seed=4), adjustments=adjustments())
    )
    # more draws extend the same stream: the first 200 are unchanged
    longer = simulate_market(make_asset(), INPUTS, make_ctx(n_draws=300, seed=3), adjustments=adjustments())
    assert np.array_equal(a, longer[:200])
    assert simulate_market(make_asset(), INPUTS, make_ctx(n_draws=0), adjustments=adjustments()).shape == (0,)


def test_tornado_by_hand() -> None:
    value = sum(ADJUSTED) / 3
    base = [q * x1 * x3 * x5 for q, x1, x3, x5 in zip(Q, X1, X3, X5, strict=True)]
    bars = {
        b.input_name: b for b in tornado_market(make_asset(), INPUTS, make_ctx(), adjustments=adjustments())
    }
    level_lo, level_hi = tri(0.05, 0.85, 1.0, 1.15), tri(0.95, 0.85, 1.0, 1.15)
    assert bars["price_level"].value_at_low == pytest.approx(value * level_lo, abs=0.005)
    assert bars["price_level"].value_at_high == pytest.approx(value * level_hi, abs=0.005)
    x2_lo, x2_hi = tri(0.05, 0.9, 1.0, 1.1), tri(0.95, 0.9, 1.0, 1.1)
    assert (bars["x2"].low_input, bars["x2"].high_input) == pytest.approx((x2_lo, x2_hi))
    assert bars["x2"].value_at_low == pytest.approx(value * x2_lo, abs=0.005)
    q_lo = 0.8 * tri(0.05, 0.9, 1.0, 1.1)  # target quality × spread, X1 linear in it
    assert bars["target_quality"].value_at_low == pytest.approx(value * q_lo / 0.8, abs=0.005)
    b_lo, b_hi = 0.5 + tri(0.05, -0.2, 0.0, 0.2), 0.5 + tri(0.95, -0.2, 0.0, 0.2)
    assert bars["beta"].low_input == pytest.approx(b_lo)
    at = [sum(b * r**beta for b, r in zip(base, RATIO, strict=True)) / 3 for beta in (b_lo, b_hi)]
    assert (bars["beta"].value_at_low, bars["beta"].value_at_high) == pytest.approx(at, abs=0.005)
    ordered = tornado_market(make_asset(), INPUTS, make_ctx(), adjustments=adjustments())
    assert [b.swing for b in ordered] == sorted((b.swing for b in ordered), reverse=True)
    assert all(b.base_input is not None and b.method.value == "market" for b in ordered)


def test_tornado_clips_beta_at_one() -> None:
    bars = {
        b.input_name: b
        for b in tornado_market(
            make_asset(), INPUTS.model_copy(update={"beta": 1.0}), make_ctx(), adjustments=adjustments()
        )
    }
    assert bars["beta"].high_input == 1.0
    value = value_market(
        make_asset(), INPUTS.model_copy(update={"beta": 1.0}), make_ctx(), adjustments=adjustments()
    )
    assert bars["beta"].value_at_high == pytest.approx(value.value, abs=0.005)
