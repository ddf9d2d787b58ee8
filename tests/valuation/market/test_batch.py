"""The batch path: same figures as the single asset, bad rows as data, and the loop baseline agrees."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from benchmarks.loops.market_loop import value_market_loop
from tests.valuation.market.conftest import SCORES, adjustments, bundled_index, database, make_asset, make_ctx
from valuation.market import (
    MARKET_BATCH_COLUMNS,
    MarketInputs,
    Selection,
    simulate_market,
    synthetic_market_columns,
    value_market,
    value_market_batch,
)
from valuation.models import DataAsset
from valuation.random import asset_keys

N_DRAWS = 64


def ctx(n_draws: int = N_DRAWS):
    return make_ctx(n_draws=n_draws, seed=5, price_index=bundled_index())


def row(asset_id: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "asset_id": asset_id,
        "name": "物流运单数据集",
        "field": "logistics",
        "region": "Zhejiang",
        "rights": "processing_use;holding",
        "source": "own_collection",
        "records": 4_000_000.0,
        "exclusivity": False,
        "delivery_form": "API",
        "update_frequency": "daily",
        **{f"q_{k}": v for k, v in SCORES.items()},
        "rights_term_end": None,
        "w_cost": 0.0,
        "w_income": 0.0,
        "w_market": 1.0,
        "market_top_k": np.nan,
        "market_beta": np.nan,
        "market_x2": np.nan,
        "market_field_only": None,
    }
    base.update(overrides)
    if "market_rights_valued" not in overrides and ";" in str(base["rights"]):
        base["market_rights_valued"] = str(base["rights"]).split(";")[0]  # several held: the right valued named
    return base


GOOD = [
    row("G1"),
    row(
        "G2",
        field="finance",
        region="national",
        rights="holding",
        records=25_000_000.0,
        exclusivity=True,
        delivery_form="data-service",
        market_top_k=5.0,
        market_beta=0.4,
        market_x2=1.05,
    ),
    row(
        "G3",
        field="healthcare",
        region="Guizhou",
        rights="product_operation",
        records=300_000.0,
        delivery_form="file",
        rights_term_end="2028-06-30",
        market_top_k=10.0,
        market_field_only=True,
    ),
    row(
        "G4",
        field="energy",
        region="Sichuan",
        records=80_000_000.0,
        delivery_form="sandbox",
        market_beta=1.0,
        market_field_only="true",
        rights_term_end="2026-05-31",
        q_timeliness=0.3,
    ),
]


def single(r: dict[str, Any]) -> tuple[DataAsset, MarketInputs]:
    """The flat row as a single asset and its inputs."""
    asset = make_asset(
        r["asset_id"],
        field=r["field"],
        region=r["region"],
        rights=r["rights"].split(";"),
        records=int(r["records"]),
        exclusivity=r["exclusivity"],
        delivery_form=r["delivery_form"],
        rights_term_end=None if r["rights_term_end"] is None else date.fromisoformat(r["rights_term_end"]),
        quality={**{k: r[f"q_{k}"] for k in SCORES}},
    )
    top_k = 8 if np.isnan(r["market_top_k"]) else int(r["market_top_k"])
    inputs = MarketInputs(
        beta=0.5 if np.isnan(r["market_beta"]) else r["market_beta"],
        x2=1.0 if np.isnan(r["market_x2"]) else r["market_x2"],
        selection=Selection(top_k=top_k, field_only=str(r["market_field_only"]).lower() == "true"),
        # the right the row names (several held), as the case file names it
        rights_valued=(r["rights"].split(";")[0],),
    )
    return asset, inputs


def batch(rows: list[dict[str, Any]], n_draws: int = N_DRAWS):
    table = pd.DataFrame(rows)
    return value_market_batch(
        table, ctx(n_draws), asset_keys(table["asset_id"]), database=database(), adjustments=adjustments()
    )


def test_columns_are_prefixed_and_described() -> None:
    names = [c.name for c in MARKET_BATCH_COLUMNS]
    assert names == ["market_top_k", "market_beta", "market_x2", "market_field_only", "market_aggregation",
                     "market_rights_valued"]
    assert all(c.description and not c.required for c in MARKET_BATCH_COLUMNS)


def test_batch_rows_equal_single_assets_value_and_draws() -> None:
    out = batch(GOOD)
    assert out.errors == [] and out.draws is not None and out.draws.shape == (len(GOOD), N_DRAWS)
    for k, r in enumerate(GOOD):
        asset, inputs = single(r)
        one = value_market(asset, inputs, ctx(), database=database(), adjustments=adjustments())
        assert out.values[k] == one.value  # identical, not just close
        assert np.array_equal(
            out.draws[k],
            simulate_market(asset, inputs, ctx(), database=database(), adjustments=adjustments()),
        )
        kept = ";".join(g.comp_id for g in one.detail.grid if g.kept)
        assert out.extra["market_comparables"][k] == kept
        assert out.extra["market_target_quality"][k] == pytest.approx(one.detail.target.quality, rel=1e-15)


def test_bad_rows_are_reported_and_the_others_valued() -> None:
    bad = [
        row("B1", records="many"),
        row("B2", records=None),
        row("B3", market_beta=1.5),
        row("B4", market_x2="high"),
        row("B5", market_top_k=2.0),
        row("B6", market_top_k=4.5),
        row("B7", q_accuracy=1.2),
        row("B8", q_timeliness=None),
        row("B9", delivery_form="fax"),
        row("B10", delivery_form=""),
        row("B11", rights=""),
        row("B12", rights="owner"),
        row("B13", rights_term_end="2025-06-30"),
        row("B14", rights_term_end="soon"),
        row("B15", exclusivity="maybe"),
    ]
    out = batch([GOOD[0], *bad, GOOD[1]])
    assert not np.isnan(out.values[0]) and not np.isnan(out.values[-1])
    assert np.isnan(out.values[1:-1]).all() and np.isnan(out.draws[1:-1]).all()
    found = {(e.asset_id, e.field, e.rule) for e in out.errors}
    assert found == {
        ("B1", "records", "invalid_input"),
        ("B2", "records", "missing_input"),
        ("B3", "market_beta", "invalid_input"),
        ("B4", "market_x2", "invalid_input"),
        ("B5", "market_top_k", "invalid_input"),
        ("B6", "market_top_k", "invalid_input"),
        ("B7", "q_accuracy", "invalid_input"),
        ("B8", "q_timeliness", "missing_input"),
        ("B9", "delivery_form", "unknown_delivery_form"),
        ("B10", "delivery_form", "missing_input"),
        ("B11", "rights", "missing_input"),
        ("B12", "rights", "invalid_input"),
        ("B13", "rights_term_end", "rights_term_ended"),
        ("B14", "rights_term_end", "invalid_input"),
        ("B15", "exclusivity", "invalid_input"),
    }
    messages = {e.asset_id: e.message for e in out.errors}
    assert "'many'" in messages["B1"] and "(0, 1], got 1.5" in messages["B3"] and "'fax'" in messages["B9"]
    assert "before the valuation date" in messages["B13"]
    alone = batch([GOOD[0], GOOD[1]])
    assert np.array_equal(out.values[[0, -1]], alone.values) and np.array_equal(
        out.draws[[0, -1]], alone.draws
    )


def test_rows_with_too_few_comparables() -> None:
    out = batch([row("S1", field="space", market_field_only=True), GOOD[0]])
    assert np.isnan(out.values[0]) and not np.isnan(out.values[1])
    (err,) = out.errors
    assert (err.asset_id, err.rule, err.field) == ("S1", "too_few_comparables", "market_field_only")
    assert "at least 3 comparables, 0 qualified (none)" in err.message and "field" in err.message


def test_dtypes_as_pandas_reads_them() -> None:
    table = pd.DataFrame(GOOD)
    table["rights_term_end"] = pd.to_datetime(table["rights_term_end"])
    table = table.astype({"field": "string", "region": "string", "delivery_form": "string"})
    out = value_market_batch(
        table, ctx(), asset_keys(table["asset_id"]), database=database(), adjustments=adjustments()
    )
    assert np.array_equal(out.values, batch(GOOD).values)


def test_no_draws_when_simulation_is_off() -> None:
    out = batch(GOOD[:2], n_draws=0)
    assert out.draws is None and not np.isnan(out.values).any()


def test_loop_baseline_agrees_with_the_batch() -> None:
    table = pd.DataFrame(GOOD)
    out = batch(GOOD)
    draws: list[list[float]] = []
    loop = value_market_loop(
        table, ctx(), N_DRAWS, database=database(), adjustments=adjustments(), draws_out=draws
    )
    assert np.allclose(loop, out.values, rtol=1e-6, atol=0)
    assert np.allclose(np.array(draws), out.draws, rtol=1e-6, atol=0)


def test_synthetic_columns() -> None:
    table = pd.DataFrame([row(f"S{i}") for i in range(200)], index=range(100, 300))
    cols = synthetic_market_columns(np.random.default_rng(1), table)
    assert list(cols.columns) == [c.name for c in MARKET_BATCH_COLUMNS] and cols.index.equals(table.index)
    assert cols["market_top_k"].between(3, 100).all() and cols["market_beta"].between(0, 1).all()
    assert (cols["market_x2"] > 0).all() and cols["market_field_only"].dtype == bool
    full = pd.concat([table.drop(columns=cols.columns, errors="ignore"), cols], axis=1)
    out = value_market_batch(
        full, ctx(16), asset_keys(full["asset_id"]), database=database(), adjustments=adjustments()
    )
    assert np.isfinite(out.values).mean() > 0.9
