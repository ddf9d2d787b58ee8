"""The vectorized batch: values by hand, row errors as data, identical draws alone or in a batch, the loop."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from benchmarks.loops.cost_loop import value_cost_loop
from valuation.cost import (
    COST_BATCH_COLUMNS,
    ConflictingInputs,
    CostInputs,
    InvalidCostInput,
    simulate_cost,
    synthetic_cost_columns,
    value_cost,
    value_cost_batch,
)
from valuation.errors import WeightsDoNotSumToOne
from valuation.models import QUALITY_DIMENSIONS, DataAsset, QualityScores
from valuation.random import asset_keys

from .conftest import SCORES, WEIGHTS, make_ctx

MONEY = 0.005
Q = ",".join(f"q_{d.value}" for d in QUALITY_DIMENSIONS)
GOOD_SCORES = ",".join(str(SCORES[d.value]) for d in QUALITY_DIMENSIONS)  # .9,.8,.7,.6,.5,1.0
HEADER = (
    f"asset_id,name,{Q},rights_term_end,cost_planning,cost_construction,cost_operation,cost_indirect,"
    "cost_incurred_on,cost_opportunity_rate,cost_holding_years,cost_tax_rate,cost_delta_basis,"
    "cost_elapsed_years,cost_remaining_years"
)
# Three good rows (index: 2022-03 → ×1.25, 2023-06 → ×1.2, valuation month 2024-12).
GOOD = [
    f"A,quality only,{GOOD_SCORES},,100000,400000,160000,40000,2022-03-15,,,,quality,,",
    f"B,life capped,{',' * 5},2027-06-30,,800000,0,,2022-03-01,,,,life,2,6",
    f"C,both with rates,{GOOD_SCORES},,100000,400000,160000,40000,2023-06-30,0.05,2,0.06,both,1,3",
]


def _csv(*rows: str) -> pd.DataFrame:
    """Read rows the way the runner does from CSV: pandas' own dtypes, blanks as NaN."""
    return pd.read_csv(io.StringIO("\n".join([HEADER, *rows])))


def _run(table: pd.DataFrame, n_draws: int = 0, **kwargs: Any):
    ctx = make_ctx(n_draws=n_draws, seed=3)
    return value_cost_batch(table, ctx, asset_keys(table["asset_id"].astype(str)), **kwargs)


def test_columns_are_prefixed_and_described():
    names = [c.name for c in COST_BATCH_COLUMNS]
    assert all(n.startswith("cost_") for n in names)
    assert names == [
        "cost_planning", "cost_construction", "cost_operation", "cost_indirect", "cost_incurred_on",
        "cost_opportunity_rate", "cost_holding_years", "cost_tax_rate", "cost_delta_basis",
        "cost_elapsed_years", "cost_remaining_years",
    ]  # fmt: skip
    assert all(c.description for c in COST_BATCH_COLUMNS)


def test_good_rows_by_hand():
    out = _run(_csv(*GOOD), quality_weights=WEIGHTS)
    assert out.errors == [] and out.draws is None
    a = (100_000 + 400_000 + 160_000 + 40_000) * 1.25 * 0.78  # C × δ_q
    b = 800_000 * 1.25 * (2.5 / (2 + 2.5))  # remaining 6 capped at 2.5 years left on the term
    capital = (100_000 + 400_000 + 160_000 + 40_000) * 1.2  # 840,000
    opportunity = 0.05 * capital * 2  # 84,000
    taxes = 0.06 * capital  # 50,400: the default base leaves out 机会成本 (an imputed return bears no tax)
    c = (capital + opportunity + taxes) * (0.78 * 3 / (1 + 3))  # δ_q × δ_life
    assert out.values == pytest.approx([a, b, c], abs=MONEY)
    assert out.extra["cost_C"][2] == pytest.approx(capital + opportunity + taxes, abs=MONEY)
    assert out.extra["cost_index_factor"] == pytest.approx([1.25, 1.25, 1.2])
    assert out.extra["cost_remaining_years_used"][1] == pytest.approx(2.5)
    assert np.isnan(out.extra["cost_delta_life"][0]) and np.isnan(out.extra["cost_delta_quality"][1])


def test_equal_weights_by_default_and_ahp_keyword():
    default = _run(_csv(GOOD[0]))
    assert default.values[0] == pytest.approx(875_000 * (0.9 + 0.8 + 0.7 + 0.6 + 0.5 + 1.0) / 6, abs=MONEY)
    w = [WEIGHTS[d.value] for d in QUALITY_DIMENSIONS]
    by_ahp = _run(_csv(GOOD[0]), quality_ahp_matrix=[[wi / wj for wj in w] for wi in w])
    assert by_ahp.values[0] == pytest.approx(875_000 * 0.78, abs=MONEY)


