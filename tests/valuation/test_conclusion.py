"""Reconciliation (docs/valuation.md §Conclusion and range): weighted value, differences, tornado
carried onto V, MC range."""

import numpy as np
import pytest

from valuation.conclusion import MethodWeight, reconcile
from valuation.errors import WeightsDoNotSumToOne
from valuation.models import Method, TornadoBar


def _w(method: Method, weight: float) -> MethodWeight:
    return MethodWeight(method=method, weight=weight, reason="test")


def test_weighted_conclusion_and_differences() -> None:
    values = {Method.COST: 1_200_000.0, Method.INCOME: 2_000_000.0, Method.MARKET: 1_800_000.0}
    weights = [_w(Method.COST, 0.2), _w(Method.INCOME, 0.5), _w(Method.MARKET, 0.3)]
    c = reconcile("A1", values, weights)
    # V = 0.2 × 1,200,000 + 0.5 × 2,000,000 + 0.3 × 1,800,000 = 240,000 + 1,000,000 + 540,000
    assert c.value == pytest.approx(1_780_000.0)
    cost = next(d for d in c.differences if d.method is Method.COST)
    assert cost.difference == pytest.approx(1_200_000 - 1_780_000)  # −580,000
    assert cost.relative == pytest.approx(-580_000 / 1_780_000)
    # spread = max/min − 1 = 2,000,000 / 1,200,000 − 1 = 0.6667 > 50 % → explanation demanded
    assert c.spread == pytest.approx(2_000_000 / 1_200_000 - 1)
    assert any("differ by 67%" in line for line in c.analysis)


def test_zero_weight_method_is_a_cross_check_only() -> None:
    values = {Method.INCOME: 900.0, Method.MARKET: 5_000.0}
    c = reconcile("A1", values, [_w(Method.INCOME, 1.0), _w(Method.MARKET, 0.0)])
    assert c.value == pytest.approx(900.0)
    assert c.spread == pytest.approx(0.0)  # only one weighted method


def test_weights_must_sum_to_one() -> None:
    with pytest.raises(WeightsDoNotSumToOne) as e:
        reconcile("A7", {Method.COST: 1.0, Method.INCOME: 2.0}, [_w(Method.COST, 0.5), _w(Method.INCOME, 0.4)])
    assert "A7" in str(e.value) and "methods" in str(e.value) and "0.9" in str(e.value)


def test_weight_on_a_method_not_run_is_refused() -> None:
    with pytest.raises(WeightsDoNotSumToOne, match="not run"):
        reconcile("A1", {Method.COST: 1.0}, [_w(Method.COST, 0.5), _w(Method.INCOME, 0.5)])


def test_tornado_is_carried_onto_the_conclusion() -> None:
    values = {Method.COST: 1_000.0, Method.INCOME: 3_000.0}
    bar = TornadoBar(
        method=Method.INCOME, input_name="discount_rate", label_zh="折现率",
        base_input=0.1, low_input=0.08, high_input=0.12, value_at_low=3_600.0, value_at_high=2_500.0,
    )
    c = reconcile("A1", values, [_w(Method.COST, 0.25), _w(Method.INCOME, 0.75)], tornado=[bar])
    v = 0.25 * 1_000 + 0.75 * 3_000  # 2,500
    assert c.tornado[0].value_at_low == pytest.approx(v + 0.75 * (3_600 - 3_000))  # 2,950
    assert c.tornado[0].value_at_high == pytest.approx(v + 0.75 * (2_500 - 3_000))  # 2,125


def test_monte_carlo_range_is_the_weighted_sum_draw_by_draw() -> None:
    cost_draws = np.arange(1.0, 101.0)  # 1..100
    income_draws = np.full(100, 50.0)
    c = reconcile(
        "A1", {Method.COST: 50.5, Method.INCOME: 50.0}, [_w(Method.COST, 0.5), _w(Method.INCOME, 0.5)],
        draws={Method.COST: cost_draws, Method.INCOME: income_draws},
    )
    combined = 0.5 * cost_draws + 25.0
    assert c.value_range is not None
    assert c.value_range.p5 == pytest.approx(np.percentile(combined, 5))
    assert c.value_range.p95 == pytest.approx(0.5 * np.percentile(cost_draws, 95) + 25.0)
    assert c.method_ranges[Method.INCOME].p50 == pytest.approx(50.0)
