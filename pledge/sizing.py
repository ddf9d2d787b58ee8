"""Maximum loan (最高可贷额度, docs/pledge.md §Maximum loan): the lowest of four limits, the binding one named.

1. policy pledge rate:  A₁ = p × V                 (p the blended 质押率, V the collateral value)
2. liquidation LTV:     A₂ = LTV_limit × L          (L the liquidation value at drawdown)
3. DSCR:                A₃ = min_y CF_y / (DSCR_floor × s_y), s_y the debt service (interest +
                        principal) of loan year y per CNY lent, CF_y the borrower's cash flow of that
                        year (a last partial year pro rata); A₃ = 0 if some CF_y ≤ 0
4. shortfall target:    A₄ = the largest A with P(∃k: L_k < A·b_k) ≤ α, b_k the exposure per CNY lent
                        at monitoring date k, L_k simulated. P(·) is non-decreasing in A, so A₄ is found
                        by bisection on the simulated paths (common random numbers), to
                        max(0.005 CNY, 1e-9 × A) and at most 200 steps.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pledge.models import Borrower, TermSheet
from pledge.results import LABELS_ZH, ConstraintResult, LoanConstraint
from pledge.schedule import unit_schedule


def dscr_limit(terms: TermSheet, borrower: Borrower, floor: float) -> tuple[float, str]:
    """A₃ in CNY and a line of detail (the binding loan year)."""
    _, interest, principal = unit_schedule(terms)
    step = terms.frequency.months
    month_end = np.arange(1, terms.periods + 1) * step
    year = (month_end - 1) // 12  # 0-based loan year of each due date
    service = np.bincount(year, weights=interest + principal)
    best, where = np.inf, ""
    for y, s in enumerate(service):
        months = min(12, terms.term_months - 12 * y)
        cf = borrower.annual_cash_flow[y] * months / 12.0
        limit = max(cf, 0.0) / (floor * s) if s > 0 else np.inf
        if limit < best:
            best = limit
            where = f"year {y + 1}: CF {cf:,.2f} / ({floor} × {s:.6f} per CNY)"
    return float(best), where


MIN_TOL = 0.005
"""Absolute floor of a search's tolerance, CNY (half a fen)."""
REL_TOL = 1e-9
"""Relative tolerance of a search that narrows an amount: a float resolves ~1e-16 of a value, so a
search to the fen on 10**15 CNY would never end; it stops at max(0.005 CNY, 1e-9 × the bracket)."""
MAX_ITER = 200
"""Iteration bound of any bisection on an amount (2**-200 of the bracket is far below any tolerance)."""


def search_tolerance(hi: float, tol: float = MIN_TOL) -> float:
    """The tolerance of a search on [0, hi]: ``max(tol, REL_TOL × hi)``, never below 0.005 CNY."""
    return max(tol, MIN_TOL, REL_TOL * abs(hi))


def largest_amount_under(
    prob: Callable[[float], float], target: float, hi: float, tol: float = MIN_TOL
) -> float:
    """Largest A in [0, hi] with prob(A) ≤ target, prob non-decreasing; bisection to
    :func:`search_tolerance` (``max(tol, 1e-9 × hi)``, ≥ 0.005 CNY), at most :data:`MAX_ITER` steps."""
    if prob(hi) <= target:
        return hi
    lo = 0.0
    if prob(lo) > target:
        return 0.0
    stop = search_tolerance(hi, tol)
    for _ in range(MAX_ITER):
        if hi - lo <= stop:
            break
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:  # no float between lo and hi
            break
        if prob(mid) <= target:
            lo = mid
        else:
            hi = mid
    return lo


def shortfall_probability(amount: float, liq: np.ndarray, unit_exposure: np.ndarray) -> float:
    """P(∃k: L_k < amount · b_k): ``liq`` shape (n_paths, n_dates), ``unit_exposure`` (n_dates,)."""
    return float(np.mean(np.any(liq < amount * unit_exposure[None, :], axis=1)))


def shortfall_limit(liq: np.ndarray, unit_exposure: np.ndarray, target: float) -> float:
    """A₄ in CNY, solved by bisection on the simulated liquidation values."""
    live = unit_exposure > 0
    ratio = liq[:, live] / unit_exposure[live]
    hi = float(ratio.max()) * 1.01 + 1.0  # every path falls short above this amount
    return largest_amount_under(lambda a: shortfall_probability(a, liq, unit_exposure), target, hi)


def constraint(kind: LoanConstraint, amount: float, formula: str, detail: str = "") -> ConstraintResult:
    return ConstraintResult(
        constraint=kind, label_zh=LABELS_ZH[kind.value], amount=amount, formula=formula, detail=detail
    )


def pick_binding(results: tuple[ConstraintResult, ...]) -> ConstraintResult:
    """The lowest limit; a tie goes to the first in :class:`LoanConstraint` order."""
    return min(results, key=lambda r: r.amount)
