"""The classifier's reasons in Chinese first: rationale_zh / notes_zh / missing_facts_zh parallel the English."""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounting import Classification, DataResource, classify
from accounting.enums import FACT_LABELS

from .conftest import inventory, resource, self_developed

CJK = re.compile(r"[\u4e00-\u9fff]")
CONTRACT: dict[str, Any] = {"contract_id": "K-1", "directly_related": True, "generates_resources": True,
                            "expected_recovered": True, "evidence": "服务合同", "service_units": "10"}

CASES: list[DataResource] = [
    resource("A"),
    resource("B", controlled=False),
    resource("C", benefits_probable=False),
    resource("D", purpose=None, formation=None, controlled=None, benefits_probable=None,
             cost_reliably_measurable=None),
    resource("E", purpose="held_for_sale"),
    resource("F", purpose="held_for_sale", business_model="internal_only"),
    inventory("G"),
    resource("H", separable=None),
    resource("I", separable=False, contractual_or_legal_rights=False),
    resource("J", separable=False, contractual_or_legal_rights=False, purpose="serving_customers",
             business_model="license_copies_keep_control", contract=CONTRACT),
    resource("K", separable=False, contractual_or_legal_rights=False, purpose="serving_customers",
             business_model="license_copies_keep_control", contract={**CONTRACT, "expected_recovered": False}),
    resource("L", separable=None, rights=[{"right": "processing_use", "source": "licence"}]),
    resource("M", purpose="serving_customers", business_model="license_copies_keep_control"),
    self_developed("S"),
    self_developed("T", criteria={"intention": {"met": True, "evidence": "x", "date_met": "2024-01-01"}}),
    self_developed("U", phases_separable=False),
    self_developed("V", criteria={n: {"met": True, "evidence": "e", "date_met": "2023-06-01"} for n in (
        "technical_feasibility", "intention", "benefit_demonstrated", "adequate_resources", "reliable_measurement")}),
    resource("W", nature="processing_service", controlled=False),
    resource("X", nature="processing_service", separable=None),
]


@pytest.mark.parametrize("r", CASES, ids=lambda r: r.asset_id)
def test_chinese_texts_parallel_the_english(r: DataResource) -> None:
    d = classify(r)
    assert d.rationale and len(d.rationale_zh) == len(d.rationale)
    assert len(d.notes_zh) == len(d.notes)
    assert len(d.missing_facts_zh) == len(d.missing_facts)
    for zh in d.rationale_zh + d.notes_zh + d.missing_facts_zh:
        assert CJK.search(zh), zh
    for key, zh in zip(d.missing_facts, d.missing_facts_zh, strict=True):
        assert FACT_LABELS[key][0] == zh
    assert not any("CAS " in zh for zh in d.rationale_zh + d.notes_zh)  # standards cited by full Chinese title


def test_not_controlled_is_not_an_asset_in_chinese() -> None:
    d = classify(resource("B", controlled=False))
    assert d.classification == Classification.NOT_AN_ASSET
    assert d.rationale_zh == ("该资源不由企业控制，不满足资产定义，不确认为资产（《企业会计准则——基本准则》第二十条）；"
                              "可自愿披露该资源（财会〔2023〕11号 三（二））。",)
    assert d.rationale[0].startswith("Not controlled by the entity: not an asset")  # English kept


def test_missing_facts_have_chinese_labels() -> None:
    d = classify(resource("D", purpose=None, formation=None, controlled=None, benefits_probable=None,
                          cost_reliably_measurable=None))
    assert d.missing_facts_zh == ("持有目的", "形成方式", "是否控制", "经济利益很可能流入", "成本能够可靠计量")
    assert d.rationale_zh[-1].endswith("尚缺：持有目的、形成方式、是否控制、经济利益很可能流入、成本能够可靠计量。")
    u = classify(resource("H", separable=None))
    assert u.missing_facts_zh == ("可分离 / 源自合同性权利或其他法定权利",)
    e = classify(resource("E", purpose="held_for_sale"))
    assert e.missing_facts_zh[0].startswith("商业模式")


def test_enum_values_and_dates_are_in_chinese() -> None:
    d = classify(inventory("G"))
    assert d.rationale_zh[0] == "持有目的：日常活动中持有以备出售；形成方式：外购；商业模式：出售数据集、控制权转移。"
    assert "确认为存货" in d.rationale_zh[-1]
    s = classify(self_developed("S"))
    assert any("开发支出—其中：数据资源" in w for w in s.rationale_zh)
    assert "于2024年4月1日首次同时满足" in s.rationale_zh[-1]
    lic = classify(resource("L", separable=None, rights=[{"right": "processing_use", "source": "licence"}]))
    assert any("数据加工使用权/授权许可" in w for w in lic.rationale_zh)
    m = classify(resource("M", purpose="serving_customers", business_model="license_copies_keep_control"))
    assert m.notes_zh == ("用于对外提供服务的数据资源，其摊销金额计入营业成本（财会〔2023〕11号 二、3）。",)
