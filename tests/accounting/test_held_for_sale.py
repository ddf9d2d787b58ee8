"""A purchased data intangible classified as held for sale (CAS 42), written down, then sold.

CAS 42 art. 10: measured at the lower of carrying amount and fair value less costs to sell; art. 13: no
amortization once held for sale (the month of classification is not amortized, 当月减少当月不摊销, as for a
disposal). Figures computed by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from accounting import BookCase, BookResult, EntryType, InvalidEvent, book

from .conftest import CHART, case, cost, ev, inventory, net_by_account, resource

ASSET = "P-HFS"


def _case(*extra: object) -> BookCase:
    return case([resource(ASSET)], [
        # ready on purchase; 36-month life: 360,000.00 / 36 = 10,000.00 a month from January 2024
        ev("purchase", ASSET, "2024-01-15", cost_lines=[cost("360000.00")]),
        ev("classified_held_for_sale", ASSET, "2025-03-10", fair_value_less_costs_to_sell="200000.00",
           expected_disposal_by="2025-12-31", basis="board resolution 2025-03-05; signed letter of intent"),
        *extra,
    ])


def _pnl(r: BookResult, key: str) -> D:
    return next(ln.amount for ln in r.pnl_effects.lines if ln.key == key)


def test_classification_moves_the_carrying_amount_and_stops_amortization() -> None:
    r = book(_case(), date(2025, 6, 30), chart=CHART)
    amort = [e for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    # January 2024 … February 2025 = 14 months × 10,000.00 = 140,000.00; March 2025 onwards: none
    assert len(amort) == 14 and amort[-1].date == date(2025, 2, 28)
    assert _pnl(r, "amortization_admin") == D("20000.00")  # 2025: January and February
    # carrying 360,000.00 − 140,000.00 = 220,000.00 → 持有待售资产
    assert net_by_account(r, EntryType.HELD_FOR_SALE_TRANSFER) == {
        "1481.01": D("220000.00"), "1702.01": D("140000.00"), "1701.01": D("-360000.00")}
    # fair value less costs to sell 200,000.00: write-down 220,000.00 − 200,000.00 = 20,000.00
    assert net_by_account(r, EntryType.HELD_FOR_SALE_IMPAIRMENT) == {"6701": D("20000.00"), "1482.01": D("-20000.00")}
    assert _pnl(r, "impairment_held_for_sale") == D("20000.00")
    assert next(b.data_closing for b in r.balance_sheet if b.key == "intangible") == D("0.00")
    a = r.table_a
    assert a.value("cost.decrease.other") == D("360000.00")
    assert a.value("amortization.increase.charge") == D("20000.00")
    assert a.value("amortization.decrease.other") == D("140000.00")  # 120,000.00 opening + 20,000.00
    assert a.value("carrying.closing") == D("0.00")
    item = r.disclosures.held_for_sale[0]
    assert (item.carrying_before, item.write_down, item.carrying_amount) == (
        D("220000.00"), D("20000.00"), D("200000.00"))
    assert item.disposed_on is None and "CAS 42" in item.basis
    assert r.all_checks_pass


def test_sale_of_the_held_for_sale_asset() -> None:
    r = book(_case(ev("disposal", ASSET, "2025-08-20", proceeds="230000.00")), date(2025, 12, 31), chart=CHART)
    # Dr 银行存款 230,000.00 + VAT 6 % 13,800.00 = 243,800.00; Dr 持有待售资产减值准备 20,000.00;
    # Cr 持有待售资产 220,000.00; Cr 销项税额 13,800.00; Cr 资产处置损益 230,000.00 − 200,000.00 = 30,000.00
    assert net_by_account(r, EntryType.DISPOSAL) == {"1002": D("243800.00"), "1482.01": D("20000.00"),
                                           "1481.01": D("-220000.00"), "2221.02": D("-13800.00"),
                                           "6115": D("-30000.00")}
    assert _pnl(r, "disposal") == D("30000.00")
    item = r.disclosures.held_for_sale[0]
    assert (item.disposed_on, item.carrying_amount) == (date(2025, 8, 20), D("0.00"))
    assert r.all_checks_pass


@pytest.mark.parametrize("event", [
    ev("impairment_test", ASSET, "2025-06-30", recoverable_amount="100000.00"),
    ev("amortization", ASSET, "2025-06-30"),
    ev("change_of_estimate", ASSET, "2025-06-30", useful_life_months=48, reason="renewal"),
])
def test_held_for_sale_asset_is_not_amortized_or_tested_as_an_intangible(event: object) -> None:
    with pytest.raises(InvalidEvent, match=r"held for sale since 2025-03-10.*CAS 42 art\. 13") as exc:
        book(_case(event), date(2025, 12, 31), chart=CHART)
    assert exc.value.asset_id == ASSET


def test_inventory_cannot_be_classified_held_for_sale() -> None:
    bad = case([inventory("INV")], [
        ev("purchase", "INV", "2024-02-01", cost_lines=[cost("1000.00")]),
        ev("classified_held_for_sale", "INV", "2024-03-01", fair_value_less_costs_to_sell="900.00", basis="x"),
    ])
    with pytest.raises(InvalidEvent, match="stays under CAS 1"):
        book(bad, date(2024, 12, 31), chart=CHART)
