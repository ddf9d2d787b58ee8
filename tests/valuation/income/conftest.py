"""Fixtures of the income-method tests: a valuation date, a context, an asset, and inputs from dicts.

Valuation date 2025-12-31, so period k (f = 1) ends on 31 December 2025 + k years and a term ending
2028-12-31 is exactly 3 years away, one ending 2028-06-30 exactly 2.5 years (relativedelta: 2 y 6 m 0 d).
The income method does not restate, so the price index is a single month.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from valuation.context import ValuationContext
from valuation.income import IncomeInputs
from valuation.models import DataAsset
from valuation.price_index import PriceIndex

VALUATION_DATE = date(2025, 12, 31)
MONEY = 0.005

# i = 2 % + 3 % + 2 % + 1 % = 8 % (risk-free + management + data security + regulatory)
BUILD_UP_8 = {
    "risk_free": 0.02,
    "premiums": [
        {"name": "management", "rate": 0.03, "evidence": "new team"},
        {"name": "data_security", "rate": 0.02, "evidence": "personal data"},
        {"name": "regulatory", "rate": 0.01, "evidence": "rules in flux"},
    ],
    "evidence": "10y CGB 2 %",
}


def rate(i: float, **extra: Any) -> dict[str, Any]:
    """A WACC-style rate of exactly i (asset premium 0), after-tax unless overridden."""
    return {"wacc": i, "asset_premium": 0.0, **extra}


def make_ctx(n_draws: int = 0, seed: int = 11) -> ValuationContext:
    index = PriceIndex(name="flat", points={"2025-12": 100.0})
    return ValuationContext(valuation_date=VALUATION_DATE, price_index=index, seed=seed, n_draws=n_draws)


def make_asset(asset_id: str = "INC-1", **overrides: Any) -> DataAsset:
    fields: dict[str, Any] = {
        "asset_id": asset_id,
        "name": "城市停车数据",
        "rights": ("holding", "processing_use"),
        "source": "authorized_operation",
    }
    fields.update(overrides)
    return DataAsset(**fields)


def make_inputs(**fields: Any) -> IncomeInputs:
    return IncomeInputs.model_validate(fields)


@pytest.fixture
def ctx() -> ValuationContext:
    return make_ctx()


@pytest.fixture
def asset() -> DataAsset:
    return make_asset()
