"""How an input is uncertain, used by both the Monte Carlo and the tornado
(docs/valuation.md §Conclusion and range).

A :class:`Spread` describes one input around its base value ``b``:

- ``shift="multiply"``: the input is ``b × m``; ``m`` is triangular(low, 1, high), uniform(low, high),
  normal(1, sd) or lognormal(median 1, sigma=sd);
- ``shift="add"``: the input is ``b + s`` (used for rates, e.g. a discount rate ± 1 pp); ``s`` is
  triangular(low, 0, high), uniform(low, high) or normal(0, sd).

Convention: the tornado moves each input to the 5th and 95th percentile of its spread
(:data:`TORNADO_PERCENTILES`), so the tornado and the simulation rest on the same stated ranges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import model_validator

from base.models import FrozenModel

if TYPE_CHECKING:  # scipy loads on first use: validating a case needs no scipy
    from scipy import stats

TORNADO_PERCENTILES: tuple[float, float] = (0.05, 0.95)
REPORT_PERCENTILES: tuple[float, float, float] = (5.0, 50.0, 95.0)
FACTOR_BLOCK = 65_536  # quantiles mapped per block (512 KiB of float64): stays in cache


class Spread(FrozenModel):
    """Distribution of one input around its base value (see module docstring)."""

    dist: Literal["triangular", "uniform", "normal", "lognormal"] = "triangular"
    shift: Literal["multiply", "add"] = "multiply"
    low: float | None = None
    high: float | None = None
    sd: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Spread:
        centre = 1.0 if self.shift == "multiply" else 0.0
        if self.dist in ("triangular", "uniform"):
            if self.low is None or self.high is None:
                raise ValueError(f"{self.dist} spread needs low and high")
            if not self.low <= centre <= self.high or self.low == self.high:
                raise ValueError(
                    f"{self.dist} spread needs low <= {centre} <= high and low < high, "
                    f"got low={self.low}, high={self.high}"
                )
        else:
            if self.sd is None or self.sd <= 0:
                raise ValueError(f"{self.dist} spread needs sd > 0, got {self.sd}")
            if self.dist == "lognormal" and self.shift == "add":
                raise ValueError("a lognormal spread is multiplicative (shift='multiply')")
        return self

    def _frozen_dist(self) -> stats.rv_continuous:
        from scipy import stats

        centre = 1.0 if self.shift == "multiply" else 0.0
        if self.dist == "triangular":
            lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
            return stats.triang(c=(centre - lo) / (hi - lo), loc=lo, scale=hi - lo)
        if self.dist == "uniform":
            lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
            return stats.uniform(loc=lo, scale=hi - lo)
        if self.dist == "normal":
            return stats.norm(loc=centre, scale=float(self.sd))  # type: ignore[arg-type]
        return stats.lognorm(s=float(self.sd), scale=1.0)  # type: ignore[arg-type]

    def distribution(self) -> stats.rv_continuous:
        """The scipy distribution of the multiplier or addend (for plots and reports)."""
        return self._frozen_dist()

    def factor(self, u: np.ndarray | float) -> np.ndarray:
        """Multiplier (shift='multiply') or addend (shift='add') at uniform quantiles ``u``.

        Closed-form inverse CDFs of the scipy distributions above (equal to ``distribution().ppf``
        to rounding; ~10× faster, which matters with millions of draws). Large arrays are done in
        cache-sized blocks, element by element the same arithmetic.
        """
        u = np.asarray(u, dtype=np.float64)
        if u.size <= FACTOR_BLOCK:
            return self._factor(u)
        flat = u.reshape(-1)
        out = np.empty(flat.shape)
        for start in range(0, flat.size, FACTOR_BLOCK):
            out[start : start + FACTOR_BLOCK] = self._factor(flat[start : start + FACTOR_BLOCK])
        return out.reshape(u.shape)

    def _factor(self, u: np.ndarray) -> np.ndarray:
        centre = 1.0 if self.shift == "multiply" else 0.0
        if self.dist == "triangular":
            lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
            c = (centre - lo) / (hi - lo)
            if u.ndim == 0:
                return self._factor(u.reshape(1)).reshape(())
            # left (u < c): lo + √(u·(hi − lo)·(centre − lo)); right: hi − √((1 − u)·(hi − lo)·(hi − centre))
            left = u * (hi - lo)
            left *= centre - lo
            np.sqrt(left, out=left)
            left += lo
            right = 1.0 - u
            right *= hi - lo
            right *= hi - centre
            np.sqrt(right, out=right)
            np.subtract(hi, right, out=right)
            return np.where(u < c, left, right)
        if self.dist == "uniform":
            lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
            return lo + u * (hi - lo)
        from scipy import special

        z = special.ndtri(u)
        if self.dist == "normal":
            normal: np.ndarray = centre + float(self.sd) * z  # type: ignore[arg-type]
            return normal
        if not (isinstance(z, np.ndarray) and z.ndim):
            lognormal: np.ndarray = np.exp(float(self.sd) * z)  # type: ignore[arg-type]
            return lognormal
        z *= float(self.sd)  # type: ignore[arg-type]
        return np.exp(z, out=z)

    def apply(self, base: np.ndarray | float, u: np.ndarray | float) -> np.ndarray:
        """The input at quantiles ``u``: ``base × m`` or ``base + s``."""
        return self.apply_factor(base, self.factor(u))

    def apply_factor(self, base: np.ndarray | float, f: np.ndarray) -> np.ndarray:
        """The input at the factor (or addend) ``f`` of this spread: ``base × f`` or ``base + f``; an
        ``f`` array of the result's shape is overwritten with the result."""
        b = np.asarray(base)
        if f.ndim and np.broadcast_shapes(b.shape, f.shape) == f.shape and f.dtype == np.float64:
            in_place: np.ndarray = np.multiply(b, f, out=f) if self.shift == "multiply" else np.add(b, f, out=f)
            return in_place
        result: np.ndarray = b * f if self.shift == "multiply" else b + f
        return result

    def tornado_range(self, base: float) -> tuple[float, float]:
        """Input at the tornado's low and high percentiles."""
        lo, hi = self.apply(base, np.array(TORNADO_PERCENTILES))
        return float(lo), float(hi)


def percentiles(draws: np.ndarray, axis: int = -1) -> np.ndarray:
    """P5, P50, P95 of draws along ``axis`` (last axis by default)."""
    p: np.ndarray = np.percentile(draws, REPORT_PERCENTILES, axis=axis)
    return p
