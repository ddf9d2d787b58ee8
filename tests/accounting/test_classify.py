"""The classifier (财会〔2023〕11号 二; CAS 6, CAS 1): decisions, articles cited, and missing facts (asked, never guessed)."""

from __future__ import annotations

from accounting import Classification, classify

from .conftest import inventory, resource, self_developed


def test_purchased_for_internal_use_is_an_intangible() -> None:
    d = classify(resource("A"))
    assert d.classification == Classification.INTANGIBLE_ASSET
    assert d.label_zh == "无形资产—数据资源"
    assert {"CAS 6 art. 3", "CAS 6 art. 4", "财会〔2023〕11号 二"} <= set(d.citations)
    assert d.missing_facts == ()


def test_business_model_is_asked_not_guessed() -> None:
    d = classify(resource("A", purpose="held_for_sale"))
    assert d.classification == Classification.UNDECIDED
    assert any(m.startswith("business_model") for m in d.missing_facts)
    assert classify(inventory("B")).classification == Classification.INVENTORY
    lic = classify(resource("C", purpose="held_for_sale", business_model="license_copies_keep_control"))
    assert lic.classification == Classification.INTANGIBLE_ASSET
    assert "CAS 14" in lic.citations
    svc = classify(resource("D", purpose="serving_customers"))
    assert svc.classification == Classification.UNDECIDED


def test_missing_facts_are_listed() -> None:
    d = classify(resource("A", purpose=None, formation=None, controlled=None, benefits_probable=None))
    assert d.classification == Classification.UNDECIDED
    assert {"purpose", "formation", "controlled", "benefits_probable"} <= set(d.missing_facts)


def test_not_controlled_or_benefits_not_probable_is_not_an_asset() -> None:
    assert classify(resource("A", controlled=False)).classification == Classification.NOT_AN_ASSET
    d = classify(resource("B", cost_reliably_measurable=False))
    assert d.classification == Classification.NOT_AN_ASSET
    assert "CAS basic standard art. 20-22" in d.citations


def test_identifiability_decides_between_intangible_and_expense() -> None:
    d = classify(resource("A", separable=False, contractual_or_legal_rights=False))
    assert d.classification == Classification.EXPENSE and "CAS 6 art. 3" in d.citations
    u = classify(resource("B", separable=None))
    assert u.classification == Classification.UNDECIDED
    rights = [{"right": "processing_use", "source": "licence"}]
    assert classify(resource("C", separable=None, rights=rights)).classification == Classification.INTANGIBLE_ASSET


def test_internal_rd_reports_the_capitalization_date_or_the_unproven_criteria() -> None:
    d = classify(self_developed("S"))
    assert d.classification == Classification.INTERNAL_RD
    assert str(d.capitalization_start) == "2024-04-01"
    assert "CAS 6 art. 7-10" in d.citations
    weak = classify(self_developed("T", criteria={"intention": {"met": True, "evidence": "x",
                                                                "date_met": "2024-01-01"}}))
    assert weak.capitalization_start is None
    assert "technical_feasibility" in weak.unproven_criteria and "intention" not in weak.unproven_criteria
    mixed = classify(self_developed("U", phases_separable=False))
    assert mixed.capitalization_start is None and any("CAS 6 art. 9" in w for w in mixed.rationale)  # not art. 10


def test_self_developed_for_sale_is_processed_inventory() -> None:
    d = classify(inventory("I", formation="self_developed"))
    assert d.classification == Classification.INVENTORY
