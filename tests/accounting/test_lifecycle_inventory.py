"""Data inventory: written down, partly recovered (reversal capped), sold with the provision released."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import BookCase, BookResult, Classification, EntryType, book

from .conftest import CHART, case, cost, ev, inventory

ASSET = "INV-1"


def _case() -> BookCase:
    return case([inventory(ASSET)], [
        ev("purchase", ASSET, "2024-02-01", quantity="10", cost_lines=[
            cost("800000.00", vat="48000.00", counter_account="2202"),
            cost("5000.00", "insurance"), cost("15000.00", "registration_settlement")]),
        ev("processing", ASSET, "2024-03-01", cost_lines=[cost("180000.00", "cleaning", vat="10800.00")]),
        # NRV = 660,000.00 − 40,000.00 selling costs − 20,000.00 taxes = 600,000.00
        ev("nrv_test", ASSET, "2024-06-30", estimated_selling_price="660000.00", selling_costs="40000.00",
           related_taxes="20000.00"),
        ev("nrv_test", ASSET, "2024-09-30", nrv="850000.00"),
        ev("sale", ASSET, "2024-11-15", quantity="4", price="380000.00", settled_to="1122"),
        ev("nrv_test", ASSET, "2024-12-31", nrv="720000.00"),
        ev("sale", ASSET, "2025-03-10", quantity="6", price="720000.00"),
    ])


def _pnl(r: BookResult, key: str) -> D:
    return next(ln.amount for ln in r.pnl_effects.lines if ln.key == key)


def test_write_down_partial_reversal_sale_and_capped_reversal() -> None:
    r = book(_case(), date(2024, 12, 31), chart=CHART)
    assert r.decisions[0].classification == Classification.INVENTORY
    b = r.table_b
    # cost 800,000.00 + 5,000.00 + 15,000.00 = 820,000.00 purchased; + 180,000.00 processing = 1,000,000.00
    assert b.value("cost.increase.purchase", 0) == D("820000.00")
    assert b.value("cost.increase.processing", 0) == D("180000.00")
    # 06-30: provision 1,000,000.00 − 600,000.00 = 400,000.00
    assert b.value("provision.increase.charge") == D("400000.00")
    # 09-30: required 1,000,000.00 − 850,000.00 = 150,000.00 → reversal 250,000.00
    # 11-15: 4 of 10 sold: cost 1,000,000.00 × 4/10 = 400,000.00; provision 150,000.00 × 4/10 = 60,000.00 转销
    # 12-31: NRV 720,000.00 > cost 600,000.00 → reversal capped at the 90,000.00 left (not 120,000.00)
    assert b.value("provision.decrease.reversal") == D("340000.00")  # 250,000.00 + 90,000.00
    assert b.value("provision.decrease.write_off") == D("60000.00")
    assert b.value("cost.decrease.sale") == D("400000.00")
    assert b.value("carrying.closing") == D("600000.00")
    assert b.value("provision.closing") == D("0.00")
    # P&L: write-down 400,000.00, reversed 340,000.00, revenue 380,000.00,
    # cost of sales 400,000.00 − 60,000.00 released = 340,000.00
    assert _pnl(r, "inventory_write_down") == D("400000.00")
    assert _pnl(r, "inventory_write_down_reversal") == D("340000.00")
    assert _pnl(r, "revenue") == D("380000.00")
    assert _pnl(r, "cost_of_sales_inventory") == D("340000.00")
    inv = r.disclosures.inventory
    assert (inv.provided, inv.reversed, inv.written_off) == (D("400000.00"), D("340000.00"), D("60000.00"))
    sale = next(e for e in r.journal if e.entry_type == EntryType.SALE_REVENUE)
    # receivable 380,000.00 + VAT 6 % 22,800.00 = 402,800.00
    assert any(ln.account_code == "1122" and ln.debit == D("402800.00") for ln in sale.lines)
    assert any(ln.account_code == "2221.02" and ln.credit == D("22800.00") for ln in sale.lines)
    assert r.all_checks_pass


def test_reversal_cap_at_the_december_test() -> None:
    r = book(_case(), date(2024, 12, 31), chart=CHART)
    dec = next(o for o in r.events if o.date == date(2024, 12, 31))
    assert dec.figures["reversal"] == D("90000.00")
    assert dec.figures["provision_after"] == D("0.00")


def test_second_year_sells_the_rest() -> None:
    r = book(_case(), date(2025, 12, 31), chart=CHART)
    b = r.table_b
    assert b.value("cost.opening") == D("600000.00")
    assert b.value("cost.decrease.sale") == D("600000.00")
    assert b.value("carrying.closing") == D("0.00")
    assert _pnl(r, "revenue") == D("720000.00")
    assert _pnl(r, "cost_of_sales_inventory") == D("600000.00")
    assert r.all_checks_pass
