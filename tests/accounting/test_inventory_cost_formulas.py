"""The cost of data inventory issued by the policy's formula (CAS 1 art. 14), disclosed in the inventory note."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from accounting import InvalidEvent, book
from tests.accounting.conftest import CHART, case, cost, ev, inventory


def _case(formula: str, **sale: object):  # type: ignore[no-untyped-def]
    return case([inventory("PKG")], [
        ev("purchase", "PKG", "2025-02-01", event_id="LOT-A", quantity="4", cost_lines=[cost("400000.00")]),
        ev("purchase", "PKG", "2025-05-01", event_id="LOT-B", quantity="6", cost_lines=[cost("720000.00")]),
        ev("sale", "PKG", "2025-09-30", price="700000.00", **sale),
    ], inventory_cost_formula=formula)


def test_fifo_issues_the_oldest_lot_first() -> None:
    r = book(_case("fifo", quantity="5"), date(2025, 12, 31), chart=CHART)
    # lot A 4 units 400,000.00, then 1 of lot B's 6 at 720,000.00 / 6 = 120,000.00 → 520,000.00
    # (moving average would issue 1,120,000.00 × 5 / 10 = 560,000.00)
    assert r.events[2].figures["cost_issued"] == D("520000.00")
    assert r.table_b.value("cost.closing") == D("600000.00")  # 5 units of lot B: 1,120,000.00 − 520,000.00
    assert r.disclosures.inventory.cost_formula.startswith("先进先出法")


def test_specific_identification_issues_the_lots_named() -> None:
    r = book(_case("specific_identification", quantity="2", lot_ids=["LOT-B"]), date(2025, 12, 31), chart=CHART)
    # 2 units of lot B: 720,000.00 × 2 / 6 = 240,000.00
    assert r.events[2].figures["cost_issued"] == D("240000.00")
    assert r.table_b.value("cost.closing") == D("880000.00")  # 1,120,000.00 − 240,000.00
    assert r.disclosures.inventory.cost_formula.startswith("个别计价法")


def test_specific_identification_without_lots_is_refused() -> None:
    with pytest.raises(InvalidEvent, match="name the lots sold"):
        book(_case("specific_identification", quantity="2"), date(2025, 12, 31), chart=CHART)


def test_moving_weighted_average_stays_the_default() -> None:
    r = book(_case("weighted_average", quantity="5"), date(2025, 12, 31), chart=CHART)
    assert r.events[2].figures["cost_issued"] == D("560000.00")  # 1,120,000.00 × 5 / 10
    assert r.disclosures.inventory.cost_formula.startswith("移动加权平均法")


def _periodic():  # type: ignore[no-untyped-def]
    return case([inventory("PKG")], [
        ev("opening_balance", "PKG", "2024-12-31", cost="100000.00", quantity="10", source="2024 ledger 1405.01"),
        ev("sale", "PKG", "2025-01-05", price="60000.00", quantity="4"),
        ev("purchase", "PKG", "2025-01-20", quantity="10", cost_lines=[cost("120000.00")]),
        ev("sale", "PKG", "2025-02-10", price="90000.00", quantity="6"),
    ], inventory_cost_formula="periodic_weighted_average")


def _cost_of_sales(r) -> dict[str, D]:  # type: ignore[no-untyped-def]
    out: dict[str, D] = {}
    for e in r.journal:
        if e.entry_type.value == "sale_cost":
            out[str(e.date)] = out.get(str(e.date), D("0.00")) + sum((ln.debit for ln in e.lines), D("0.00"))
    return out


def test_periodic_weighted_average_issues_the_months_sales_at_the_month_end() -> None:
    r = book(_periodic(), date(2025, 12, 31), chart=CHART)
    # January: (opening 100,000.00 + added 120,000.00) / (10 + 10 units) = 11,000.00 a unit, issued on
    # 2025-01-31 for the 4 units sold on 01-05: 44,000.00 (moving average would have issued 40,000.00 on 01-05);
    # February: (220,000.00 − 44,000.00) / 16 units = 11,000.00; 6 units: 66,000.00 on 2025-02-28
    assert _cost_of_sales(r) == {"2025-01-31": D("44000.00"), "2025-02-28": D("66000.00")}
    # closing: 10 units, 220,000.00 − 44,000.00 − 66,000.00 = 110,000.00
    assert r.table_b.value("cost.closing") == D("110000.00")
    assert r.disclosures.inventory.cost_formula.startswith("月末一次加权平均法")
    assert r.all_checks_pass


def test_periodic_weighted_average_cut_at_a_mid_month_balance_date() -> None:
    r = book(_periodic(), date(2025, 2, 15), chart=CHART, period_start=date(2025, 1, 1))
    # the balance sheet on 02-15 issues February's 6 units that day at (176,000.00) / 16 × 6 = 66,000.00
    assert _cost_of_sales(r) == {"2025-01-31": D("44000.00"), "2025-02-15": D("66000.00")}


def test_an_nrv_test_in_the_month_has_the_sales_issued_first() -> None:
    c = case([inventory("PKG")], [
        ev("opening_balance", "PKG", "2024-12-31", cost="100000.00", quantity="10", source="2024 ledger 1405.01"),
        ev("sale", "PKG", "2025-01-05", price="60000.00", quantity="4"),
        ev("nrv_test", "PKG", "2025-01-10", nrv="54000.00"),
    ], inventory_cost_formula="periodic_weighted_average")
    r = book(c, date(2025, 1, 31), chart=CHART)
    # the test reads the balance: the 4 units sold are issued on 01-10 at 100,000.00 / 10 = 10,000.00 → 40,000.00;
    # 6 units left at 60,000.00 against NRV 54,000.00: write-down 6,000.00
    assert _cost_of_sales(r) == {"2025-01-10": D("40000.00")}
    assert r.events[-1].figures["write_down"] == D("6000.00")
