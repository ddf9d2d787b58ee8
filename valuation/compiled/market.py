"""The market method's Monte Carlo after X4 as one compiled loop (docs/valuation.md §Market method), equal to
the bit to valuation.market.grid.simulate's numpy path: per asset and draw,

    X2_d  = X2_k × m_d                     (m_d from stream 301, one factor for all comparables)
    P'_kd = Q_k·X1_k · X2_kd · X3_k · X4_kd · X5_k        (multiplied in that order)
    V_d   = Σ_j w_s·P'_sd / Σ_j w_s,  s = order[min(floor(u_jd·m), m − 1)],  j < m   (bootstrap)

X4 = (records ratio)^β_d comes in computed by numpy (a power: numpy's and the C library's differ in
the last bit), so the compiled loop uses only ×, ÷, + and the uniforms.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .encoding import Encoded
from .random import uniform
from .spreads import factor


def bootstrap_draws(
    x4: np.ndarray,
    price_x1: np.ndarray,
    x2: np.ndarray,
    x3: np.ndarray,
    x5: np.ndarray,
    weights: np.ndarray,
    order: np.ndarray,
    m: np.ndarray,
    x2_spread: Encoded,
    x2_starts: np.ndarray,
    slot_starts: np.ndarray,
) -> np.ndarray:
    """V per asset and draw, shape (n, D), CNY.

    ``x4`` (n, k, D); ``price_x1`` (Q·X1), ``x2``, ``x3``, ``x5``, ``weights`` (n, k); ``order`` (n, k)
    slot positions, kept comparables first; ``m`` (n,) kept comparables; ``x2_spread`` the X2 spread
    (one row); ``x2_starts`` (n,) and ``slot_starts`` (n, k) the start words of streams 301 and 302 + j.
    """
    n, _k, n_draws = x4.shape
    out = np.empty((n, n_draws))
    _loop(np.ascontiguousarray(x4), price_x1, x2, x3, x5, np.ascontiguousarray(weights, dtype=np.float64),
          np.ascontiguousarray(order, dtype=np.int64), np.asarray(m, dtype=np.int64),
          int(x2_spread.kind[0]), bool(x2_spread.multiply[0]), float(x2_spread.low[0]),
          float(x2_spread.high[0]), float(x2_spread.centre[0]), float(x2_spread.mode[0]),
          np.asarray(x2_starts, dtype=np.uint64), np.ascontiguousarray(slot_starts, dtype=np.uint64), out)
    return out


@numba.njit(nogil=True, cache=True, error_model="numpy")
def _loop(x4: np.ndarray, price_x1: np.ndarray, x2: np.ndarray, x3: np.ndarray, x5: np.ndarray,
          weights: np.ndarray, order: np.ndarray, m: np.ndarray, kind: int, multiply: bool, lo: float, hi: float,
          centre: float, mode: float, x2_starts: np.ndarray, slot_starts: np.ndarray,
          out: np.ndarray) -> np.ndarray:
    n, k, n_draws = x4.shape
    adjusted = np.empty((n_draws, k))  # draw-major: a draw's picks fall in one short row (cache)
    kept_weight = np.empty(k)
    f = np.empty(n_draws)
    num = np.empty(n_draws)
    den = np.empty(n_draws)
    for i in range(n):
        mi = m[i]
        for j in range(n_draws):
            f[j] = factor(kind, uniform(x2_starts[i], j), lo, hi, centre, mode)
        for s in range(mi):  # only kept comparables are ever picked
            c = order[i, s]
            kept_weight[s] = weights[i, c]
            q_x1, x2_c, x3_c, x5_c = price_x1[i, c], x2[i, c], x3[i, c], x5[i, c]
            for j in range(n_draws):
                x2d = x2_c * f[j] if multiply else x2_c + f[j]
                adjusted[j, s] = q_x1 * x2d * x3_c * x4[i, c, j] * x5_c
        for j in range(n_draws):
            num[j] = 0.0
            den[j] = 0.0
        for s in range(mi):
            start = slot_starts[i, s]
            for j in range(n_draws):
                pick = min(math.floor(uniform(start, j) * mi), mi - 1)
                w = kept_weight[pick]
                num[j] += w * adjusted[j, pick]
                den[j] += w
        for j in range(n_draws):
            out[i, j] = num[j] / den[j]
    return out
