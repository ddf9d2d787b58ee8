"""Development expenditure (开发支出) impaired before it is ready for use, then ready, then amortized.

docs/accounting.md §Impairment and NRV: development-stage assets not yet ready are tested for impairment every
year (CAS 8); an impairment loss is never reversed (CAS 8 art. 17; IAS 36.117 would reverse it). When the
asset is ready the spending moves to 无形资产 at cost and its provision to 无形资产减值准备, and amortization runs on the
carrying amount over the useful life. All figures computed by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import BookCase, BookResult, EntryType, book

from .conftest import CHART, case, cost, ev, net_by_account, self_developed

ASSET = "SD-DEV"


def _events(*, ready: bool = True) -> list[object]:
    out = [
        ev("rd_spend", ASSET, "2024-04-10", cost_lines=[cost("600000.00", "staff", counter_account="2211")]),
        ev("impairment_test", ASSET, "2024-12-31", recoverable_amount="450000.00"),
        ev("rd_spend", ASSET, "2025-02-10", cost_lines=[cost("50000.00", "staff", counter_account="2211")]),
        ev("impairment_test", ASSET, "2025-03-31", recoverable_amount="560000.00"),
    ]
    if ready:
        out.append(ev("ready_for_use", ASSET, "2025-04-15"))
    return out


def _case(*, ready: bool = True, extra: list[object] | None = None) -> BookCase:
    return case([self_developed(ASSET, useful_life={"estimated_months": 24})], [*_events(ready=ready), *(extra or [])])


def _bs(r: BookResult, key: str) -> D:
    return next(b.data_closing for b in r.balance_sheet if b.key == key)


def _pnl(r: BookResult, key: str) -> D:
    return next(ln.amount for ln in r.pnl_effects.lines if ln.key == key)


def test_impairment_of_development_expenditure_before_ready() -> None:
    r = book(_case(), date(2024, 12, 31), chart=CHART)
    # capitalized 600,000.00; recoverable 450,000.00 → loss 600,000.00 − 450,000.00 = 150,000.00
    assert net_by_account(r, EntryType.DEVELOPMENT_IMPAIRMENT) == {"6701": D("150000.00"), "5301.03": D("-150000.00")}
    assert _pnl(r, "impairment_intangible") == D("150000.00")
    # 开发支出—其中：数据资源 = 5301.02 600,000.00 − 5301.03 150,000.00 = 450,000.00
    assert _bs(r, "development") == D("450000.00")
    line = next(b for b in r.balance_sheet if b.key == "development")
    assert "5301.03" in line.formula
    assert _bs(r, "intangible") == D("0.00")
    note = r.disclosures.impairments[0]
    assert (note.carrying_before, note.loss) == (D("600000.00"), D("150000.00"))
    assert r.all_checks_pass


def test_recovery_before_ready_is_not_reversed_but_ifrs_reverses_it() -> None:
    r = book(_case(ready=False), date(2025, 3, 31), chart=CHART)
    # 开发支出 600,000.00 + 50,000.00 = 650,000.00, provision 150,000.00 → carrying 500,000.00
    # recoverable 560,000.00: recovery min(min(560,000.00, 650,000.00) − 500,000.00, 150,000.00) = 60,000.00
    assert _bs(r, "development") == D("500000.00")
    note = r.disclosures.impairments[-1]
    assert (note.loss, note.unreversed_recovery) == (D("0.00"), D("60000.00"))
    assert "CAS 8 art. 17" in note.basis
    diff = {d.item: d for d in r.ifrs_view.differences}
    assert diff["carrying.development"].ifrs == D("560000.00")
    assert diff["carrying.development"].difference == D("60000.00")
    assert r.all_checks_pass


def test_ready_for_use_moves_cost_and_provision_and_amortizes_the_carrying_amount() -> None:
    r = book(_case(), date(2025, 12, 31), chart=CHART)
    # Dr 无形资产 650,000.00, Dr 开发支出减值准备 150,000.00; Cr 研发支出—资本化支出 650,000.00,
    # Cr 无形资产减值准备 150,000.00
    assert net_by_account(r, EntryType.TRANSFER_TO_INTANGIBLE) == {
        "1701.01": D("650000.00"), "5301.03": D("150000.00"), "5301.02": D("-650000.00"), "1703.01": D("-150000.00")}
    amort = [e for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    # carrying 500,000.00 over 24 months from April 2025: 500,000.00 / 24 = 20,833.333 → 20,833.33 a month;
    # April..December = 9 months = 187,499.97
    assert {e.total_debit for e in amort} == {D("20833.33")}
    assert len(amort) == 9
    assert _pnl(r, "amortization_admin") == D("187499.97")
    assert _pnl(r, "impairment_intangible") == D("0.00")
    assert _bs(r, "development") == D("0.00")
    assert _bs(r, "intangible") == D("312500.03")  # 650,000.00 − 187,499.97 − 150,000.00
    a = r.table_a
    assert a.value("cost.increase.internal_rd", 1) == D("650000.00")
    assert a.value("impairment.increase.charge", 1) == D("150000.00")  # charged in 2024, moved in on ready
    assert a.value("impairment.closing") == D("150000.00")
    assert a.value("carrying.closing") == D("312500.03")
    # IFRS: 60,000.00 reversed in March 2025, so 560,000.00 is amortized: 560,000.00 / 24 = 23,333.33;
    # 9 × 23,333.33 = 209,999.97; carrying 560,000.00 − 209,999.97 = 350,000.03, 37,500.00 above CAS
    diff = {d.item: d for d in r.ifrs_view.differences}
    assert diff["carrying.intangible"].ifrs == D("350000.03")
    assert diff["carrying.intangible"].difference == D("37500.00")
    assert r.all_checks_pass


def test_abandoned_project_writes_off_the_net_amount() -> None:
    r = book(_case(ready=False, extra=[ev("lapse", ASSET, "2025-06-30", reason="project abandoned")]),
             date(2025, 12, 31), chart=CHART)
    # 650,000.00 capitalized − 150,000.00 provision = 500,000.00 to 营业外支出
    assert net_by_account(r, EntryType.LAPSE) == {"5301.03": D("150000.00"), "6711": D("500000.00"),
                                        "5301.02": D("-650000.00")}
    assert _bs(r, "development") == D("0.00")
    assert r.all_checks_pass
