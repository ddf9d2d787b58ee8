"""Plain-float inverse CDFs of a Spread, one draw at a time: the baseline loops' counterpart of
valuation.uncertainty.Spread.factor (same closed forms, no numpy)."""

from __future__ import annotations

import math
from statistics import NormalDist

from valuation.uncertainty import Spread


def ppf(spread: Spread, u: float) -> float:
    """Inverse CDF of the spread's multiplier or addend at u, in plain floats."""
    centre = 1.0 if spread.shift == "multiply" else 0.0
    if spread.dist == "triangular":
        lo, hi = float(spread.low or 0.0), float(spread.high or 0.0)
        if u < (centre - lo) / (hi - lo):
            return lo + math.sqrt(u * (hi - lo) * (centre - lo))
        return hi - math.sqrt((1.0 - u) * (hi - lo) * (hi - centre))
    if spread.dist == "uniform":
        lo, hi = float(spread.low or 0.0), float(spread.high or 0.0)
        return lo + u * (hi - lo)
    z = NormalDist().inv_cdf(u)
    if spread.dist == "normal":
        return centre + float(spread.sd or 0.0) * z
    return math.exp(float(spread.sd or 0.0) * z)


def apply(spread: Spread, base: float, u: float) -> float:
    """The input at quantile u: base × m or base + s."""
    f = ppf(spread, u)
    return base * f if spread.shift == "multiply" else base + f
