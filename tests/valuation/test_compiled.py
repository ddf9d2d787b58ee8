"""The compiled batch kernels (valuation.compiled) give the numpy path's figures to the bit.

Each method is run twice on the same table, with DATAVAL_COMPILED=0 (numpy) and =1 (numba), and every
draw is compared with ``array_equal`` — not a tolerance. The tables mix good and bad rows, blanks that
leave a driver at base, both δ bases and spreads of every compiled kind.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bridges.data_files import load_adjustments, load_comparables, load_price_index
from valuation import compiled
from valuation.compiled import cost as compiled_cost
from valuation.compiled import income as compiled_income
from valuation.compiled import market as compiled_market
from valuation.context import ValuationContext
from valuation.cost import CostUncertainty, value_cost_batch
from valuation.income import IncomeUncertainty, value_income_batch
from valuation.market import MarketUncertainty, Weighting, value_market_batch
from valuation.random import asset_keys, uniforms
from valuation.synthetic import synthetic_batch
from valuation.uncertainty import Spread

if not compiled.available():  # pragma: no cover - numba is in the dev extra
    pytest.fail("numba is not installed: pip install -e '.[dev]'", pytrace=False)


def _ctx(table: pd.DataFrame, draws: int = 257) -> ValuationContext:
    return ValuationContext(valuation_date=table["valuation_date"].iat[0], price_index=load_price_index(),
                            seed=11, n_draws=draws)


def _both(monkeypatch: pytest.MonkeyPatch, run, module, kernel: str, used: bool = True):  # type: ignore[no-untyped-def]
    """run() on the numpy path, then on the compiled one; the compiled ``module.kernel`` is called in the
    second run only, and only if ``used``."""
    calls: list[int] = []
    original = getattr(module, kernel)

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, kernel, spy)
    monkeypatch.setattr(compiled, "MIN_CELLS", 0)  # these tables are small
    monkeypatch.setenv("DATAVAL_COMPILED", "0")
    assert not compiled.available()
    numpy_out = run()
    assert not calls
    monkeypatch.setenv("DATAVAL_COMPILED", "1")
    assert compiled.available()
    compiled_out = run()
    assert bool(calls) == used
    return numpy_out, compiled_out


def _cost_table() -> pd.DataFrame:
    table = synthetic_batch(300, seed=7)
    table = table[table["w_cost"] > 0].reset_index(drop=True)
    table.loc[3, "cost_operation"] = None  # a blank category: held at 0, not drawn
    table.loc[4, "cost_opportunity_rate"] = None  # no opportunity cost: rate and years held
    table.loc[4, "cost_holding_years"] = None
    table.loc[5, "cost_planning"] = -1.0  # a bad row: NaN draws, reported
    return table


def test_the_compiled_cost_loop_reads_the_drivers_in_the_kernel_order() -> None:
    from valuation.cost.kernel import CostDrivers

    assert CostDrivers._fields == compiled_cost.DRIVERS


@pytest.mark.parametrize(
    "spreads",
    [
        CostUncertainty(),
        CostUncertainty(planning=Spread(dist="uniform", low=0.5, high=1.5),
                        delta=Spread(dist="triangular", low=0.2, high=1.8),  # δ clipped at 1 often
                        opportunity_rate=Spread(dist="uniform", shift="add", low=-0.05, high=0.05),  # clipped at 0
                        tax_rate=Spread(dist="triangular", shift="add", low=-0.02, high=0.01),
                        holding_years=Spread(dist="triangular", low=0.9, high=1.0)),
    ],
    ids=["default spreads", "uniform, clipped and skewed spreads"],
)
def test_cost_draws_are_the_numpy_draws(monkeypatch: pytest.MonkeyPatch,
                                        spreads: CostUncertainty) -> None:
    table = _cost_table()
    ctx = _ctx(table)
    numpy_out, compiled_out = _both(
        monkeypatch, lambda: value_cost_batch(table, ctx, asset_keys(table["asset_id"]), uncertainty=spreads),
        compiled_cost, "cost_draws")
    assert numpy_out.draws is not None and compiled_out.draws is not None
    assert np.isnan(numpy_out.draws[5]).all() and len(numpy_out.errors) == len(compiled_out.errors) >= 1
    assert np.array_equal(numpy_out.draws, compiled_out.draws, equal_nan=True)
    assert np.array_equal(numpy_out.values, compiled_out.values, equal_nan=True)


def test_cost_normal_spread_takes_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A normal spread has no compiled form (ndtri's last bit): the batch falls back, same figures."""
    table = _cost_table()
    spreads = CostUncertainty(delta=Spread(dist="normal", sd=0.05))
    ctx = _ctx(table)
    numpy_out, compiled_out = _both(
        monkeypatch, lambda: value_cost_batch(table, ctx, asset_keys(table["asset_id"]), uncertainty=spreads),
        compiled_cost, "cost_draws", used=False)
    assert np.array_equal(numpy_out.draws, compiled_out.draws, equal_nan=True)


def _market_table() -> pd.DataFrame:
    table = synthetic_batch(300, seed=8)
    return table[table["w_market"] > 0].reset_index(drop=True)


