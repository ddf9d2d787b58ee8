"""Renewal periods count in the useful life only with evidence of renewal without significant cost (CAS 6
art. 17 and its application guidance); otherwise the rights term caps the life."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from accounting import book
from tests.accounting.conftest import CHART, case, cost, ev, resource

TERM = [{"right": "processing_use", "source": "authorized_operation", "term_end": "2026-12-31",
         "basis": "公共数据授权运营协议 2025-003, 2 years"}]


def _book(renewal: dict[str, object] | None):  # type: ignore[no-untyped-def]
    life: dict[str, object] = {"estimated_months": 48}
    if renewal is not None:
        life["renewal"] = renewal
    c = case([resource("PUB", rights=TERM, useful_life=life)],
             [ev("purchase", "PUB", "2025-01-01", cost_lines=[cost("480000.00")])])
    return book(c, date(2025, 12, 31), chart=CHART)


def test_a_renewal_with_evidence_extends_the_life_beyond_the_term() -> None:
    r = _book({"months": 24, "evidence": "协议第9条：到期自动续期两年，无需另付费用", "without_significant_cost": True})
    # term 2025-01-01 → 2026-12-31 = 24 months, + 24 months of renewal = 48 = the estimate:
    # 480,000.00 / 48 = 10,000.00 a month, 12 months in 2025
    assert r.table_a.value("amortization.increase.charge") == D("120000.00")
    note = next(n for n in r.disclosures.life_and_method if n.asset_id == "PUB")
    assert note.useful_life_months == 48 and "续期计入" in note.basis  # the disclosure says why


def test_a_renewal_at_significant_cost_leaves_the_term_as_the_cap() -> None:
    r = _book({"months": 24, "evidence": "续期需重新竞标并支付授权费", "without_significant_cost": False})
    # capped at the 24 months of the term: 480,000.00 / 24 = 20,000.00 a month
    assert r.table_a.value("amortization.increase.charge") == D("240000.00")


def test_no_renewal_evidence_the_term_caps_the_life() -> None:
    assert _book(None).table_a.value("amortization.increase.charge") == D("240000.00")
