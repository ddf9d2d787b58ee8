"""The cost method's arithmetic, written once as numpy kernels (docs/valuation.md §Cost method).

Every function works element-wise on arrays that broadcast over leading axes — a scalar for one
asset, (n_draws,) for its Monte Carlo, (n_assets,) or (n_assets, n_draws) for a batch — except where
a trailing axis is stated (the six quality dimensions, the five tax-base categories). The single-asset
path, the Monte Carlo, the tornado and the batch all call these functions.

    restated   = amount × I(valuation month) / I(incurred month)
    机会成本    = opportunity amount + r × (前期 + 直接 + 间接) × holding years
    相关税费    = taxes amount + tax rate × Σ base categories (default: 前期 + 直接 + 间接, not 机会成本)
    C          = 前期 + 直接—建设 + 直接—运维 + 间接 + 机会成本 + 相关税费
    δ_q        = Σ_j w_j s_j                     (six GB/T 36344 dimensions)
    δ_life     = remaining / (elapsed + remaining), remaining capped at the years left on the rights term
    δ          = δ_q, δ_life or δ_q × δ_life
    P          = C × δ
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from valuation import dates

Array = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

# Weights of the default tax base on (前期, 直接—建设, 直接—运维, 间接, 机会成本): the payments, not 机会成本
# (valuation/cost/inputs.py DEFAULT_TAX_BASE; a test holds the two equal).
DEFAULT_TAX_BASE_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 0.0])


class CostDrivers(NamedTuple):
    """The inputs of the kernel, one array each (CNY, annual rate, years, ratio).

    ``opportunity`` and ``taxes`` are amounts given as cost lines (restated); when these categories
    are computed from a rate instead, the amount is 0 and the rate is set (never both, see checks).
    """

    planning: Array
    direct_construction: Array
    direct_operation: Array
    indirect: Array
    opportunity: Array
    taxes: Array
    opportunity_rate: Array
    holding_years: Array
    tax_rate: Array
    delta: Array


class CostBuildUp(NamedTuple):
    """Kernel output: opportunity cost, related taxes, replacement cost C and value P (CNY)."""

    opportunity: Array
    taxes: Array
    total_cost: Array
    value: Array


# Bounds that a drawn input is clipped to (a spread must not make a cost negative or δ exceed 1).
INPUT_BOUNDS: dict[str, tuple[float, float]] = {
    "planning": (0.0, np.inf),
    "direct_construction": (0.0, np.inf),
    "direct_operation": (0.0, np.inf),
    "indirect": (0.0, np.inf),
    "opportunity": (0.0, np.inf),
    "taxes": (0.0, np.inf),
    "opportunity_rate": (0.0, 1.0),
    "holding_years": (0.0, np.inf),
    "tax_rate": (0.0, 1.0),
    "delta": (0.0, 1.0),
}


def bound_input(name: str, values: ArrayLike) -> Array:
    """Clip a drawn input to its admissible range (:data:`INPUT_BOUNDS`); δ is capped at 1."""
    low, high = INPUT_BOUNDS[name]
    return np.clip(np.asarray(values, dtype=np.float64), low, high)


def index_factor(level_incurred: ArrayLike, level_valuation: ArrayLike) -> Array:
    """Restatement factor I(valuation month) / I(incurred month) (ratio)."""
    return np.asarray(level_valuation, dtype=np.float64) / np.asarray(level_incurred, dtype=np.float64)


def restate(amount: ArrayLike, factor: ArrayLike) -> Array:
    """Replacement cost at the valuation date: historical amount × index factor (CNY)."""
    return np.asarray(amount, dtype=np.float64) * np.asarray(factor, dtype=np.float64)


def opportunity_cost(rate: ArrayLike, holding_years: ArrayLike, capital: ArrayLike) -> Array:
    """机会成本 = r × (前期费用 + 直接成本 + 间接成本) × holding years (convention, docs/valuation.md §Cost method), CNY."""
    cost: Array = np.asarray(rate) * np.asarray(capital) * np.asarray(holding_years)
    return cost


def related_taxes(rate: ArrayLike, base: ArrayLike) -> Array:
    """相关税费 = stated rate × stated base (CNY)."""
    return np.asarray(rate, dtype=np.float64) * np.asarray(base, dtype=np.float64)


def cost_build_up(drivers: CostDrivers, tax_base: ArrayLike) -> CostBuildUp:
    """C and P = C × δ from the drivers (docs/valuation.md §Cost method).

    ``tax_base`` has a trailing axis of 5 weights (0 or 1) on (前期, 直接—建设, 直接—运维, 间接, 机会成本)
    selecting the base of a rate-based 相关税费; it broadcasts against the drivers' shape.
    """
    d = drivers
    base_weights = np.asarray(tax_base, dtype=np.float64)
    capital = d.planning + d.direct_construction + d.direct_operation + d.indirect
    opportunity = opportunity_cost(d.opportunity_rate, d.holding_years, capital)
    if np.any(d.opportunity):  # adding an all-zero amount changes nothing: skipped (the batch's case)
        opportunity = d.opportunity + opportunity
    if base_weights.shape == (5,) and bool(np.all(base_weights == 1.0)):
        # every category in the base: 1·前期 + 1·直接—建设 + 1·直接—运维 + 1·间接 + 1·机会成本, added in
        # the same order, is capital + 机会成本 (the same floating-point sums)
        tax_base_amount = capital + opportunity
    elif base_weights.shape == (5,) and bool(np.all(base_weights == DEFAULT_TAX_BASE_WEIGHTS)):
        # the default base, the payments without 机会成本 (an imputed return bears no tax): capital
        tax_base_amount = capital
    else:
        tax_base_amount = (
            base_weights[..., 0] * d.planning
            + base_weights[..., 1] * d.direct_construction
            + base_weights[..., 2] * d.direct_operation
            + base_weights[..., 3] * d.indirect
            + base_weights[..., 4] * opportunity
        )
    taxes = related_taxes(d.tax_rate, tax_base_amount)
    if np.any(d.taxes):
        taxes = d.taxes + taxes
    total_cost = capital + opportunity + taxes
    return CostBuildUp(opportunity, taxes, total_cost, total_cost * d.delta)


def quality_delta(weights: ArrayLike, scores: ArrayLike) -> Array:
    """δ_q = Σ_j w_j s_j over the trailing axis of six GB/T 36344 dimensions (ratio)."""
    delta: Array = np.sum(np.asarray(weights, dtype=np.float64) * np.asarray(scores, dtype=np.float64), axis=-1)
    return delta


def capped_remaining_life(remaining_years: ArrayLike, term_years_left: ArrayLike) -> Array:
    """Remaining economic life capped at the years left on the rights term (NaN = no term), years.

    A term that has already ended leaves 0 years.
    """
    left = np.maximum(np.asarray(term_years_left, dtype=np.float64), 0.0)
    return np.fmin(np.asarray(remaining_years, dtype=np.float64), left)


def life_delta(elapsed_years: ArrayLike, remaining_years: ArrayLike) -> Array:
    """δ_life = remaining / (elapsed + remaining) = 1 − 贬值率 (ratio)."""
    remaining = np.asarray(remaining_years, dtype=np.float64)
    return remaining / (np.asarray(elapsed_years, dtype=np.float64) + remaining)


def combined_delta(
    delta_quality: ArrayLike, delta_life: ArrayLike, use_quality: ArrayLike, use_life: ArrayLike
) -> Array:
    """δ = δ_q (quality), δ_life (life) or δ_q × δ_life (both), chosen per element by the two flags."""
    return np.where(use_quality, delta_quality, 1.0) * np.where(use_life, delta_life, 1.0)


years_between = dates.years_between  # one convention for the package: valuation/dates.py
