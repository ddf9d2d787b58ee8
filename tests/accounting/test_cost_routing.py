"""Cost routing (CAS 1 art. 5-9, CAS 6 art. 8, 13): research-type spending is never inventory cost, and
selling costs go to 销售费用 (6601), never into the cost of a data resource."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import book
from tests.accounting.conftest import CHART, case, cost, ev, inventory


def _net(entry) -> dict[str, D]:  # type: ignore[no-untyped-def]
    out: dict[str, D] = {}
    for ln in entry.lines:
        out[ln.account_code] = out.get(ln.account_code, D("0.00")) + ln.debit - ln.credit
    return out


def test_research_spending_on_an_inventory_item_is_expensed() -> None:
    c = case([inventory("INV")], [
        ev("purchase", "INV", "2025-02-10", quantity="5", cost_lines=[cost("100000.00")]),
        ev("rd_spend", "INV", "2025-03-15", cost_lines=[cost("30000.00", "staff")]),
        ev("processing", "INV", "2025-04-01", cost_lines=[cost("20000.00", "cleaning"), cost("8000.00", "research")]),
    ])
    r = book(c, date(2025, 12, 31), chart=CHART)
    rd, processing = r.events[1], r.events[2]
    # rd_spend: Dr 研发支出—费用化支出 30,000.00 / Cr 银行存款, closed to 管理费用—研发费用
    assert rd.figures == {"capitalized": D("0.00"), "expensed": D("30000.00")}
    assert any("never inventory cost" in w for w in rd.rationale)
    # processing: cleaning 20,000.00 into inventory; research 8,000.00 to 研发费用 (6602.01)
    assert processing.figures == {"capitalized": D("20000.00"), "expensed": D("8000.00")}
    first = next(e for e in r.journal if e.event_id == processing.event_id)
    assert _net(first)["1405.01"] == D("20000.00") and _net(first)["6602.01"] == D("8000.00")
    # inventory cost: 100,000.00 + 20,000.00 = 120,000.00; R&D expense 30,000.00 + 8,000.00 = 38,000.00
    assert r.table_b.value("cost.closing") == D("120000.00")
    pnl = {ln.key: ln.amount for ln in r.pnl_effects.lines}
    assert pnl["rd_expense"] == D("38000.00")


def test_selling_costs_go_to_6601() -> None:
    c = case([inventory("INV")], [
        ev("purchase", "INV", "2025-02-10", quantity="5",
           cost_lines=[cost("100000.00"), cost("6000.00", "selling", description="展会推广 trade fair")]),
    ])
    r = book(c, date(2025, 12, 31), chart=CHART)
    entry = next(e for e in r.journal if e.event_id == r.events[0].event_id)
    net = _net(entry)
    # Dr 库存商品—数据资源 100,000.00; Dr 销售费用 6,000.00; Cr 银行存款 106,000.00
    assert net == {"1405.01": D("100000.00"), "6601": D("6000.00"), "1002": D("-106000.00")}
    assert {ln.key: ln.amount for ln in r.pnl_effects.lines}["selling_expense"] == D("6000.00")
    assert r.all_checks_pass
