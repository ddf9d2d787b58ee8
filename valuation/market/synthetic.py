"""Plausible market columns for synthetic assets (the sample batch and the benchmarks): top_k mostly 8,
β around 0.5, X2 around 1, one asset in five restricted to comparables of its own field."""

from __future__ import annotations

import numpy as np
import pandas as pd


def synthetic_market_columns(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    """Plausible market columns for synthetic assets (shared columns already in ``table``)."""
    n = len(table)
    return pd.DataFrame(
        {
            "market_top_k": rng.choice(np.array([5, 8, 8, 10]), n),
            "market_beta": rng.choice(np.array([0.4, 0.5, 0.5, 0.6]), n),
            "market_x2": rng.choice(np.array([0.95, 1.0, 1.0, 1.0, 1.05]), n),
            "market_field_only": rng.random(n) < 0.2,
            # blank: the mean and the first right listed, as the sample batch was written (no draw taken,
            # so the seeded figures do not move)
            "market_aggregation": pd.Series([None] * n, dtype=object, index=table.index),
            "market_rights_valued": pd.Series([None] * n, dtype=object, index=table.index),
        },
        index=table.index,
    )
