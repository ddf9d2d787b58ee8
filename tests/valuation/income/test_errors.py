"""Bad inputs are refused at the edge with the rule broken, the asset and the field named."""

from __future__ import annotations

from typing import Any

import pytest

from valuation.errors import ValuationError
from valuation.income import ForecastTooShort, InvalidIncomeInput, parse_income_inputs, value_income

from .conftest import BUILD_UP_8, make_inputs, rate

ASSET = "BAD-7"


def _raw(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "form": "split",
        "split_base": "revenue",
        "forecast": [{"period": 1, "revenue": 1_000_000}, {"period": 2, "revenue": 1_100_000}],
        "split_rate": 0.05,  # a royalty-type rate on revenue (销售收入分成)
        "economic_life": 2,
        "discount_rate": BUILD_UP_8,
    }
    raw.update(overrides)
    if raw["form"] != "split" and "split_base" not in overrides:
        del raw["split_base"]  # split_base belongs to the split form only
    return {k: v for k, v in raw.items() if v is not None or k == "economic_life"}


def _refused(raw: dict[str, Any], field: str, error: type[ValuationError] = InvalidIncomeInput) -> str:
    with pytest.raises(error) as err:
        parse_income_inputs(raw, asset_id=ASSET)
    assert err.value.asset_id == ASSET
    assert err.value.field == field
    text = str(err.value)
    assert ASSET in text and field in text
    return text


def test_good_inputs_parse():
    assert parse_income_inputs(_raw(), asset_id=ASSET).split_rate == 0.05


def test_negative_amount():
    rows = [{"period": 1, "revenue": 1_000_000}, {"period": 2, "revenue": -5}]
    text = _refused(_raw(forecast=rows), "income.forecast[1].revenue")
    assert "greater than or equal to 0" in text and "-5" in text


def test_text_in_a_number_field():
    text = _refused(_raw(split_rate="a quarter"), "income.split_rate")
    assert "'a quarter'" in text


def test_text_in_a_row_number_field():
    rows = [{"period": 1, "revenue": "1,000,000"}, {"period": 2, "revenue": 1_100_000}]
    _refused(_raw(forecast=rows), "income.forecast[0].revenue")


def test_unknown_field():
    text = _refused(_raw(discount="8%"), "income.discount")
    assert "unknown field" in text


def test_unknown_field_in_a_row():
    rows = [{"period": 1, "revnue": 1_000_000}, {"period": 2, "revenue": 1_100_000}]
    _refused(_raw(forecast=rows), "income.forecast[0].revnue")


def test_ratio_out_of_range():
    _refused(_raw(split_rate=1.5), "income.split_rate")


def test_missing_economic_life_must_be_stated():
    raw = _raw()
    del raw["economic_life"]
    text = _refused(raw, "income.economic_life")
    assert "required" in text


def test_periods_out_of_order():
    rows = [{"period": 1, "revenue": 1_000_000}, {"period": 3, "revenue": 1_100_000}]
    text = _refused(_raw(forecast=rows), "income.forecast[1].period")
    assert "should be period 2, got 3" in text


def test_history_years_out_of_order():
    points = [{"year": y, "amount": 1e6} for y in (2019, 2020, 2022, 2021, 2023)]
    raw = _raw(forecast=None, history={"points": points})
    text = _refused(raw, "income.history.points[2].year")
    assert "consecutive years" in text


def test_a_field_the_form_does_not_use():
    rows = [{"period": 1, "revenue": 1_000_000, "costs": 10}, {"period": 2, "revenue": 1_100_000}]
    text = _refused(_raw(forecast=rows), "income.forecast[0].costs")
    assert "not used by form split" in text


def test_a_share_of_another_form():
    text = _refused(_raw(margin=0.4), "income.margin")
    assert "only used by form direct" in text


def test_two_sources_of_the_base():
    _refused(_raw(projection={"base_y1": 1e6}), "income.forecast")


def test_no_source_of_the_base():
    _refused(_raw(forecast=None), "income.forecast")


def test_split_rate_missing():
    _refused(_raw(split_rate=None), "income.split_rate")


def test_split_rate_given_twice():
    rows = [
        {"period": 1, "revenue": 1e6, "split_rate": 0.3},
        {"period": 2, "revenue": 1e6, "split_rate": 0.3},
    ]
    _refused(_raw(forecast=rows), "income.split_rate")


