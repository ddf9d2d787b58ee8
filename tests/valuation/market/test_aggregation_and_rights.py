"""How the adjusted prices are combined (mean, similarity-weighted, median) and which rights are valued.

Uses the hand-computed grid of test_grid (C1, C2, C3): P'_1 = 1,029,424.86, P'_2 = 198,214.29,
P'_3 = 435,127.75. The median of three is the middle one, P'_3 = 435,127.75; the mean is
(1,029,424.86 + 198,214.29 + 435,127.75) / 3 = 554,255.63.
"""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from tests.valuation.market.conftest import adjustments, make_asset, make_ctx
from tests.valuation.market.test_grid import ADJUSTED, C1, C2, C3, X1, X3, X5, Q
from tests.valuation.market.test_simulation import RATIO, tri
from valuation.errors import MissingInput
from valuation.market import (
    STREAM_BASE,
    Aggregation,
    MarketInputs,
    Weighting,
    X5Item,
    simulate_market,
    tornado_market,
    value_market,
)
from valuation.market.errors import RightsNotHeld
from valuation.random import asset_keys, uniforms

MEDIAN = ADJUSTED[2]  # sorted: 198,214.29 < 435,127.75 < 1,029,424.86
MEAN = sum(ADJUSTED) / 3


def run(asset=None, **inputs: object):
    return value_market(
        asset or make_asset(),
        MarketInputs(comparables=(C1, C2, C3), **inputs),
        make_ctx(),
        adjustments=adjustments(),
    )


def test_mean_is_the_default() -> None:
    result = run()
    assert MarketInputs().aggregation is Aggregation.MEAN
    assert result.value == pytest.approx(MEAN, abs=0.005)  # 554,255.63
    assert result.detail.aggregation is Aggregation.MEAN


def test_median_by_hand() -> None:
    result = run(aggregation="median")
    assert sorted(ADJUSTED)[1] == MEDIAN
    assert result.value == pytest.approx(MEDIAN, abs=0.005)  # 435,127.75
    assert result.formula.startswith("P = median")
    assert any("汇总方式 aggregation: 中位数 P = median(P'_k) (median)" in a for a in result.assumptions)
    assert result.detail.aggregation is Aggregation.MEDIAN
    value_figure = next(f for f in result.figures if f.name == "value")
    assert "median" in value_figure.formula and "median" in value_figure.evidence


def test_median_draws_by_hand() -> None:
    n = 40
    inputs = MarketInputs(comparables=(C1, C2, C3), aggregation="median")
    draws = simulate_market(make_asset(), inputs, make_ctx(n_draws=n, seed=11), adjustments=adjustments())
    key = asset_keys(["A1"])
    u_beta = uniforms(11, key, STREAM_BASE, n)[0]
    u_x2 = uniforms(11, key, STREAM_BASE + 1, n)[0]
    u_boot = [uniforms(11, key, STREAM_BASE + 2 + j, n)[0] for j in range(3)]
    for d in range(n):
        beta = min(1.0, max(0.0, 0.5 + tri(u_beta[d], -0.2, 0.0, 0.2)))
        x2 = tri(u_x2[d], 0.9, 1.0, 1.1)
        picks = [math.floor(u_boot[j][d] * 3) for j in range(3)]  # the same bootstrap as the mean
        prices = sorted(Q[p] * X1[p] * x2 * X3[p] * RATIO[p] ** beta * X5[p] for p in picks)
        assert draws[d] == pytest.approx(prices[1], rel=1e-12)  # the median of the three picks


def test_median_tornado_moves_the_median() -> None:
    inputs = MarketInputs(comparables=(C1, C2, C3), aggregation="median")
    bars = {b.input_name: b for b in tornado_market(make_asset(), inputs, make_ctx(), adjustments=adjustments())}
    level = bars["price_level"]  # every price × the level's 5th / 95th percentile: the median moves with them
    assert level.low_input < 1 < level.high_input
    assert level.value_at_low == pytest.approx(MEDIAN * level.low_input, rel=1e-12)
    assert level.value_at_high == pytest.approx(MEDIAN * level.high_input, rel=1e-12)


def test_weighting_is_read_as_an_aggregation() -> None:
    assert MarketInputs(weighting="similarity").aggregation is Aggregation.SIMILARITY_WEIGHTED
    assert MarketInputs(aggregation="similarity_weighted").weighting is Weighting.SIMILARITY
    assert MarketInputs(aggregation="median").weighting is Weighting.EQUAL
    with pytest.raises(ValidationError, match="disagree"):
        MarketInputs(aggregation="mean", weighting="similarity")
    weighted = run(aggregation="similarity_weighted")
    assert weighted.value == pytest.approx(run(weighting=Weighting.SIMILARITY).value, rel=1e-15)


def test_several_rights_without_rights_valued_are_refused() -> None:
    asset = make_asset(rights=["holding", "processing_use"])
    with pytest.raises(MissingInput) as err:
        run(asset)
    assert err.value.field == "market.rights_valued" and err.value.asset_id == "A1"
    assert err.value.message.startswith("资产持有多项权利")


def test_rights_valued_sets_the_rights_type_adjustment() -> None:
    asset = make_asset(rights=["holding", "processing_use"])
    # the right valued is processing_use: the same grid as the one-right reference asset
    one = run(asset, rights_valued=["processing_use"])
    assert one.value == pytest.approx(MEAN, abs=0.005)
    assert one.detail.target.rights_type.value == "processing_use"
    # both named: the stronger right (holding 1.28 > processing_use 1.00) prices the bundle, so the X5
    # rights item of C1 (holding) becomes 1.28 / 1.28 = 1, of C2 (processing_use) 1.28 / 1.00, of C3
    # (product_operation) 1.28 / 1.13
    both = run(asset, rights_valued=["processing_use", "holding"])
    rights = [r.x5_items[[i.item for i in r.x5_items].index(X5Item.RIGHTS_TYPE)].value for r in both.detail.grid]
    assert rights == pytest.approx([1.28 / 1.28, 1.28 / 1.00, 1.28 / 1.13], rel=1e-12)
    assert both.detail.target.rights_type.value == "holding"


def test_a_right_not_held_is_refused() -> None:
    with pytest.raises(RightsNotHeld) as err:
        run(make_asset(rights=["processing_use"]), rights_valued=["holding"])
    assert err.value.field == "market.rights_valued[0]"
