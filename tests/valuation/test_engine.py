"""A case with several assets: bad inputs name the asset and field, and the other assets are still valued."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from base.errors import InvalidInput
from bridges.data_files import load_adjustments, load_comparables, load_price_index
from cli.io import case_from_dict
from valuation.engine import MarketData, value_case

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def parking() -> dict[str, Any]:
    raw = json.loads((EXAMPLES / "parking_city_investment.json").read_text(encoding="utf-8"))
    raw["simulation"] = {"seed": 1, "n_draws": 50}
    return raw


def with_second_asset(mutate: Any) -> dict[str, Any]:
    """The parking case with a copy of its asset (id PARK-BAD) changed by ``mutate``."""
    raw = parking()
    bad = copy.deepcopy(raw["assets"][0])
    bad["asset"]["asset_id"] = "PARK-BAD"
    mutate(bad)
    raw["assets"].append(bad)
    return raw


def value(raw: dict[str, Any]) -> Any:
    case, errors = case_from_dict(raw)
    return value_case(
        case,
        default_price_index=load_price_index(),
        market_data=MarketData(load_comparables(), load_adjustments()),
        prior_errors=errors,
    )


def only_error(result: Any) -> Any:
    assert [v.asset.asset_id for v in result.valuations] == ["PARK-001"], "the good asset is still valued"
    assert len(result.errors) >= 1
    assert {e.asset_id for e in result.errors} == {"PARK-BAD"}
    return result.errors[0]


def test_negative_cost_names_asset_and_field() -> None:
    def neg(a: dict[str, Any]) -> None:
        a["cost"]["lines"][1]["amount"] = -100

    e = only_error(value(with_second_asset(neg)))
    assert e.field == "assets[1].cost.lines[1].amount"
    assert "greater than or equal to 0" in e.message


def test_weights_not_summing_to_one() -> None:
    def w(a: dict[str, Any]) -> None:
        a["methods"][0]["weight"] = 0.5  # 0.5 + 0.7 + 0 = 1.2

    e = only_error(value(with_second_asset(w)))
    assert e.field == "methods" and "1.2" in e.message


def test_unknown_field() -> None:
    def unknown(a: dict[str, Any]) -> None:
        a["income"]["discount_rte"] = 0.1

    e = only_error(value(with_second_asset(unknown)))
    assert e.field == "assets[1].income.discount_rte" and "unknown field" in e.message


def test_text_in_a_number_field() -> None:
    def text(a: dict[str, Any]) -> None:
        a["income"]["forecast"][0]["revenue"] = "lots"

    e = only_error(value(with_second_asset(text)))
    assert e.field == "assets[1].income.forecast[0].revenue" and "'lots'" in e.message


def test_dates_out_of_order() -> None:
    def late(a: dict[str, Any]) -> None:
        a["cost"]["lines"][0]["incurred_on"] = "2026-03-01"  # after the valuation date 2025-12-31

    e = only_error(value(with_second_asset(late)))
    assert "cost.lines[0].incurred_on" in (e.field or "")
    assert "2026-03-01" in e.message


def test_discount_rate_not_above_growth() -> None:
    def tv(a: dict[str, Any]) -> None:
        inc = a["income"]
        inc["economic_life"] = None
        a["asset"]["rights_term_end"] = None
        inc["terminal"] = {"growth": 0.09, "margin": 0.02}  # i = 9.85 %: i − g = 0.85 % < 2 %

    e = only_error(value(with_second_asset(tv)))
    assert e.rule == "rate_above_growth"
    assert "income" in (e.field or "")


def test_missing_comparables() -> None:
    def two(a: dict[str, Any]) -> None:
        comps = [c.model_dump(mode="json") for c in load_comparables()[:2]]
        a["market"] = {"comparables": comps, "rights_valued": ["holding"]}

    e = only_error(value(with_second_asset(two)))
    assert e.rule == "too_few_comparables"
    assert "3" in e.message


def test_weighted_method_without_inputs() -> None:
    def drop(a: dict[str, Any]) -> None:
        del a["income"]

    e = only_error(value(with_second_asset(drop)))
    assert "no 'income' inputs" in e.message


def test_engagement_errors_refuse_the_case() -> None:
    raw = parking()
    raw["engagement"]["report_date"] = "2025-01-01"  # before the valuation date
    with pytest.raises(InvalidInput, match="report_date"):
        case_from_dict(raw)


def test_a_case_whose_every_asset_is_bad_is_refused() -> None:
    raw = parking()
    raw["assets"][0]["cost"]["lines"][0]["amount"] = -1
    with pytest.raises(InvalidInput, match="no asset could be read"):
        case_from_dict(raw)


TAB = {"period_years": 10, "tax_rate": 0.25, "basis_text": "企业所得税法实施条例第六十七条: 不低于10年"}


def test_a_tax_amortization_benefit_is_refused_for_a_value_in_use() -> None:
    """The value type lives on the engagement: the engine passes it to the methods, which refuse a TAB."""

    def tab(a: dict[str, Any]) -> None:
        a["income"]["tax_amortization_benefit"] = TAB

    raw = with_second_asset(tab)
    raw["engagement"]["value_type"] = "value_in_use"
    e = only_error(value(raw))
    assert e.field == "income.tax_amortization_benefit" and e.message.startswith("在用价值")


def test_a_tax_amortization_benefit_adds_to_a_market_value() -> None:
    raw = parking()
    raw["assets"][0]["income"]["tax_amortization_benefit"] = TAB
    with_tab = value(raw).valuations[0].income
    without = value(parking()).valuations[0].income
    assert with_tab.detail.tab is not None
    assert with_tab.value == pytest.approx(without.value * with_tab.detail.tab.uplift, rel=1e-12)
