"""事项冲销: a recorded event is never edited; a reversal event cancels it and the book runs as if it had not
happened (the register then reverses the entries it had posted)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from pydantic import ValidationError

from accounting import book
from tests.accounting.conftest import CHART, case, cost, ev, resource


def test_a_reversed_purchase_is_not_booked_and_its_correction_is() -> None:
    events = [
        ev("purchase", "X", "2025-01-15", event_id="P1", cost_lines=[cost("120000.00")]),
        ev("event_reversal", "X", "2025-02-01", event_id="R1", reverses="P1", reason="金额录错 wrong amount"),
        ev("purchase", "X", "2025-01-15", event_id="P2", cost_lines=[cost("102000.00")]),
    ]
    r = book(case([resource("X")], events), date(2025, 12, 31), chart=CHART)
    assert [o.event_id for o in r.events if o.kind.value == "purchase"] == ["P2"]
    # cost 102,000.00 over 36 months = 2,833.33 a month, from the month it is available (January) to December:
    # 12 × 2,833.33 = 33,999.96; carrying 102,000.00 − 33,999.96 = 68,000.04
    assert r.table_a.value("cost.closing") == D("102000.00")
    assert r.table_a.value("amortization.closing") == D("33999.96")
    assert r.table_a.value("carrying.closing") == D("68000.04")


@pytest.mark.parametrize(("target", "asset", "message"), [
    ("NOPE", "X", "冲销的事项 'NOPE' 不存在"),
    ("P1", "Y", "不属于同一资产"),
])
def test_a_reversal_must_name_a_recorded_event_of_the_same_asset(target: str, asset: str, message: str) -> None:
    events = [ev("purchase", "X", "2025-01-15", event_id="P1", cost_lines=[cost("1000.00")]),
              ev("event_reversal", asset, "2025-02-01", event_id="R1", reverses=target, reason="错")]
    with pytest.raises(ValidationError, match=message):
        case([resource("X"), resource("Y")], events)


def test_an_event_is_reversed_once() -> None:
    events = [ev("purchase", "X", "2025-01-15", event_id="P1", cost_lines=[cost("1000.00")]),
              ev("event_reversal", "X", "2025-02-01", event_id="R1", reverses="P1", reason="错"),
              ev("event_reversal", "X", "2025-02-02", event_id="R2", reverses="P1", reason="错")]
    with pytest.raises(ValidationError, match="已被冲销"):
        case([resource("X")], events)
