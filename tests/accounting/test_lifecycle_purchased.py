"""Purchased dataset for internal use, life capped by an authorization term; pledge; disposal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import BookCase, BookResult, EntryType, book

from .conftest import CHART, case, cost, ev, resource

ASSET = "PB-1"
RIGHTS = [{"right": "processing_use", "source": "authorized_operation", "term_end": "2027-03-14",
           "basis": "3-year authorized-operation agreement from 2024-03-15"}]


def _events(extra: list | None = None) -> list:  # type: ignore[type-arg]
    return [
        ev("purchase", ASSET, "2024-03-15", cost_lines=[
            cost("1000000.00", vat="60000.00", counter_account="2202"),
            cost("30000.00", "quality_assessment", vat="1800.00"),
            cost("20000.00", "rights_verification"),
            cost("10000.00", "training"),
        ]),
        ev("processing", ASSET, "2024-03-25", cost_lines=[
            cost("150000.00", "desensitization", vat="9000.00", vat_deductible=False)]),
        ev("ready_for_use", ASSET, "2024-04-10"),
        ev("pledge", ASSET, "2025-06-30", pledgee="City Bank", secured_amount="300000.00"),
        ev("pledge_release", ASSET, "2026-06-30"),
        *(extra or []),
    ]


def _case(extra: list | None = None) -> BookCase:  # type: ignore[type-arg]
    return case([resource(ASSET, rights=RIGHTS, separable=False, useful_life={"estimated_months": 60})],
                _events(extra))


def _pnl(r: BookResult, key: str) -> D:
    return next(ln.amount for ln in r.pnl_effects.lines if ln.key == key)


def _bs(r: BookResult, key: str) -> D:
    return next(b.data_closing for b in r.balance_sheet if b.key == key)


def test_cost_life_cap_and_first_year() -> None:
    r = book(_case(), date(2024, 12, 31), chart=CHART)
    # cost = 1,000,000.00 + 30,000.00 + 20,000.00 + 150,000.00 + 9,000.00 (non-deductible VAT) = 1,209,000.00
    assert r.table_a.value("cost.increase.purchase", 0) == D("1209000.00")
    # training 10,000.00 is not attributable: expensed to 管理费用
    assert _pnl(r, "expensed_spending") == D("10000.00")
    # input VAT 60,000.00 + 1,800.00 = 61,800.00 on 2221.01
    vat = next(x for x in r.trial_balance.rows if x.code == "2221.01")
    assert vat.closing_debit == D("61800.00")
    life = r.disclosures.life_and_method[0]
    # estimate 60 months, but 2024-04-10 → term end 2027-03-14 holds 35 whole months: life = 35
    assert life.useful_life_months == 35
    assert "capped at 35 months" in life.basis
    amort = [e for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    # starts in April (month available for use); 1,209,000.00 / 35 = 34,542.857 → 34,542.86
    assert amort[0].date == date(2024, 4, 30)
    assert {e.total_debit for e in amort} == {D("34542.86")}
    # Apr..Dec = 9 months: 9 × 34,542.86 = 310,885.74; carrying 1,209,000.00 − 310,885.74 = 898,114.26
    assert _pnl(r, "amortization_admin") == D("310885.74")
    assert _bs(r, "intangible") == D("898114.26")
    assert r.all_checks_pass


def test_pledged_item_disclosed_with_carrying_amount_and_period_amortization() -> None:
    r = book(_case(), date(2025, 12, 31), chart=CHART)
    (item,) = r.disclosures.restricted_items
    # 2025: 12 × 34,542.86 = 414,514.32; carrying 1,209,000.00 − 21 × 34,542.86 = 1,209,000.00 − 725,400.06
    assert item.period_amortization == D("414514.32")
    assert item.carrying_amount == D("483599.94")
    assert item.pledged_at_period_end and item.pledgee == "City Bank"
    r26 = book(_case(), date(2026, 12, 31), chart=CHART)
    (item26,) = r26.disclosures.restricted_items
    assert not item26.pledged_at_period_end and item26.released_on == date(2026, 6, 30)


def test_last_month_takes_the_remainder_and_nothing_after_the_term() -> None:
    r = book(_case(), date(2027, 3, 31), chart=CHART)
    amort = [e for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    assert len(amort) == 35 and amort[-1].date == date(2027, 2, 28)
    # 34 × 34,542.86 = 1,174,457.24; last month 1,209,000.00 − 1,174,457.24 = 34,542.76
    assert amort[-1].total_debit == D("34542.76")
    assert _bs(r, "intangible") == D("0.00")
    assert r.all_checks_pass


def test_disposal_mid_month_is_not_amortized_that_month() -> None:
    # the pledge dated 2025-06-30 comes after the disposal: refused, collected as data, nothing posted
    r = book(_case([ev("disposal", ASSET, "2025-06-15", proceeds="800000.00")]), date(2025, 12, 31), chart=CHART,
             on_error="collect")
    assert [x.rule for x in r.rejected] == ["asset_derecognized"]
    amort = [e for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    # Apr 2024 … May 2025 = 14 months; June (month of disposal) is not amortized (当月减少当月不摊销)
    assert amort[-1].date == date(2025, 5, 31) and len(amort) == 14
    # accumulated 14 × 34,542.86 = 483,600.04; carrying 1,209,000.00 − 483,600.04 = 725,399.96
    # gain 800,000.00 − 725,399.96 = 74,600.04; output VAT 800,000.00 × 6 % = 48,000.00
    assert _pnl(r, "disposal") == D("74600.04")
    disp = next(e for e in r.journal if e.entry_type == EntryType.DISPOSAL)
    assert any(ln.account_code == "2221.02" and ln.credit == D("48000.00") for ln in disp.lines)
    a = r.table_a
    assert a.value("cost.decrease.disposal") == D("1209000.00")
    assert a.value("amortization.decrease.disposal") == D("483600.04")
    assert a.value("carrying.closing") == D("0.00")
    assert r.all_checks_pass
