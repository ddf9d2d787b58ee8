"""The four forms of F_t (docs/valuation.md §Income method), each valued by hand and cross-checked with
numpy_financial.npv.

npf.npv discounts its first value at t = 0, so a leading 0 is prepended to F_1..F_n.
"""

from __future__ import annotations

import numpy_financial as npf
import pytest

from valuation.income import IncomeForm, IncomeResult, value_income
from valuation.models import Method

from .conftest import BUILD_UP_8, MONEY, make_inputs, rate


def test_direct_revenue_less_own_costs_then_tax(asset, ctx):
    inputs = make_inputs(
        form="direct",
        forecast=[
            {"period": 1, "revenue": 1_000_000, "costs": 400_000, "evidence": "licence contracts"},
            {"period": 2, "revenue": 1_200_000, "costs": 500_000},
            {"period": 3, "revenue": 1_300_000, "costs": 550_000},
        ],
        economic_life=3,
        cash_flow_basis="pre_tax",
        tax_rate=0.25,
        discount_rate=BUILD_UP_8,
    )
    result = value_income(asset, inputs, ctx)

    f1 = (1_000_000 - 400_000) * (1 - 0.25)  # (revenue − costs) × (1 − T) = 450,000
    f2 = (1_200_000 - 500_000) * (1 - 0.25)  # 525,000
    f3 = (1_300_000 - 550_000) * (1 - 0.25)  # 562,500
    i = 0.02 + 0.03 + 0.02 + 0.01  # build-up: rf + management + data security + regulatory
    expected = f1 / (1 + i) ** 1 + f2 / (1 + i) ** 2 + f3 / (1 + i) ** 3
    assert result.value == pytest.approx(expected, abs=MONEY)
    assert result.value == pytest.approx(npf.npv(i, [0, f1, f2, f3]), abs=MONEY)

    assert isinstance(result, IncomeResult) and result.method is Method.INCOME
    rows = result.detail.schedule
    assert [r.cash_flow for r in rows] == pytest.approx([f1, f2, f3], abs=MONEY)
    assert rows[0].costs == 400_000
    assert rows[0].share == pytest.approx(1 - 400_000 / 1_000_000)  # margin 0.6
    assert rows[0].tax == pytest.approx((1_000_000 - 400_000) * 0.25, abs=MONEY)  # 150,000 of tax
    assert rows[0].contribution == pytest.approx(600_000, abs=MONEY)
    assert result.detail.rate.rate == pytest.approx(i)
    assert [c.name for c in result.detail.rate.components] == [
        "risk_free",
        "management",
        "data_security",
        "regulatory",
    ]
    assert [c.label_zh for c in result.detail.rate.components[1:]] == ["管理风险", "数据安全风险", "监管风险"]
    assert result.detail.pv_explicit == pytest.approx(expected, abs=MONEY)
    assert result.detail.total == result.value


def test_direct_with_a_margin_instead_of_costs(asset, ctx):
    inputs = make_inputs(
        form="direct",
        forecast=[{"period": 1, "revenue": 2_000_000}, {"period": 2, "revenue": 2_500_000}],
        margin=0.4,
        economic_life=2,
        discount_rate=rate(0.1),
    )
    expected = 2_000_000 * 0.4 / 1.1 + 2_500_000 * 0.4 / 1.1**2  # revenue × margin, after tax
    assert value_income(asset, inputs, ctx).value == pytest.approx(expected, abs=MONEY)


def test_split_with_k1_decaying(asset, ctx):
    revenue = [10_000_000, 10_500_000, 11_000_000, 11_500_000, 12_000_000]
    inputs = make_inputs(
        form="split",
        split_base="profit",  # K = 25 % belongs on profit (利润分成), here EBIT rows
        forecast=[{"period": k + 1, "profit": r} for k, r in enumerate(revenue)],
        split_rate=0.25,
        decay=0.1,
        economic_life=5,
        discount_rate={"wacc": 0.09, "asset_premium": 0.03, "evidence": "peer WACC"},
    )
    result = value_income(asset, inputs, ctx)

    i = 0.09 + 0.03  # WACC + asset premium
    k = [0.25 * (1 - 0.1) ** (t - 1) for t in range(1, 6)]  # K_t = K_1 × (1 − d)^(t−1)
    flows = [r * kt for r, kt in zip(revenue, k, strict=True)]  # F_t = R_t × K_t
    expected = sum(f / (1 + i) ** t for t, f in enumerate(flows, start=1))
    assert result.value == pytest.approx(expected, abs=MONEY)
    assert result.value == pytest.approx(npf.npv(i, [0, *flows]), abs=MONEY)
    assert [r.split_rate for r in result.detail.schedule] == pytest.approx(k)
    assert result.detail.rate.approach == "wacc"
    assert result.detail.form is IncomeForm.SPLIT
    assert "K_t = K_1 × (1 − d)^(t−1)" in result.formula


def test_split_with_explicit_k_per_period(asset, ctx):
    inputs = make_inputs(
        form="split",
        split_base="profit",
        forecast=[
            {"period": 1, "profit": 8_000_000, "split_rate": 0.30},
            {"period": 2, "profit": 9_000_000, "split_rate": 0.27},
            {"period": 3, "profit": 9_500_000, "split_rate": 0.24},
        ],
        economic_life=3,
        discount_rate=rate(0.11),
    )
    flows = [8_000_000 * 0.30, 9_000_000 * 0.27, 9_500_000 * 0.24]  # R_t × K_t
    expected = npf.npv(0.11, [0, *flows])
    assert value_income(asset, inputs, ctx).value == pytest.approx(expected, abs=MONEY)