def test_batch_keyword_errors_are_raised():
    with pytest.raises(WeightsDoNotSumToOne):
        _run(_csv(GOOD[0]), quality_weights={**WEIGHTS, "accuracy": 0.5})
    with pytest.raises(InvalidCostInput):
        _run(_csv(GOOD[0]), quality_weights={**WEIGHTS, "beauty": 0.0})
    with pytest.raises(ConflictingInputs):
        _run(_csv(GOOD[0]), quality_weights=WEIGHTS, quality_ahp_matrix=[[1.0] * 6] * 6)


BAD = {
    "N1": (f"N1,negative,{GOOD_SCORES},,-5,400000,0,0,2022-03-15,,,,quality,,", "invalid_input", "cost_planning"),
    "N2": (f"N2,text,{GOOD_SCORES},,0,abc,0,0,2022-03-15,,,,quality,,", "invalid_input", "cost_construction"),
    "N3": (f"N3,late,{GOOD_SCORES},,1,1,1,1,2025-02-01,,,,quality,,", "date_order", "cost_incurred_on"),
    "N4": ("N4,score,1.3,.8,.7,.6,.5,1,,1,1,1,1,2022-03-15,,,,quality,,", "invalid_input", "q_accuracy"),
    "N5": (f"N5,bad date,{GOOD_SCORES},,1,1,1,1,yesterday,,,,quality,,", "invalid_input", "cost_incurred_on"),
    "N6": (f"N6,basis,{GOOD_SCORES},,1,1,1,1,2022-03-15,,,,vibes,,", "invalid_input", "cost_delta_basis"),
    "N7": (f"N7,no life,{GOOD_SCORES},,1,1,1,1,2022-03-15,,,,life,2,", "missing_input", "cost_remaining_years"),
    "N8": (f"N8,no years,{GOOD_SCORES},,1,1,1,1,2022-03-15,0.05,,,quality,,", "missing_input", "cost_holding_years"),
    "N9": (f"N9,old,{GOOD_SCORES},,1,1,1,1,2014-05-01,,,,quality,,", "price_index", "cost_incurred_on"),
    "N10": ("N10,no score,.9,.8,.7,.6,,1,,1,1,1,1,2022-03-15,,,,quality,,", "missing_input", "q_timeliness"),
    "N11": (f"N11,no cost,{GOOD_SCORES},,,,,,2022-03-15,,,,quality,,", "missing_input", "cost_planning"),
    "N12": (f"N12,pct,{GOOD_SCORES},,1,1,1,1,2022-03-15,,,6%,quality,,", "invalid_input", "cost_tax_rate"),
    "N13": (f"N13,life given,{GOOD_SCORES},,1,1,1,1,2022-03-15,,,,quality,2,", "conflicting_inputs",
            "cost_elapsed_years"),
    "N14": (f"N14,rate,{GOOD_SCORES},,1,1,1,1,2022-03-15,1.5,2,,quality,,", "invalid_input", "cost_opportunity_rate"),
    "N15": (f"N15,zero life,{GOOD_SCORES},2024-01-01,1,1,1,1,2022-03-15,,,,life,0,5", "invalid_input",
            "cost_remaining_years"),
}  # fmt: skip


def test_bad_rows_become_errors_and_good_rows_are_still_valued():
    rows = [GOOD[0], *(r for r, _, _ in BAD.values()), GOOD[2]]
    out = _run(_csv(*rows), n_draws=20, quality_weights=WEIGHTS)
    good = _run(_csv(GOOD[0], GOOD[2]), n_draws=20, quality_weights=WEIGHTS)
    assert out.values[[0, -1]] == pytest.approx(good.values)
    assert np.isnan(out.values[1:-1]).all()
    assert out.draws is not None and good.draws is not None
    assert np.isnan(out.draws[1:-1]).all() and np.array_equal(out.draws[[0, -1]], good.draws)
    found = {(e.asset_id, e.rule, e.field) for e in out.errors}
    for asset_id, (_, rule, field) in BAD.items():
        assert (asset_id, rule, field) in found, asset_id
    assert {e.asset_id for e in out.errors} == set(BAD)
    for e in out.errors:
        assert e.message.startswith("expected"), e
    negative = next(e for e in out.errors if e.asset_id == "N1")
    assert "-5" in negative.message
    text = next(e for e in out.errors if e.asset_id == "N2")
    assert "'abc'" in text.message


def test_parquet_like_dtypes_read_the_same():
    table = _csv(*GOOD)
    typed = table.assign(
        cost_incurred_on=pd.to_datetime(table["cost_incurred_on"]),
        rights_term_end=pd.to_datetime(table["rights_term_end"]),
    )
    as_text = table.astype(object).where(table.notna(), "")  # every cell text, blanks as ""
    a, b, c = (_run(t, quality_weights=WEIGHTS) for t in (table, typed, as_text))
    assert a.values == pytest.approx(b.values) and a.values == pytest.approx(c.values)
    assert a.errors == b.errors == c.errors == []


