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
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from valuation.random import stream_starts, uniforms
from valuation.uncertainty import Spread

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


HELD, TRIANGULAR, UNIFORM = 0, 1, 2


class Encoded(NamedTuple):
    """Spreads k = 0..K−1 as arrays (K,): kind (HELD / TRIANGULAR / UNIFORM), multiply (1) or add (0),
    low, high, centre (1 for multiply, 0 for add), mode c = (centre − low) / (high − low)."""

    kind: np.ndarray
    multiply: np.ndarray
    low: np.ndarray
    high: np.ndarray
    centre: np.ndarray
    mode: np.ndarray


def encode(spreads: Sequence[Spread | None]) -> Encoded | None:
    """The spreads as arrays, for the cached loops (cost, market X2, :func:`factors`); None when one of
    them is normal or lognormal — those draw through scipy's ndtri (compiled.normal, not cacheable) and
    numpy's exp, so a loop that would need them inside stays numpy."""
    k = len(spreads)
    kind = np.zeros(k, dtype=np.int64)
    multiply = np.zeros(k, dtype=np.int64)
    low, high, centre, mode = np.zeros(k), np.ones(k), np.zeros(k), np.zeros(k)
    for i, s in enumerate(spreads):
        if s is None:
            continue
        if s.dist not in ("triangular", "uniform"):
            return None
        kind[i] = TRIANGULAR if s.dist == "triangular" else UNIFORM
        multiply[i] = s.shift == "multiply"
        centre[i] = 1.0 if s.shift == "multiply" else 0.0
        low[i], high[i] = float(s.low), float(s.high)  # type: ignore[arg-type]
        mode[i] = (centre[i] - low[i]) / (high[i] - low[i])
    return Encoded(kind, multiply, low, high, centre, mode)


def factors(spread: Spread, seed: int, keys: np.ndarray, stream: int, n_draws: int, *, fast: bool) -> np.ndarray:
    """``spread.factor(uniforms(seed, keys, stream, n_draws))``, shape (len(keys), n_draws): one compiled
    loop (hash → uniform → inverse CDF; a lognormal's exp by numpy) when ``fast`` (the batch's
    :func:`use`), else numpy — the same figures."""
    if not fast:
        return spread.factor(uniforms(seed, keys, stream, n_draws))
    starts = stream_starts(seed, keys, stream)
    if spread.dist in ("normal", "lognormal"):
        from .normal import normal_rows

        sd = float(spread.sd)  # type: ignore[arg-type]
        if spread.dist == "normal":  # centre + sd·z, as Spread.factor
            return normal_rows(starts, n_draws, 1.0 if spread.shift == "multiply" else 0.0, sd)
        z = normal_rows(starts, n_draws, 0.0, sd)  # 0 + sd·z = sd·z exactly; numpy's exp, as Spread.factor
        return np.exp(z, out=z)
    from .spreads import factor_rows

    return factor_rows(encode([spread]), starts, n_draws)  # type: ignore[arg-type]
