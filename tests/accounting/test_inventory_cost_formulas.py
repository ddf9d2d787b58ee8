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
