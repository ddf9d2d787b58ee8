"""Choosing comparables from a database, and the hedonic cross-check on the bundled database."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from tests.valuation.market.conftest import (
    adjustments,
    bundled_index,
    database,
    make_asset,
    make_comp,
    make_ctx,
)
from valuation.errors import TooFewComparables
from valuation.market import MarketInputs, Selection, value_market
from valuation.market.hedonic import MIN_HEDONIC
from valuation.market.kernel import select_top_k


def test_top_k_ties_broken_by_database_order_whatever_the_batch_width() -> None:
    score = np.array([[0.5, 0.9, 0.5, 0.7, 0.5, 0.1]])
    eligible = np.ones_like(score, dtype=bool)
    index, valid = select_top_k(score, eligible, np.array([3]))
    assert index[0][valid[0]].tolist() == [0, 1, 3]  # 0.9, 0.7, then the first 0.5
    # the same row inside a wider batch (k_max = 5) chooses the same comparables
    wide = np.vstack([score, score])
    index, valid = select_top_k(wide, np.ones_like(wide, dtype=bool), np.array([3, 5]))
    assert index[0][valid[0]].tolist() == [0, 1, 3]
    assert index[1][valid[1]].tolist() == [0, 1, 2, 3, 4]


def test_top_k_skips_ineligible_and_pads() -> None:
    score = np.array([[0.9, 0.8, 0.7, 0.6]])
    eligible = np.array([[True, False, True, False]])
    index, valid = select_top_k(score, eligible, np.array([3]))
    assert index[0][valid[0]].tolist() == [0, 2] and valid.sum() == 2


def small_db():
    """Six comparables: three logistics (one dated after the valuation date), three finance."""
    return (
        make_comp("L1", price=100_000),
        make_comp("L2", price=110_000, region="Shanghai"),
        make_comp("L3", price=120_000, date=date(2026, 3, 1)),  # after 2025-12-31: never used
        make_comp("F1", field="finance", price=90_000),
        make_comp("F2", field="finance", price=95_000, delivery_form="file"),
        make_comp("F3", field="finance", price=97_000, rights_type="holding"),
    )


def test_selection_picks_the_most_similar_and_leaves_out_later_trades() -> None:
    result = value_market(
        make_asset(),
        MarketInputs(selection=Selection(top_k=3)),
        make_ctx(),
        database=small_db(),
        adjustments=adjustments(),
    )
    chosen = [r.comp_id for r in result.detail.grid]
    # L1 and L2 share the field (0.25); of the finance trades F1 matches in everything else, F2 differs in
    # delivery form (0.10 less) and F3 in rights type (0.15 less): F1 is third.
    assert chosen == ["L1", "L2", "F1"]
    assert result.detail.pool_size == 5  # L3 is dated after the valuation date
    scores = {c.comp_id: c.score for c in result.detail.candidates}
    assert scores["L1"] == pytest.approx(1.0)  # identical in every component
    assert scores["L2"] == pytest.approx(1.0 - 0.10 * 0.5)  # same tier, not same region
    assert scores["F2"] == pytest.approx(1.0 - 0.25 - 0.10)


def test_field_only_and_filters_leave_too_few() -> None:
    with pytest.raises(TooFewComparables) as info:
        value_market(
            make_asset("DA-3"),
            MarketInputs(selection=Selection(field_only=True)),
            make_ctx(),
            database=small_db(),
            adjustments=adjustments(),
        )
    assert "2 qualified (L1, L2)" in str(info.value) and info.value.field == "market.selection"
    result = value_market(
        make_asset(),
        MarketInputs(selection=Selection(fields=("finance",))),
        make_ctx(),
        database=small_db(),
        adjustments=adjustments(),
    )
    assert [r.comp_id for r in result.detail.grid] == ["F1", "F2", "F3"]
    windowed = value_market(
        make_asset(),
        MarketInputs(selection=Selection(date_from=date(2025, 1, 1), rights_types=("processing_use",))),
        make_ctx(),
        database=small_db(),
        adjustments=adjustments(),
    )
    assert [r.comp_id for r in windowed.detail.grid] == ["L1", "L2", "F1", "F2"]


def test_min_similarity_filters_the_pool() -> None:
    result = value_market(
        make_asset(),
        MarketInputs(selection=Selection(min_similarity=0.7)),
        make_ctx(),
        database=small_db(),
        adjustments=adjustments(),
    )
    # L1 1.0, L2 1 − 0.05 = 0.95, F1 1 − 0.25 = 0.75 stay; F2 1 − 0.25 − 0.10 = 0.65 and
    # F3 1 − 0.25 − 0.15 = 0.60 fall below 0.7
    assert result.detail.pool_size == 3
    assert [r.comp_id for r in result.detail.grid] == ["L1", "L2", "F1"]
    with pytest.raises(TooFewComparables):
        value_market(
            make_asset(),
            MarketInputs(selection=Selection(min_similarity=0.96)),
            make_ctx(),
            database=small_db(),
            adjustments=adjustments(),
        )


def test_hedonic_cross_check_on_the_bundled_database() -> None:
    ctx = make_ctx(price_index=bundled_index())
    result = value_market(make_asset(), MarketInputs(), ctx, database=database(), adjustments=adjustments())
    h = result.detail.hedonic
    assert h is not None, result.detail.hedonic_note
    assert h.n == result.detail.pool_size >= MIN_HEDONIC
    assert h.interval_low < h.prediction < h.interval_high
    assert h.alpha == 0.10 and 0.5 < h.r_squared <= 1
    coef = {c.term: c.estimate for c in h.coefficients}
    # the generator's model: ln price = … + 0.40·ln(records) + 0.30·exclusive (± sampling error)
    assert coef["ln_records"] == pytest.approx(0.40, abs=0.05)
    assert coef["exclusive"] == pytest.approx(0.30, abs=0.2)
    assert h.target_terms["ln_records"] == pytest.approx(math.log(4_000_000))
    assert h.target_terms["months_since_2022"] == 47  # 2025-12
    names = {f.name for f in result.figures}
    assert {"hedonic_prediction", "hedonic_interval_low", "hedonic_interval_high"} <= names
    assert any("ILLUSTRATIVE" in a for a in result.assumptions)


def test_hedonic_skipped_with_its_reason_when_few_qualify() -> None:
    comps = tuple(make_comp(f"C{i}", price=100_000 + 1_000 * i) for i in range(5))
    result = value_market(
        make_asset(), MarketInputs(comparables=comps), make_ctx(), adjustments=adjustments()
    )
    assert result.detail.hedonic is None
    assert (
        "5 comparables qualify" in result.detail.hedonic_note and "at least 20" in result.detail.hedonic_note
    )