def _single_equivalent(row: pd.Series) -> tuple[DataAsset, CostInputs]:
    """The single asset whose inputs are the flat row: one line per non-blank amount, same date."""
    categories = {
        "cost_planning": "planning",
        "cost_construction": "direct_construction",
        "cost_operation": "direct_operation",
        "cost_indirect": "indirect",
    }
    lines = [
        {"category": cat, "item": col, "amount": row[col], "incurred_on": row["cost_incurred_on"]}
        for col, cat in categories.items()
        if not pd.isna(row[col])
    ]
    raw: dict[str, Any] = {"lines": lines}
    if not pd.isna(row["cost_opportunity_rate"]):
        raw["opportunity"] = {
            "rate": row["cost_opportunity_rate"],
            "holding_years": row["cost_holding_years"],
        }
    if not pd.isna(row["cost_tax_rate"]):
        raw["taxes"] = {"rate": row["cost_tax_rate"]}
    delta: dict[str, Any] = {"basis": row["cost_delta_basis"]}
    if row["cost_delta_basis"] in ("quality", "both"):
        delta["quality_weights"] = WEIGHTS
    if row["cost_delta_basis"] in ("life", "both"):
        delta.update(elapsed_years=row["cost_elapsed_years"], remaining_years=row["cost_remaining_years"])
    raw["delta"] = delta
    scores = {d.value: row[f"q_{d.value}"] for d in QUALITY_DIMENSIONS}
    quality = None if any(pd.isna(v) for v in scores.values()) else QualityScores(**scores)
    term = None if pd.isna(row["rights_term_end"]) else date.fromisoformat(row["rights_term_end"])
    asset = DataAsset(
        asset_id=row["asset_id"],
        name=row["name"],
        rights=("holding",),
        source="own_collection",
        quality=quality,
        rights_term_end=term,
    )
    return asset, CostInputs.model_validate(raw)


def test_an_asset_gets_identical_draws_alone_or_in_a_batch():
    table = _csv(*GOOD)
    ctx = make_ctx(n_draws=256, seed=3)
    out = _run(table, n_draws=256, quality_weights=WEIGHTS)
    assert out.draws is not None and out.draws.shape == (3, 256)
    for k in range(len(table)):
        asset, inputs = _single_equivalent(table.iloc[k])
        assert np.array_equal(out.draws[k], simulate_cost(asset, inputs, ctx)), k
        assert out.values[k] == value_cost(asset, inputs, ctx).value
    # position in the batch does not matter either
    reordered = _run(table.iloc[[2, 0]], n_draws=256, quality_weights=WEIGHTS)
    assert reordered.draws is not None
    assert np.array_equal(reordered.draws, out.draws[[2, 0]])


def test_no_draws_when_simulation_is_off():
    assert _run(_csv(*GOOD), n_draws=0).draws is None


def test_loop_baseline_agrees_with_batch():
    table = _csv(*GOOD)
    ctx = make_ctx(n_draws=64, seed=3)
    loop_draws: list[list[float]] = []
    loop = value_cost_loop(table, ctx, 64, quality_weights=WEIGHTS, draws_out=loop_draws)
    out = _run(table, n_draws=64, quality_weights=WEIGHTS)
    assert out.draws is not None
    np.testing.assert_allclose(loop, out.values, rtol=1e-6)
    np.testing.assert_allclose(np.array(loop_draws), out.draws, rtol=1e-6)


def _shared_columns(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Shared columns as the runner's synthetic generator would fill them (some scores blank)."""
    scores = np.round(rng.uniform(0.5, 1.0, (n, 6)), 2)
    scores[rng.random(n) < 0.2] = np.nan
    table = pd.DataFrame(scores, columns=[f"q_{d.value}" for d in QUALITY_DIMENSIONS])
    table.insert(0, "asset_id", [f"S{i:04d}" for i in range(n)])
    table.insert(1, "name", "synthetic")
    table["rights_term_end"] = np.where(rng.random(n) < 0.3, "2026-12-31", "")
    return table


def test_synthetic_columns_are_valid_and_realistic():
    rng = np.random.default_rng(2024)
    shared = _shared_columns(rng, 300)
    cost = synthetic_cost_columns(rng, shared)
    assert list(cost.columns) == [c.name for c in COST_BATCH_COLUMNS]
    assert cost.index.equals(shared.index)
    table = pd.concat([shared, cost], axis=1)
    out = _run(table, n_draws=16)
    assert out.errors == []
    assert np.isfinite(out.values).all() and (out.values > 0).all()
    assert out.draws is not None and np.isfinite(out.draws).all()
    historical = cost[["cost_planning", "cost_construction", "cost_operation", "cost_indirect"]].sum(axis=1)
    assert 1_000_000 < historical.median() < 5_000_000  # median ≈ CNY 2.5 m
    # the loop baseline agrees on synthetic rows too
    loop = value_cost_loop(table.iloc[:25], make_ctx(n_draws=4, seed=3), 4)
    np.testing.assert_allclose(loop, out.values[:25], rtol=1e-6)
