"""Vectorized arithmetic of the income method (docs/valuation.md §Income method), written once.

Every function works on float64 arrays that broadcast over leading axes — one asset ``()``, assets
``(n,)``, draws ``(n_draws,)`` or ``(n, n_draws)`` — with the period axis LAST where there is one.
The single-asset valuation, its Monte Carlo and tornado, and the batch all call these functions.

Conventions (documented in valuation/income/inputs.py):

- time is in years from the valuation date; period 1 is [0, f] (f ∈ (0, 1], a partial first period),
  period k ≥ 2 is [f + k − 2, f + k − 1];
- the horizon n cuts the periods: the covered part of period k is [start_k, min(end_k, n)], its
  covered fraction c_k = covered length / period length (0 beyond the horizon);
- a cash flow is received at the end of its covered part (end timing) or in its middle (mid timing),
  so with f = 1 and no cut the times are t and t − 0.5 exactly as docs/valuation.md §Income method (timing);
- year fraction between two dates: y + m/12 + d/365 of ``dateutil.relativedelta(end, start)``;
- sums over periods are sequential (:func:`sum_periods`), so the empty periods a batch pads to its
  longest horizon never change a value by a rounding: an asset gets the same figures alone or in a
  batch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from valuation.dates import years_between

Array = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

# Slivers of a period shorter than this (years, about 3 seconds) are float noise, not a period.
PERIOD_EPSILON = 1e-7


def year_fractions(start: ArrayLike, end: ArrayLike) -> Array:
    """Years from ``start`` to ``end`` ≥ ``start`` by :func:`valuation.dates.years_between`
    (y + m/12 + d/365); ``end`` before ``start`` or NaT gives NaN."""
    years = years_between(start, end)
    return np.where(years < 0, np.nan, years)


def periods_needed(first_period_years: ArrayLike, horizon_years: ArrayLike) -> npt.NDArray[np.int64]:
    """Number of periods that reach the horizon n: 1 if n ≤ f, else 1 + ⌈n − f⌉ (count)."""
    f = np.asarray(first_period_years, dtype=np.float64)
    n = np.asarray(horizon_years, dtype=np.float64)
    beyond = np.ceil(np.maximum(n - f - PERIOD_EPSILON, 0.0))
    return (1 + beyond).astype(np.int64)


class PeriodGrid(NamedTuple):
    """Period boundaries and coverage, each shaped (..., n_periods), years from the valuation date."""

    start: Array
    end: Array
    length: Array
    covered_end: Array
    coverage: Array


def period_grid(first_period_years: ArrayLike, horizon_years: ArrayLike, n_periods: int) -> PeriodGrid:
    """Periods of a forecast with a first period of f years, cut at the horizon n (``inf`` = no cut).

    start_1 = 0, end_1 = f; start_k = f + k − 2, end_k = f + k − 1 (k ≥ 2); covered_end = min(end, n)
    (at least start); coverage c_k = (covered_end − start) / (end − start), 0 for a sliver below
    PERIOD_EPSILON.
    """
    f = np.asarray(first_period_years, dtype=np.float64)[..., None]
    n = np.asarray(horizon_years, dtype=np.float64)[..., None]
    k = np.arange(n_periods, dtype=np.float64)
    end = f + k
    start = np.where(k == 0, 0.0, end - 1.0)
    length = end - start
    covered_end = np.clip(np.minimum(end, n), start, None)
    covered = covered_end - start
    coverage = np.where(covered > PERIOD_EPSILON, covered / length, 0.0)
    covered_end = np.where(covered > PERIOD_EPSILON, covered_end, start)
    return PeriodGrid(start, end, length, covered_end, coverage)


def discount_times(grid: PeriodGrid, mid: ArrayLike) -> Array:
    """t_k: end of the covered part (end timing) or its middle (mid timing), years; ``mid`` shape (...)."""
    mid_flag = np.asarray(mid, dtype=bool)[..., None]
    return np.where(mid_flag, 0.5 * (grid.start + grid.covered_end), grid.covered_end)


def projected_base(base_y1: ArrayLike, growth: ArrayLike, length: ArrayLike) -> Array:
    """B_k = B_1 × (1 + g)^(k−1) × length_k (CNY in period k; B_1 is CNY a year, g annual)."""
    b1 = np.asarray(base_y1, dtype=np.float64)[..., None]
    g = np.asarray(growth, dtype=np.float64)[..., None]
    lengths = np.asarray(length, dtype=np.float64)
    k = np.arange(lengths.shape[-1], dtype=np.float64)
    return b1 * (1.0 + g) ** k * lengths


def decay_factors(decay: ArrayLike, n_periods: int) -> Array:
    """(1 − d)^(k−1) for k = 1..n_periods: the data's contribution after decay (ratio)."""
    d = np.asarray(decay, dtype=np.float64)[..., None]
    return (1.0 - d) ** np.arange(n_periods, dtype=np.float64)


