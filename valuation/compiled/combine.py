"""The batch's weighted sum of the methods' draws, V_d = Σ_m w_m·V_m,d, accumulated in one compiled
loop: ``total[rows] += weight[:, None] * np.nan_to_num(draws)`` to the bit (numpy's nan_to_num: NaN → 0,
±∞ → ±the largest float), without the two temporaries."""

from __future__ import annotations

import numba
import numpy as np


def add_weighted(total: np.ndarray, rows: np.ndarray, weight: np.ndarray, draws: np.ndarray) -> None:
    """Add ``weight[r] × nan_to_num(draws[r])`` to ``total[rows[r]]`` for each r, in place (rows unique)."""
    _add(total, np.asarray(rows, dtype=np.int64), np.asarray(weight, dtype=np.float64),
         np.ascontiguousarray(draws, dtype=np.float64))


@numba.njit(nogil=True, cache=True)
def _add(total: np.ndarray, rows: np.ndarray, weight: np.ndarray, draws: np.ndarray) -> None:
    largest = np.finfo(np.float64).max
    for r in range(rows.shape[0]):
        w, t = weight[r], rows[r]
        for j in range(draws.shape[1]):
            v = draws[r, j]
            if v != v:
                v = 0.0
            elif v == np.inf:
                v = largest
            elif v == -np.inf:
                v = -largest
            total[t, j] += w * v
