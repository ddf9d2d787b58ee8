"""Plausible market columns for synthetic assets (the sample batch and the benchmarks): top_k mostly 8,
β around 0.5, X2 around 1, one asset in five restricted to comparables of its own field; an asset
holding several rights is appraised for the first one listed, named in ``market_rights_valued``."""

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
            # blank: the mean (the case file's default); no draw taken, so the seeded figures do not move
            "market_aggregation": pd.Series([None] * n, dtype=object, index=table.index),
            "market_rights_valued": _first_of_several(table),
        },
        index=table.index,
    )


def _first_of_several(table: pd.DataFrame) -> pd.Series:
    """The first right listed where ``rights`` lists several (blank where it lists one)."""
    rights = [str(r) for r in table["rights"].fillna("")] if "rights" in table.columns else [""] * len(table)
    named = [r.split(";")[0].strip() if ";" in r else None for r in rights]
    return pd.Series(named, dtype=object, index=table.index)