def test_decay_with_explicit_split_rates_would_count_twice():
    rows = [
        {"period": 1, "revenue": 1e6, "split_rate": 0.3},
        {"period": 2, "revenue": 1e6, "split_rate": 0.25},
    ]
    _refused(_raw(forecast=rows, split_rate=None, decay=0.1), "income.decay")


def test_direct_margin_and_costs_together():
    rows = [{"period": 1, "revenue": 1e6, "costs": 4e5}]
    _refused(
        _raw(form="direct", forecast=rows, split_rate=None, margin=0.5, economic_life=1), "income.margin"
    )


def test_direct_costs_without_revenue():
    rows = [{"period": 1, "revenue": 0, "costs": 4e5}]
    text = _refused(
        _raw(form="direct", forecast=rows, split_rate=None, economic_life=1), "income.forecast[0].revenue"
    )
    assert "revenue > 0" in text


def test_incremental_needs_both_with_and_without():
    rows = [{"period": 1, "with_data": 5e6}]
    _refused(
        _raw(form="incremental", forecast=rows, split_rate=None, economic_life=1),
        "income.forecast[0].without_data",
    )


def test_incremental_takes_no_history():
    points = [{"year": y, "amount": 1e6} for y in range(2019, 2025)]
    _refused(
        _raw(form="incremental", forecast=None, history={"points": points}, split_rate=None), "income.history"
    )


def test_a_charge_given_two_ways():
    charge = {"name": "营运资金", "amounts": [1, 2], "rate": 0.05, "bases": [10, 20]}
    rows = [{"period": 1, "earnings": 5e6}, {"period": 2, "earnings": 5e6}]
    _refused(
        _raw(form="excess_earnings", forecast=rows, split_rate=None, contributory_charges=[charge]),
        "income.contributory_charges[0].amounts",
    )


def test_a_premium_listed_twice():
    discount = {
        "risk_free": 0.02,
        "premiums": [{"name": "management", "rate": 0.02}, {"name": "management", "rate": 0.01}],
    }
    _refused(_raw(discount_rate=discount), "income.discount_rate.premiums[1].name")


def test_a_rate_given_two_ways():
    _refused(_raw(discount_rate={"risk_free": 0.02, "wacc": 0.09}), "income.discount_rate")


def test_first_period_longer_than_a_year():
    _refused(_raw(first_period_years=1.5), "income.first_period_years")


def test_decay_of_one_or_more():
    _refused(_raw(decay=1.0), "income.decay")


def test_charge_rows_shorter_than_the_horizon(ctx, asset):
    rows = [{"period": k, "earnings": 5e6} for k in (1, 2, 3)]
    inputs = make_inputs(
        form="excess_earnings",
        forecast=rows,
        economic_life=3,
        discount_rate=rate(0.1),
        contributory_charges=[{"name": "固定资产", "component": "return_of", "amounts": [1, 2]}],
    )
    with pytest.raises(ForecastTooShort) as err:
        value_income(asset, inputs, ctx)
    assert err.value.field == "income.contributory_charges[0].amounts" and asset.asset_id in str(err.value)


def test_zero_earnings_with_charges(ctx, asset):
    rows = [{"period": 1, "earnings": 0}]
    inputs = make_inputs(
        form="excess_earnings",
        forecast=rows,
        economic_life=1,
        discount_rate=rate(0.1),
        contributory_charges=[{"name": "固定资产", "amounts": [1000]}],
    )
    with pytest.raises(InvalidIncomeInput) as err:
        value_income(asset, inputs, ctx)
    assert err.value.field == "income.forecast[0].earnings" and asset.asset_id in str(err.value)


def test_rules_between_fields_reach_the_case_edge_as_engine_errors():
    """Inside a case, the cross-field rule is raised as InvalidIncomeInput (not a pydantic error)."""
    from valuation.case import AssetCase

    case = {
        "asset": {"asset_id": "CASE-1", "name": "n", "rights": ["holding"], "source": "purchase"},
        "methods": [{"method": "income", "weight": 1.0}],
        "income": _raw(margin=0.3),
    }
    with pytest.raises(InvalidIncomeInput) as err:
        AssetCase.model_validate(case)
    assert err.value.field == "income.margin"
