"""Fixtures of the market-method tests: a hand-made price index, a reference asset, comparables.

The index is 100.0 in every month of 2015-01 .. 2026-12 except the months used by the hand-computed
grid, so each X3 can be written by hand (valuation month 2025-12):

    2023-09: 108.0  →  X3 = 135 / 108
    2024-06: 117.0  →  X3 = 135 / 117
    2025-03: 126.0  →  X3 = 135 / 126
    2025-12: 135.0  (the valuation month)

The X5 coefficients are those of the bundled data/market_adjustments.json, which the tests load (the
JSON file is the one source of the table).
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from valuation.context import ValuationContext
from valuation.market import AdjustmentTable, Comparable
from valuation.models import DataAsset, QualityScores
from valuation.price_index import PriceIndex

DATA = Path(__file__).resolve().parents[3] / "data"
VALUATION_DATE = date(2025, 12, 31)
LEVELS = {"2023-09": 108.0, "2024-06": 117.0, "2025-03": 126.0, "2025-12": 135.0}
# Six quality scores whose equal-weight mean is 4.8 / 6 = 0.8.
SCORES = {
    "accuracy": 0.9,
    "consistency": 0.8,
    "completeness": 0.7,
    "conformance": 0.8,
    "timeliness": 0.6,
    "accessibility": 1.0,
}


def small_index() -> PriceIndex:
    points = {f"{y}-{m:02d}": 100.0 for y in range(2015, 2027) for m in range(1, 13)}
    points.update(LEVELS)
    return PriceIndex(name="test index", source="hand-made for tests", points=points)


def make_ctx(
    n_draws: int = 0,
    seed: int = 7,
    valuation_date: date = VALUATION_DATE,
    price_index: PriceIndex | None = None,
) -> ValuationContext:
    return ValuationContext(
        valuation_date=valuation_date, price_index=price_index or small_index(), seed=seed, n_draws=n_draws
    )


def make_asset(asset_id: str = "A1", **overrides: Any) -> DataAsset:
    """Logistics data in Zhejiang (tier_1), processing-use rights, API, 4 m records, quality 0.8."""
    fields: dict[str, Any] = {
        "asset_id": asset_id,
        "name": "物流运单数据集",
        "field": "logistics",
        "region": "Zhejiang",
        "rights": ["processing_use"],
        "source": "own_collection",
        "records": 4_000_000,
        "exclusivity": False,
        "delivery_form": "API",
        "quality": QualityScores(**SCORES, evidence="profiling report QR-2025-07"),
    }
    fields.update(overrides)
    return DataAsset(**fields)


def make_comp(comp_id: str, **overrides: Any) -> Comparable:
    """A comparable that matches the reference asset in every attribute, dated in the valuation month."""
    fields: dict[str, Any] = {
        "comp_id": comp_id,
        "venue": "浙江大数据交易中心",
        "date": date(2025, 12, 1),
        "rights_type": "processing_use",
        "field": "logistics",
        "region": "Zhejiang",
        "records": 4_000_000,
        "quality": 0.8,
        "exclusivity": False,
        "delivery_form": "api",
        "term_years": None,
        "price": 100_000.0,
    }
    fields.update(overrides)
    return Comparable(**fields)


@cache
def adjustments() -> AdjustmentTable:
    return AdjustmentTable.model_validate_json((DATA / "market_adjustments.json").read_text(encoding="utf-8"))


@cache
def database() -> tuple[Comparable, ...]:
    """The bundled (illustrative) comparables, read as the shell reads them."""
    with (DATA / "comparables.csv").open(encoding="utf-8", newline="") as f:
        return tuple(
            Comparable.model_validate({k: (v if v != "" else None) for k, v in row.items()})
            for row in csv.DictReader(f)
        )


@cache
def bundled_index() -> PriceIndex:
    with (DATA / "price_index.csv").open(encoding="utf-8", newline="") as f:
        points = {r["month"]: float(r["level"]) for r in csv.DictReader(f)}
    return PriceIndex(name="bundled illustrative index", source="price_index.csv", points=points)
