"""The split form names its base (revenue or profit), and the optional tax amortization benefit (TAB).

Hand figures, valuation date 2025-12-31, end timing, i = 10 %, two periods:

    revenue 10,000,000 and 11,000,000; profit (EBIT) 2,500,000 and 2,750,000: margin 25 % both years.
    revenue split, K = 5 %:   F = 500,000, 550,000
    profit split,  K = 20 %:  F = 500,000, 550,000  (the same: 销售收入分成率 = 利润分成率 × 利润率 = 20 % × 25 %)
    PV = 500,000 / 1.1 + 550,000 / 1.1² = 454,545.4545… + 454,545.4545… = 909,090.91
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.valuation.income.conftest import MONEY, make_ctx, make_inputs, rate
from valuation.income import InvalidIncomeInput, parse_income_inputs, simulate_income, value_income
from valuation.income.prepare import prepare_income
from valuation.models import ValueType

PV = 500_000 / 1.1 + 550_000 / 1.1**2  # 909,090.909…
ROWS = [
    {"period": 1, "revenue": 10_000_000, "profit": 2_500_000},
    {"period": 2, "revenue": 11_000_000, "profit": 2_750_000},
]


def _split(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "form": "split",
        "split_base": "revenue",
        "forecast": ROWS,
        "split_rate": 0.05,
        "economic_life": 2,
        "discount_rate": rate(0.10),
    }
    raw.update(overrides)
    return {k: v for k, v in raw.items() if v is not None}


def _figures(result: Any) -> dict[str, float]:
    return {f.name: f.value for f in result.figures}


def test_revenue_split_against_hand_figures(asset, ctx):
    result = value_income(asset, make_inputs(**_split()), ctx)
    assert result.value == pytest.approx(PV, abs=MONEY)  # 909,090.91
    assert [r.cash_flow for r in result.detail.schedule] == pytest.approx([500_000, 550_000], abs=MONEY)
    fig = _figures(result)
    assert fig["base_1"] == 10_000_000  # R_1: revenue is the base
    assert fig["sales_margin"] == pytest.approx(0.25)  # 2.5 m / 10 m
    assert fig["implied_profit_share"] == pytest.approx(0.20)  # K / margin = 5 % / 25 %
    assert "implied_revenue_rate" not in fig
    assert "销售收入分成" in result.formula


def test_profit_split_against_hand_figures(asset, ctx):
    result = value_income(asset, make_inputs(**_split(split_base="profit", split_rate=0.20)), ctx)
    assert result.value == pytest.approx(PV, abs=MONEY)  # 2.5 m × 20 % = 500,000; 2.75 m × 20 % = 550,000
    fig = _figures(result)
    assert fig["base_1"] == 2_500_000  # EBIT_1: profit is the base
    assert fig["implied_revenue_rate"] == pytest.approx(0.05)  # K × margin = 20 % × 25 %
    assert "implied_profit_share" not in fig
    assert "EBIT" in result.formula


def test_profit_split_with_a_stated_margin_and_projection(asset, ctx):
    # projection of profit 2,000,000 a year, K = 30 %, margin stated 20 %: F = 600,000 a year, one year at 10 %.
    inputs = make_inputs(
        form="split", split_base="profit", projection={"base_y1": 2_000_000}, split_rate=0.30,
        profit_margin=0.20, economic_life=1, discount_rate=rate(0.10),
    )
    result = value_income(asset, inputs, ctx)
    assert result.value == pytest.approx(600_000 / 1.1, abs=MONEY)  # 545,454.55
    assert _figures(result)["implied_revenue_rate"] == pytest.approx(0.06)  # 30 % × 20 %


def test_split_base_is_required():
    with pytest.raises(InvalidIncomeInput) as err:
        parse_income_inputs(_split(split_base=None), asset_id="S-1")
    assert err.value.field == "income.split_base"
    assert str(err.value.message).startswith("分成基数")


def test_profit_base_needs_profit_on_every_row():
    rows = [{"period": 1, "revenue": 10_000_000}, {"period": 2, "revenue": 11_000_000}]
    with pytest.raises(InvalidIncomeInput) as err:
        parse_income_inputs(_split(split_base="profit", forecast=rows, split_rate=0.2), asset_id="S-2")
    assert err.value.field == "income.forecast[0].profit"


def test_a_profit_split_rate_on_revenue_is_refused_without_a_reason():
    with pytest.raises(InvalidIncomeInput) as err:
        parse_income_inputs(_split(split_rate=0.25), asset_id="S-3")
    assert err.value.field == "income.split_rate"
    message = err.value.message
    assert message.startswith("以销售收入为分成基数时分成率")  # Chinese first
    assert "split_rate_reason" in message and "split_base" in message
    # the same K on rows is refused on the row's field
    rows = [{**r, "split_rate": 0.25} for r in ROWS]
    with pytest.raises(InvalidIncomeInput) as err:
        parse_income_inputs(_split(forecast=rows, split_rate=None), asset_id="S-4")
    assert err.value.field == "income.forecast[0].split_rate"


def test_a_high_revenue_split_rate_with_a_reason_is_taken(asset, ctx):
    raw = _split(split_rate=0.25, split_rate_reason="独家授权且数据为收入的主要来源 (exclusive, data drives sales)")
    result = value_income(asset, make_inputs(**raw), ctx)
    assert result.value == pytest.approx(5 * PV, abs=5 * MONEY)  # K five times 5 %
    assert any("exclusive" in a for a in result.assumptions)
    # 15 % itself is not above the limit
    assert parse_income_inputs(_split(split_rate=0.15), asset_id="S-5").split_rate == 0.15


# ---------------------------------------------------------------- tax amortization benefit

TAB = {"period_years": 10, "tax_rate": 0.25, "basis_text": "企业所得税法实施条例第六十七条: 不低于10年"}
# AF = (1 − 1.1^−10) / 0.1 = 6.144567…; uplift = 1 / (1 − 0.25 × AF / 10) = 1 / (1 − 0.153614…)
AF = (1 - 1.1**-10) / 0.1
UPLIFT = 1 / (1 - 0.25 * AF / 10)


def test_tab_is_off_by_default(asset, ctx):
    result = value_income(asset, make_inputs(**_split()), ctx)
    assert result.detail.tab is None and "tab" not in _figures(result)


def test_tab_against_the_closed_form(asset, ctx):
    result = value_income(asset, make_inputs(**_split(tax_amortization_benefit=TAB)), ctx)
    assert round(AF, 6) == 6.144567 and round(UPLIFT, 6) == 1.181494
    tab = PV * (UPLIFT - 1)  # TAB = PV × (1 / (1 − T·AF/n) − 1) = 909,090.91 × 0.181494… ≈ 164,994.79
    assert result.value == pytest.approx(PV + tab, abs=MONEY)
    fig = _figures(result)
    assert fig["tab"] == pytest.approx(tab, abs=MONEY)
    assert fig["value_before_tab"] == pytest.approx(PV, abs=MONEY)
    assert fig["tab_annuity_factor"] == pytest.approx(AF, rel=1e-12)
    assert fig["value"] == pytest.approx(PV + tab, abs=MONEY)
    assert result.detail.tab is not None and result.detail.tab.period_years == 10


def test_tab_moves_with_each_drawn_rate(asset):
    ctx = make_ctx(n_draws=200, seed=5)
    spreads = {"base": None, "share": None, "decay": None}  # only the rate moves
    without = simulate_income(asset, make_inputs(**_split(uncertainty=spreads)), ctx)
    with_tab = simulate_income(asset, make_inputs(**_split(uncertainty=spreads, tax_amortization_benefit=TAB)), ctx)
    p = prepare_income(asset, make_inputs(**_split(uncertainty=spreads)), ctx)
    assert p.tab_period is None
    # recover each draw's rate from its value: without = 500,000/(1+i) + 550,000/(1+i)²; check by uplift at i
    rates = np.array([_rate_of(v) for v in without])
    uplift = 1 / (1 - 0.25 * (1 - (1 + rates) ** -10) / rates / 10)
    assert with_tab == pytest.approx(without * uplift, rel=1e-9)


def _rate_of(value: float) -> float:
    lo, hi = -0.5, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if 500_000 / (1 + mid) + 550_000 / (1 + mid) ** 2 > value:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def test_tab_is_refused_for_a_value_in_use(asset, ctx):
    in_use = ctx.model_copy(update={"value_type": ValueType.VALUE_IN_USE})
    with pytest.raises(InvalidIncomeInput) as err:
        value_income(asset, make_inputs(**_split(tax_amortization_benefit=TAB)), in_use)
    assert err.value.field == "income.tax_amortization_benefit"
    assert err.value.message.startswith("在用价值")
    market = ctx.model_copy(update={"value_type": ValueType.MARKET_VALUE})
    assert value_income(asset, make_inputs(**_split(tax_amortization_benefit=TAB)), market).value > PV


def test_tab_period_below_ten_years_is_noted(asset, ctx):
    short = {**TAB, "period_years": 5, "basis_text": "IFRS jurisdiction with a 5-year tax life (illustrative)"}
    result = value_income(asset, make_inputs(**_split(tax_amortization_benefit=short)), ctx)
    assert any("第六十七条" in n for n in result.notes)
