"""The amortization convention of docs/accounting.md §Amortization and rounding, in one place
(CAS 6 art. 17-19).

- Months: amortization starts in the month the asset becomes available for use and stops in the
  month it is derecognized (当月增加当月摊销，当月减少当月不摊销); it is booked at each month end.
- Rounding: the monthly amount is the remaining amortizable amount / remaining months, rounded
  half-up to the fen (:func:`accounting.money.money`), set when amortization starts; every month
  books it and the last month takes the remainder, so the total equals the amortizable amount
  exactly. After an impairment, a change in estimate or a cost added after the start, the monthly
  amount is set again from the new carrying amount over the months left.
- Life cap: a life from contractual or legal rights never exceeds the right's term; the cap is the
  number of whole months from the available-for-use date to the end of the term.

The ledger, the disclosure tables and the pledge disclosure all use these functions (the pledge
package may call :func:`straight_line_schedule` for a book-value path).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

from accounting.money import ZERO, money


def month_index(d: date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return d.year * 12 + d.month - 1


def month_end(index: int) -> date:
    """Last day of the month with :func:`month_index` ``index``."""
    year, m0 = divmod(index, 12)
    return date(year, m0 + 1, calendar.monthrange(year, m0 + 1)[1])


def is_month_end(d: date) -> bool:
    return d == month_end(month_index(d))


def months_within_term(start: date, term_end: date) -> int:
    """Whole months from ``start`` (first day of use) to ``term_end`` (last day of the right).

    E.g. 2024-03-15 → 2027-03-14 gives 36; 2024-03-20 → 2026-12-31 gives 33 (the part month is not
    counted, so the life never exceeds the term).
    """
    end_excl = term_end + timedelta(days=1)
    months = (end_excl.year - start.year) * 12 + end_excl.month - start.month
    last_day = calendar.monthrange(end_excl.year, end_excl.month)[1]
    if end_excl.day < start.day and end_excl.day != last_day:
        months -= 1
    return max(months, 0)


def monthly_amount(remaining_amortizable: Decimal, remaining_months: int) -> Decimal:
    """The monthly amount (CNY) set at the start or after a re-measurement: remaining / months left,
    rounded half-up to the fen (e.g. 1,200,000.00 / 36 = 33,333.33)."""
    if remaining_months < 1:
        raise ValueError("no months left to amortize")
    if remaining_amortizable <= 0:
        return ZERO
    return money(remaining_amortizable / remaining_months)


def month_charge(rate: Decimal, remaining_amortizable: Decimal, remaining_months: int) -> Decimal:
    """What one month books: the monthly amount ``rate``, or the whole remainder in the last month.

    Never more than what is left (CNY).
    """
    if remaining_months < 1 or remaining_amortizable <= 0:
        return ZERO
    if remaining_months == 1:
        return money(remaining_amortizable)
    return min(rate, money(remaining_amortizable))


def units_amount(remaining_amortizable: Decimal, units: Decimal, remaining_units: Decimal) -> Decimal:
    """Units-of-usage amortization (CNY): remaining × units / remaining units; the rest when used up."""
    if remaining_amortizable <= 0 or units <= 0:
        return ZERO
    if units >= remaining_units:
        return money(remaining_amortizable)
    return money(remaining_amortizable * units / remaining_units)


def straight_line_schedule(amortizable: Decimal, months: int) -> tuple[Decimal, ...]:
    """Monthly amounts over ``months``; they sum to ``amortizable`` exactly.

    E.g. 1,200,000.00 over 36 months: 35 × 33,333.33 and a last month of 33,333.45.
    """
    remaining = money(amortizable)
    rate = monthly_amount(remaining, months) if months > 0 else ZERO
    out = []
    for left in range(months, 0, -1):
        amount = month_charge(rate, remaining, left)
        out.append(amount)
        remaining -= amount
    return tuple(out)
