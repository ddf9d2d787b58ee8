"""Bad input is refused with a message naming the asset, the event and the rule; nothing is posted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from accounting import (
    AccountingError,
    AccountRole,
    AmortizationBeforeReady,
    BookKeeper,
    CapitalizationCriteriaNotMet,
    ClassificationUndecided,
    ClosedPeriod,
    EntryType,
    OversoldInventory,
    PeriodClose,
    Policy,
    UnbalancedEntry,
    UnknownAccount,
    UnknownAsset,
    UsefulLifeError,
    book,
)
from accounting.journal import EntryDraft, JournalEntry, Ledger

from .conftest import CHART, case, cost, ev, inventory, resource, self_developed


def _snapshot(k: BookKeeper) -> tuple[int, dict[str, D], int]:
    codes = {a.code: k.ledger.balance(a.code) for a in CHART.accounts}
    return len(k.ledger.entries), codes, len(k.outcomes)


def _refused(k: BookKeeper, event, error: type[AccountingError], *words: str) -> AccountingError:  # type: ignore[no-untyped-def]
    before = _snapshot(k)
    states = dict(k.states)
    with pytest.raises(error) as exc:
        k.apply(event)
    msg = str(exc.value)
    assert event.asset_id in msg, msg  # the asset
    assert event.event_id in msg and event.kind.value in msg, msg  # the event
    assert exc.value.rule in msg and "rule" in msg, msg  # the rule
    for w in words:
        assert w in msg, msg
    assert _snapshot(k) == before  # nothing posted
    assert k.states == states
    return exc.value


def test_amortizing_before_ready_for_use() -> None:
    k = BookKeeper([self_developed("SD")], CHART, Policy())
    k.apply(ev("rd_spend", "SD", "2024-05-01", cost_lines=[cost("100000.00", "staff")]))
    err = _refused(k, ev("amortization", "SD", "2024-05-31", event_id="AM1"), AmortizationBeforeReady,
                   "CAS 6 art. 17", "not yet available for use")
    assert err.field == "date"


def test_amortizing_before_ready_in_book_posts_nothing() -> None:
    c = case([self_developed("SD")], [
        ev("rd_spend", "SD", "2024-05-01", cost_lines=[cost("100000.00", "staff")]),
        ev("amortization", "SD", "2024-05-31", event_id="AM1"),
        ev("ready_for_use", "SD", "2024-06-15"),
    ])
    with pytest.raises(AmortizationBeforeReady):
        book(c, date(2024, 12, 31), chart=CHART)
    r = book(c, date(2024, 12, 31), chart=CHART, on_error="collect")
    assert [(x.event_id, x.rule) for x in r.rejected] == [("AM1", "amortization_before_ready")]
    assert not any(e.event_id == "AM1" for e in r.journal)
    assert r.all_checks_pass


def test_selling_more_than_is_held() -> None:
    k = BookKeeper([inventory("INV")], CHART, Policy())
    k.apply(ev("purchase", "INV", "2024-02-01", quantity="3", cost_lines=[cost("300000.00")]))
    _refused(k, ev("sale", "INV", "2024-03-01", event_id="S9", quantity="4", price="500000.00"),
             OversoldInventory, "only 3 on hand")


def test_capitalizing_without_evidence_for_all_five_criteria() -> None:
    crit = {n: {"met": True, "evidence": "board minutes", "date_met": "2024-04-01"} for n in (
        "technical_feasibility", "intention", "benefit_demonstrated", "adequate_resources")}
    crit["reliable_measurement"] = {"met": True, "evidence": "", "date_met": "2024-04-01"}  # no evidence
    k = BookKeeper([self_developed("SD", criteria=crit)], CHART, Policy())
    _refused(k, ev("criteria_met", "SD", "2024-04-01", event_id="C1"), CapitalizationCriteriaNotMet,
             "reliable_measurement", "CAS 6 art. 9")
    _refused(k, ev("rd_spend", "SD", "2024-04-20", event_id="R1", capitalize=True,
                   cost_lines=[cost("100000.00", "staff")]), CapitalizationCriteriaNotMet, "reliable_measurement")
    # without the assertion the same spend is booked, expensed (CAS 6 art. 10)
    out = k.apply(ev("rd_spend", "SD", "2024-04-20", event_id="R2", cost_lines=[cost("100000.00", "staff")]))
    assert out.figures == {"capitalized": D("0.00"), "expensed": D("100000.00")}


def test_criteria_declared_before_they_were_met() -> None:
    k = BookKeeper([self_developed("SD")], CHART, Policy())  # all five met on 2024-04-01
    _refused(k, ev("criteria_met", "SD", "2024-03-15", event_id="C0"), CapitalizationCriteriaNotMet,
             "technical_feasibility")


def test_unknown_account_code() -> None:
    k = BookKeeper([resource("PB")], CHART, Policy())
    event = ev("purchase", "PB", "2024-03-01", event_id="P1", cost_lines=[
        cost("100000.00"), cost("5000.00", "quality_assessment", counter_account="9999")])
    err = _refused(k, event, UnknownAccount, "'9999'")
    assert err.field == "cost_lines"


def test_unknown_account_code_on_the_resource() -> None:
    with pytest.raises(UnknownAccount) as exc:
        BookKeeper([resource("PB", amortization_account="6999")], CHART, Policy())
    assert "PB" in str(exc.value) and "amortization_account" in str(exc.value)


def test_event_in_a_closed_period() -> None:
    closes = (PeriodClose(through=date(2024, 12, 31), closed_on=date(2025, 1, 20)),)
    k = BookKeeper([resource("PB")], CHART, Policy(period_closes=closes))
    k.apply(ev("purchase", "PB", "2024-03-01", cost_lines=[cost("120000.00")]))  # recorded in time
    _refused(k, ev("processing", "PB", "2024-11-01", event_id="LATE", recorded_on="2025-02-01",
                   cost_lines=[cost("1000.00", "cleaning")]), ClosedPeriod, "closed through 2024-12-31")
    k.apply(ev("processing", "PB", "2025-02-01", recorded_on="2025-02-01", cost_lines=[cost("1000.00", "cleaning")]))


def test_close_period_api() -> None:
    k = BookKeeper([resource("PB")], CHART, Policy())
    k.apply(ev("purchase", "PB", "2024-03-01", cost_lines=[cost("120000.00")]))
    k.close_period(date(2024, 3, 31), closed_on=date(2024, 4, 5))
    _refused(k, ev("processing", "PB", "2024-03-20", event_id="X", recorded_on="2024-04-10",
                   cost_lines=[cost("1.00", "cleaning")]), ClosedPeriod)


def test_unbalanced_entry_refused() -> None:
    d = EntryDraft(CHART, asset_id="A", event_label="E1 purchase 2024-01-01")
    d.dr(AccountRole.ADMIN_EXPENSE, D("100.00")).cr(AccountRole.CASH, D("90.00"))
    with pytest.raises(UnbalancedEntry) as exc:
        d.build(entry_id="J1", on=date(2024, 1, 1), event_id="E1", event_kind=None,
                entry_type=EntryType.COST_EXPENSED, description_zh="x", description_en="x")
    assert "100.00" in str(exc.value) and "90.00" in str(exc.value) and "balanced_entry" in str(exc.value)
    # the ledger also refuses a hand-made unbalanced entry, and posts nothing of the batch
    good = EntryDraft(CHART, asset_id="A", event_label="E2").dr(AccountRole.ADMIN_EXPENSE, D("5.00")).cr(
        AccountRole.CASH, D("5.00")).build(entry_id="J2", on=date(2024, 1, 1), event_id="E2", event_kind=None,
                                           entry_type=EntryType.COST_EXPENSED, description_zh="x",
                                           description_en="x")
    assert good is not None
    bad = JournalEntry.model_construct(**{**good.__dict__, "entry_id": "J3",
                                          "lines": (good.lines[0], good.lines[1].model_copy(
                                              update={"credit": D("4.00")}))})
    ledger = Ledger()
    with pytest.raises(UnbalancedEntry):
        ledger.post([good, bad])
    assert ledger.entries == [] and ledger.balance("1002") == 0


def test_undecided_classification_lists_missing_facts() -> None:
    res = resource("HX", purpose="held_for_sale", business_model=None)
    k = BookKeeper([res], CHART, Policy())
    d = k.states["HX"].decision
    assert d.classification == "undecided"
    assert any(m.startswith("business_model") for m in d.missing_facts)
    _refused(k, ev("purchase", "HX", "2024-03-01", event_id="P1", cost_lines=[cost("1.00")]),
             ClassificationUndecided, "business_model")


def test_unknown_asset() -> None:
    k = BookKeeper([resource("PB")], CHART, Policy())
    with pytest.raises(UnknownAsset) as exc:
        k.apply(ev("purchase", "NOPE", "2024-03-01", event_id="P1", cost_lines=[cost("1.00")]))
    assert "NOPE" in str(exc.value) and "P1" in str(exc.value)


def test_life_longer_than_the_rights_term() -> None:
    rights = [{"right": "processing_use", "source": "licence", "term_end": "2026-02-28"}]
    k = BookKeeper([resource("PB", rights=rights, useful_life={"estimated_months": 24})], CHART, Policy())
    k.apply(ev("purchase", "PB", "2024-03-01", cost_lines=[cost("240000.00")]))
    _refused(k, ev("change_of_estimate", "PB", "2024-12-31", event_id="CE", useful_life_months=30,
                   reason="longer use expected"), UsefulLifeError, "exceeds the rights term")
