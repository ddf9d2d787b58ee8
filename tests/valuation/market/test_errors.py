"""Bad inputs: each refused with the rule broken, the asset and the field named.

Schema problems (unknown fields, text in number fields, negative amounts) are caught by pydantic at the
case edge and reported through base.messages.asset_errors; rules that need the asset or the
valuation date raise ValuationError subclasses from value_market.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from base.messages import asset_errors
from tests.valuation.market.conftest import adjustments, make_asset, make_comp, make_ctx
from valuation.errors import MissingInput, PriceIndexGap, ValuationError, WeightsDoNotSumToOne
from valuation.market import (
    AdjustmentTable,
    Comparable,
    ComparableNotUsable,
    DatesOutOfOrder,
    MarketInputs,
    RightsTermEnded,
    UnknownComparable,
    UnknownDeliveryForm,
    value_market,
)

COMPS = [
    make_comp(f"C{i}", price=p).model_dump(mode="json") for i, p in enumerate((90_000, 100_000, 110_000))
]


def schema_errors(raw: dict[str, Any]) -> list[tuple[str | None, str]]:
    with pytest.raises(ValidationError) as info:
        MarketInputs.model_validate(raw)
    return [(e.field, e.message) for e in asset_errors(info.value, "DA-7", prefix=("market",))]


def run(inputs: MarketInputs | None = None, asset_overrides: dict[str, Any] | None = None, **kw: Any):
    inputs = inputs or MarketInputs(comparables=tuple(Comparable.model_validate(c) for c in COMPS))
    return value_market(
        make_asset("DA-7", **(asset_overrides or {})),
        inputs,
        make_ctx(),
        adjustments=kw.get("adjustments", adjustments()),
    )


@pytest.mark.parametrize(
    ("patch", "field", "says"),
    [
        ({"betta": 0.5}, "market.betta", "unknown field"),
        ({"beta": "half"}, "market.beta", "half"),
        ({"beta": 1.5}, "market.beta", "less than or equal to 1"),
        ({"x2": -1}, "market.x2", "greater than 0"),
        ({"comparables": [{**COMPS[0], "price": -5}]}, "market.comparables[0].price", "greater than 0"),
        ({"comparables": [{**COMPS[0], "records": "many"}]}, "market.comparables[0].records", "many"),
        (
            {"comparables": [{**COMPS[0], "delivery_form": "fax"}]},
            "market.comparables[0].delivery_form",
            "fax",
        ),
        ({"selection": {"top_k": 2}}, "market.selection.top_k", "greater than or equal to 3"),
    ],
)
def test_schema_errors_name_the_asset_and_field(patch: dict[str, Any], field: str, says: str) -> None:
    errors = schema_errors({"comparables": COMPS, **patch})
    assert any(f == field and says in m for f, m in errors), errors


def test_quality_weights_must_sum_to_one() -> None:
    bad = MarketInputs(
        comparables=tuple(Comparable.model_validate(c) for c in COMPS),
        quality_weights={
            "accuracy": 0.5,
            "consistency": 0.5,
            "completeness": 0.5,
            "conformance": 0,
            "timeliness": 0,
            "accessibility": 0,
        },
    )
    with pytest.raises(WeightsDoNotSumToOne) as info:
        run(bad)
    assert info.value.asset_id == "DA-7" and info.value.field == "market.quality_weights"
    assert "must sum to 1, got 1.5" in str(info.value)


def test_similarity_weights_must_sum_to_one() -> None:
    bad = MarketInputs(selection={"weights": {"field": 0.9}})
    with pytest.raises(WeightsDoNotSumToOne) as info:
        run(bad)
    assert info.value.field == "market.selection.weights" and "DA-7" in str(info.value)


def test_date_window_out_of_order() -> None:
    bad = MarketInputs(selection={"date_from": "2025-06-01", "date_to": "2024-01-01"})
    with pytest.raises(DatesOutOfOrder) as info:
        run(bad)
    assert info.value.field == "market.selection.date_from" and "after its end 2024-01-01" in str(info.value)


def test_comparable_after_the_valuation_date_is_refused() -> None:
    late = [*COMPS[:2], {**COMPS[2], "date": "2026-02-01"}]
    with pytest.raises(ComparableNotUsable) as info:
        run(MarketInputs.model_validate({"comparables": late}))
    assert info.value.field == "market.comparables[2].date" and "after the valuation date" in str(info.value)


def test_repeated_comparable_and_unknown_override() -> None:
    with pytest.raises(UnknownComparable) as info:
        run(MarketInputs.model_validate({"comparables": [*COMPS, COMPS[0]]}))
    assert info.value.field == "market.comparables[3].comp_id"
    with pytest.raises(UnknownComparable) as info:
        run(
            MarketInputs.model_validate(
                {"comparables": COMPS, "x2_overrides": [{"comp_id": "C99", "value": 1.1, "evidence": "x"}]}
            )
        )
    assert info.value.field == "market.x2_overrides[0].comp_id" and "C99" in str(info.value)


@pytest.mark.parametrize(
    ("asset_overrides", "error", "field"),
    [
        ({"records": None}, MissingInput, "asset.records"),
        ({"records": 0}, MissingInput, "asset.records"),
        ({"quality": None}, MissingInput, "asset.quality"),
        ({"delivery_form": None}, MissingInput, "asset.delivery_form"),
        ({"delivery_form": "carrier pigeon"}, UnknownDeliveryForm, "asset.delivery_form"),
        ({"rights_term_end": date(2025, 6, 30)}, RightsTermEnded, "asset.rights_term_end"),
    ],
)
def test_target_attributes_the_method_needs(
    asset_overrides: dict[str, Any], error: type[ValuationError], field: str
) -> None:
    with pytest.raises(error) as info:
        run(asset_overrides=asset_overrides)
    assert info.value.asset_id == "DA-7" and info.value.field == field
    assert str(info.value).startswith("[asset DA-7, field " + field)


def test_missing_adjustment_table() -> None:
    with pytest.raises(MissingInput) as info:
        run(adjustments=None)
    assert info.value.field == "adjustments" and "market_adjustments.json" in str(info.value)


def test_adjustment_table_must_be_complete() -> None:
    raw = adjustments().model_dump(mode="json")
    del raw["rights_type"]["holding"]
    with pytest.raises(ValidationError, match="missing \\['holding'\\]"):
        AdjustmentTable.model_validate(raw)
    raw = adjustments().model_dump(mode="json")
    raw["remaining_term"] = list(reversed(raw["remaining_term"]))
    with pytest.raises(ValidationError, match="only the last band is open-ended"):
        AdjustmentTable.model_validate(raw)


def test_comparable_outside_the_price_index_is_refused() -> None:
    old = [*COMPS[:2], {**COMPS[2], "date": "2014-06-30"}]  # the test index starts 2015-01
    with pytest.raises(PriceIndexGap) as info:
        run(MarketInputs.model_validate({"comparables": old}))
    assert info.value.asset_id == "DA-7" and info.value.field == "market.comparables"
    assert "C2 is dated 2014-06" in str(info.value) and "X3 cannot be computed" in str(info.value)
