"""Spending that stays in profit or loss: a processing service, and 2023 spending (prospective)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from accounting import Classification, ProspectiveTransition, ResourceNature, book

from .conftest import CHART, case, cost, ev, resource, self_developed


def test_purchased_processing_service_failing_the_definition_is_expensed() -> None:
    svc = resource("SVC", nature=ResourceNature.PROCESSING_SERVICE, controlled=False, separable=False,
                   contractual_or_legal_rights=False, useful_life=None)
    r = book(case([svc], [ev("purchase", "SVC", "2024-05-10",
                             cost_lines=[cost("60000.00", "cleaning", vat="3600.00")])]),
             date(2024, 12, 31), chart=CHART)
    d = r.decisions[0]
    assert d.classification == Classification.EXPENSE
    assert any("财会〔2023〕11号 二、2" in c for c in d.citations)  # cited by its part
    (e,) = r.journal
    net = {ln.account_code: ln.debit - ln.credit for ln in e.lines}
    # Dr 管理费用 60,000.00; Dr 进项税额 3,600.00; Cr 银行存款 63,600.00
    assert net == {"6602": D("60000.00"), "2221.01": D("3600.00"), "1002": D("-63600.00")}
    assert all(b.data_closing == 0 for b in r.balance_sheet)
    assert r.table_a.value("carrying.closing") == 0
    # a purchased processing service is not a data resource: no voluntary-disclosure item (三 (二))
    assert [v.asset_id for v in r.disclosures.voluntary] == []


def _pre2024_case(capitalize: bool | None = None, accounted_then: str | None = "expensed"):  # type: ignore[no-untyped-def]
    crit = {n: {"met": True, "evidence": "e", "date_met": "2023-06-01"} for n in (
        "technical_feasibility", "intention", "benefit_demonstrated", "adequate_resources", "reliable_measurement")}
    res = self_developed("OLD", research_start="2023-01-01", development_start="2023-06-01", criteria=crit,
                         useful_life={"estimated_months": 20})
    return case([res], [
        ev("rd_spend", "OLD", "2023-09-01", cost_lines=[cost("800000.00", "staff")], capitalize=capitalize,
           accounted_then=accounted_then),
        ev("rd_spend", "OLD", "2024-02-01", cost_lines=[cost("200000.00", "staff")]),
        ev("ready_for_use", "OLD", "2024-03-01"),
    ])


def test_spending_from_2023_stays_expensed() -> None:
    r = book(_pre2024_case(), date(2024, 12, 31), chart=CHART, period_start=date(2023, 1, 1))
    # 2023 development spending met all criteria but predates 2024-01-01: expensed (prospective)
    first = r.events[0]
    assert first.figures["expensed"] == D("800000.00") and first.figures["capitalized"] == D("0.00")
    assert any("未来适用法" in w for w in first.rationale)
    # only the 2024 spending is capitalized: 200,000.00 over 20 months = 10,000.00 a month;
    # Mar..Dec 2024 = 10 months → carrying 200,000.00 − 100,000.00 = 100,000.00
    assert r.table_a.value("cost.increase.internal_rd") == D("200000.00")
    assert next(b.data_closing for b in r.balance_sheet if b.key == "intangible") == D("100000.00")
    # IFRS (IAS 38.57) would have capitalized 1,000,000.00: 50,000.00 a month → 500,000.00 at year end
    diff = {d.item: d for d in r.ifrs_view.differences}
    assert diff["carrying.intangible"].ifrs == D("500000.00")
    assert diff["carrying.intangible"].difference == D("400000.00")
    assert "IAS 38" in diff["carrying.intangible"].references
    assert r.all_checks_pass


def test_capitalizing_2023_spending_is_refused() -> None:
    with pytest.raises(ProspectiveTransition) as exc:
        book(_pre2024_case(capitalize=True, accounted_then=None), date(2024, 12, 31), chart=CHART)
    assert "OLD" in str(exc.value) and "rd_spend" in str(exc.value) and "未来适用法" in str(exc.value)


def test_2023_research_spend_in_its_own_year() -> None:
    r = book(_pre2024_case(), date(2023, 12, 31), chart=CHART)
    assert next(ln.amount for ln in r.pnl_effects.lines if ln.key == "rd_expense") == D("800000.00")
    assert all(b.data_closing == 0 for b in r.balance_sheet)
