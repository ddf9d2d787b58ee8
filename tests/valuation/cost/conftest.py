"""Fixtures of the cost-method tests: a small hand-made price index and a reference asset.

The index is 100.0 in every month of 2015-01 .. 2025-12 except the months the tests restate from or
to, whose levels are set here so each restatement factor can be written by hand:

    2022-03: 96.0   →  factor to 2024-12 = 120 / 96  = 1.25
    2023-06: 100.0  →  factor to 2024-12 = 120 / 100 = 1.2
    2024-12: 120.0  (the valuation month)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from valuation.context import ValuationContext
from valuation.cost import CostInputs
from valuation.models import DataAsset, QualityScores
from valuation.price_index import PriceIndex

VALUATION_DATE = date(2024, 12, 31)
LEVELS = {"2022-03": 96.0, "2023-06": 100.0, "2024-12": 120.0}

# Reference quality: weights and scores chosen so δ_q is easy by hand.
WEIGHTS = {
    "accuracy": 0.3,
    "consistency": 0.2,
    "completeness": 0.2,
    "conformance": 0.1,
    "timeliness": 0.1,
    "accessibility": 0.1,
}
SCORES = {
    "accuracy": 0.9,
    "consistency": 0.8,
    "completeness": 0.7,
    "conformance": 0.6,
    "timeliness": 0.5,
    "accessibility": 1.0,
}


def small_index() -> PriceIndex:
    points = {f"{y}-{m:02d}": 100.0 for y in range(2015, 2026) for m in range(1, 13)}
    points.update(LEVELS)
    return PriceIndex(name="test index", source="hand-made for tests", points=points)


def make_ctx(n_draws: int = 0, seed: int = 7) -> ValuationContext:
    return ValuationContext(
        valuation_date=VALUATION_DATE, price_index=small_index(), seed=seed, n_draws=n_draws
    )


def make_asset(asset_id: str = "A1", **overrides: Any) -> DataAsset:
    fields: dict[str, Any] = {
        "asset_id": asset_id,
        "name": "logistics tracks",
        "rights": ("holding", "processing_use"),
        "source": "own_collection",
        "quality": QualityScores(**SCORES, evidence="profiling report 2024-11"),
    }
    fields.update(overrides)
    return DataAsset(**fields)


def reference_lines() -> list[dict[str, Any]]:
    """Historical lines (CNY). Restated by hand:

    planning      100,000 (2022-03) × 1.25 = 125,000
    construction  400,000 (2022-03) × 1.25 = 500,000
    construction  200,000 (2023-06) × 1.2  = 240,000
    operation     150,000 (2023-06) × 1.2  = 180,000
    indirect       50,000 (2024-01) kept as given (restate = false) = 50,000
    """
    return [
        {
            "category": "planning",
            "item": "feasibility study",
            "amount": 100_000,
            "incurred_on": "2022-03-15",
            "evidence": "invoice F-001",
        },
        {
            "category": "direct_construction",
            "item": "collection and cleaning",
            "amount": 400_000,
            "incurred_on": "2022-03-20",
            "evidence": "timesheets Q1 2022",
        },
        {
            "category": "direct_construction",
            "item": "labelling",
            "amount": 200_000,
            "incurred_on": "2023-06-01",
            "evidence": "contract L-17",
        },
        {
            "category": "direct_operation",
            "item": "storage and security",
            "amount": 150_000,
            "incurred_on": "2023-06-30",
            "evidence": "cloud bills",
        },
        {
            "category": "indirect",
            "item": "shared platform",
            "amount": 50_000,
            "incurred_on": "2024-01-10",
            "evidence": "allocation key: CPU hours",
            "restate": False,
        },
    ]


# Σ restated of the reference lines: 125,000 + 500,000 + 240,000 + 180,000 + 50,000
REFERENCE_C = 125_000 + (500_000 + 240_000) + 180_000 + 50_000
# δ_q = Σ w_j s_j = .3×.9 + .2×.8 + .2×.7 + .1×.6 + .1×.5 + .1×1.0
REFERENCE_DELTA_Q = 0.3 * 0.9 + 0.2 * 0.8 + 0.2 * 0.7 + 0.1 * 0.6 + 0.1 * 0.5 + 0.1 * 1.0


def make_inputs(**overrides: Any) -> CostInputs:
    raw: dict[str, Any] = {
        "lines": reference_lines(),
        "delta": {"basis": "quality", "quality_weights": WEIGHTS, "evidence": "expert panel 2024-12"},
    }
    raw.update(overrides)
    return CostInputs.model_validate(raw)


@pytest.fixture
def ctx() -> ValuationContext:
    return make_ctx()


@pytest.fixture
def asset() -> DataAsset:
    return make_asset()
