"""Liquidation value, the four loan limits (each made to bind in turn) and the register link.

Base case figures (tests/pledge/conftest.py): V = 10,000,000 × (1 − 0.20) = 8,000,000 CNY;
L = (8,000,000 × 0.6 × 0.95 − 100,000) / 1.05 = 4,460,000 / 1.05 = 4,247,619.05 CNY.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from bridges.collateral import collateral_from_conclusion
from pledge import (
    BankPolicy,
    LoanConstraint,
    MaxLoan,
    PledgeCase,
    ValueDynamics,
    assess,
    collateral_value,
    liquidation,
)
from pledge.collateral import liquidation_value_of
from pledge.simulation import simulate_values
from pledge.sizing import shortfall_limit
from tests.pledge.conftest import base_policy, make_case

L_BASE = 4_460_000 / 1.05  # 4,247,619.047...


def test_liquidation_value_by_hand(policy: BankPolicy) -> None:
    liq = liquidation(8_000_000.0, policy)
    assert liq.gross_proceeds == pytest.approx(4_800_000.0)  # 8,000,000 × (1 − 0.40)
    assert liq.disposal_costs == pytest.approx(340_000.0)  # 4,800,000 × 5 % + 100,000
    assert liq.net_proceeds == pytest.approx(4_460_000.0)
    assert liq.discount_factor == pytest.approx(1 / 1.05)  # 12 months at 5 %
    assert liq.liquidation_value == pytest.approx(4_247_619.047619, abs=1e-5)
    # 6 months to sell: 4,460,000 / 1.05^0.5 = 4,460,000 / 1.024695 = 4,352,518.6
    six = policy.model_copy(update={"time_to_sell_months": 6})
    assert liquidation(8_000_000.0, six).liquidation_value == pytest.approx(4_460_000 / 1.05**0.5)
    # floored at zero when costs exceed proceeds: 100,000 × 0.57 − 100,000 < 0
    assert liquidation(100_000.0, policy).liquidation_value == 0.0
    np.testing.assert_allclose(liquidation_value_of([8_000_000.0, 0.0], policy), np.array([L_BASE, 0.0]))


def test_blended_method_haircut_and_pledge_rate() -> None:
    case = make_case(
        collateral__values_by_method={"cost": 9_000_000.0, "income": 11_000_000.0},
        collateral__conclusion_weights={"cost": 0.5, "income": 0.5},
        policy__method_haircuts={"cost": 0.10, "income": 0.30, "market": 0.0},
    )
    cv = collateral_value(case.collateral, case.policy)
    # h = 0.5 × 0.10 + 0.5 × 0.30 = 0.20; V = 10,000,000 × 0.80 = 8,000,000; p = 0.30
    assert cv.method_haircut == pytest.approx(0.20)
    assert cv.collateral_value == pytest.approx(8_000_000.0)
    assert cv.pledge_rate == pytest.approx(0.30)


def limits(case: PledgeCase) -> tuple[MaxLoan, dict[LoanConstraint, float]]:
    a = assess(case)
    return a.max_loan, {c.constraint: c.amount for c in a.max_loan.constraints}


def test_policy_pledge_rate_binds() -> None:
    m, amounts = limits(make_case())
    # A1 = 0.30 × 8,000,000 = 2,400,000
    # A2 = 0.70 × 4,247,619.05 = 2,973,333.33
    # A3 = 5,000,000 / (1.25 × (12 × 0.005 + 1)) = 5,000,000 / 1.325 = 3,773,584.91
    # A4 = L = 4,247,619.05 (no randomness, no decay: the liquidation value never moves)
    assert amounts[LoanConstraint.POLICY_PLEDGE_RATE] == pytest.approx(2_400_000.0)
    assert amounts[LoanConstraint.LIQUIDATION_LTV] == pytest.approx(0.7 * L_BASE)
    assert amounts[LoanConstraint.DSCR] == pytest.approx(3_773_584.905660)
    assert amounts[LoanConstraint.SHORTFALL_PROBABILITY] == pytest.approx(L_BASE, abs=0.01)
    assert m.binding is LoanConstraint.POLICY_PLEDGE_RATE
    assert m.amount == pytest.approx(2_400_000.0)
    assert m.within_limit and m.headroom == pytest.approx(400_000.0)


def test_liquidation_ltv_binds() -> None:
    m, _ = limits(make_case(policy__ltv_limit=0.50))
    # A2 = 0.50 × 4,247,619.05 = 2,123,809.52 < A1 = 2,400,000
    assert m.binding is LoanConstraint.LIQUIDATION_LTV
    assert m.amount == pytest.approx(2_123_809.523810, abs=1e-5)


def test_dscr_binds() -> None:
    m, _ = limits(make_case(borrower__annual_cash_flow=[2_000_000.0]))
    # A3 = 2,000,000 / (1.25 × 1.06) = 1,509,433.96
    assert m.binding is LoanConstraint.DSCR
    assert m.amount == pytest.approx(1_509_433.962264, abs=1e-5)
    assert not m.within_limit  # 2,000,000 requested


def test_dscr_uses_each_loan_year_and_prorates_the_last() -> None:
    m, amounts = limits(
        make_case(
            term_sheet__term_months=18,
            term_sheet__repayment="equal_principal",
            term_sheet__annual_rate=0.0,
            borrower__annual_cash_flow=[4_000_000.0, 1_500_000.0],
            collateral__remaining_life_months=60,
        )
    )
    # zero rate, 18 equal instalments of 1/18 per CNY: year 1 pays 12/18, year 2 (6 months) 6/18.
    # year 1: 4,000,000 / (1.25 × 2/3) = 4,800,000; year 2: 1,500,000 × 6/12 / (1.25 × 1/3) = 1,800,000
    assert amounts[LoanConstraint.DSCR] == pytest.approx(1_800_000.0)
    assert m.binding is LoanConstraint.DSCR


def test_shortfall_target_binds_on_a_decaying_collateral() -> None:
    m, _ = limits(
        make_case(collateral__dynamics={"decay": "straight_line"}, collateral__remaining_life_months=24)
    )
    # straight line over 24 months: at month 12 V = 8,000,000 × (1 − 12/24) = 4,000,000,
    # L_12 = (4,000,000 × 0.57 − 100,000) / 1.05 = 2,076,190.48; the bullet exposure is A throughout,
    # so the largest A never short of collateral is 2,076,190.48 (< A1 = 2,400,000)
    assert m.binding is LoanConstraint.SHORTFALL_PROBABILITY
    assert m.amount == pytest.approx(2_076_190.476190, abs=0.01)


def test_shortfall_limit_is_the_closed_form_quantile() -> None:
    """One monitoring date after a year, lognormal value: A₄ solves P(L_1 < A) = α.

    L_1 = (V·exp((μ − σ²/2) + σ·z)·g − F)·disc, so A₄ = (V·exp(μ − σ²/2 + σ·Φ⁻¹(α))·g − F)·disc:
    μ = 0, σ = 0.3, α = 0.05: Φ⁻¹(0.05) = −1.644854; exp(−0.045 − 0.493456) = exp(−0.538456) = 0.583649;
    A₄ = (8,000,000 × 0.583649 × 0.57 − 100,000) / 1.05 = (2,661,437.9 − 100,000) / 1.05 = 2,439,464.7.
    The empirical quantile errs by about √(α(1 − α)/n)/φ(z_α) = 0.0149 in z for n = 20,000, i.e.
    σ × 0.0149 = 0.45 % of the value: tolerance 4 such errors.
    """
    case = make_case(
        term_sheet__repayment="interest_only_bullet",
        term_sheet__frequency="annual",
        collateral__dynamics={"decay": "none", "volatility": 0.3},
        simulation__n_paths=20_000,
        # pledge rate 50 % (A1 = 4,000,000) so that A2 = 2,973,333 and A3 = 3,773,585 stay above A4
        policy__pledge_rates=[{"asset_class": "data", "method": "income", "rate": 0.5}],
    )
    z = norm.ppf(0.05)
    expected = (8_000_000 * np.exp(-0.045 + 0.3 * z) * 0.57 - 100_000) / 1.05
    assert expected == pytest.approx(2_439_464.7, abs=0.1)
    m, amounts = limits(case)
    # dA₄/dz = σ × 8,000,000 × 0.583649 × 0.57 / 1.05; z errs by 0.014942
    dz = np.sqrt(0.05 * 0.95 / 20_000) / norm.pdf(z)
    se = 0.3 * dz * 8_000_000 * np.exp(-0.045 + 0.3 * z) * 0.57 / 1.05
    assert amounts[LoanConstraint.SHORTFALL_PROBABILITY] == pytest.approx(expected, abs=4 * se)
    assert m.binding is LoanConstraint.SHORTFALL_PROBABILITY


def test_bisection_agrees_with_order_statistics() -> None:
    """P(∃k L_k < A·b_k) = P(A > M) with M = min_k L_k / b_k: the bisection lands on the α-quantile of M."""
    times = np.arange(13) / 12.0
    dyn = ValueDynamics(decay="straight_line", volatility=0.4, jump_intensity=0.2, jump_size=0.3)
    paths = simulate_values(8e6, dyn, times, 3.0, seed=3, asset_id="X", n_paths=5000)
    liq = liquidation_value_of(paths, BankPolicy.model_validate(base_policy()))
    b = np.linspace(1.0, 0.1, 13)
    a4 = shortfall_limit(liq, b, 0.05)
    m = np.sort(np.min(liq / b, axis=1))
    # largest A with #{M < A} ≤ 250 is the 251st smallest M
    assert a4 == pytest.approx(m[250], abs=0.01)
    assert np.mean(m < a4) <= 0.05 < np.mean(m < a4 + 0.02)


def test_collateral_from_an_appraisal_conclusion() -> None:
    from valuation.conclusion import Conclusion, MethodDifference, MethodWeight
    from valuation.models import Method

    # V = 0.6 × 11,000,000 + 0.4 × 9,500,000 + 0 × 8,000,000 = 6,600,000 + 3,800,000 = 10,400,000
    conclusion = Conclusion(
        asset_id="DA-C",
        value=10_400_000.0,
        weights=(
            MethodWeight(method=Method.INCOME, weight=0.6, reason="forecasts evidenced"),
            MethodWeight(method=Method.MARKET, weight=0.4, reason="three comparables"),
            MethodWeight(method=Method.COST, weight=0.0, reason="cross-check only"),
        ),
        differences=tuple(
            MethodDifference(method=m, value=v, weight=w, difference=v - 10_400_000.0, relative=None)
            for m, v, w in (
                (Method.INCOME, 11_000_000.0, 0.6),
                (Method.MARKET, 9_500_000.0, 0.4),
                (Method.COST, 8_000_000.0, 0.0),
            )
        ),
        spread=None,
        analysis=(),
    )
    col = collateral_from_conclusion(conclusion, name="Dataset", asset_class="data", remaining_life_months=36)
    assert col.concluded_value == 10_400_000.0
    assert col.weights == {Method.INCOME: 0.6, Method.MARKET: 0.4}
    assert col.values_by_method[Method.COST] == 8_000_000.0
    policy = BankPolicy.model_validate(base_policy())
    # haircut 20 % on both weighted methods: V = 10,400,000 × 0.8 = 8,320,000
    assert collateral_value(col, policy).collateral_value == pytest.approx(8_320_000.0)
