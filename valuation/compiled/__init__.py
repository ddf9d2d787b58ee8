"""Optional compiled kernels (numba) for the batch Monte Carlo: the same figures to the bit, faster.

The numpy kernels of each method are the reference, the one place the formulas are written for
reading. A compiled kernel here fuses a hot loop of the batch (hash → uniform → inverse CDF → bound →
formula; the bootstrap; the percentiles; the weighted sum of the methods) into registers, with no
intermediate arrays, using only what IEEE 754 rounds the same everywhere (+, −, ×, ÷, √, comparisons)
and scipy's own compiled ``ndtri``; exp and powers stay numpy's, computed before and passed in.
``tests/valuation/test_compiled.py`` checks every kernel against the numpy figures with ``array_equal``.
A case a kernel does not cover (e.g. a normal spread inside the cost loop) takes the numpy path.

numba is optional (``pip install 'dataval[fast]'``; scripts/setup.sh installs it). Without it, with the
environment variable ``DATAVAL_COMPILED=0``, or for a small call (:data:`MIN_CELLS`), the numpy path
runs; the figures do not change.
"""

from __future__ import annotations

import functools
import importlib.util
import os

import numpy as np

from valuation.compiled.encoding import HELD, TRIANGULAR, UNIFORM, Encoded, encode
from valuation.random import stream_starts, uniforms
from valuation.uncertainty import Spread

__all__ = ["HELD", "MIN_CELLS", "TRIANGULAR", "UNIFORM", "Encoded", "available", "encode", "factors", "use"]

MIN_CELLS = 200_000  # assets × draws below which numpy is as quick as loading numba (about 0.3 s)


def use(cells: int) -> bool:
    """True when a method call over ``cells`` assets × draws should take its compiled loop: the work is
    large enough (:data:`MIN_CELLS`) and :func:`available`. Either way the figures are the same."""
    return cells >= MIN_CELLS and available()


def available() -> bool:
    """True when the compiled kernels may be used: numba is installed and DATAVAL_COMPILED is not 0."""
    if os.environ.get("DATAVAL_COMPILED", "1").strip() == "0":
        return False
    return _numba_installed()


@functools.cache
def _numba_installed() -> bool:
    """Looked up once: find_spec searches sys.path on every call until numba is imported."""
    return importlib.util.find_spec("numba") is not None


def factors(spread: Spread, seed: int, keys: np.ndarray, stream: int, n_draws: int, *, fast: bool) -> np.ndarray:
    """``spread.factor(uniforms(seed, keys, stream, n_draws))``, shape (len(keys), n_draws): one compiled
    loop (hash → uniform → inverse CDF; a lognormal's exp by numpy) when ``fast`` (the batch's
    :func:`use`), else numpy — the same figures."""
    if not fast:
        return spread.factor(uniforms(seed, keys, stream, n_draws))
    starts = stream_starts(seed, keys, stream)
    if spread.dist in ("normal", "lognormal"):
        from valuation.compiled.normal import normal_rows  # numba: imported only when a loop runs

        sd = float(spread.sd)  # type: ignore[arg-type]
        if spread.dist == "normal":  # centre + sd·z, as Spread.factor
            return normal_rows(starts, n_draws, 1.0 if spread.shift == "multiply" else 0.0, sd)
        z = normal_rows(starts, n_draws, 0.0, sd)  # 0 + sd·z = sd·z exactly; numpy's exp, as Spread.factor
        lognormal: np.ndarray = np.exp(z, out=z)  # in place: z itself
        return lognormal
    from valuation.compiled.spreads import factor_rows

    return factor_rows(encode([spread]), starts, n_draws)  # type: ignore[arg-type]
