"""Spreads (valuation.uncertainty.Spread) inside a compiled loop, encoded by
:func:`valuation.compiled.encode`: the inverse CDFs that IEEE 754 rounds the same way as numpy
(triangular: √ only; uniform: × and +), to the bit."""

from __future__ import annotations

import math

import numba
import numpy as np

from .encoding import TRIANGULAR, Encoded
from .random import uniform


@numba.njit(inline="always", cache=True)
def factor(kind: int, u: float, lo: float, hi: float, centre: float, mode: float) -> float:
    """Spread.factor at u: triangular lo + √(u·(hi − lo)·(centre − lo)) below the mode, else
    hi − √((1 − u)·(hi − lo)·(hi − centre)); uniform lo + u·(hi − lo) — numpy's order of operations."""
    if kind == TRIANGULAR:
        if u < mode:
            return math.sqrt(u * (hi - lo) * (centre - lo)) + lo
        return hi - math.sqrt((1.0 - u) * (hi - lo) * (hi - centre))
    return lo + u * (hi - lo)


@numba.njit(inline="always", cache=True)
def clip(v: float, lo: float, hi: float) -> float:
    """np.clip on one value: NaN stays NaN, else min(max(v, lo), hi) as numpy orders the comparisons."""
    if v != v:
        return v
    v = v if v > lo else lo
    return v if v < hi else hi


@numba.njit(inline="always", cache=True)
def draw_row(out: np.ndarray, start: np.uint64, base: float, kind: int, multiply: bool, lo: float, hi: float,
             centre: float, mode: float, bound_lo: float, bound_hi: float) -> None:
    """One input's draws for one asset: ``out[j] = clip(base × m_j or base + s_j, bounds)``, m_j or s_j
    the spread's factor at uniform j of the stream starting at ``start`` (Spread.apply, then np.clip)."""
    for j in range(out.shape[0]):
        f = factor(kind, uniform(start, j), lo, hi, centre, mode)
        v = base * f if multiply else base + f
        out[j] = clip(v, bound_lo, bound_hi)


def factor_rows(encoded: Encoded, starts: np.ndarray, n_draws: int) -> np.ndarray:
    """Factors (n, n_draws) of the one spread ``encoded`` at the uniforms of the streams whose start
    words are ``starts`` (n,): Spread.factor(valuation.random.uniforms(...)), to the bit."""
    out = np.empty((len(starts), n_draws))
    _factor_rows(int(encoded.kind[0]), float(encoded.low[0]), float(encoded.high[0]), float(encoded.centre[0]),
                 float(encoded.mode[0]), np.asarray(starts, dtype=np.uint64), out)
    return out


@numba.njit(nogil=True, cache=True)
def _factor_rows(kind: int, lo: float, hi: float, centre: float, mode: float, starts: np.ndarray,
                 out: np.ndarray) -> np.ndarray:
    n, n_draws = out.shape
    for i in range(n):
        for j in range(n_draws):
            out[i, j] = factor(kind, uniform(starts[i], j), lo, hi, centre, mode)
    return out
