"""The appraisal disclosure is written from the valuation that ran (财会〔2023〕11号 三（二）)."""

from __future__ import annotations

import json
from pathlib import Path

from bridges.data_files import load_adjustments, load_comparables, load_price_index
from cli.io import case_from_dict
from valuation.disclosure import appraisal_disclosure
from valuation.engine import MarketData, value_case

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "parking_city_investment.json"


def test_disclosure_carries_sources_assumptions_methods_and_parameters() -> None:
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    raw["simulation"]["n_draws"] = 200
    case, _ = case_from_dict(raw)
    result = value_case(case, default_price_index=load_price_index(),
                        market_data=MarketData(load_comparables(), load_adjustments()))
    v = result.valuations[0]
    text = appraisal_disclosure(result.engagement, v)
    for section in ("信息来源", "评估假设和限制条件", "评估方法的选择", "重要参数", "评估结论"):
        assert section in text
    assert case.engagement.information_sources[0] in text
    assert case.engagement.limiting_conditions[0] in text
    assert case.assets[0].methods[1].reason in text
    assert f"{v.conclusion.value:,.2f}" in text
    assert v.conclusion.value_range is not None and f"{v.conclusion.value_range.p95:,.2f}" in text
    for r in v.method_results():
        assert f"{r.value:,.2f}" in text
        for f in r.figures:
            assert f.label_zh in text
    assert "10年期国债收益率1.85%" in text  # the evidence behind the risk-free rate


def test_disclosure_shows_each_methods_working_table() -> None:
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    raw["simulation"]["n_draws"] = 0
    case, _ = case_from_dict(raw)
    result = value_case(case, default_price_index=load_price_index(),
                        market_data=MarketData(load_comparables(), load_adjustments()))
    v = result.valuations[0]
    text = appraisal_disclosure(result.engagement, v)
    assert v.cost is not None and v.income is not None and v.market is not None
    for line in v.cost.detail.lines:
        assert f"{line.restated:,.2f}" in text
    for p in v.income.detail.schedule:
        assert f"{p.present_value:,.2f}" in text
    for g in v.market.detail.grid:
        assert g.comp_id in text and f"{g.adjusted_price:,.2f}" in text
    assert "剔除 removed" in text  # the screened-out comparable is shown with its reason
