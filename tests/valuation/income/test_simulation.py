"""Monte Carlo and tornado: each input drawn from its own stream (STREAM_BASE 200 + j) through its spread."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import ndtri

from valuation.income import IncomeUncertainty, simulate_income, tornado_income, value_income
from valuation.models import Method
from valuation.random import asset_keys, uniforms
from valuation.uncertainty import Spread

from .conftest import make_asset, make_ctx, make_inputs, rate

N = 500
SEED = 9
ONLY = {"base": None, "share": None, "discount_rate": None, "decay": None}


def _u(asset_id: str, stream: int) -> np.ndarray:
    return uniforms(SEED, asset_keys([asset_id]), stream, N)[0]


def _spreads(**moving: Spread) -> IncomeUncertainty:
    return IncomeUncertainty(**{**ONLY, **moving})


def test_draws_are_reproducible_and_depend_on_seed_and_asset(asset):
    inputs = make_inputs(
        form="split", split_base="profit", projection={"base_y1": 1e7}, split_rate=0.25, economic_life=3,
        discount_rate=rate(0.1),
    )
    ctx = make_ctx(n_draws=N, seed=SEED)
    a = simulate_income(asset, inputs, ctx)
    assert a.shape == (N,)
    assert np.array_equal(a, simulate_income(asset, inputs, ctx))
    assert not np.array_equal(a, simulate_income(asset, inputs, make_ctx(n_draws=N, seed=SEED + 1)))
    assert not np.array_equal(a, simulate_income(make_asset("OTHER"), inputs, ctx))
    assert simulate_income(asset, inputs, make_ctx(n_draws=0)).shape == (0,)
    point = value_income(asset, inputs, ctx).value
    assert 0.9 * point < np.median(a) < 1.1 * point


def test_discount_rate_draws_are_normal_additive_sd_one_point(asset):
    inputs = make_inputs(
        form="incremental",
        forecast=[{"period": 1, "increment": 1_000_000}],
        economic_life=1,
        discount_rate=rate(0.10),
        uncertainty=_spreads(discount_rate=Spread(dist="normal", shift="add", sd=0.01)),
    )
    draws = simulate_income(asset, inputs, make_ctx(n_draws=N, seed=SEED))
    i = 0.10 + 0.01 * ndtri(_u(asset.asset_id, 202))  # stream 200 + 2
    assert draws == pytest.approx(1_000_000 / (1 + i), rel=1e-12)


def test_base_draws_are_lognormal_sigma_015(asset):
    inputs = make_inputs(
        form="incremental",
        forecast=[{"period": 1, "increment": 1_000_000}],
        economic_life=1,
        discount_rate=rate(0.10),
        uncertainty=_spreads(base=Spread(dist="lognormal", sd=0.15)),
    )
    draws = simulate_income(asset, inputs, make_ctx(n_draws=N, seed=SEED))
    m = np.exp(0.15 * ndtri(_u(asset.asset_id, 200)))  # stream 200 + 0
    assert draws == pytest.approx(1_000_000 * m / 1.1, rel=1e-12)


def test_share_draws_are_triangular_08_1_12_on_the_split_rate(asset):
    spread = Spread(dist="triangular", shift="multiply", low=0.8, high=1.2)
    inputs = make_inputs(
        form="split",
        split_base="profit",
        forecast=[{"period": 1, "profit": 4_000_000}],
        split_rate=0.25,
        economic_life=1,
        discount_rate=rate(0.10),
        uncertainty=_spreads(share=spread),
    )
    draws = simulate_income(asset, inputs, make_ctx(n_draws=N, seed=SEED))
    m = stats.triang(c=0.5, loc=0.8, scale=0.4).ppf(_u(asset.asset_id, 201))  # stream 200 + 1
    assert draws == pytest.approx(4_000_000 * 0.25 * m / 1.1, rel=1e-12)


def test_incremental_form_has_no_share_to_move(asset):
    spread = Spread(dist="triangular", shift="multiply", low=0.8, high=1.2)
    inputs = make_inputs(
        form="incremental",
        forecast=[{"period": 1, "increment": 1_000_000}],
        economic_life=1,
        discount_rate=rate(0.10),
        uncertainty=_spreads(share=spread),
    )
    draws = simulate_income(asset, inputs, make_ctx(n_draws=N, seed=SEED))
    assert draws == pytest.approx(np.full(N, 1_000_000 / 1.1), rel=1e-12)
    assert [b.input_name for b in tornado_income(asset, inputs, make_ctx())] == []


def test_decay_draws_are_additive_and_clipped(asset):
    spread = Spread(dist="triangular", shift="add", low=-0.05, high=0.05)
    rows = [{"period": 1, "increment": 1_000_000}, {"period": 2, "increment": 1_000_000}]
    inputs = make_inputs(
        form="incremental",
        forecast=rows,
        economic_life=2,
        decay=0.02,
        discount_rate=rate(0.10),
        uncertainty=_spreads(decay=spread),
    )
    draws = simulate_income(asset, inputs, make_ctx(n_draws=N, seed=SEED))
    d = 0.02 + stats.triang(c=0.5, loc=-0.05, scale=0.1).ppf(_u(asset.asset_id, 203))  # stream 200 + 3
    assert (d < 0).any()  # a negative draw: the contribution holds up better than the base assumption
    expected = 1_000_000 / 1.1 + 1_000_000 * (1 - d) / 1.1**2
    assert draws == pytest.approx(expected, rel=1e-12)


def test_terminal_value_draws_keep_the_rate_above_growth_plus_margin(asset):
    rows = [{"period": 1, "increment": 1_000_000}]
    wide = Spread(dist="normal", shift="add", sd=0.05)
    inputs = make_inputs(
        form="incremental",
        forecast=rows,
        economic_life=None,
        terminal={"growth": 0.03},
        discount_rate=rate(0.08),
        uncertainty=_spreads(discount_rate=wide),
    )
    draws = simulate_income(asset, inputs, make_ctx(n_draws=N, seed=SEED))
    i = np.maximum(0.08 + 0.05 * ndtri(_u(asset.asset_id, 202)), 0.03 + 0.02)  # floored at g + margin
    expected = 1_000_000 / (1 + i) + 1_000_000 * 1.03 / (i - 0.03) / (1 + i)
    assert (i == 0.05).any()
    assert draws == pytest.approx(expected, rel=1e-12)
    assert np.isfinite(draws).all()


def test_tornado_moves_each_input_to_its_5th_and_95th_percentile(asset):
    rows = [{"period": 1, "profit": 4_000_000}, {"period": 2, "profit": 4_000_000}]
    inputs = make_inputs(
        form="split", split_base="profit", forecast=rows, split_rate=0.25, decay=0.1, economic_life=2, discount_rate=rate(0.10)
    )
    bars = tornado_income(asset, inputs, make_ctx())
    assert [b.swing for b in bars] == sorted((b.swing for b in bars), reverse=True)
    assert {b.input_name for b in bars} == {"base", "share", "discount_rate", "decay"}
    assert all(b.method is Method.INCOME and b.label_zh for b in bars)
    by_name = {b.input_name: b for b in bars}

    def value(r=4_000_000, k=0.25, d=0.1, i=0.10):
        return r * k / (1 + i) + r * k * (1 - d) / (1 + i) ** 2

    z05 = ndtri(0.05)
    rate_bar = by_name["discount_rate"]
    assert rate_bar.low_input == pytest.approx(0.10 + 0.01 * z05)
    assert rate_bar.value_at_low == pytest.approx(value(i=0.10 + 0.01 * z05))
    assert rate_bar.value_at_high == pytest.approx(value(i=0.10 - 0.01 * z05))
    base_bar = by_name["base"]
    assert base_bar.base_input == 4_000_000
    assert base_bar.low_input == pytest.approx(4_000_000 * np.exp(0.15 * z05))
    assert base_bar.value_at_low == pytest.approx(value(r=4_000_000 * np.exp(0.15 * z05)))
    share_bar = by_name["share"]
    k05 = stats.triang(c=0.5, loc=0.8, scale=0.4).ppf(0.05)
    assert share_bar.low_input == pytest.approx(0.25 * k05)
    assert share_bar.value_at_low == pytest.approx(value(k=0.25 * k05))
    decay_bar = by_name["decay"]
    d05 = stats.triang(c=0.5, loc=-0.05, scale=0.1).ppf(0.05)
    assert decay_bar.low_input == pytest.approx(0.1 + d05)
    assert decay_bar.value_at_low == pytest.approx(value(d=0.1 + d05))


def test_a_spread_set_to_none_holds_the_input(asset):
    inputs = make_inputs(
        form="split",
        split_base="profit",
        projection={"base_y1": 1e7},
        split_rate=0.25,
        economic_life=3,
        discount_rate=rate(0.1),
        uncertainty={"base": None, "decay": None},
    )
    assert {b.input_name for b in tornado_income(asset, inputs, make_ctx())} == {"share", "discount_rate"}
