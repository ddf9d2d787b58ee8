"""Money rounding and the amortization convention, computed by hand
(docs/accounting.md §Amortization and rounding)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting.amortization import (
    month_charge,
    monthly_amount,
    months_within_term,
    straight_line_schedule,
)
from accounting.money import money, prorate


def test_money_rounds_half_up_to_the_fen() -> None:
    assert money("2.675") == D("2.68")  # half-up, not banker's rounding
    assert money("2.665") == D("2.67")
    assert money("-2.675") == D("-2.68")
    assert money(1.005) == D("1.01")  # float read through its repr "1.005"
    assert money(7) == D("7.00")


def test_prorate_whole_takes_everything() -> None:
    # 1,000.00 × 1/3 = 333.333… → 333.33; the whole when part == whole
    assert prorate(D("1000.00"), D("1"), D("3")) == D("333.33")
    assert prorate(D("1000.00"), D("3"), D("3")) == D("1000.00")


def test_schedule_last_month_takes_the_remainder() -> None:
    s = straight_line_schedule(D("1200000.00"), 36)
    # 1,200,000.00 / 36 = 33,333.333… → 33,333.33; 35 × 33,333.33 = 1,166,666.55; last 33,333.45
    assert s[:35] == (D("33333.33"),) * 35
    assert s[35] == D("33333.45")
    assert sum(s) == D("1200000.00")


def test_schedule_rounds_up_at_half_fen() -> None:
    # 100.00 / 8 = 12.50 exactly; 1,000.01 / 2 = 500.005 → 500.01 (half-up), last 500.00
    assert straight_line_schedule(D("1000.01"), 2) == (D("500.01"), D("500.00"))


def test_month_charge_never_exceeds_what_is_left() -> None:
    # 0.05 over 6 months: 0.05/6 = 0.0083 → 0.01 a month; five months use it up, the last books 0.00
    assert straight_line_schedule(D("0.05"), 6) == (D("0.01"),) * 5 + (D("0.00"),)
    assert month_charge(D("10.00"), D("4.00"), 3) == D("4.00")
    assert monthly_amount(D("0.00"), 5) == D("0.00")


def test_life_cap_counts_whole_months_of_the_term() -> None:
    # 3-year agreement 2024-03-15 … 2027-03-14: exactly 36 months
    assert months_within_term(date(2024, 3, 15), date(2027, 3, 14)) == 36
    # available 2024-04-10, term ends 2027-03-14: 2024-04-10 → 2027-03-10 is 35 months, + 4 days: 35
    assert months_within_term(date(2024, 4, 10), date(2027, 3, 14)) == 35
    # month-end start: 2024-01-31 → 2024-02-29 (term end 2024-02-28 + 1 day) counts as one month
    assert months_within_term(date(2024, 1, 31), date(2024, 2, 28)) == 1
    assert months_within_term(date(2024, 3, 1), date(2027, 2, 28)) == 36
