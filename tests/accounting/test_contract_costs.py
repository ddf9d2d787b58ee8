"""Data that serves customers but is not an intangible: revenue under CAS 14, and costs meeting CAS 14
art. 26 as 合同履约成本, amortized as the service is delivered (art. 29), impaired (art. 30) and reversed
within the provision (art. 31); 财会〔2023〕11号 二、3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import Classification, book
from tests.accounting.conftest import CHART, case, cost, ev, resource

CONTRACT = {"contract_id": "C-2025-08", "directly_related": True, "generates_resources": True,
            "expected_recovered": True, "evidence": "数据服务合同第3条：按调用量交付12,000次", "service_units": "12000"}


def _service(**contract: object):  # type: ignore[no-untyped-def]
    return resource("SVC", purpose="serving_customers", business_model="license_copies_keep_control",
                    separable=False, contractual_or_legal_rights=False,
                    useful_life=None, contract={**CONTRACT, **contract})


def test_a_data_service_contract_books_contract_costs_and_amortizes_them_as_delivered() -> None:
    r = book(case([_service()], [
        ev("processing", "SVC", "2025-03-01", cost_lines=[cost("100000.00", "cleaning"), cost("20000.00", "labeling")]),
        ev("licence_revenue", "SVC", "2025-06-30", amount="90000.00"),
        ev("amortization", "SVC", "2025-06-30", units="3000"),
        ev("impairment_test", "SVC", "2025-09-30", recoverable_amount="70000.00",
           basis="剩余对价 100,000.00 − 预计将发生成本 30,000.00"),
        ev("amortization", "SVC", "2025-12-31", units="3000"),
        ev("impairment_test", "SVC", "2025-12-31", recoverable_amount="60000.00"),
    ]), date(2025, 12, 31), chart=CHART)
    assert r.decisions[0].classification == Classification.CONTRACT_COST
    assert "CAS 14 art. 26" in r.decisions[0].citations
    # Dr 合同履约成本 120,000.00 (cleaning 100,000.00 + labeling 20,000.00)
    assert r.events[0].figures["capitalized"] == D("120000.00")
    # 3,000 of 12,000 units delivered: 120,000.00 × 3,000 / 12,000 = 30,000.00
    assert r.events[2].figures["amortization"] == D("30000.00")
    # carrying 90,000.00 > 70,000.00 → loss 20,000.00 (art. 30)
    assert r.events[3].figures["loss"] == D("20000.00")
    # next 3,000 of the 9,000 units left: 90,000.00 / 3 = 30,000.00, provision released 20,000.00 / 3 = 6,666.67
    assert r.events[4].figures == {"amortization": D("30000.00"), "provision_released": D("6666.67")}
    # carrying (90,000.00 − 30,000.00) − (20,000.00 − 6,666.67) = 46,666.67 < 60,000.00: reversal capped at the
    # provision left, 13,333.33 (art. 31: up to the carrying amount had no impairment been recognized)
    assert r.events[5].figures["reversal"] == D("13333.33")
    (note,) = r.disclosures.contract_costs
    assert (note.cost, note.provision, note.carrying_amount) == (D("60000.00"), D("0.00"), D("60000.00"))
    assert (note.amortized, note.impairment_loss, note.reversal) == (D("60000.00"), D("20000.00"), D("13333.33"))
    pnl = {ln.key: ln.amount for ln in r.pnl_effects.lines}
    assert pnl["revenue"] == D("90000.00")
    assert pnl["contract_cost_amortization"] == D("53333.33")  # 30,000.00 + 30,000.00 − 6,666.67
    assert pnl["impairment_contract_cost"] == D("6666.67")  # 20,000.00 − 13,333.33
    assert r.all_checks_pass


def test_costs_failing_an_art_26_condition_are_expensed() -> None:
    r = book(case([_service(expected_recovered=False)], [
        ev("processing", "SVC", "2025-03-01", cost_lines=[cost("50000.00", "cleaning")]),
    ]), date(2025, 12, 31), chart=CHART)
    assert r.decisions[0].classification == Classification.EXPENSE
    assert any("expected_recovered" in w for w in r.decisions[0].rationale)
    assert r.events[0].figures == {"capitalized": D("0.00"), "expensed": D("50000.00")}
