"""Types shared by the vectorized batch functions of the three methods."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from base.errors import AssetError


@dataclass(frozen=True)
class BatchColumn:
    """One column of the flat batch table (one row per asset)."""

    name: str
    dtype: str  # "str", "float", "int", "bool", "date"
    required: bool
    unit: str
    description: str


@dataclass(frozen=True)
class BatchMethodOutput:
    """What a method's batch function returns for the rows it was given.

    values : (n,) CNY, NaN where the row failed
    draws  : (n, n_draws) Monte Carlo draws of the value, NaN rows where failed; None when n_draws == 0
    errors : one AssetError per problem found (a row may have several); failed rows have NaN values
    extra  : intermediate per-row figures for the tidy output, e.g. {"cost_C": ..., "cost_delta": ...}
    """

    values: np.ndarray
    draws: np.ndarray | None
    errors: list[AssetError]
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def blank_cells(raw: pd.Series) -> np.ndarray:
    """True where a cell of a batch column is empty: missing, or text of spaces only. A column of
    numbers, booleans or dates has no text to strip (and is not turned into text to find out)."""
    missing = raw.isna().to_numpy(dtype=bool)
    if raw.dtype.kind in "biufcmM":
        return missing
    return missing | (raw.astype("string").fillna("").str.strip() == "").to_numpy(dtype=bool)
