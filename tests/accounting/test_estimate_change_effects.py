"""A change of estimate is disclosed with its effect on the current and future periods (CAS 28 art. 9-10, 12)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import book
from tests.accounting.conftest import CHART, case, cost, ev, resource


def test_effect_on_the_period_the_next_twelve_months_and_all_future_periods() -> None:
    r = book(case([resource("E", useful_life={"estimated_months": 36})], [
        ev("purchase", "E", "2025-01-02", cost_lines=[cost("360000.00")]),
        ev("change_of_estimate", "E", "2025-06-30", useful_life_months=24, reason="更新频率下降 updates slowed"),
    ]), date(2025, 12, 31), chart=CHART)
    (ch,) = r.disclosures.estimate_changes
    # Jan–Jun: 360,000.00 / 36 = 10,000.00 × 6 = 60,000.00; 300,000.00 left over 24 − 6 = 18 months:
    # 300,000.00 / 18 = 16,666.67 a month (17 × 16,666.67 = 283,333.39, the last month 16,666.61)
    assert ch.new_monthly_amount == D("16666.67")
    # 2025 (Jul–Dec): 6 × 16,666.67 − 6 × 10,000.00 = 100,000.02 − 60,000.00 = 40,000.02
    assert ch.effect_on_period_amortization == D("40000.02")
    # next twelve months (2026): new months 7–18 = 300,000.00 − 100,000.02 = 199,999.98; old: 12 × 10,000.00
    assert ch.effect_on_next_twelve_months == D("79999.98")
    # all periods after 2025: new 199,999.98 − old 24 × 10,000.00 = 240,000.00 → −40,000.02
    assert ch.effect_on_future_periods == D("-40000.02")
