"""Realistic income columns for synthetic assets (the 1,000-asset sample and the benchmarks). Illustrative.

Magnitudes: a data asset's own cash flow of roughly ¥0.1 m to ¥10 m a year, so values of about ¥0.5 m
to ¥50 m; split rates 10 %–33 %: up to 15 % on the business's revenue (销售收入分成), above it on its
profit (利润分成, the 25 %–33 % rule of thumb belongs there), profit being revenue × a 20 % margin;
discount rates 8 %–16 % (10-year CGB about 1.6 %–2.5 % plus data-asset premiums); tax 25 % or 15 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .inputs import MAX_REVENUE_SPLIT_RATE, IncomeForm, SplitBase

_FORMS = np.array([f.value for f in IncomeForm])
_FORM_P = np.array([0.25, 0.40, 0.20, 0.15])  # direct, split, excess_earnings, incremental
# Median B_1 (CNY a year) by form: own revenue, the business revenue, its earnings, the increment.
_BASE_MEDIAN = {"direct": 3e6, "split": 2.5e7, "excess_earnings": 8e6, "incremental": 1.5e6}
PROFIT_MARGIN = 0.20  # 销售利润率 of the businesses whose profit a split above 15 % multiplies (illustrative)


def synthetic_income_columns(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    """The ``income_*`` columns for every row of ``table`` (shared columns already filled), same index."""
    n = len(table)
    form = rng.choice(_FORMS, n, p=_FORM_P)
    median = np.vectorize(_BASE_MEDIAN.__getitem__, otypes=[np.float64])(form) if n else np.zeros(0)
    records = (
        pd.to_numeric(table["records"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if "records" in table.columns
        else np.full(n, np.nan)
    )
    # Larger datasets earn somewhat more: elasticity 0.3 around 5 m records.
    size = np.where(np.isfinite(records) & (records > 0), (np.maximum(records, 1.0) / 5e6) ** 0.3, 1.0)
    base = np.round(median * size * np.exp(rng.normal(0.0, 0.6, n)), -2)
    is_ = {f: form == f for f in _FORMS}
    split_rate = np.where(is_["split"], np.round(rng.uniform(0.10, 0.33, n), 3), np.nan)
    # the base each rate belongs to (no draw taken: the other columns' seeded draws do not move)
    on_profit = is_["split"] & (split_rate > MAX_REVENUE_SPLIT_RATE)
    split_base = np.where(is_["split"], np.where(on_profit, SplitBase.PROFIT.value, SplitBase.REVENUE.value),
                          np.full(n, None, dtype=object))
    base = np.where(on_profit, np.round(base * PROFIT_MARGIN, -2), base)
    margin = np.where(is_["direct"], np.round(rng.uniform(0.30, 0.75, n), 3), np.nan)
    contributory = np.where(is_["excess_earnings"], np.round(rng.uniform(0.45, 0.80, n), 3), np.nan)
    decay = np.where(rng.random(n) < 0.4, 0.0, np.round(rng.uniform(0.02, 0.15, n), 3))
    pre_tax = rng.random(n) < 0.25
    tax_rate = np.where(pre_tax, np.where(rng.random(n) < 0.3, 0.15, 0.25), np.nan)
    partial = rng.random(n) < 0.2
    return pd.DataFrame(
        {
            "income_form": form,
            "income_base_y1": base,
            "income_growth": np.round(rng.uniform(-0.02, 0.12, n), 3),
            "income_split_rate": split_rate,
            "income_margin": margin,
            "income_contributory_rate": contributory,
            "income_decay": decay,
            "income_economic_life": rng.integers(3, 11, n).astype(np.float64),
            "income_discount_rate": np.round(rng.uniform(0.08, 0.16, n), 4),
            "income_timing": np.where(rng.random(n) < 0.3, "mid", "end"),
            "income_first_period_years": np.where(partial, np.round(rng.uniform(0.25, 0.95, n), 2), 1.0),
            "income_tax_rate": tax_rate,
            "income_cash_flow_basis": np.where(pre_tax, "pre_tax", "after_tax"),
            "income_rate_basis": "after_tax",
            "income_split_base": pd.Series(split_base, dtype=object, index=table.index),
            "income_split_rate_reason": pd.Series([None] * n, dtype=object, index=table.index),
            "income_profit_margin": np.where(is_["split"], PROFIT_MARGIN, np.nan),
        },
        index=table.index,
    )
