"""Cost method P = C × δ on one asset, every expected value computed by hand
(docs/valuation.md §Cost method)."""

from __future__ import annotations

from datetime import date

import pytest

from valuation.cost import CostCategory, value_cost
from valuation.models import Method

from .conftest import (
    REFERENCE_C,
    REFERENCE_DELTA_Q,
    WEIGHTS,
    make_asset,
    make_ctx,
    make_inputs,
    reference_lines,
)

MONEY = 0.005


def test_restatement_uses_the_two_index_levels(asset, ctx):
    result = value_cost(asset, make_inputs(), ctx)
    lines = result.detail.lines
    assert lines[0].index_factor == pytest.approx(120.0 / 96.0)  # I(2024-12) / I(2022-03)
    assert lines[0].restated == pytest.approx(100_000 * 120.0 / 96.0, abs=MONEY)  # = 125,000
    assert lines[2].index_factor == pytest.approx(120.0 / 100.0)  # I(2024-12) / I(2023-06)
    assert lines[2].restated == pytest.approx(200_000 * 1.2, abs=MONEY)
    assert lines[4].index_factor == 1.0 and lines[4].restated == 50_000  # restate = false
    assert [line.historical for line in lines] == [100_000, 400_000, 200_000, 150_000, 50_000]
    assert lines[1].evidence == "timesheets Q1 2022"


def test_quality_basis_by_hand(asset, ctx):
    result = value_cost(asset, make_inputs(), ctx)
    assert result.method is Method.COST
    assert result.formula == "P = C × δ"
    assert result.detail.total_cost == pytest.approx(1_095_000, abs=MONEY)  # 125k + 740k + 180k + 50k
    assert result.detail.delta.quality is not None
    assert result.detail.delta.quality.delta_quality == pytest.approx(0.78)  # .27+.16+.14+.06+.05+.10
    expected = (125_000 + 500_000 + 240_000 + 180_000 + 50_000) * 0.78  # C × δ
    assert result.value == pytest.approx(expected, abs=MONEY)
    assert result.detail.value == result.value
    assert result.detail.delta.quality.weights_source == "given"
    totals = {t.category: t for t in result.detail.category_totals}
    assert totals[CostCategory.DIRECT_CONSTRUCTION].historical == 600_000
    assert totals[CostCategory.DIRECT_CONSTRUCTION].restated == pytest.approx(740_000, abs=MONEY)
    assert totals[CostCategory.OPPORTUNITY].source == "none"
    assert result.detail.total_historical == 100_000 + 400_000 + 200_000 + 150_000 + 50_000


def test_life_basis_by_hand(asset, ctx):
    inputs = make_inputs(delta={"basis": "life", "elapsed_years": 2, "remaining_years": 6})
    result = value_cost(asset, inputs, ctx)
    expected_delta = 6 / (2 + 6)  # remaining / (elapsed + remaining) = 1 − 贬值率
    assert result.detail.delta.delta == pytest.approx(expected_delta)
    assert result.value == pytest.approx(REFERENCE_C * expected_delta, abs=MONEY)
    assert result.detail.delta.life is not None and not result.detail.delta.life.capped_by_term


def test_life_from_in_use_since_uses_relativedelta_convention(asset, ctx):
    inputs = make_inputs(delta={"basis": "life", "in_use_since": "2022-10-15", "remaining_years": 4})
    result = value_cost(asset, inputs, ctx)
    elapsed = 2 + 2 / 12 + 16 / 365  # 2022-10-15 → 2024-12-31: 2 years, 2 months, 16 days
    assert result.detail.delta.life is not None
    assert result.detail.delta.life.elapsed_years == pytest.approx(elapsed)
    assert result.value == pytest.approx(REFERENCE_C * 4 / (elapsed + 4), abs=MONEY)


def test_life_capped_at_rights_term(ctx):
    asset = make_asset(rights_term_end=date(2027, 6, 30), term_basis="authorized-operation agreement")
    inputs = make_inputs(delta={"basis": "life", "elapsed_years": 2, "remaining_years": 6})
    result = value_cost(asset, inputs, ctx)
    # relativedelta(2027-06-30, 2024-12-31) = 2 years 6 months 0 days (the 31st clipped to the 30th)
    term_left = 2 + 6 / 12 + 0 / 365
    life = result.detail.delta.life
    assert life is not None
    assert life.term_years_left == pytest.approx(term_left)
    assert life.remaining_years_used == pytest.approx(term_left) and life.capped_by_term
    assert result.value == pytest.approx(REFERENCE_C * term_left / (2 + term_left), abs=MONEY)
    assert any("capped" in note and "2027-06-30" in note for note in result.notes)


def test_term_longer_than_life_does_not_cap(ctx):
    asset = make_asset(rights_term_end=date(2040, 1, 1))
    inputs = make_inputs(delta={"basis": "life", "elapsed_years": 1, "remaining_years": 3})
    result = value_cost(asset, inputs, ctx)
    assert result.value == pytest.approx(REFERENCE_C * 3 / 4, abs=MONEY)
    assert not result.notes or all("capped" not in n for n in result.notes)


def test_both_basis_multiplies(asset, ctx):
    inputs = make_inputs(
        delta={"basis": "both", "quality_weights": WEIGHTS, "elapsed_years": 2, "remaining_years": 6}
    )
    result = value_cost(asset, inputs, ctx)
    expected = 1_095_000 * (0.78 * 0.75)  # C × δ_q × δ_life
    assert result.value == pytest.approx(expected, abs=MONEY)
    names = [f.name for f in result.figures]
    assert {"delta_quality", "delta_life", "delta", "C", "P"} <= set(names)


