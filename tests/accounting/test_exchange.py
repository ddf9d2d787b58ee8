"""非货币性资产交换 (CAS 7): a data resource received for another — fair value basis with commercial substance,
carrying-amount basis without; boot under 25 %; the asset given leaves the books in the same entry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from accounting import InvalidEvent, book
from tests.accounting.conftest import CHART, case, cost, ev, resource
from tests.accounting.test_arrivals import OTHER


def _swap(**exchange: str):  # type: ignore[no-untyped-def]
    old = resource("OLD", useful_life={"estimated_months": 60})
    new = resource("NEW", formation="other", useful_life={"estimated_months": 36})
    return book(case([old, new], [
        ev("purchase", "OLD", "2025-01-10", cost_lines=[cost("600000.00")]),
        ev("exchange", "NEW", "2025-06-30", counterparty="某数据交易所会员单位", given_asset_id="OLD",
           basis="交换协议 2025-06；公允价值取自评估报告", **exchange),
    ]), date(2025, 12, 31), chart=CHART)


def _lines(r, kind: str) -> dict[tuple[str, str], D]:  # type: ignore[no-untyped-def]
    out: dict[tuple[str, str], D] = {}
    for e in r.journal:
        if e.entry_type.value == kind:
            for ln in e.lines:
                out[(ln.account_code, ln.asset_id)] = out.get((ln.account_code, ln.asset_id), D("0.00")) + ln.debit - ln.credit
    return out


def test_fair_value_basis_with_boot_paid() -> None:
    r = _swap(commercial_substance=True, given_fair_value="520000.00", boot_paid="30000.00")
    # OLD: 600,000.00 / 60 = 10,000.00 a month, January–May (June, the month it leaves, not amortized):
    # 50,000.00; carrying 550,000.00. Boot 30,000.00 / (30,000.00 + 520,000.00) = 5.5 % < 25 %.
    # NEW cost = 520,000.00 + 30,000.00 = 550,000.00; loss on the asset given 520,000.00 − 550,000.00 = −30,000.00
    assert _lines(r, "exchange") == {
        ("1701.01", "NEW"): D("550000.00"),
        ("1702.01", "OLD"): D("50000.00"), ("1701.01", "OLD"): D("-600000.00"),
        ("1002", "NEW"): D("-30000.00"), ("6115", "NEW"): D("30000.00")}
    out = r.events[-1]
    assert out.figures["boot_share"] == D("5.45") and out.figures["gain"] == D("-30000.00")
    # NEW from June, the month it arrives, 36 months: 550,000.00 / 36 = 15,277.78 × 7 = 106,944.46; OLD gone
    assert r.table_a.value("cost.closing") == D("550000.00")
    assert r.table_a.value("amortization.closing") == D("106944.46")
    assert r.table_a.value("cost.decrease.disposal") == D("600000.00") and r.all_checks_pass
    # Table A: the new resource in 其他方式取得 (an increase), the old one's 600,000.00 out of 外购 (处置);
    # balance sheet 其中：数据资源 = 550,000.00 − 106,944.46 = 443,055.54
    assert r.table_a.value("cost.increase.other", OTHER) == D("550000.00")
    assert r.table_a.value("cost.decrease.disposal", 0) == D("600000.00")
    assert {b.key: b.data_closing for b in r.balance_sheet}["intangible"] == D("443055.54")


def test_carrying_amount_basis_without_commercial_substance() -> None:
    r = _swap(commercial_substance=False, given_fair_value="520000.00", boot_received="20000.00")
    # no commercial substance: cost = carrying 550,000.00 − boot received 20,000.00 = 530,000.00, no gain;
    # boot 20,000.00 / 550,000.00 (the carrying amount stands for the value given) = 3.6 %
    assert _lines(r, "exchange")[("1701.01", "NEW")] == D("530000.00")
    assert r.events[-1].figures["gain"] == D("0.00")


def test_boot_of_25_percent_or_more_is_not_an_exchange() -> None:
    # 200,000.00 / (200,000.00 + 520,000.00) = 27.8 %
    with pytest.raises(InvalidEvent, match=r"补价占比 27\.8%"):
        _swap(commercial_substance=True, given_fair_value="520000.00", boot_paid="200000.00")


def test_an_asset_given_off_the_books_by_its_account() -> None:
    new = resource("NEW", formation="other", useful_life={"estimated_months": 36})
    r = book(case([new], [ev("exchange", "NEW", "2025-06-30", counterparty="某公司", given_description="软件著作权",
                              given_account="1701.09", given_carrying_amount="100000.00", given_fair_value="160000.00",
                              commercial_substance=True, basis="交换协议")]), date(2025, 6, 30), chart=CHART)
    # cost = fair value given 160,000.00; gain 160,000.00 − 100,000.00 = 60,000.00
    net = {k[0]: v for k, v in _lines(r, "exchange").items()}
    assert net == {"1701.01": D("160000.00"), "1701.09": D("-100000.00"), "6115": D("-60000.00")}
