"""Each method is prepared once per asset: the engine values, runs the tornado and simulates from the
prepared value, keeps the concluded value's draws, and the dashboard's histogram reads those draws.

Hand check of the kept draws: V = Σ w_m·V_m draw by draw over the methods of positive weight
(docs/valuation.md §Conclusion and range); the logistics case weighs income 0.8 and market 0.2, the parking
case cost 0.3, income 0.7 and market 0 (simulated, shown in the method ranges, not in V).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bridges.data_files import load_market_data, load_price_index
from cli.io import case_from_dict
from valuation import cost, income, market
from valuation.context import ValuationContext
from valuation.engine import AssetValuation, CaseResult, value_case
from valuation.market import grid
from valuation.models import Method

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
N_DRAWS = 400


def example(name: str, *, extra_assets: int = 0) -> Any:
    """An example case with N_DRAWS draws and ``extra_assets`` copies of its asset (ids …-COPY-k)."""
    raw = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    raw["simulation"] = {"seed": 3, "n_draws": N_DRAWS}
    for k in range(extra_assets):
        twin = copy.deepcopy(raw["assets"][0])
        twin["asset"]["asset_id"] = f"{twin['asset']['asset_id']}-COPY-{k}"
        raw["assets"].append(twin)
    case, errors = case_from_dict(raw)
    assert errors == []
    return case


def run(case: Any) -> CaseResult:
    return value_case(case, default_price_index=load_price_index(), market_data=load_market_data())


def ctx_of(case: Any) -> ValuationContext:
    return ValuationContext(
        valuation_date=case.engagement.valuation_date,
        price_index=case.price_index or load_price_index(),
        seed=case.simulation.seed,
        n_draws=case.simulation.n_draws,
    )


@pytest.mark.parametrize(("name", "extra"), [("logistics_data_product", 2), ("parking_city_investment", 1)])
def test_market_selection_runs_once_per_asset(monkeypatch: pytest.MonkeyPatch, name: str, extra: int) -> None:
    calls = {"score": 0, "eligible": 0}
    real_score, real_eligible = grid.score, grid.eligible

    def score(*args: Any, **kwargs: Any) -> Any:
        calls["score"] += 1
        return real_score(*args, **kwargs)

    def eligible(*args: Any, **kwargs: Any) -> Any:
        calls["eligible"] += 1
        return real_eligible(*args, **kwargs)

    monkeypatch.setattr(grid, "score", score)
    monkeypatch.setattr(grid, "eligible", eligible)
    case = example(name, extra_assets=extra)
    result = run(case)
    assert result.errors == ()
    assert result.n_draws == N_DRAWS > 0
    n_assets = 1 + extra
    assert len(result.valuations) == n_assets
    assert all(v.market is not None and v.conclusion.value_range is not None for v in result.valuations)
    assert calls == {"score": n_assets, "eligible": n_assets}


@pytest.mark.parametrize(
    "name", ["logistics_data_product", "parking_city_investment", "credit_scoring_internal"]
)
def test_kept_draws_are_the_weighted_method_draws_and_give_the_range(name: str) -> None:
    case = example(name)
    v = run(case).valuations[0]
    ac, ctx, md = case.assets[0], ctx_of(case), load_market_data()
    one_call = {
        Method.COST: lambda i: cost.simulate_cost(ac.asset, i, ctx),
        Method.INCOME: lambda i: income.simulate_income(ac.asset, i, ctx),
        Method.MARKET: lambda i: market.simulate_market(
            ac.asset, i, ctx, database=md.database, adjustments=md.adjustments
        ),
    }
    expected = sum(
        mw.weight * one_call[mw.method](ac.method_inputs(mw.method)) for mw in ac.methods if mw.weight > 0
    )
    assert v.draws is not None
    assert v.draws.shape == (N_DRAWS,)
    np.testing.assert_array_equal(v.draws, expected)
    r = v.conclusion.value_range
    assert r is not None
    assert tuple(np.percentile(v.draws, [5, 50, 95])) == pytest.approx((r.p5, r.p50, r.p95), rel=1e-12)


def test_prepared_value_tornado_and_draws_equal_the_one_call_forms() -> None:
    case = example("parking_city_investment")
    ac, ctx, md = case.assets[0], ctx_of(case), load_market_data()
    kw: dict[str, Any] = {"database": md.database, "adjustments": md.adjustments}
    pairs: list[tuple[Any, Any, Any, Any, Any]] = [
        (cost.prepare_cost, cost.method, cost.value_cost, cost.tornado_cost, cost.simulate_cost),
        (income.prepare_income, income.method, income.value_income, income.tornado_income, income.simulate_income),
    ]
    for prepare, face, value, tornado, simulate in pairs:
        inputs = ac.method_inputs(Method(prepare.__name__.removeprefix("prepare_")))
        p = prepare(ac.asset, inputs, ctx)
        assert face.value(p) == value(ac.asset, inputs, ctx)
        assert face.tornado(p) == tornado(ac.asset, inputs, ctx)
        np.testing.assert_array_equal(face.simulate(p), simulate(ac.asset, inputs, ctx))
    inputs = ac.method_inputs(Method.MARKET)
    p = market.prepare_market(ac.asset, inputs, ctx, **kw)
    assert isinstance(p, market.PreparedMarket)
    assert market.method.value(p) == market.value_market(ac.asset, inputs, ctx, **kw)
    assert market.method.tornado(p) == market.tornado_market(ac.asset, inputs, ctx, **kw)
    np.testing.assert_array_equal(market.method.simulate(p), market.simulate_market(ac.asset, inputs, ctx, **kw))


def test_kept_draws_are_not_serialized() -> None:
    result = run(example("parking_city_investment"))
    v = result.valuations[0]
    assert v.draws is not None
    dumped = result.model_dump(mode="json")
    assert "draws" not in dumped["valuations"][0]
    again = CaseResult.model_validate_json(result.model_dump_json())
    assert again.valuations[0].draws is None
    assert AssetValuation.model_validate(v.model_dump()).model_dump() == v.model_dump()
    assert v == v.model_copy()
    assert v != v.model_copy(update={"draws": v.draws * 2})
