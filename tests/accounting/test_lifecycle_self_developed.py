"""Self-developed dataset: research → development → ready → impairment → recovery never reversed.

All expected figures are computed by hand from docs/accounting.md in the comments.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import BookCase, BookResult, Classification, EntryType, book

from .conftest import CHART, case, cost, ev, self_developed

ASSET = "SD-1"


def _case() -> BookCase:
    return case(
        [self_developed(ASSET, useful_life={"estimated_months": 24})],
        [
            ev("rd_spend", ASSET, "2024-02-15", phase="research", cost_lines=[cost("90000.00", "staff")]),
            # development phase but before the five criteria are met (2024-04-01): expensed (CAS 6 art. 9-10)
            ev("rd_spend", ASSET, "2024-03-20", phase="development", cost_lines=[cost("30000.00", "staff")]),
            ev("criteria_met", ASSET, "2024-04-01"),
            ev("rd_spend", ASSET, "2024-04-10", cost_lines=[
                cost("400000.00", "staff", counter_account="2211"),
                cost("100000.00", "cleaning", vat="6000.00", vat_deductible=True, counter_account="2202"),
            ]),
            ev("rd_spend", ASSET, "2024-06-05", cost_lines=[
                cost("100001.00", "labeling", vat="6000.00", vat_deductible=False),
                cost("4000.00", "training"),
            ]),
            ev("ready_for_use", ASSET, "2024-08-20"),
            ev("impairment_test", ASSET, "2024-12-31", recoverable_amount="380000.00"),
            ev("impairment_test", ASSET, "2025-12-31", recoverable_amount="500000.00"),
        ],
    )


def _pnl(r: BookResult, key: str) -> D:
    return next(ln.amount for ln in r.pnl_effects.lines if ln.key == key)


def _bs(r: BookResult, key: str) -> D:
    return next(b.data_closing for b in r.balance_sheet if b.key == key)


def test_development_expenditure_before_ready() -> None:
    r = book(_case(), date(2024, 6, 30), chart=CHART)
    assert r.decisions[0].classification == Classification.INTERNAL_RD
    assert r.decisions[0].capitalization_start == date(2024, 4, 1)
    # capitalized: 400,000.00 + 100,000.00 + (100,001.00 + 6,000.00 non-deductible VAT) = 606,001.00
    assert _bs(r, "development") == D("606001.00")
    assert _bs(r, "intangible") == D("0.00")
    # research 90,000.00 + development before criteria 30,000.00 + training 4,000.00 = 124,000.00
    assert _pnl(r, "rd_expense") == D("124000.00")
    assert r.disclosures.rd.total_expensed == D("124000.00")
    assert r.disclosures.rd.total_capitalized == D("606001.00")
    assert r.all_checks_pass


def test_first_year_amortization_and_impairment() -> None:
    r = book(_case(), date(2024, 12, 31), chart=CHART)
    amort = [e for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    # ready 2024-08-20: August is amortized (当月增加当月摊销); Aug..Dec = 5 months
    assert [e.date for e in amort] == [date(2024, m, 31 if m in (8, 10, 12) else 30) for m in range(8, 13)]
    # 606,001.00 / 24 = 25,250.0417 → 25,250.04 a month; 5 × 25,250.04 = 126,250.20
    assert {e.total_debit for e in amort} == {D("25250.04")}
    assert _pnl(r, "amortization_admin") == D("126250.20")
    # carrying 606,001.00 − 126,250.20 = 479,750.80; recoverable 380,000.00 → loss 99,750.80
    assert _pnl(r, "impairment_intangible") == D("99750.80")
    assert _bs(r, "intangible") == D("380000.00")
    a = r.table_a
    assert a.value("cost.increase.internal_rd", 1) == D("606001.00")  # 自行开发 column
    assert a.value("amortization.increase.charge") == D("126250.20")
    assert a.value("impairment.increase.charge") == D("99750.80")
    assert a.value("carrying.closing") == D("380000.00")
    assert r.all_checks_pass
    assert r.disclosures.appraisal == ()


def test_recovery_in_a_later_year_is_not_reversed() -> None:
    r = book(_case(), date(2025, 12, 31), chart=CHART)
    # after impairment: 380,000.00 over the 19 months left = 20,000.00 a month; 2025: 12 × 20,000.00
    assert _pnl(r, "amortization_admin") == D("240000.00")
    assert _bs(r, "intangible") == D("140000.00")  # 380,000.00 − 240,000.00
    assert _pnl(r, "impairment_intangible") == D("0.00")
    assert r.table_a.value("impairment.closing") == D("99750.80")  # never reversed (CAS 8 art. 17)
    note = r.disclosures.impairments[0]
    # IFRS cap: carrying had no impairment been recognized = 606,001.00 − 17 × 25,250.04
    #   = 606,001.00 − 429,250.68 = 176,750.32; recovery = min(500,000.00, 176,750.32) − 140,000.00 = 36,750.32
    assert note.unreversed_recovery == D("36750.32")
    assert "CAS 8 art. 17" in note.basis
    diff = {d.item: d for d in r.ifrs_view.differences}
    assert diff["carrying.intangible"].ifrs == D("176750.32")
    assert diff["carrying.intangible"].difference == D("36750.32")
    assert diff["pnl.impairment_reversal_intangible"].ifrs == D("36750.32")
    assert "IAS 36" in diff["carrying.intangible"].references
    assert r.all_checks_pass


def test_amortization_ends_in_the_last_month_of_life() -> None:
    r = book(_case(), date(2026, 12, 31), chart=CHART)
    amort = [e for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    assert len(amort) == 24  # Aug 2024 … Jul 2026
    assert amort[-1].date == date(2026, 7, 31)
    # 2026: Jan..Jul = 7 months; 6 × 20,000.00 + last month remainder 140,000.00 − 120,000.00 = 20,000.00
    assert _pnl(r, "amortization_admin") == D("140000.00")
    assert _bs(r, "intangible") == D("0.00")
    assert r.table_a.value("carrying.opening") == D("140000.00")
    assert r.all_checks_pass


def test_journal_of_the_capitalized_spend() -> None:
    r = book(_case(), date(2024, 4, 30), chart=CHART)
    e = next(e for e in r.journal if e.date == date(2024, 4, 10))
    net: dict[str, D] = {}
    for ln in e.lines:
        net[ln.account_code] = net.get(ln.account_code, D("0")) + ln.debit - ln.credit
    # Dr 研发支出—资本化支出 400,000.00 + 100,000.00; Dr 进项税额 6,000.00;
    # Cr 应付职工薪酬 400,000.00; Cr 应付账款 100,000.00 + 6,000.00
    assert net == {"5301.02": D("500000.00"), "2221.01": D("6000.00"), "2211": D("-400000.00"),
                   "2202": D("-106000.00")}
    research = [e for e in r.journal if e.date == date(2024, 2, 15)]
    assert [e.entry_type for e in research] == [EntryType.RD_EXPENSED, EntryType.RD_EXPENSED_TRANSFER]
    assert research[1].lines[0].account_zh == "管理费用—研发费用"

