"""valuation.random's counter-based uniforms, one draw at a time inside a compiled loop (same bits)."""

from __future__ import annotations

import numba
import numpy as np

from valuation.random import _GOLDEN, _M1, _M2


@numba.njit(inline="always", cache=True)
def mix(z: np.uint64) -> np.uint64:
    """splitmix64's finalizer (valuation.random._mix) on one 64-bit word."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@numba.njit(inline="always", cache=True)
def uniform(start: np.uint64, draw: int) -> float:
    """Uniform in (0, 1) of draw ``draw`` (0-based) of a stream whose start word is ``start``
    (valuation.random.stream_starts): one cell of valuation.random.uniforms."""
    z = mix(start + np.uint64(draw + 1) * _GOLDEN)
    return (float(z >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)
