"""Repayment schedules, by hand and against numpy-financial (pmt / ipmt / ppmt / npv / irr).

Common loan: P = 1,200,000 CNY, 6 % a year, 12 monthly periods → i = 0.06 / 12 = 0.005.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy_financial as npf
import pytest

from pledge import RepaymentSchedule, RepaymentType, TermSheet, build_schedule

P, RATE, N, I = 1_200_000.0, 0.06, 12, 0.005  # noqa: E741


def terms(repayment: str, **kw: object) -> TermSheet:
    data = {
        "loan_id": "L",
        "lender": "B",
        "amount": P,
        "annual_rate": RATE,
        "term_months": N,
        "repayment": repayment,
    }
    data.update(kw)
    return TermSheet.model_validate(data)


def col(schedule: RepaymentSchedule, name: str) -> np.ndarray:
    return np.array([getattr(r, name) for r in schedule.rows])


def principal_sums_exactly(schedule: RepaymentSchedule, amount: str) -> None:
    assert sum(Decimal(str(r.principal)) for r in schedule.rows) == Decimal(amount)
    assert schedule.rows[-1].closing_balance == 0.0


def flows_at_contract_rate(schedule: RepaymentSchedule) -> list[float]:
    return [-schedule.amount] + [r.payment for r in schedule.rows]


def test_level_payment_by_hand_and_numpy_financial() -> None:
    s = build_schedule(terms("level_payment"))
    # payment = 1,200,000 × 0.005 / (1 − 1.005^−12) = 6,000 / 0.0580946... = 103,279.7156 → 103,279.72
    assert s.level_payment == 103_279.72
    assert s.level_payment == pytest.approx(npf.pmt(I, N, -P), abs=0.005)
    r1, r2 = s.rows[0], s.rows[1]
    # period 1: interest 1,200,000 × 0.005 = 6,000.00; principal 103,279.72 − 6,000 = 97,279.72
    assert (r1.interest, r1.principal, r1.closing_balance) == (6_000.00, 97_279.72, 1_102_720.28)
    # period 2: interest 1,102,720.28 × 0.005 = 5,513.6014 → 5,513.60; principal 97,766.12
    assert (r2.interest, r2.principal) == (5_513.60, 97_766.12)
    per = np.arange(1, N + 1)
    # fen rounding drifts by at most a few fen from the unrounded schedule
    np.testing.assert_allclose(col(s, "interest"), npf.ipmt(I, per, N, -P), atol=0.05)
    np.testing.assert_allclose(col(s, "principal"), npf.ppmt(I, per, N, -P), atol=0.05)
    # all payments but the last are the level payment; the last absorbs the remainder
    assert set(col(s, "payment")[:-1]) == {103_279.72}
    assert abs(s.rows[-1].payment - 103_279.72) < 0.10
    principal_sums_exactly(s, "1200000.00")
    assert npf.irr(flows_at_contract_rate(s)) == pytest.approx(I, abs=1e-7)


def test_equal_principal_by_hand() -> None:
    s = build_schedule(terms("equal_principal"))
    # principal 1,200,000 / 12 = 100,000 a month; interest_k = (1,200,000 − 100,000 (k − 1)) × 0.005
    assert set(col(s, "principal")) == {100_000.0}
    np.testing.assert_array_equal(col(s, "interest"), 6_000.0 - 500.0 * np.arange(12))
    # total interest = 12 × 6,000 − 500 × (0 + 1 + ... + 11) = 72,000 − 33,000 = 39,000
    assert s.total_interest == 39_000.0
    principal_sums_exactly(s, "1200000.00")
    # any schedule charging i on the balance is worth P at i
    assert npf.npv(I, flows_at_contract_rate(s)) == pytest.approx(0.0, abs=0.01)


def test_equal_principal_last_period_absorbs_remainder() -> None:
    s = build_schedule(terms("equal_principal", amount=1_000_000.0))
    # 1,000,000 / 12 = 83,333.333 → 83,333.33 for 11 periods = 916,666.63; last = 83,333.37
    assert set(col(s, "principal")[:-1]) == {83_333.33}
    assert s.rows[-1].principal == 83_333.37
    principal_sums_exactly(s, "1000000.00")


def test_interest_only_with_bullet_by_hand() -> None:
    s = build_schedule(terms("interest_only_bullet"))
    # interest 1,200,000 × 0.005 = 6,000 every month; principal all at month 12
    assert set(col(s, "interest")) == {6_000.0}
    assert set(col(s, "principal")[:-1]) == {0.0}
    assert s.rows[-1].payment == 1_206_000.0
    # numpy-financial: a loan with pv = −P and fv = P pays interest only
    assert npf.pmt(I, N, -P, P) == pytest.approx(6_000.0)
    assert s.total_interest == 72_000.0


def test_level_payment_after_grace_period() -> None:
    s = build_schedule(terms("level_payment", grace_periods=3))
    # months 1-3 interest only: 6,000; then level payment over 9 months:
    # 6,000 / (1 − 1.005^−9) = 136,688.8328 → 136,688.83
    assert col(s, "interest")[:3].tolist() == [6_000.0] * 3
    assert col(s, "principal")[:3].tolist() == [0.0] * 3
    assert s.level_payment == 136_688.83
    assert s.level_payment == pytest.approx(npf.pmt(I, 9, -P), abs=0.005)
    np.testing.assert_allclose(col(s, "interest")[3:], npf.ipmt(I, np.arange(1, 10), 9, -P), atol=0.05)
    principal_sums_exactly(s, "1200000.00")
    assert npf.irr(flows_at_contract_rate(s)) == pytest.approx(I, abs=1e-7)


def test_equal_principal_after_grace_period() -> None:
    s = build_schedule(terms("equal_principal", grace_periods=2))
    # 2 months interest only (6,000), then 1,200,000 / 10 = 120,000 a month
    assert col(s, "principal").tolist() == [0.0, 0.0] + [120_000.0] * 10
    # month 3 interest 6,000; month 4 (1,200,000 − 120,000) × 0.005 = 5,400
    assert col(s, "interest")[2:4].tolist() == [6_000.0, 5_400.0]
    principal_sums_exactly(s, "1200000.00")


def test_quarterly_period_rate() -> None:
    s = build_schedule(terms("interest_only_bullet", frequency="quarterly"))
    # 4 quarters; period rate 0.06 × 3 / 12 = 0.015; interest 1,200,000 × 0.015 = 18,000
    assert s.period_rate == 0.015
    assert [r.interest for r in s.rows] == [18_000.0] * 4
    assert [r.month for r in s.rows] == [3, 6, 9, 12]


def test_fees_and_all_in_cost() -> None:
    s = build_schedule(
        terms("interest_only_bullet", upfront_fee_rate=0.005, fixed_fees=10_000.0, periodic_fee_rate=0.012)
    )
    # upfront 1,200,000 × 0.5 % + 10,000 = 16,000; monthly fee 1,200,000 × 1.2 % / 12 = 1,200
    assert s.upfront_fees == 16_000.0
    assert set(col(s, "fee")) == {1_200.0}
    assert s.total_fees == 16_000.0 + 12 * 1_200.0
    flows = [P - 16_000.0] + [-r.total_outflow for r in s.rows]
    assert s.all_in_annual_cost == pytest.approx((1 + npf.irr(flows)) ** 12 - 1, abs=1e-9)
    # no fees: all-in cost is the effective rate 1.005^12 − 1 = 6.1678 %
    plain = build_schedule(terms("interest_only_bullet"))
    assert plain.all_in_annual_cost == pytest.approx(0.0616778118645, abs=1e-10)


def test_zero_rate_level_payment() -> None:
    s = build_schedule(terms("level_payment", annual_rate=0.0))
    assert s.level_payment == 100_000.0 and s.total_interest == 0.0
    assert s.all_in_annual_cost == 0.0


def test_due_dates_clamp_to_month_end() -> None:
    s = build_schedule(terms("level_payment", drawdown_date="2025-01-31"))
    assert [str(r.due_date) for r in s.rows[:3]] == ["2025-02-28", "2025-03-31", "2025-04-30"]


@pytest.mark.parametrize("repayment", list(RepaymentType))
def test_every_type_charges_the_contract_rate(repayment: RepaymentType) -> None:
    s = build_schedule(terms(repayment.value))
    principal_sums_exactly(s, "1200000.00")
    for r in s.rows:
        assert r.interest == pytest.approx(r.opening_balance * I, abs=0.005)
        assert r.closing_balance == pytest.approx(r.opening_balance - r.principal, abs=1e-6)
