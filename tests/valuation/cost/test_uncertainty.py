"""Monte Carlo and tornado of the cost method: the stated spreads, the streams, the δ cap."""

from __future__ import annotations

import math

import numpy as np
import pytest

from valuation.cost import STREAM_BASE, simulate_cost, tornado_cost, value_cost
from valuation.models import Method, QualityScores
from valuation.random import asset_keys, uniforms

from .conftest import REFERENCE_C, REFERENCE_DELTA_Q, make_asset, make_ctx, make_inputs

NO_SPREADS = {
    "planning": None,
    "direct_construction": None,
    "direct_operation": None,
    "indirect": None,
    "opportunity": None,
    "taxes": None,
    "delta": None,
    "opportunity_rate": None,
}
SQRT_TAIL = math.sqrt(0.05 * 0.2 * 0.1)  # triangular(0.9, 1, 1.1) at 5 %: 0.9 + √(0.05 × 0.2 × 0.1)


def _triangular_09_11(u: np.ndarray) -> np.ndarray:
    """Inverse CDF of triangular(0.9, 1, 1.1), written out: F⁻¹(u) = 0.9 + √(0.02u) below the mode."""
    return np.where(u < 0.5, 0.9 + np.sqrt(u * 0.2 * 0.1), 1.1 - np.sqrt((1 - u) * 0.2 * 0.1))


def test_draws_shape_and_reproducibility():
    ctx = make_ctx(n_draws=400, seed=11)
    asset, inputs = make_asset("A1"), make_inputs()
    first = simulate_cost(asset, inputs, ctx)
    assert first.shape == (400,)
    assert np.array_equal(first, simulate_cost(asset, inputs, ctx))
    assert not np.array_equal(first, simulate_cost(make_asset("A2"), inputs, ctx))  # other asset id
    assert not np.array_equal(first, simulate_cost(asset, inputs, make_ctx(n_draws=400, seed=12)))
    assert simulate_cost(asset, inputs, make_ctx(n_draws=0)).shape == (0,)


def test_delta_draws_follow_the_stated_stream_and_spread():
    ctx = make_ctx(n_draws=300, seed=5)
    inputs = make_inputs(uncertainty={**NO_SPREADS, "delta": {"dist": "triangular", "low": 0.9, "high": 1.1}})
    draws = simulate_cost(make_asset("A1"), inputs, ctx)
    u = uniforms(5, asset_keys(["A1"]), STREAM_BASE + 9, 300)[0]  # δ is driver 9 → stream 109
    expected = REFERENCE_C * np.minimum(REFERENCE_DELTA_Q * _triangular_09_11(u), 1.0)  # C × min(δ·m, 1)
    assert draws == pytest.approx(expected, rel=1e-12)


def test_delta_draws_are_capped_at_one():
    perfect = QualityScores(
        accuracy=1, consistency=1, completeness=1, conformance=1, timeliness=1, accessibility=1
    )
    inputs = make_inputs(uncertainty={**NO_SPREADS, "delta": {"dist": "triangular", "low": 0.9, "high": 1.1}})
    draws = simulate_cost(make_asset("A1", quality=perfect), inputs, make_ctx(n_draws=500))
    assert draws.max() == pytest.approx(REFERENCE_C)  # δ = 1 × m never exceeds 1
    assert (draws <= REFERENCE_C + 1e-9).all() and (draws < REFERENCE_C - 1).any()


def test_no_spreads_means_no_spread():
    ctx = make_ctx(n_draws=50)
    inputs = make_inputs(uncertainty=NO_SPREADS)
    assert np.all(simulate_cost(make_asset(), inputs, ctx) == value_cost(make_asset(), inputs, ctx).value)


def test_default_spreads_centre_on_the_point_value():
    ctx = make_ctx(n_draws=4000)
    draws = simulate_cost(make_asset(), make_inputs(), ctx)
    point = REFERENCE_C * REFERENCE_DELTA_Q
    assert np.median(draws) == pytest.approx(point, rel=0.01)
    # every factor lies in [0.9, 1.1], so every draw lies in C × δ × [0.9, 1.1]²
    assert draws.min() >= point * 0.9 * 0.9 and draws.max() <= point * 1.1 * 1.1


def test_tornado_moves_each_input_to_its_5th_and_95th_percentile():
    ctx = make_ctx()
    inputs = make_inputs(opportunity={"rate": 0.05, "holding_years": 2})
    bars = tornado_cost(make_asset(), inputs, ctx)
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
    by_name = {b.input_name: b for b in bars}
    # used: four categories given by lines, the opportunity rate, δ; not used: opportunity/taxes amounts,
    # tax rate (no spread by default), holding years (no spread by default)
    assert set(by_name) == {
        "planning",
        "direct_construction",
        "direct_operation",
        "indirect",
        "opportunity_rate",
        "delta",
    }
    assert all(b.method is Method.COST for b in bars)

    capital = REFERENCE_C
    delta = by_name["delta"]
    assert delta.label_zh.startswith("价值调整系数")
    assert delta.low_input == pytest.approx(REFERENCE_DELTA_Q * (0.9 + SQRT_TAIL))
    assert delta.high_input == pytest.approx(REFERENCE_DELTA_Q * (1.1 - SQRT_TAIL))
    c = capital * (1 + 0.05 * 2)  # C = capital + r × capital × years
    assert delta.value_at_low == pytest.approx(c * REFERENCE_DELTA_Q * (0.9 + SQRT_TAIL), abs=0.005)

    rate = by_name["opportunity_rate"]
    tail = math.sqrt(0.05 * 0.02 * 0.01)  # additive triangular(−0.01, 0, 0.01) at 5 %
    assert rate.low_input == pytest.approx(0.05 - 0.01 + tail)
    assert rate.value_at_high == pytest.approx(
        capital * (1 + (0.05 + 0.01 - tail) * 2) * REFERENCE_DELTA_Q, abs=0.005
    )

    construction = by_name["direct_construction"]
    assert construction.base_input == pytest.approx(740_000)  # restated 500,000 + 240,000
    moved = 740_000 * (0.9 + SQRT_TAIL)
    expected = (capital - 740_000 + moved) * (1 + 0.05 * 2) * REFERENCE_DELTA_Q  # opportunity follows C
    assert construction.value_at_low == pytest.approx(expected, abs=0.005)


def test_tornado_rates_are_floored_at_zero():
    inputs = make_inputs(opportunity={"rate": 0.005, "holding_years": 2})
    bars = {b.input_name: b for b in tornado_cost(make_asset(), inputs, make_ctx())}
    assert bars["opportunity_rate"].low_input == 0.0  # 0.005 − 0.00684 clipped
    assert bars["opportunity_rate"].value_at_low == pytest.approx(REFERENCE_C * REFERENCE_DELTA_Q, abs=0.005)
