"""Spreads encoded as plain arrays for the compiled loops (no numba here: the package's entry points
and the loops both read these without importing each other)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from valuation.uncertainty import Spread

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
