"""Outlier screening on ln P' and the three-comparable minimum (docs/valuation.md §Market method).

The comparables below match the target in every attribute and are dated in the valuation month, so
every X is 1 and P'_k = Q_k: the screen works on the prices as written.
"""

from __future__ import annotations

import math
import statistics

import pytest

from tests.valuation.market.conftest import adjustments, make_asset, make_comp, make_ctx
from valuation.errors import TooFewComparables
from valuation.market import MarketInputs, OutlierRule, value_market


def comps(*prices: float):
    return tuple(make_comp(f"C{i + 1:03d}", price=p) for i, p in enumerate(prices))


def run(prices: tuple[float, ...], **inputs: object):
    return value_market(
        make_asset(),
        MarketInputs(comparables=comps(*prices), **inputs),
        make_ctx(),
        adjustments=adjustments(),
    )


def test_every_factor_is_one_for_identical_comparables() -> None:
    row = run((100_000, 110_000, 90_000)).detail.grid[0]
    assert (row.x1.value, row.x2.value, row.x3.value, row.x4.value, row.x5.value) == pytest.approx(
        (1, 1, 1, 1, 1)
    )


def test_outlier_removed_with_its_reason() -> None:
    prices = (100_000, 110_000, 90_000, 105_000, 95_000, 1_000_000)
    logs = [math.log(p) for p in prices]
    centre = statistics.median(logs)
    mad = statistics.median(abs(v - centre) for v in logs)
    high = centre + 3 * 1.4826 * mad  # median + k × 1.4826 × MAD
    assert math.log(1_000_000) > high > math.log(110_000)  # the hand check of the fence
    result = run(prices)
    removed = [r for r in result.detail.grid if not r.kept]
    assert [r.comp_id for r in removed] == ["C006"]
    assert "above" in removed[0].removal_reason and "mad" in removed[0].removal_reason
    assert removed[0].weight == 0
    assert result.detail.screening.removed == ("C006",)
    assert result.detail.screening.high_log == pytest.approx(high, rel=1e-12)
    assert result.value == pytest.approx((100_000 + 110_000 + 90_000 + 105_000 + 95_000) / 5, abs=0.005)


def test_iqr_rule_by_hand() -> None:
    prices = (100_000, 110_000, 90_000, 105_000, 95_000, 300_000)
    logs = sorted(math.log(p) for p in prices)

    def q(p: float) -> float:  # linear quantile of the sorted logs
        pos = p * (len(logs) - 1)
        lo = math.floor(pos)
        return logs[lo] + (pos - lo) * (logs[lo + 1] - logs[lo])

    high = q(0.75) + 1.5 * (q(0.75) - q(0.25))  # Q3 + 1.5·IQR
    assert math.log(300_000) > high
    result = run(prices, outlier_rule=OutlierRule.IQR)
    assert result.detail.screening.removed == ("C006",)
    assert result.detail.screening.high_log == pytest.approx(high, rel=1e-12)
    # with k = 10 the fence Q3 + 10·IQR is above ln 300,000: nothing removed
    assert run(prices, outlier_rule=OutlierRule.IQR, outlier_k=10).detail.screening.removed == ()


def test_no_screening_when_mad_is_zero_or_rule_none() -> None:
    assert run((100_000, 100_000, 100_000, 900_000)).detail.screening.removed == ()  # MAD = 0
    assert run((100_000, 110_000, 90_000, 1_000_000), outlier_rule=OutlierRule.NONE).value == pytest.approx(
        (100_000 + 110_000 + 90_000 + 1_000_000) / 4, abs=0.005
    )


def test_two_comparables_refused_naming_the_asset_and_the_comparables() -> None:
    with pytest.raises(TooFewComparables) as info:
        value_market(
            make_asset("DA-9"),
            MarketInputs(comparables=comps(100_000, 120_000)),
            make_ctx(),
            adjustments=adjustments(),
        )
    err = info.value
    assert err.asset_id == "DA-9" and err.field == "market.comparables"
    assert "at least 3 comparables, 2 qualified (C001, C002)" in str(err)
    assert "DA-9" in str(err)


def test_too_few_after_screening() -> None:
    with pytest.raises(TooFewComparables) as info:
        run((100_000, 101_000, 10_000_000))
    assert "after outlier screening" in str(info.value)
    assert "2 kept (C001, C002); removed: C003" in str(info.value)
    assert info.value.asset_id == "A1"
