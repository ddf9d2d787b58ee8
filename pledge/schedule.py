"""Repayment schedules (还款计划): level payment, equal principal, interest-only with bullet, grace.

Conventions (documented once, here):

- Period rate i = nominal annual rate × months per period / 12 (月利率 = 年利率 / 12).
- A grace period of g periods pays interest only; amortization then runs over the n − g periods left.
- Level payment (等额本息): payment = P·i / (1 − (1 + i)^−(n−g)) (P/(n−g) when i = 0).
  Equal principal (等额本金): principal P/(n−g) each period. Bullet: all principal in the last period.
- Rounding: every amount is rounded to the fen (0.01 CNY) with ROUND_HALF_UP via Decimal: interest on
  the opening balance, the level payment, the equal principal instalment and the fees. The **last
  period absorbs the remainder**: its principal is the whole balance left, so principal repaid sums
  exactly to the amount lent.
- Fees: at drawdown ``upfront_fee_rate`` × amount + ``fixed_fees``; each period
  ``periodic_fee_rate`` × months/12 × opening balance. Fees are not debt service (DSCR excludes them)
  but enter the all-in cost.

:func:`unit_schedule` gives the same schedule for one unit of principal, unrounded (float), for
sizing: every figure of the rounded schedule is, up to the fen, ``amount ×`` the unit figure.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date
from decimal import Decimal

import numpy as np
from scipy.optimize import brentq

from base.money import money
from pledge.models import RepaymentType, TermSheet
from pledge.results import RepaymentSchedule, ScheduleRow


def add_months(d: date | None, months: int) -> date | None:
    """Same day ``months`` later, clamped to the month's last day (None stays None)."""
    if d is None:
        return None
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, monthrange(year, month)[1]))


def unit_schedule(terms: TermSheet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Opening balance, interest and principal per period for a principal of 1, unrounded.

    Returns three arrays of shape (n_periods,).
    """
    n, g, i = terms.periods, terms.grace_periods, terms.period_rate
    opening = np.empty(n)
    interest = np.empty(n)
    principal = np.zeros(n)
    balance = 1.0
    m = n - g
    if terms.repayment is RepaymentType.LEVEL_PAYMENT:
        pay = i / (1.0 - (1.0 + i) ** -m) if i > 0 else 1.0 / m
    for k in range(n):
        opening[k] = balance
        interest[k] = balance * i
        if terms.repayment is RepaymentType.INTEREST_ONLY_BULLET:
            principal[k] = balance if k == n - 1 else 0.0
        elif k >= g:
            if k == n - 1:
                principal[k] = balance
            elif terms.repayment is RepaymentType.LEVEL_PAYMENT:
                principal[k] = pay - interest[k]
            else:
                principal[k] = 1.0 / m
        balance -= principal[k]
    return opening, interest, principal


def build_schedule(terms: TermSheet, amount: float | None = None) -> RepaymentSchedule:
    """The repayment schedule of ``amount`` CNY (default: the term sheet's amount), rounded to the fen."""
    principal_total = money(terms.amount if amount is None else amount)
    n, g = terms.periods, terms.grace_periods
    i = Decimal(str(terms.annual_rate)) * terms.frequency.months / 12
    fee_rate = Decimal(str(terms.periodic_fee_rate)) * terms.frequency.months / 12
    m = n - g
    level = None
    if terms.repayment is RepaymentType.LEVEL_PAYMENT:
        level = money(principal_total * i / (1 - (1 + i) ** -m)) if i > 0 else money(principal_total / m)
    equal = money(principal_total / m)

    rows: list[ScheduleRow] = []
    balance = principal_total
    for k in range(1, n + 1):
        interest = money(balance * i)
        if terms.repayment is RepaymentType.INTEREST_ONLY_BULLET or k <= g:
            princ = balance if k == n else Decimal(0)
        elif k == n:
            princ = balance
        elif level is not None:
            princ = level - interest
        else:
            princ = equal
        fee = money(balance * fee_rate)
        closing = balance - princ
        rows.append(
            ScheduleRow(
                period=k,
                month=k * terms.frequency.months,
                due_date=add_months(terms.drawdown_date, k * terms.frequency.months),
                opening_balance=float(balance),
                interest=float(interest),
                principal=float(princ),
                payment=float(interest + princ),
                fee=float(fee),
                total_outflow=float(interest + princ + fee),
                closing_balance=float(closing),
            )
        )
        balance = closing

    upfront = money(principal_total * Decimal(str(terms.upfront_fee_rate))) + money(terms.fixed_fees)
    total_interest = sum((Decimal(str(r.interest)) for r in rows), Decimal(0))
    total_fees = sum((Decimal(str(r.fee)) for r in rows), Decimal(0)) + upfront
    return RepaymentSchedule(
        amount=float(principal_total),
        repayment=terms.repayment,
        frequency=terms.frequency,
        grace_periods=g,
        period_rate=float(i),
        level_payment=None if level is None else float(level),
        rows=tuple(rows),
        upfront_fees=float(upfront),
        total_interest=float(total_interest),
        total_fees=float(total_fees),
        all_in_annual_cost=_all_in_cost(float(principal_total), float(upfront), rows, terms),
    )


MAX_PERIOD_RATE = 1e6
"""Highest period rate the all-in cost search brackets (the bracket doubles from 1 up to this)."""


def _all_in_cost(amount: float, upfront: float, rows: list[ScheduleRow], terms: TermSheet) -> float | None:
    """综合融资成本: effective annual rate (1 + r)^(periods per year) − 1, r the period IRR of
    +amount − upfront fees at drawdown and −(payment + fee) each period.

    None when it is not defined: the fees at drawdown take the whole loan (nothing is received), or
    the period rate lies beyond :data:`MAX_PERIOD_RATE`."""
    flows = np.array([amount - upfront] + [-r.total_outflow for r in rows])
    k = np.arange(len(flows))
    if flows[0] <= 0:  # the borrower receives nothing: no rate equates the flows
        return None

    def npv(r: float) -> float:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return float(np.sum(flows / (1.0 + r) ** k))

    if npv(0.0) >= 0:  # no cost at all (zero rate, no fees)
        return 0.0
    hi = 1.0
    while npv(hi) < 0:  # npv rises to flows[0] > 0 as r grows: widen the bracket, bounded
        hi *= 2.0
        if hi > MAX_PERIOD_RATE:
            return None
    r = brentq(npv, 0.0, hi, xtol=1e-14, maxiter=200)
    try:
        return float((1.0 + r) ** (12 / terms.frequency.months) - 1.0)
    except OverflowError:
        return None
