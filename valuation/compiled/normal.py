"""Normal and lognormal spreads' draws in a compiled loop: z = ndtri(u) by scipy's own compiled ndtri
(``scipy.special.cython_special``, the function behind ``special.ndtri``: the same bits), then
centre + sd·z (normal) or sd·z, whose exp numpy takes (lognormal: numpy's SIMD exp is not the C
library's). Not cached on disk — the ndtri address is the process's — so it compiles once per process
(about 0.3 s), only for calls that :func:`valuation.compiled.use` sends here.
"""

from __future__ import annotations

import ctypes

import numba
import numpy as np
from numba.extending import get_cython_function_address

from .random import uniform

_ndtri = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(
    get_cython_function_address("scipy.special.cython_special", "ndtri")
)


def normal_rows(starts: np.ndarray, n_draws: int, centre: float, sd: float) -> np.ndarray:
    """centre + sd·ndtri(u) per asset and draw (n, n_draws), u the uniforms of the streams whose start
    words are ``starts`` (n,)."""
    out = np.empty((len(starts), n_draws))
    _rows(np.asarray(starts, dtype=np.uint64), float(centre), float(sd), out)
    return out


@numba.njit(nogil=True)
def _rows(starts: np.ndarray, centre: float, sd: float, out: np.ndarray) -> np.ndarray:
    n, n_draws = out.shape
    for i in range(n):
        for j in range(n_draws):
            out[i, j] = centre + sd * _ndtri(uniform(starts[i], j))
    return out