def cash_flows(
    base: ArrayLike, share: ArrayLike, decay: ArrayLike, tax: ArrayLike, coverage: ArrayLike
) -> Array:
    """F_k = B_k × S_k × (1 − d)^(k−1) × τ × c_k (CNY); ``decay`` and ``tax`` (τ) have no period axis."""
    b = np.asarray(base, dtype=np.float64)
    s = np.asarray(share, dtype=np.float64)
    cov = np.asarray(coverage, dtype=np.float64)
    weight = np.asarray(tax, dtype=np.float64)[..., None] * cov  # τ × c_k: small, before broadcasting
    decayed = decay_factors(decay, cov.shape[-1])
    flows = np.empty(np.broadcast_shapes(b.shape, s.shape, decayed.shape, weight.shape))
    np.multiply(b, s, out=flows)
    flows *= decayed
    flows *= weight
    return flows


def discount_factors(rate: ArrayLike, times: ArrayLike) -> Array:
    """DF_k = (1 + i)^(−t_k); ``rate`` i (annual) has no period axis, ``times`` in years."""
    i = np.asarray(rate, dtype=np.float64)[..., None]
    return (1.0 + i) ** (-np.asarray(times, dtype=np.float64))


def terminal_value(last_annual_cash_flow: ArrayLike, rate: ArrayLike, growth: ArrayLike) -> Array:
    """TV_n = F_n × (1 + g) / (i − g), at the last period's time (CNY); the caller checks i − g ≥ margin."""
    f_n = np.asarray(last_annual_cash_flow, dtype=np.float64)
    i = np.asarray(rate, dtype=np.float64)
    g = np.asarray(growth, dtype=np.float64)
    return f_n * (1.0 + g) / (i - g)


def sum_periods(x: ArrayLike) -> Array:
    """Σ over the period axis, added first to last (np.sum's pairwise order depends on the axis length)."""
    arr = np.asarray(x, dtype=np.float64)
    total = arr[..., 0].copy()
    for k in range(1, arr.shape[-1]):  # over periods only: each step is vectorized over assets and draws
        total += arr[..., k]
    return total


def income_value(
    base: ArrayLike,
    share: ArrayLike,
    decay: ArrayLike,
    tax: ArrayLike,
    grid: PeriodGrid,
    times: ArrayLike,
    rate: ArrayLike,
    terminal_growth: ArrayLike | None = None,
) -> Array:
    """P = Σ_k F_k × DF_k (+ TV_n × DF_n when ``terminal_growth`` is given) (CNY).

    Shapes: ``base``, ``share``, ``grid`` fields and ``times`` (..., n_periods); ``decay``, ``tax``,
    ``rate`` and ``terminal_growth`` (...). The terminal value uses the last period's cash flow per
    year, F_n / length_n, and the last period's discount factor (indefinite life: no cut, no padding).
    """
    flows = cash_flows(base, share, decay, tax, grid.coverage)
    factors = discount_factors(rate, times)
    last_annual = flows[..., -1] / grid.length[..., -1]
    if np.broadcast_shapes(flows.shape, factors.shape) == flows.shape:
        flows *= factors  # the present values, in place: the draws' arrays are the large ones
        present = flows
    else:
        present = flows * factors
    value = sum_periods(present)
    if terminal_growth is None:
        return value
    tv = terminal_value(last_annual, rate, terminal_growth)
    return value + tv * factors[..., -1]


def annuity_factor(rate: ArrayLike, periods: int) -> Array:
    """AF = Σ_{t=1..n} (1 + i)^(−t) = (1 − (1 + i)^(−n)) / i (end of year; n for i = 0) (ratio)."""
    i = np.asarray(rate, dtype=np.float64)
    safe = np.where(i == 0, 1.0, i)
    return np.where(i == 0, float(periods), (1.0 - (1.0 + i) ** (-periods)) / safe)


def tab_uplift(rate: ArrayLike, tax_rate: float, periods: int) -> Array:
    """Value with the tax amortization benefit over the value without: 1 / (1 − T × AF / n) (ratio).

    TAB = PV × (1 / (1 − T × AF / n) − 1): the buyer's tax saving T × (PV + TAB) / n a year over n years,
    discounted at i, solved for TAB (the saving is on the amortized price, value included).
    """
    return 1.0 / (1.0 - tax_rate * annuity_factor(rate, periods) / periods)
