"""The cost method's batch Monte Carlo as one compiled loop (docs/valuation.md §Cost method), equal to the bit
to valuation.cost.draws.draw_drivers + valuation.cost.kernel.cost_build_up for the batch's case: 机会成本 and 相关税费
by rate (no amounts), the default tax base (前期 + 直接 + 间接, not 机会成本), triangular or uniform spreads.

Per asset and draw: each driver in use with a spread is ``clip(b × m, bounds)`` or ``clip(b + s,
bounds)`` with m, s from its stream's uniform; then

    capital = 前期 + 直接—建设 + 直接—运维 + 间接
    机会成本 = r × capital × holding years;  相关税费 = τ × capital (no tax on an imputed return)
    P = (capital + 机会成本 + 相关税费) × δ
"""

from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np

from valuation.random import stream_starts

from .encoding import HELD, Encoded
from .spreads import draw_row

DRIVERS = ("planning", "direct_construction", "direct_operation", "indirect", "opportunity", "taxes",
           "opportunity_rate", "holding_years", "tax_rate", "delta")
"""The drivers in ``valuation.cost.kernel.CostDrivers`` order (a test holds the two equal); the loop reads
them by the positions below."""
(PLANNING, CONSTRUCTION, OPERATION, INDIRECT, OPPORTUNITY, TAXES, RATE, YEARS, TAX_RATE,
 DELTA) = range(len(DRIVERS))


def cost_draws(
    base: Sequence[np.ndarray], moving: np.ndarray, spreads: Encoded, *, bounds: np.ndarray, seed: int,
    keys: np.ndarray, stream_base: int, n_draws: int,
) -> np.ndarray:
    """P for each asset and draw, shape (n, n_draws), CNY.

    ``base`` drivers (n,) each; ``moving`` (n, 10) True where a driver is drawn (in use and with a
    spread); ``spreads`` the drivers' spreads and ``bounds`` (10, 2) their clipping bounds, in
    :data:`DRIVERS` order; driver i draws from stream ``stream_base + i``. The opportunity and taxes
    amounts must be 0 (the batch's case).
    """
    n = len(keys)
    if np.any(base[OPPORTUNITY]) or np.any(base[TAXES]):
        raise ValueError("the compiled cost kernel covers 机会成本 and 相关税费 by rate only (amounts must be 0)")
    b = np.column_stack([np.asarray(x, dtype=np.float64) for x in base]) if n else np.empty((0, len(DRIVERS)))
    starts = np.column_stack([stream_starts(seed, keys, stream_base + i) for i in range(len(DRIVERS))])
    bounds = np.asarray(bounds, dtype=np.float64)
    out = np.empty((n, n_draws))
    _cost_loop(np.ascontiguousarray(b), np.ascontiguousarray(moving, dtype=np.bool_), starts, *spreads,
               bounds[:, 0].copy(), bounds[:, 1].copy(), out)
    return out


@numba.njit(nogil=True, cache=True)
def _cost_loop(base: np.ndarray, moving: np.ndarray, starts: np.ndarray, kind: np.ndarray, multiply: np.ndarray,
               low: np.ndarray, high: np.ndarray, centre: np.ndarray, mode: np.ndarray, bound_lo: np.ndarray,
               bound_hi: np.ndarray, out: np.ndarray) -> np.ndarray:
    n, n_draws = out.shape
    k = base.shape[1]
    x = np.empty((k, n_draws))  # one asset's drivers, draw by draw (a driver not drawn stays at base)
    for i in range(n):
        for d in range(k):
            if moving[i, d] and kind[d] != HELD:
                draw_row(x[d], starts[i, d], base[i, d], kind[d], multiply[d], low[d], high[d], centre[d],
                         mode[d], bound_lo[d], bound_hi[d])
            else:
                x[d, :] = base[i, d]
        for j in range(n_draws):
            capital = x[PLANNING, j] + x[CONSTRUCTION, j] + x[OPERATION, j] + x[INDIRECT, j]
            opportunity = x[RATE, j] * capital * x[YEARS, j]
            taxes = x[TAX_RATE, j] * capital
            out[i, j] = (capital + opportunity + taxes) * x[DELTA, j]
    return out