def test_excess_earnings_less_contributory_charges(asset, ctx):
    inputs = make_inputs(
        form="excess_earnings",
        forecast=[
            {"period": 1, "earnings": 5_000_000},
            {"period": 2, "earnings": 5_500_000},
            {"period": 3, "earnings": 6_000_000},
        ],
        contributory_charges=[
            {"name": "营运资金", "component": "return_on", "rate": 0.05, "bases": [4e6, 4.4e6, 4.8e6]},
            {"name": "固定资产", "component": "return_of", "amounts": [300_000, 300_000, 300_000]},
            {"name": "人力资源", "component": "return_on", "amounts": [1_000_000, 1_100_000, 1_200_000]},
            {"name": "其他无形资产", "rate": 0.10, "bases": [2e6, 2e6, 2e6], "evidence": "royalty 10 %"},
        ],
        economic_life=3,
        discount_rate=rate(0.10),
    )
    result = value_income(asset, inputs, ctx)

    c1 = 0.05 * 4_000_000 + 300_000 + 1_000_000 + 0.10 * 2_000_000  # 1,700,000
    c2 = 0.05 * 4_400_000 + 300_000 + 1_100_000 + 0.10 * 2_000_000  # 1,820,000
    c3 = 0.05 * 4_800_000 + 300_000 + 1_200_000 + 0.10 * 2_000_000  # 1,940,000
    flows = [5_000_000 - c1, 5_500_000 - c2, 6_000_000 - c3]  # F_t = E_t − Σ C_i,t
    expected = flows[0] / 1.1 + flows[1] / 1.1**2 + flows[2] / 1.1**3
    assert result.value == pytest.approx(expected, abs=MONEY)
    assert result.value == pytest.approx(npf.npv(0.10, [0, *flows]), abs=MONEY)
    assert [r.charges for r in result.detail.schedule] == pytest.approx([c1, c2, c3], abs=MONEY)
    lines = result.detail.charges
    assert [line.name for line in lines] == ["营运资金", "固定资产", "人力资源", "其他无形资产"]
    assert lines[0].amounts == pytest.approx((200_000, 220_000, 240_000))
    assert lines[1].label_zh == "固定资产投资回收"
    assert lines[0].label_zh == "营运资金投资回报"


def test_excess_earnings_with_a_contributory_rate(asset, ctx):
    inputs = make_inputs(
        form="excess_earnings",
        projection={"base_y1": 6_000_000, "growth": 0.05},
        contributory_rate=0.7,
        economic_life=2,
        discount_rate=rate(0.10),
    )
    f1 = 6_000_000 * (1 - 0.7)  # E_1 × (1 − c)
    f2 = 6_000_000 * 1.05 * (1 - 0.7)  # E_2 = E_1 × (1 + g)
    assert value_income(asset, inputs, ctx).value == pytest.approx(f1 / 1.1 + f2 / 1.1**2, abs=MONEY)


def test_incremental_with_and_without_or_the_increment(asset, ctx):
    inputs = make_inputs(
        form="incremental",
        forecast=[
            {"period": 1, "with_data": 12_800_000, "without_data": 10_600_000},
            {"period": 2, "increment": 2_300_000, "evidence": "cost saved"},
        ],
        decay=0.08,
        economic_life=2,
        discount_rate=rate(0.09),
    )
    result = value_income(asset, inputs, ctx)
    f1 = 12_800_000 - 10_600_000  # with − without = 2,200,000
    f2 = 2_300_000 * (1 - 0.08)  # increment × (1 − d)^(2−1)
    assert result.value == pytest.approx(f1 / 1.09 + f2 / 1.09**2, abs=MONEY)
    assert result.value == pytest.approx(npf.npv(0.09, [0, f1, f2]), abs=MONEY)
    assert [r.share for r in result.detail.schedule] == [1.0, 1.0]


def test_pre_tax_flows_at_a_pre_tax_rate_are_not_converted(asset, ctx):
    inputs = make_inputs(
        form="incremental",
        forecast=[{"period": 1, "increment": 1_000_000}],
        economic_life=1,
        cash_flow_basis="pre_tax",
        discount_rate=rate(0.12, basis="pre_tax"),
    )
    result = value_income(asset, inputs, ctx)
    assert result.value == pytest.approx(1_000_000 / 1.12, abs=MONEY)
    assert result.detail.tax_factor == 1.0


def test_result_explains_itself(asset, ctx):
    inputs = make_inputs(
        form="split",
        split_base="profit",
        projection={"base_y1": 10_000_000, "growth": 0.05, "evidence": "business plan 2026-2030"},
        split_rate=0.25,
        decay=0.1,
        economic_life=5,
        cash_flow_basis="pre_tax",
        tax_rate=0.25,
        discount_rate=BUILD_UP_8,
    )
    result = value_income(asset, inputs, ctx)
    names = [f.name for f in result.figures]
    for needed in (
        "horizon_years",
        "discount_rate",
        "rate_risk_free",
        "rate_management",
        "base_1",
        "growth",
        "split_rate_1",
        "decay",
        "tax_rate",
        "pv_explicit",
        "value",
    ):
        assert needed in names
    by_name = {f.name: f for f in result.figures}
    assert by_name["growth"].evidence == "business plan 2026-2030"
    assert by_name["rate_management"].evidence == "new team"
    assert all(f.label_zh for f in result.figures)
    assert by_name["value"].value == result.value
    text = " ".join(result.assumptions)
    assert "pre-tax flows converted to after-tax at T = 0.25" in text
    assert "收益分成法" in text
    assert result.detail.schedule[0].base == pytest.approx(10_000_000)
    assert result.detail.schedule[1].base == pytest.approx(10_000_000 * 1.05)