def test_equal_weights_when_none_given_is_stated(asset, ctx):
    result = value_cost(asset, make_inputs(delta={"basis": "quality"}), ctx)
    delta_q = (0.9 + 0.8 + 0.7 + 0.6 + 0.5 + 1.0) / 6
    assert result.value == pytest.approx(REFERENCE_C * delta_q, abs=MONEY)
    assert any("equal" in a for a in result.assumptions)


def test_opportunity_and_taxes_by_rate(asset, ctx):
    inputs = make_inputs(
        opportunity={"rate": 0.05, "holding_years": 1.5, "evidence": "1-year LPR + 1.5 pp"},
        taxes={"rate": 0.06, "evidence": "VAT surcharge convention"},
    )
    result = value_cost(asset, inputs, ctx)
    capital = 125_000 + 740_000 + 180_000 + 50_000  # 前期 + 直接 + 间接, restated
    opportunity = 0.05 * capital * 1.5  # r × capital × years = 82,125
    taxes = 0.06 * capital  # default base: the payments, not 机会成本 (no tax on an imputed return) = 65,700
    c = capital + opportunity + taxes  # 1,095,000 + 82,125 + 65,700 = 1,242,825
    assert result.detail.opportunity_rate is not None and result.detail.tax_rate is not None
    assert result.detail.opportunity_rate.amount == pytest.approx(opportunity, abs=MONEY)
    assert result.detail.tax_rate.base == pytest.approx(capital, abs=MONEY)
    assert result.detail.tax_rate.amount == pytest.approx(taxes, abs=MONEY)
    assert result.detail.total_cost == pytest.approx(c, abs=MONEY)
    assert result.value == pytest.approx(c * REFERENCE_DELTA_Q, abs=MONEY)
    totals = {t.category: t for t in result.detail.category_totals}
    assert totals[CostCategory.OPPORTUNITY].source == "rate"
    assert totals[CostCategory.OPPORTUNITY].restated == pytest.approx(opportunity, abs=MONEY)
    figure = next(f for f in result.figures if f.name == "opportunity")
    assert figure.label_zh == "机会成本" and "LPR" in figure.evidence


def test_taxes_on_a_stated_base(asset, ctx):
    inputs = make_inputs(taxes={"rate": 0.06, "base": ["planning", "direct_construction"]})
    result = value_cost(asset, inputs, ctx)
    taxes = 0.06 * (125_000 + 740_000)  # rate × (前期 + 直接—建设)
    assert result.detail.tax_rate is not None
    assert result.detail.tax_rate.amount == pytest.approx(taxes, abs=MONEY)
    assert result.value == pytest.approx((REFERENCE_C + taxes) * REFERENCE_DELTA_Q, abs=MONEY)


def test_opportunity_and_taxes_as_lines(asset, ctx):
    lines = [
        *reference_lines(),
        {
            "category": "opportunity",
            "item": "return on capital",
            "amount": 30_000,
            "incurred_on": "2024-12-01",
            "evidence": "board minute",
            "restate": False,
        },
        {
            "category": "taxes",
            "item": "stamp duty",
            "amount": 12_000,
            "incurred_on": "2023-06-10",
            "evidence": "tax receipt",
        },
    ]
    result = value_cost(asset, make_inputs(lines=lines), ctx)
    c = REFERENCE_C + 30_000 + 12_000 * 1.2  # taxes line restated I(2024-12)/I(2023-06)
    assert result.detail.total_cost == pytest.approx(c, abs=MONEY)
    assert result.value == pytest.approx(c * REFERENCE_DELTA_Q, abs=MONEY)


def test_ahp_weights_in_delta(asset, ctx):
    w = list(WEIGHTS.values())
    matrix = [[wi / wj for wj in w] for wi in w]  # perfectly consistent: a_ij = w_i / w_j
    result = value_cost(asset, make_inputs(delta={"basis": "quality", "ahp_matrix": matrix}), ctx)
    quality = result.detail.delta.quality
    assert quality is not None and quality.ahp is not None
    assert quality.weights_source == "ahp"
    assert quality.ahp.cr == pytest.approx(0.0, abs=1e-12)
    assert result.value == pytest.approx(REFERENCE_C * 0.78, abs=MONEY)


def test_result_explains_itself(asset, ctx):
    result = value_cost(asset, make_inputs(taxes={"rate": 0.06}), ctx)
    by_name = {f.name: f for f in result.figures}
    assert by_name["planning"].label_zh == "前期费用" and by_name["planning"].evidence == "invoice F-001"
    assert by_name["C"].label_zh.startswith("重置成本") and by_name["C"].unit == "CNY"
    assert by_name["delta"].label_zh.startswith("价值调整系数")
    assert by_name["P"].value == result.value
    assert "expert panel" in by_name["delta"].evidence
    assert "profiling report" in by_name["delta_quality"].evidence
    assert any("test index" in a and "I(valuation month)" in a for a in result.assumptions)
    assert any("中评协" in a for a in result.assumptions)
    assert result.detail.price_index == "test index"
    assert result.detail.valuation_index_level == 120.0
    # the detail rebuilds the value: Σ restated lines + taxes, times δ
    rebuilt = sum(line.restated for line in result.detail.lines)
    assert result.detail.tax_rate is not None
    rebuilt += result.detail.tax_rate.amount
    assert rebuilt * result.detail.delta.delta == pytest.approx(result.value, abs=MONEY)


def test_case_file_round_trip(asset, ctx):
    inputs = make_inputs(opportunity={"rate": 0.04, "holding_years": 2})
    again = type(inputs).model_validate_json(inputs.model_dump_json())
    assert value_cost(asset, again, ctx).value == value_cost(asset, inputs, make_ctx()).value
