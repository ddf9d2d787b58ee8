"""Facts and events entered one at a time (the dashboard's forms), on SQLite and PostgreSQL: validated with
the company's other events, never edited once recorded, corrected by a reversing event whose posting
reverses the entries made; fact evidence kept with its SHA-256; everything in the audit log."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from pydantic import TypeAdapter
from sqlalchemy import select

from accounting import ChartOfAccounts, DataResource, Event
from base.errors import InvalidInput
from register import Register
from register.books_input import (
    asset_facts,
    attach_fact_evidence,
    fact_evidence,
    record_event,
    recorded_events,
    reverse_event,
    save_facts,
)
from register.errors import LedgerConflict, NotFound, RegisterError
from register.forms import add_asset
from register.ledger import balances, insert_event, post, posted_entries
from register.models import AuditLog
from tests.register.test_ledger import CHART as _CHART

CHART: ChartOfAccounts = _CHART
EVENT = TypeAdapter(Event)
CO = "CO-IN"
FACTS = DataResource.model_validate({
    "asset_id": "D-1", "name": "客户画像 customer profiles", "purpose": "internal_use", "formation": "purchased",
    "controlled": True, "separable": True, "benefits_probable": True, "cost_reliably_measurable": True,
    "useful_life": {"estimated_months": 36}})


def _setup(reg: Register) -> None:
    add_asset(reg, CO, {"asset_id": "D-1", "name": "客户画像 customer profiles", "source": "purchase",
                        "rights": "holding"}, actor="fin-1")
    with reg.session(actor="fin-1") as s:
        save_facts(s, CO, FACTS)


def test_facts_then_events_then_post_then_reverse(reg: Register) -> None:
    _setup(reg)
    with reg.session(actor="fin-1") as s:
        assert asset_facts(s, CO, "D-1") == FACTS
        p1 = record_event(s, CO, EVENT.validate_python({
            "kind": "purchase", "asset_id": "D-1", "date": "2025-01-10",
            "cost_lines": [{"category": "purchase_price", "amount": "360000.00"}]}))
        record_event(s, CO, EVENT.validate_python({"kind": "ready_for_use", "asset_id": "D-1", "date": "2025-01-10"}))
        assert p1 == "EV-00001"
        summary = post(s, CO, date(2025, 2, 28), chart=CHART, actor="fin-1")
        # purchase, transfer to use?, amortization Jan and Feb: 360,000.00 / 36 = 10,000.00 a month
        assert balances(s, CO)["1701.01"] == Decimal("360000.00")
        assert balances(s, CO)["1702.01"] == Decimal("-20000.00")
        assert summary.posted
    with reg.session(actor="fin-1") as s:  # the amount was wrong: reverse the purchase, enter the right one
        rev = reverse_event(s, CO, p1, on=date(2025, 3, 5), reason="金额录错 wrong amount")
        record_event(s, CO, EVENT.validate_python({
            "kind": "purchase", "asset_id": "D-1", "date": "2025-01-10",
            "cost_lines": [{"category": "purchase_price", "amount": "324000.00"}]}))
        post(s, CO, date(2025, 2, 28), chart=CHART, actor="fin-1")
        # 324,000.00 / 36 = 9,000.00 a month; Jan + Feb = 18,000.00
        assert balances(s, CO)["1701.01"] == Decimal("324000.00")
        assert balances(s, CO)["1702.01"] == Decimal("-18000.00")
        assert any(e.reverses_seq for e in posted_entries(s, CO))  # the wrong entries were reversed, not edited
        listed = {e.code: e for e in recorded_events(s, CO)}
        assert listed[p1].reversed_by == rev and listed[rev].kind == "event_reversal"
        with pytest.raises(InvalidInput, match="已被冲销"):
            reverse_event(s, CO, p1, on=date(2025, 3, 6), reason="again")
        actions = {(a.table_name, a.action) for a in s.scalars(select(AuditLog))}
        assert ("accounting_events", "insert") in actions and ("data_assets", "update") in actions


def test_a_recorded_event_is_never_edited(reg: Register) -> None:
    _setup(reg)
    with reg.session(actor="fin-1") as s:
        code = record_event(s, CO, EVENT.validate_python({
            "kind": "purchase", "asset_id": "D-1", "date": "2025-01-10",
            "cost_lines": [{"category": "purchase_price", "amount": "1000.00"}]}))
        changed = EVENT.validate_python({"kind": "purchase", "asset_id": "D-1", "date": "2025-01-10",
                                         "event_id": code,
                                         "cost_lines": [{"category": "purchase_price", "amount": "9999.00"}]})
        from register.assets import get_company
        with pytest.raises(LedgerConflict, match="never changed"):
            insert_event(s, get_company(s, CO), changed, date.today(), where="event")


def test_events_need_facts_and_valid_content(reg: Register) -> None:
    _setup(reg)
    add_asset(reg, CO, {"asset_id": "D-2", "name": "无事实 no facts", "source": "purchase", "rights": "holding"},
              actor="fin-1")
    with reg.session(actor="fin-1") as s:
        with pytest.raises(RegisterError, match="尚未填写入表事实"):
            record_event(s, CO, EVENT.validate_python({"kind": "ready_for_use", "asset_id": "D-2",
                                                       "date": "2025-01-10"}))
        with pytest.raises(InvalidInput, match="不存在"):
            record_event(s, CO, EVENT.validate_python({"kind": "event_reversal", "asset_id": "D-1",
                                                       "date": "2025-01-10", "reverses": "EV-99999",
                                                       "reason": "x"}))
        with pytest.raises(NotFound):
            reverse_event(s, CO, "EV-404", on=date(2025, 1, 1), reason="x")


def test_fact_evidence_is_kept_with_its_hash(reg: Register) -> None:
    _setup(reg)
    content = "数据资源持有权登记证书 No. 2025-001".encode()
    with reg.session(actor="fin-1") as s:
        attach_fact_evidence(s, CO, "D-1", "control", "登记证书.pdf", content)
        assert fact_evidence(s, CO, "D-1") == [("control", "登记证书.pdf", hashlib.sha256(content).hexdigest(),
                                                len(content))]
        with pytest.raises(RegisterError, match="对应的事实"):
            attach_fact_evidence(s, CO, "D-1", " ", "x.pdf", b"x")


def test_a_pledge_the_bank_recorded_shows_as_restricted_in_the_books(reg: Register) -> None:
    from accounting import book
    from register.ledger import books_case
    from register.valuations import record_pledge

    _setup(reg)
    with reg.session(actor="fin-1") as s:
        record_event(s, CO, EVENT.validate_python({
            "kind": "purchase", "asset_id": "D-1", "date": "2025-01-10",
            "cost_lines": [{"category": "purchase_price", "amount": "360000.00"}]}))
        record_event(s, CO, EVENT.validate_python({"kind": "ready_for_use", "asset_id": "D-1", "date": "2025-01-10"}))
    with reg.session(actor="bank-1") as s:
        record_pledge(s, CO, "D-1", loan_id="LN-9", pledgee="某银行 a bank", secured_amount="150000.00",
                      start=date(2025, 6, 30), end=date(2027, 6, 30), registration="动产融资登记 2025-009")
    with reg.session() as s:
        case, _ = books_case(s, CO)
    assert [e.event_id for e in case.events if e.kind.value == "pledge"] == ["PLG-LN-9"]
    r = book(case, date(2025, 12, 31), chart=CHART)
    item = next(i for i in r.disclosures.restricted_items if i.asset_id == "D-1")
    # 360,000.00 / 36 = 10,000.00 a month, January–December: 120,000.00; carrying 240,000.00
    assert item.carrying_amount == Decimal("240000.00")
    assert "某银行" in item.pledgee