@pytest.mark.parametrize(
    ("weighting", "spreads"),
    [
        (Weighting.EQUAL, MarketUncertainty()),
        (Weighting.SIMILARITY, MarketUncertainty(x2=Spread(dist="uniform", low=0.7, high=1.2),
                                                 beta=Spread(dist="uniform", shift="add", low=-0.6, high=0.6))),
        (Weighting.SIMILARITY, MarketUncertainty(x2=Spread(dist="triangular", shift="add", low=-0.1, high=0.3))),
    ],
    ids=["equal weights, default spreads", "similarity weights, uniform spreads", "additive X2"],
)
def test_market_draws_are_the_numpy_draws(monkeypatch: pytest.MonkeyPatch, weighting: Weighting,
                                          spreads: MarketUncertainty) -> None:
    table = _market_table()
    ctx = _ctx(table)
    numpy_out, compiled_out = _both(
        monkeypatch,
        lambda: value_market_batch(table, ctx, asset_keys(table["asset_id"]), database=load_comparables(),
                                   adjustments=load_adjustments(), weighting=weighting, uncertainty=spreads),
        compiled_market, "bootstrap_draws")
    assert numpy_out.draws is not None and np.isfinite(numpy_out.draws).any()
    assert np.array_equal(numpy_out.draws, compiled_out.draws, equal_nan=True)
    assert np.array_equal(numpy_out.values, compiled_out.values, equal_nan=True)


def test_market_lognormal_x2_takes_the_numpy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    table = _market_table().head(40)
    spreads = MarketUncertainty(x2=Spread(dist="lognormal", sd=0.1))
    ctx = _ctx(table)
    numpy_out, compiled_out = _both(
        monkeypatch,
        lambda: value_market_batch(table, ctx, asset_keys(table["asset_id"]), database=load_comparables(),
                                   adjustments=load_adjustments(), uncertainty=spreads),
        compiled_market, "bootstrap_draws", used=False)
    assert np.array_equal(numpy_out.draws, compiled_out.draws, equal_nan=True)


@pytest.mark.parametrize(
    "spreads",
    [
        IncomeUncertainty(),  # lognormal base, triangular share, normal rate, triangular decay
        IncomeUncertainty(base=Spread(dist="triangular", shift="add", low=-2e5, high=1e5),  # floored at 0
                          share=Spread(dist="uniform", shift="add", low=-0.05, high=0.05)),
        IncomeUncertainty(base=None, share=None, decay=None),
    ],
    ids=["default spreads", "additive base and share", "only the rate drawn"],
)
def test_income_draws_are_the_numpy_draws(monkeypatch: pytest.MonkeyPatch, spreads: IncomeUncertainty) -> None:
    table = synthetic_batch(300, seed=9)
    table = table[table["w_income"] > 0].reset_index(drop=True)
    ctx = _ctx(table)
    numpy_out, compiled_out = _both(
        monkeypatch, lambda: value_income_batch(table, ctx, asset_keys(table["asset_id"]), uncertainty=spreads),
        compiled_income, "income_draws")
    assert numpy_out.draws is not None and np.isfinite(numpy_out.draws).any()
    assert np.array_equal(numpy_out.draws, compiled_out.draws, equal_nan=True)


def test_a_small_call_stays_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below MIN_CELLS (assets × draws) numba is not even loaded: numpy is as quick for small work."""
    monkeypatch.setenv("DATAVAL_COMPILED", "1")
    assert compiled.available()
    assert not compiled.use(compiled.MIN_CELLS - 1) and compiled.use(compiled.MIN_CELLS)


@pytest.mark.parametrize(
    "spread",
    [Spread(dist="triangular", low=0.9, high=1.1), Spread(dist="triangular", shift="add", low=-0.3, high=0.05),
     Spread(dist="uniform", low=0.5, high=2.0), Spread(dist="uniform", shift="add", low=-1.0, high=1.0),
     Spread(dist="normal", sd=0.2), Spread(dist="lognormal", sd=0.4)],
    ids=["triangular ×", "triangular +", "uniform ×", "uniform +", "normal (scipy ndtri)", "lognormal (numpy exp)"],
)
def test_spread_factors_are_numpys(monkeypatch: pytest.MonkeyPatch, spread: Spread) -> None:
    """compiled.factors = Spread.factor(uniforms(...)) to the bit, compiled or not."""
    keys = asset_keys([f"A{i}" for i in range(50)])
    got = compiled.factors(spread, 42, keys, 7, 333, fast=True)
    assert np.array_equal(got, spread.factor(uniforms(42, keys, 7, 333)))


def test_weighted_sum_of_draws_is_numpys() -> None:
    """total[rows] += w × nan_to_num(draws): NaN counts 0, ±∞ the largest float, as numpy does."""
    from valuation.compiled.combine import add_weighted

    rng = np.random.default_rng(3)
    draws = rng.lognormal(13.0, 1.0, (40, 77))
    draws[0, :5] = [np.nan, np.inf, -np.inf, -0.0, 5e-324]
    rows, weight = rng.permutation(60)[:40], rng.uniform(0.0, 1.0, 40)
    total = rng.normal(0.0, 1e6, (60, 77))
    expected = total.copy()
    expected[rows] += weight[:, None] * np.nan_to_num(draws)
    add_weighted(total, rows, weight, draws)
    assert np.array_equal(total, expected)
