"""A book that starts from opening balances, and spending before 2024 booked as the entity accounted for it
then (财会〔2023〕11号 part 四: what was expensed stays expensed; what was capitalized is carried)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from accounting import InvalidEvent, ProspectiveTransition, book
from tests.accounting.conftest import CHART, case, cost, ev, inventory, resource

SOURCE = "2024年审计后资产负债表 audited 2024 balance sheet"


def _opening_case():  # type: ignore[no-untyped-def]
    res = [resource("INT", useful_life={"estimated_months": 60}), inventory("INV")]
    return case(res, [
        ev("opening_balance", "INT", "2024-12-31", cost="1200000.00", accumulated_amortization="300000.00",
           provision="60000.00", remaining_life_months=36, ready_for_use_on="2023-07-01", source=SOURCE),
        ev("opening_balance", "INV", "2024-12-31", cost="500000.00", provision="50000.00", quantity="10",
           source="2024 ledger 1405.01 / 1471.01"),
        ev("sale", "INV", "2025-06-30", quantity="4", price="320000.00"),
    ])


def test_a_company_starts_from_opening_balances_on_2025_01_01() -> None:
    r = book(_opening_case(), date(2025, 12, 31), chart=CHART)
    assert r.period_start == date(2025, 1, 1) and r.all_checks_pass
    a, b = r.table_a, r.table_b
    # Table A 期初: cost 1,200,000.00, 累计摊销 300,000.00, 减值准备 60,000.00 → 账面价值 840,000.00 (外购 column)
    assert a.value("cost.opening", 0) == D("1200000.00") and a.value("amortization.opening") == D("300000.00")
    assert a.value("impairment.opening") == D("60000.00") and a.value("carrying.opening") == D("840000.00")
    # 2025 amortization: (1,200,000.00 − 300,000.00 − 60,000.00) / 36 = 23,333.33 a month; × 12 = 279,999.96
    assert a.value("amortization.increase.charge") == D("279999.96")
    assert a.value("cost.increase") == D("0.00")  # the opening balance is 期初, not an increase
    # 期末 累计摊销 300,000.00 + 279,999.96 = 579,999.96; 账面价值 1,200,000.00 − 579,999.96 − 60,000.00
    assert a.value("amortization.closing") == D("579999.96") and a.value("carrying.closing") == D("560000.04")
    # Table B 期初 cost 500,000.00 (10 units), 跌价准备 50,000.00 → 450,000.00; 4 units sold:
    # cost issued 500,000.00 × 4/10 = 200,000.00, provision released 50,000.00 × 4/10 = 20,000.00 (转销)
    assert b.value("cost.opening") == D("500000.00") and b.value("provision.opening") == D("50000.00")
    assert b.value("carrying.opening") == D("450000.00")
    assert b.value("cost.decrease.sale") == D("200000.00") and b.value("provision.decrease.write_off") == D("20000.00")
    assert b.value("carrying.closing") == D("270000.00")  # (500,000 − 200,000) − (50,000 − 20,000)
    bs = {x.key: x.data_closing for x in r.balance_sheet}
    assert bs == {"inventory": D("270000.00"), "intangible": D("560000.04"), "development": D("0.00")}
    opening = [e for e in r.journal if e.entry_type.value == "opening_balance"]
    # Dr 1701.01 1,200,000.00 / Cr 1702.01 300,000.00, 1703.01 60,000.00, 4104 840,000.00
    net = {ln.account_code: ln.debit - ln.credit for ln in opening[0].lines}
    assert net == {"1701.01": D("1200000.00"), "1702.01": D("-300000.00"), "1703.01": D("-60000.00"),
                   "4104": D("-840000.00")}
    assert any(SOURCE in w for w in r.events[0].rationale)


def test_a_period_starting_on_or_before_the_opening_balances_is_refused() -> None:
    with pytest.raises(InvalidEvent, match="opening balances at the close of 2024-12-31"):
        book(_opening_case(), date(2025, 12, 31), chart=CHART, period_start=date(2024, 12, 1))


def test_an_opening_balance_after_other_events_or_beyond_the_rights_term_is_refused() -> None:
    twice = case([resource("X")], [
        ev("purchase", "X", "2024-03-01", cost_lines=[cost("1000.00")]),
        ev("opening_balance", "X", "2024-12-31", cost="1000.00", remaining_life_months=12, source="ledger"),
    ])
    with pytest.raises(InvalidEvent, match="first event"):
        book(twice, date(2025, 12, 31), chart=CHART, period_start=date(2025, 1, 1))
    capped = case([resource("T", rights=[{"right": "holding", "source": "licence", "term_end": "2025-12-31"}])], [
        ev("opening_balance", "T", "2024-12-31", cost="1000.00", remaining_life_months=24, source="ledger"),
    ])
    with pytest.raises(InvalidEvent, match="exceed the 12 months left in the rights term"):
        book(capped, date(2025, 12, 31), chart=CHART)
    mid_month = case([resource("M")], [
        ev("opening_balance", "M", "2024-12-15", cost="1000.00", remaining_life_months=12, source="ledger"),
    ])
    with pytest.raises(InvalidEvent, match="must be a month end"):
        book(mid_month, date(2025, 12, 31), chart=CHART)


def _pre2024(accounted_then: str | None):  # type: ignore[no-untyped-def]
    extra = {} if accounted_then is None else {"accounted_then": accounted_then}
    return case([resource("OLD", useful_life={"estimated_months": 36})], [
        ev("purchase", "OLD", "2023-06-15", cost_lines=[cost("360000.00")], **extra),
    ])


def test_a_2023_purchase_stated_as_capitalized_is_carried() -> None:
    r = book(_pre2024("capitalized"), date(2024, 12, 31), chart=CHART)
    a = r.table_a
    # ready on purchase 2023-06-15: 360,000.00 / 36 = 10,000.00 a month from June 2023;
    # at 2023-12-31: 7 months (Jun–Dec) = 70,000.00; 2024: 12 × 10,000.00 = 120,000.00
    assert a.value("cost.opening") == D("360000.00") and a.value("amortization.opening") == D("70000.00")
    assert a.value("amortization.increase.charge") == D("120000.00")
    assert a.value("carrying.closing") == D("170000.00")  # 360,000 − 70,000 − 120,000
    assert any("当时已按 CAS 6 / CAS 1 资本化" in w for w in r.events[0].rationale)


def test_a_2023_purchase_stated_as_expensed_stays_expensed() -> None:
    r = book(_pre2024("expensed"), date(2023, 12, 31), chart=CHART)
    assert r.events[0].figures["expensed"] == D("360000.00") and r.events[0].figures["capitalized"] == D("0.00")
    assert r.table_a.value("carrying.closing") == D("0.00")
    assert any("当时已费用化，不再资本化" in w for w in r.events[0].rationale)


def test_a_2023_purchase_without_a_statement_is_refused_not_silently_expensed() -> None:
    with pytest.raises(ProspectiveTransition, match=r"accounted_then: expensed \| capitalized") as exc:
        book(_pre2024(None), date(2024, 12, 31), chart=CHART)
    assert "OLD" in str(exc.value)
