"""Property tests: random valid event sequences keep the books and the disclosures consistent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounting import EntryType, book
from accounting.amortization import month_end, month_index

from .conftest import CHART, case, cost, ev, inventory, resource, self_developed

AMOUNT = st.integers(min_value=1, max_value=200_000_000).map(lambda c: f"{D(c) / 100:.2f}")
START = date(2024, 1, 1)


def _day(offset: int) -> date:
    return START + timedelta(days=offset)


@st.composite
def books(draw: Any) -> tuple[Any, date]:
    events: list[Any] = []
    resources = []
    # purchased intangible
    if draw(st.booleans()):
        resources.append(resource("P", residual_value=draw(st.sampled_from(["0", "0.00", "1000.00"])),
                                  useful_life={"estimated_months": draw(st.integers(1, 40))}))
        t = draw(st.integers(0, 200))
        bought = _day(t)
        events.append(ev("purchase", "P", _day(t), cost_lines=[
            cost(draw(AMOUNT), vat=draw(AMOUNT), vat_deductible=draw(st.booleans())),
            cost(draw(AMOUNT), draw(st.sampled_from(["cleaning", "training", "quality_assessment"])))]))
        for _ in range(draw(st.integers(0, 3))):
            t += draw(st.integers(1, 200))
            kind = draw(st.sampled_from(["impairment_test", "pledge_toggle", "change_of_estimate"]))
            if kind == "impairment_test":
                on = month_end(month_index(_day(t)))
                t = (on - START).days
                events.append(ev("impairment_test", "P", on, recoverable_amount=draw(AMOUNT)))
            elif kind == "pledge_toggle":
                events.append(ev("pledge", "P", _day(t), pledgee="bank"))
                t += draw(st.integers(1, 100))
                events.append(ev("pledge_release", "P", _day(t)))
            else:
                # months already booked when the change is applied (month-end events follow that month's charge)
                on = _day(t)
                booked = month_index(on) - month_index(bought) + (1 if on == month_end(month_index(on)) else 0)
                events.append(ev("change_of_estimate", "P", on, reason="review",
                                 useful_life_months=booked + draw(st.integers(1, 24))))
        if draw(st.booleans()):  # classified as held for sale (CAS 42): nothing but a disposal or lapse after
            t += draw(st.integers(1, 300))
            events.append(ev("classified_held_for_sale", "P", _day(t), basis="sale agreed",
                             fair_value_less_costs_to_sell=draw(AMOUNT)))
        if draw(st.booleans()):
            t += draw(st.integers(1, 300))
            events.append(draw(st.sampled_from([
                ev("disposal", "P", _day(t), proceeds=draw(AMOUNT)), ev("lapse", "P", _day(t), reason="ban")])))
    # self-developed
    if draw(st.booleans()):
        resources.append(self_developed("S", useful_life={"estimated_months": draw(st.integers(1, 40))}))
        t = draw(st.integers(0, 150))
        for _ in range(draw(st.integers(1, 4))):
            events.append(ev("rd_spend", "S", _day(t), cost_lines=[cost(draw(AMOUNT), "staff"),
                                                                  cost(draw(AMOUNT), "training")]))
            t += draw(st.integers(0, 60))
            if draw(st.booleans()):  # development expenditure tested before it is ready (CAS 8)
                events.append(ev("impairment_test", "S", _day(t), recoverable_amount=draw(AMOUNT)))
        events.append(ev("ready_for_use", "S", _day(t)))
        for _ in range(draw(st.integers(0, 3))):
            t += draw(st.integers(1, 250))
            events.append(ev("impairment_test", "S", _day(t), recoverable_amount=draw(AMOUNT)))
        if draw(st.booleans()):
            t += draw(st.integers(1, 200))
            events.append(ev("lapse", "S", _day(t), reason="rights lapse"))
    # data inventory
    if draw(st.booleans()) or not resources:
        resources.append(inventory("I", formation=draw(st.sampled_from(["purchased", "self_developed", "other"]))))
        t = draw(st.integers(0, 100))
        held = 0
        for _ in range(draw(st.integers(1, 8))):
            step = draw(st.sampled_from(["purchase", "processing", "nrv", "sale", "sale"]))
            if step == "purchase" or held == 0:
                q = draw(st.integers(1, 20))
                events.append(ev("purchase", "I", _day(t), quantity=str(q), cost_lines=[cost(draw(AMOUNT))]))
                held += q
            elif step == "processing":
                events.append(ev("processing", "I", _day(t), cost_lines=[cost(draw(AMOUNT), "labeling")]))
            elif step == "nrv":
                events.append(ev("nrv_test", "I", _day(t), nrv=draw(AMOUNT)))
            else:
                q = draw(st.integers(1, held))
                events.append(ev("sale", "I", _day(t), quantity=str(q), price=draw(AMOUNT)))
                held -= q
            t += draw(st.integers(0, 90))
    as_of = date(draw(st.sampled_from([2024, 2025, 2026])), 12, 31)
    if draw(st.booleans()):
        as_of = month_end(month_index(as_of) - draw(st.integers(0, 11)))
    return case(resources, events), as_of


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_books_balance_and_disclosures_tie(drawn: tuple[Any, date]) -> None:
    c, as_of = drawn
    r = book(c, as_of, chart=CHART)
    for e in r.journal:
        assert e.total_debit == e.total_credit, e
        assert all((ln.debit > 0) != (ln.credit > 0) for ln in e.lines)
    tb = r.trial_balance
    assert tb.total_closing_debit == tb.total_closing_credit
    assert tb.total_period_debit == tb.total_period_credit
    assert tb.total_opening_debit == tb.total_opening_credit
    assert r.table_a.all_ties_hold, [t for t in r.table_a.ties if not t.ok]
    assert r.table_b.all_ties_hold, [t for t in r.table_b.ties if not t.ok]
    # balance-sheet data lines = ledger balances read from the trial balance
    closing = {row.code: row.closing_debit - row.closing_credit for row in tb.rows}
    g = closing.get
    z = D("0")
    bs = {b.key: b.data_closing for b in r.balance_sheet}
    assert bs["inventory"] == g("1405.01", z) + g("1471.01", z)
    assert bs["intangible"] == g("1701.01", z) + g("1702.01", z) + g("1703.01", z)
    assert bs["development"] == g("5301.02", z) + g("5301.03", z)
    assert r.table_a.value("carrying.closing") == bs["intangible"]
    assert r.table_b.value("carrying.closing") == bs["inventory"]
    # carrying amounts never negative; CAS never reverses an intangible impairment
    assert all(v >= 0 for v in bs.values())
    assert g("1481.01", z) + g("1482.01", z) >= 0  # held for sale, net of its write-down
    assert not any(e.entry_type == EntryType.IMPAIRMENT_REVERSAL for e in r.journal)
    assert r.all_checks_pass, [c for c in r.checks if not c.ok]
