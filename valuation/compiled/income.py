"""The income method's batch Monte Carlo after the powers as one compiled loop
(docs/valuation.md §Income method), equal to the bit to valuation.income.draws.draw_inputs + value_drawn for
the batch's case (finite life, no terminal value, no ETS interval): per asset, draw d and period k,

    B_dk = B_k × m_d (or B_k + s_d), floored at 0 for revenue forms;  S_dk = S_k × m'_d (or + s'_d)
    F_dk = B_dk × S_dk × (1 − δ_d)^(k−1) × τ·c_k × (1 + i_d)^(−t_k),  V_d = Σ_k F_dk (first to last)

The spreads' factors per draw (m_d, m'_d, from valuation.compiled.factors) and the decay and discount
factors (powers, by numpy: numpy's and the C library's pow differ in the last bit) come in computed, so
the compiled loop, which does the (asset × draw × period) work, uses only × and +.
"""

from __future__ import annotations

import numba
import numpy as np


def income_draws(
    base: np.ndarray,
    share: np.ndarray,
    base_factor: np.ndarray | None,
    base_multiply: bool,
    floor_base: np.ndarray,
    share_factor: np.ndarray | None,
    share_multiply: bool,
    tax_coverage: np.ndarray,
    decayed: np.ndarray,
    discount: np.ndarray,
) -> np.ndarray:
    """V per asset and draw, shape (n, D), CNY.

    ``base``, ``share``, ``tax_coverage`` (τ·c_k) (n, T); ``base_factor``, ``share_factor`` (n, D) the
    spreads' factors (or addends, when not ``*_multiply``) per draw, None = held at base;
    ``floor_base`` (n,) rows whose drawn base is floored at 0; ``decayed``, ``discount`` (n, D, T).
    """
    n, n_draws, _t = discount.shape
    out = np.empty((n, n_draws))
    none = np.empty((0, 0))
    _loop(np.ascontiguousarray(base, dtype=np.float64), np.ascontiguousarray(share, dtype=np.float64),
          none if base_factor is None else np.ascontiguousarray(base_factor, dtype=np.float64),
          base_factor is not None, base_multiply, np.asarray(floor_base, dtype=np.bool_),
          none if share_factor is None else np.ascontiguousarray(share_factor, dtype=np.float64),
          share_factor is not None, share_multiply, np.ascontiguousarray(tax_coverage, dtype=np.float64),
          np.ascontiguousarray(decayed), np.ascontiguousarray(discount), out)
    return out


@numba.njit(nogil=True, cache=True)
def _loop(base: np.ndarray, share: np.ndarray, fb: np.ndarray, draw_base: bool, base_multiply: bool,
          floor_base: np.ndarray, fs: np.ndarray, draw_share: bool, share_multiply: bool,
          tax_coverage: np.ndarray, decayed: np.ndarray, discount: np.ndarray, out: np.ndarray) -> np.ndarray:
    n, n_draws, periods = discount.shape
    for i in range(n):
        for j in range(n_draws):
            total = 0.0
            for k in range(periods):
                b = base[i, k]
                if draw_base:
                    b = b * fb[i, j] if base_multiply else b + fb[i, j]
                    if floor_base[i] and b < 0.0:  # np.maximum(b, 0): NaN and 0 kept
                        b = 0.0
                s = share[i, k]
                if draw_share:
                    s = s * fs[i, j] if share_multiply else s + fs[i, j]
                f = b * s * decayed[i, j, k] * tax_coverage[i, k] * discount[i, j, k]
                total = f if k == 0 else total + f
            out[i, j] = total
    return out
