"""Bad inputs are refused with the rule's error type, naming the asset and the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from base.errors import InvalidInput
from valuation.cost import (
    ConflictingInputs,
    CostInputs,
    DateAfterValuationDate,
    InvalidCostInput,
    InvalidJudgementMatrix,
    parse_cost_inputs,
    simulate_cost,
    tornado_cost,
    value_cost,
)
from valuation.errors import (
    InconsistentJudgementMatrix,
    MissingInput,
    PriceIndexGap,
    ValuationError,
    WeightsDoNotSumToOne,
)

from .conftest import WEIGHTS, make_asset, make_inputs, reference_lines


def _raw(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "lines": reference_lines(),
        "delta": {"basis": "quality", "quality_weights": WEIGHTS},
    }
    raw.update(overrides)
    return raw


def _with_line(index: int, **changes: Any) -> list[dict[str, Any]]:
    lines = reference_lines()
    lines[index] = {**lines[index], **changes}
    return lines


def _assert_names(err: pytest.ExceptionInfo[Exception], asset_id: str, field: str) -> None:
    exc = err.value
    assert isinstance(exc, ValuationError)
    assert exc.asset_id == asset_id and exc.field == field
    assert asset_id in str(exc) and field in str(exc)
    assert "expected" in str(exc) or "unknown field" in str(exc) or "missing" in str(exc)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (_raw(lines=_with_line(2, amount=-5_000)), "cost.lines[2].amount"),  # negative amount
        (_raw(lines=_with_line(1, amount="twelve thousand")), "cost.lines[1].amount"),  # text in a number
        (_raw(lines=_with_line(0, amout=1)), "cost.lines[0].amout"),  # unknown field (typo)
        (_raw(lines=_with_line(3, incurred_on="30/06/2023")), "cost.lines[3].incurred_on"),
        (_raw(lines=_with_line(0, category="marketing")), "cost.lines[0].category"),
        (_raw(lines=[]), "cost.lines"),
        (_raw(colour="red"), "cost.colour"),
        (_raw(opportunity={"rate": 1.5, "holding_years": 2}), "cost.opportunity.rate"),
        (_raw(taxes={"rate": 0.06, "base": ["taxes"]}), "cost.taxes.base"),
        (_raw(delta={"basis": "vibes"}), "cost.delta.basis"),
        (
            _raw(delta={"basis": "quality", "quality_weights": {"accuracy": 1.0}}),
            "cost.delta.quality_weights",
        ),
        (
            _raw(delta={"basis": "life", "elapsed_years": "two", "remaining_years": 3}),
            "cost.delta.elapsed_years",
        ),
        (
            _raw(delta={"basis": "quality", "quality_weights": {**WEIGHTS, "accuracy": -0.3}}),
            "cost.delta.quality_weights.accuracy",
        ),
    ],
)
def test_parse_refuses_malformed_input(raw, field):
    with pytest.raises(InvalidCostInput) as err:
        parse_cost_inputs(raw, asset_id="A7")
    _assert_names(err, "A7", field)
    assert isinstance(err.value, InvalidInput)  # also caught by the shells' InvalidInput handler
    assert err.value.rule == "invalid_input"


def test_parse_accepts_a_valid_mapping_and_passes_models_through():
    inputs = parse_cost_inputs(_raw(), asset_id="A1")
    assert isinstance(inputs, CostInputs)
    assert parse_cost_inputs(inputs, asset_id="A1") is inputs


def test_weights_not_summing_to_one(ctx):
    inputs = make_inputs(delta={"basis": "quality", "quality_weights": {**WEIGHTS, "accuracy": 0.35}})
    with pytest.raises(WeightsDoNotSumToOne) as err:
        value_cost(make_asset("A3"), inputs, ctx)
    _assert_names(err, "A3", "cost.delta.quality_weights")
    assert "1.05" in str(err.value)


def test_cost_incurred_after_valuation_date(ctx):
    inputs = make_inputs(lines=_with_line(1, incurred_on="2025-01-02"))
    with pytest.raises(DateAfterValuationDate) as err:
        value_cost(make_asset("A4"), inputs, ctx)
    _assert_names(err, "A4", "cost.lines[1].incurred_on")
    assert "2024-12-31" in str(err.value) and "2025-01-02" in str(err.value)


def test_use_begun_after_valuation_date(ctx):
    inputs = make_inputs(delta={"basis": "life", "in_use_since": "2025-03-01", "remaining_years": 3})
    with pytest.raises(DateAfterValuationDate) as err:
        value_cost(make_asset("A4"), inputs, ctx)
    _assert_names(err, "A4", "cost.delta.in_use_since")


def test_date_outside_price_index(ctx):
    inputs = make_inputs(lines=_with_line(0, incurred_on="2014-06-30"))
    with pytest.raises(PriceIndexGap) as err:
        value_cost(make_asset("A5"), inputs, ctx)
    _assert_names(err, "A5", "cost.lines[0].incurred_on")
    # the same line kept as given needs no index
    ok = make_inputs(lines=_with_line(0, incurred_on="2014-06-30", restate=False))
    assert value_cost(make_asset("A5"), ok, ctx).detail.lines[0].index_factor == 1.0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "lines": [
                    *reference_lines(),
                    {"category": "opportunity", "item": "x", "amount": 1, "incurred_on": "2024-01-01"},
                ],
                "opportunity": {"rate": 0.05, "holding_years": 1},
            },
            "cost.opportunity",
        ),
        (
            {
                "lines": [
                    *reference_lines(),
                    {"category": "taxes", "item": "x", "amount": 1, "incurred_on": "2024-01-01"},
                ],
                "taxes": {"rate": 0.06},
            },
            "cost.taxes",
        ),
        (
            {"delta": {"basis": "quality", "quality_weights": WEIGHTS, "ahp_matrix": [[1.0] * 6] * 6}},
            "cost.delta.ahp_matrix",
        ),
        (
            {
                "delta": {
                    "basis": "life",
                    "elapsed_years": 1,
                    "in_use_since": "2023-01-01",
                    "remaining_years": 2,
                }
            },
            "cost.delta.in_use_since",
        ),
        (
            {"delta": {"basis": "quality", "elapsed_years": 1, "remaining_years": 2}},
            "cost.delta.elapsed_years",
        ),
        (
            {
                "delta": {
                    "basis": "life",
                    "quality_weights": WEIGHTS,
                    "elapsed_years": 1,
                    "remaining_years": 2,
                }
            },
            "cost.delta.quality_weights",
        ),
    ],
)
def test_one_figure_given_two_ways_is_refused(ctx, overrides, field):
    with pytest.raises(ConflictingInputs) as err:
        value_cost(make_asset("A6"), make_inputs(**overrides), ctx)
    _assert_names(err, "A6", field)


def test_quality_basis_without_scores(ctx):
    with pytest.raises(MissingInput) as err:
        value_cost(make_asset("A8", quality=None), make_inputs(), ctx)
    _assert_names(err, "A8", "asset.quality")


@pytest.mark.parametrize(
    ("delta", "field"),
    [
        ({"basis": "life", "elapsed_years": 1}, "cost.delta.remaining_years"),
        ({"basis": "both", "remaining_years": 3}, "cost.delta.elapsed_years"),
    ],
)
def test_life_basis_without_lives(ctx, delta, field):
    with pytest.raises(MissingInput) as err:
        value_cost(make_asset("A8"), make_inputs(delta=delta), ctx)
    _assert_names(err, "A8", field)


def test_life_with_zero_total(ctx):
    inputs = make_inputs(delta={"basis": "life", "elapsed_years": 0, "remaining_years": 4})
    asset = make_asset("A8", rights_term_end=date(2024, 6, 30))  # term already over: remaining capped to 0
    with pytest.raises(InvalidCostInput) as err:
        value_cost(asset, inputs, ctx)
    _assert_names(err, "A8", "cost.delta.remaining_years")


def test_ahp_matrix_errors_name_asset_and_field(ctx):
    inconsistent = [[1.0] * 6 for _ in range(6)]
    inconsistent[0][1], inconsistent[1][0] = 9.0, 1 / 9
    inconsistent[1][2], inconsistent[2][1] = 9.0, 1 / 9
    inconsistent[0][2], inconsistent[2][0] = 1 / 9, 9.0
    with pytest.raises(InconsistentJudgementMatrix) as err:
        value_cost(
            make_asset("A10"), make_inputs(delta={"basis": "quality", "ahp_matrix": inconsistent}), ctx
        )
    _assert_names(err, "A10", "cost.delta.ahp_matrix")
    assert "CR = " in str(err.value)

    not_reciprocal = [[1.0] * 6 for _ in range(6)]
    not_reciprocal[0][1] = 3.0
    with pytest.raises(InvalidJudgementMatrix) as err2:
        value_cost(
            make_asset("A10"), make_inputs(delta={"basis": "quality", "ahp_matrix": not_reciprocal}), ctx
        )
    _assert_names(err2, "A10", "cost.delta.ahp_matrix")

    with pytest.raises(InvalidCostInput) as err3:
        value_cost(
            make_asset("A10"), make_inputs(delta={"basis": "quality", "ahp_matrix": [[1.0] * 5] * 5}), ctx
        )
    _assert_names(err3, "A10", "cost.delta.ahp_matrix")


def test_simulate_and_tornado_apply_the_same_checks(ctx):
    inputs = make_inputs(lines=_with_line(1, incurred_on="2025-01-02"))
    for fn in (simulate_cost, tornado_cost):
        with pytest.raises(DateAfterValuationDate):
            fn(make_asset("A4"), inputs, ctx)
