"""Units of usage, indefinite life, change of estimate, lapse, licences, explicit amortization."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import BookKeeper, BookResult, EntryType, Policy, book

from .conftest import CHART, case, cost, ev, inventory, resource


def _pnl(r: BookResult, key: str) -> D:
    return next(ln.amount for ln in r.pnl_effects.lines if ln.key == key)


def test_units_of_usage() -> None:
    res = resource("U", amortization_method="units_of_usage", expected_total_units="3000")
    r = book(case([res], [
        ev("purchase", "U", "2024-01-10", cost_lines=[cost("100000.00")]),
        ev("amortization", "U", "2024-03-31", units="1000"),
        ev("amortization", "U", "2024-06-30", units="2500"),
    ]), date(2024, 12, 31), chart=CHART)
    amort = [e.total_debit for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    # 100,000.00 × 1,000 / 3,000 = 33,333.33; then 2,500 ≥ 2,000 units left: the remainder 66,666.67
    assert amort == [D("33333.33"), D("66666.67")]
    assert r.all_checks_pass


def test_indefinite_life_is_not_amortized() -> None:
    res = resource("N", useful_life={"indefinite": True, "indefinite_reasons": "perpetual registry, renewed"})
    r = book(case([res], [ev("purchase", "N", "2024-01-10", cost_lines=[cost("500000.00")]),
                          ev("impairment_test", "N", "2024-12-31", recoverable_amount="450000.00")]),
             date(2024, 12, 31), chart=CHART)
    assert not any(e.entry_type == EntryType.AMORTIZATION for e in r.journal)
    assert _pnl(r, "impairment_intangible") == D("50000.00")
    note = r.disclosures.life_and_method[0]
    assert not note.finite and "perpetual registry" in note.basis


def test_change_of_estimate_is_prospective() -> None:
    r = book(case([resource("C", useful_life={"estimated_months": 24})], [
        ev("purchase", "C", "2024-01-05", cost_lines=[cost("240000.00")]),
        ev("change_of_estimate", "C", "2024-06-30", useful_life_months=12, reason="faster decay"),
    ]), date(2024, 12, 31), chart=CHART)
    amort = [e.total_debit for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    # Jan..Jun: 240,000.00 / 24 = 10,000.00 × 6 = 60,000.00; then 180,000.00 over 12 − 6 = 6 months = 30,000.00
    assert amort == [D("10000.00")] * 6 + [D("30000.00")] * 6
    (ch,) = r.disclosures.estimate_changes
    # effect: 6 × 30,000.00 − 6 × 10,000.00 (old estimate) = 120,000.00
    assert (ch.old_monthly_amount, ch.new_monthly_amount) == (D("10000.00"), D("30000.00"))
    assert ch.effect_on_period_amortization == D("120000.00")
    # future periods (CAS 28 art. 12): the new life ends in December 2024, while the old estimate would
    # have charged 12 more months of 10,000.00 in 2025: −120,000.00 in the next twelve months and in all
    assert ch.effect_on_next_twelve_months == D("-120000.00") and ch.effect_on_future_periods == D("-120000.00")


def test_lapse_of_rights_derecognizes_to_non_operating_expense() -> None:
    r = book(case([resource("L", useful_life={"estimated_months": 10})], [
        ev("purchase", "L", "2024-01-15", cost_lines=[cost("100000.00")]),
        ev("lapse", "L", "2024-04-10", reason="authorization revoked"),
    ]), date(2024, 12, 31), chart=CHART)
    # Jan..Mar amortized: 3 × 10,000.00; April (month of lapse) not; write-off 70,000.00 to 营业外支出
    assert _pnl(r, "write_off") == D("70000.00")
    assert r.table_a.value("cost.decrease.lapse") == D("100000.00")
    assert r.table_a.value("amortization.decrease.lapse") == D("30000.00")
    assert r.disclosures.lapses[0].carrying_written_off == D("70000.00")
    assert r.all_checks_pass


def test_inventory_lapse_writes_off_cost_and_provision() -> None:
    r = book(case([inventory("I")], [
        ev("purchase", "I", "2024-01-15", quantity="2", cost_lines=[cost("100000.00")]),
        ev("nrv_test", "I", "2024-03-31", nrv="80000.00"),
        ev("lapse", "I", "2024-05-01", reason="compliance ban"),
    ]), date(2024, 12, 31), chart=CHART)
    b = r.table_b
    assert b.value("cost.decrease.lapse") == D("100000.00")
    assert b.value("provision.decrease.write_off") == D("20000.00")
    assert _pnl(r, "write_off") == D("80000.00")
    assert r.all_checks_pass


def test_data_serving_customers_amortizes_to_cost_of_sales_and_earns_licence_revenue() -> None:
    res = resource("S", purpose="serving_customers", business_model="license_copies_keep_control",
                   useful_life={"estimated_months": 12})
    r = book(case([res], [
        ev("purchase", "S", "2024-01-15", cost_lines=[cost("120000.00")]),
        ev("licence_revenue", "S", "2024-06-30", amount="50000.00", settled_to="1122"),
    ]), date(2024, 12, 31), chart=CHART)
    assert _pnl(r, "amortization_cost_of_sales") == D("120000.00")
    assert _pnl(r, "revenue") == D("50000.00")
    lic = next(e for e in r.journal if e.entry_type == EntryType.LICENCE_REVENUE)
    # 50,000.00 + VAT 6 % 3,000.00 = 53,000.00 receivable
    assert {(ln.account_code, ln.debit + ln.credit) for ln in lic.lines} == {
        ("1122", D("53000.00")), ("6001", D("50000.00")), ("2221.02", D("3000.00"))}


def test_explicit_amortization_events_when_auto_is_off() -> None:
    c = case([resource("E", useful_life={"estimated_months": 12})], [
        ev("purchase", "E", "2024-01-15", cost_lines=[cost("12000.00")]),
        ev("amortization", "E", "2024-03-31"),  # books Jan, Feb, Mar
        ev("amortization", "E", "2024-05-15"),  # books April only (May ends after the event)
    ], auto_amortize=False)
    r = book(c, date(2024, 12, 31), chart=CHART)
    amort = [e.date for e in r.journal if e.entry_type == EntryType.AMORTIZATION]
    assert amort == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    assert next(b.data_closing for b in r.balance_sheet if b.key == "intangible") == D("8000.00")


def test_period_not_starting_in_january() -> None:
    c = case([resource("Q", useful_life={"estimated_months": 12})],
             [ev("purchase", "Q", "2024-01-15", cost_lines=[cost("12000.00")])])
    r = book(c, date(2024, 6, 30), chart=CHART, period_start=date(2024, 4, 1))
    # opening 12,000.00 − 3 × 1,000.00 = 9,000.00; Q2 amortization 3,000.00; closing 6,000.00
    assert r.table_a.value("carrying.opening") == D("9000.00")
    assert r.table_a.value("amortization.increase.charge") == D("3000.00")
    assert r.table_a.value("carrying.closing") == D("6000.00")
    assert r.trial_balance.balanced and r.all_checks_pass


def test_month_end_amortization_order_across_assets() -> None:
    """Month by month from the earliest month due, assets in resource order within a month; a date already
    booked books nothing; a disposed asset drops out (当月减少当月不摊销)."""
    k = BookKeeper([resource("A"), resource("B", useful_life={"estimated_months": 12})], CHART, Policy())
    k.apply(ev("purchase", "A", "2024-03-05", cost_lines=[cost("3600.00")]))  # 3,600.00 / 36 = 100.00 a month
    k.apply(ev("purchase", "B", "2024-01-10", cost_lines=[cost("1200.00")]))  # 1,200.00 / 12 = 100.00 a month

    def amortized() -> list[tuple[str, date, D]]:
        return [(e.asset_id, e.date, e.total_debit) for e in k.ledger.entries
                if e.entry_type == EntryType.AMORTIZATION]

    k.amortize_through(date(2024, 3, 31))
    month = D("100.00")
    assert amortized() == [("B", date(2024, 1, 31), month), ("B", date(2024, 2, 29), month),
                           ("A", date(2024, 3, 31), month), ("B", date(2024, 3, 31), month)]
    k.amortize_through(date(2024, 2, 29))
    assert len(amortized()) == 4
    k.apply(ev("disposal", "B", "2024-04-20", proceeds="1000.00"))
    k.amortize_through(date(2024, 5, 15))  # May has not ended
    assert amortized()[4:] == [("A", date(2024, 4, 30), month)]
