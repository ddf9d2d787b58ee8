"""Realistic cost columns for synthetic assets (the 1,000-asset sample batch and the 100,000 benchmark).

Magnitudes (illustrative): total historical cost lognormal with median
CNY 2.5 m (about 0.4 m to 15 m between the 2nd and 98th percentile), split about 14 % planning,
48 % construction, 24 % operation, 14 % indirect; costs incurred between 2019-01-01 and 30 days
before the row's valuation_date (2024-06-30 when the table has none); opportunity rate 3 %-6 % for
60 % of assets over 1-3 years; related taxes 6 % for 40 %; δ by quality, life or both where the
quality scores are filled, by life otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuation.models import QUALITY_DIMENSIONS

from .batch import AMOUNT_COLUMNS

EARLIEST = np.datetime64("2019-01-01")
DEFAULT_LATEST = np.datetime64("2024-06-30")


def _latest_dates(table: pd.DataFrame) -> np.ndarray:
    n = len(table)
    latest = np.full(n, DEFAULT_LATEST)
    if "valuation_date" in table.columns:
        parsed = pd.to_datetime(table["valuation_date"], errors="coerce").to_numpy().astype("datetime64[D]")
        known = ~np.isnat(parsed)
        latest[known] = parsed[known] - np.timedelta64(30, "D")
    return np.maximum(latest, EARLIEST)


def synthetic_cost_columns(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    """Cost columns (:data:`~valuation.cost.batch.COST_BATCH_COLUMNS`) for the rows of ``table``.

    ``table`` holds the shared columns already filled; the result has the same index.
    """
    n = len(table)
    total = np.exp(rng.normal(np.log(2_500_000.0), 0.9, n))
    shares = rng.dirichlet([1.5, 5.0, 2.5, 1.5], n)
    amounts = np.round(total[:, None] * shares, 2)
    out: dict[str, object] = {}
    for j, col in enumerate(AMOUNT_COLUMNS):
        blank = rng.random(n) < (0.10 if col in ("cost_planning", "cost_indirect") else 0.0)
        out[col] = np.where(blank, np.nan, amounts[:, j])

    latest = _latest_dates(table)
    span = (latest - EARLIEST).astype(np.int64)
    incurred = EARLIEST + (rng.random(n) * (span + 1)).astype(np.int64)
    out["cost_incurred_on"] = np.datetime_as_string(incurred, unit="D")

    with_opportunity = rng.random(n) < 0.6
    out["cost_opportunity_rate"] = np.where(with_opportunity, np.round(rng.uniform(0.03, 0.06, n), 4), np.nan)
    out["cost_holding_years"] = np.where(with_opportunity, rng.choice([1.0, 1.5, 2.0, 2.5, 3.0], n), np.nan)
    out["cost_tax_rate"] = np.where(rng.random(n) < 0.4, 0.06, np.nan)

    q_cols = [f"q_{d.value}" for d in QUALITY_DIMENSIONS]
    if all(c in table.columns for c in q_cols):
        scores = table[q_cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
        has_quality = ~np.isnan(scores).any(axis=1)
    else:
        has_quality = np.zeros(n, dtype=bool)
    basis = np.where(has_quality, rng.choice(["quality", "life", "both"], n, p=[0.4, 0.3, 0.3]), "life")
    out["cost_delta_basis"] = basis
    uses_life = basis != "quality"
    out["cost_elapsed_years"] = np.where(uses_life, np.round(rng.uniform(0.5, 4.0, n) * 4) / 4, np.nan)
    out["cost_remaining_years"] = np.where(uses_life, np.round(rng.uniform(2.0, 8.0, n) * 4) / 4, np.nan)
    return pd.DataFrame(out, index=table.index)
