"""A discount rate built from its parts: CAPM cost of equity with a relevered beta, and the WACC.

Hand figures: rf 2.5 %, β_U 0.9, D/E 0.5, T 25 %, ERP 6.5 %, size 1 %, specific 2 %, Kd 4 %:

    β_L  = 0.9 × (1 + (1 − 0.25) × 0.5) = 0.9 × 1.375 = 1.2375
    Ke   = 0.025 + 1.2375 × 0.065 + 0.01 + 0.02 = 0.025 + 0.0804375 + 0.03 = 0.1354375
    E/V  = 1 / 1.5 = 2/3,  D/V = 0.5 / 1.5 = 1/3
    WACC = 2/3 × 0.1354375 + 1/3 × 0.04 × 0.75 = 0.09029167 + 0.01 = 0.10029167
    i    = WACC + 2 % asset premium = 0.12029167
"""

from __future__ import annotations

import pytest

from tests.valuation.income.conftest import MONEY, make_inputs
from valuation.income import InvalidIncomeInput, parse_income_inputs, value_income

CAPM = {
    "risk_free": 0.025,
    "beta_unlevered": 0.9,
    "debt_to_equity": 0.5,
    "tax_rate": 0.25,
    "equity_risk_premium": 0.065,
    "size_premium": 0.01,
    "specific_premium": 0.02,
    "cost_of_debt": 0.04,
    "evidence": "10y CGB 2.5 %; β_U median of 6 listed data-service peers; ERP 6.5 %; 1y LPR + 0.9 pp",
}
BETA_L = 0.9 * (1 + 0.75 * 0.5)  # 1.2375
KE = 0.025 + BETA_L * 0.065 + 0.01 + 0.02  # 0.1354375
WACC = (1 / 1.5) * KE + (0.5 / 1.5) * 0.04 * 0.75  # 0.100291667
RATE = WACC + 0.02


def _inputs(**rate: object):
    return make_inputs(
        form="split", split_base="profit", forecast=[{"period": 1, "profit": 1_000_000}], split_rate=0.2,
        economic_life=1, discount_rate={"capm": CAPM, "asset_premium": 0.02, **rate},
    )


def test_wacc_from_its_parts_by_hand(asset, ctx):
    assert round(BETA_L, 10) == 1.2375 and round(KE, 10) == 0.1354375
    assert round(WACC, 9) == 0.100291667
    result = value_income(asset, _inputs(), ctx)
    assert result.detail.rate.rate == pytest.approx(RATE, rel=1e-12)
    assert result.value == pytest.approx(200_000 / (1 + RATE), abs=MONEY)  # 1,000,000 × 20 % / 1.12029167
    fig = {f.name: f for f in result.figures}
    assert fig["capm_beta_levered"].value == pytest.approx(BETA_L, rel=1e-12)
    assert fig["capm_beta_levered"].unit == "ratio" and "β_U" in fig["capm_beta_levered"].formula
    assert fig["capm_cost_of_equity"].value == pytest.approx(KE, rel=1e-12)
    assert fig["capm_equity_weight"].value == pytest.approx(2 / 3, rel=1e-12)
    assert fig["capm_debt_weight"].value == pytest.approx(1 / 3, rel=1e-12)
    assert fig["capm_wacc"].value == pytest.approx(WACC, rel=1e-12)
    assert fig["rate_wacc"].value == pytest.approx(WACC, rel=1e-12)
    assert fig["discount_rate"].value == pytest.approx(RATE, rel=1e-12)
    assert "peers" in fig["capm_risk_free"].evidence


def test_a_wacc_given_two_ways_is_refused():
    with pytest.raises(InvalidIncomeInput) as err:
        parse_income_inputs(
            {"form": "split", "split_base": "profit", "projection": {"base_y1": 1e6}, "split_rate": 0.2,
             "economic_life": 1, "discount_rate": {"capm": CAPM, "wacc": 0.1}},
            asset_id="W-1",
        )
    assert err.value.field == "income.discount_rate"
