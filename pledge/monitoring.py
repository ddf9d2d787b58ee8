"""Paths over the term (docs/pledge.md §Paths over the term): exposure beside the collateral value, LTV and
coverage, covenant breaches and their triggers, and the reverse stress test.

Monitoring dates are drawdown (k = 0) and each due date k = 1..n. Exposure E_k is the principal
outstanding just before the k-th payment (E_0 = the amount lent). The base collateral path is
V_k = V · D(t_k), the decay pattern only (no drift, no jumps: those are in the simulation).
LTV_k = E_k / L(V_k), coverage_k = V_k / E_k. Breaches are strict: LTV above 预警线 → revaluation,
LTV above 平仓线 → margin call, coverage below 最低覆盖率 → top-up.
"""

from __future__ import annotations

import numpy as np

from pledge.collateral import liquidation_factors, liquidation_value_of
from pledge.models import BankPolicy
from pledge.results import TRIGGER_OF, CovenantBreach, CovenantKind, ReverseStress


def ltv_of(exposure: np.ndarray, liq: np.ndarray) -> np.ndarray:
    """E / L, +inf where L = 0."""
    with np.errstate(divide="ignore"):
        return np.where(liq > 0, exposure / np.where(liq > 0, liq, 1.0), np.inf)


def breaches(
    months: np.ndarray, exposure: np.ndarray, values: np.ndarray, policy: BankPolicy
) -> tuple[CovenantBreach, ...]:
    """Covenant breaches on the base path, date by date."""
    cov = policy.covenants
    ltv = ltv_of(exposure, liquidation_value_of(values, policy))
    coverage = values / exposure
    out: list[CovenantBreach] = []
    for k in range(exposure.size):
        found: list[tuple[CovenantKind, float, float]] = []
        if ltv[k] > cov.ltv_max:
            found.append((CovenantKind.LTV_MAX, ltv[k], cov.ltv_max))
        elif ltv[k] > cov.ltv_warning:
            found.append((CovenantKind.LTV_WARNING, ltv[k], cov.ltv_warning))
        if coverage[k] < cov.coverage_min:
            found.append((CovenantKind.COVERAGE_MIN, coverage[k], cov.coverage_min))
        for kind, observed, limit in found:
            out.append(
                CovenantBreach(
                    period=k,
                    month=int(months[k]),
                    covenant=kind,
                    observed=None if np.isinf(observed) else float(observed),
                    limit=limit,
                    trigger=TRIGGER_OF[kind],
                )
            )
    return tuple(out)


def reverse_stress(exposure: np.ndarray, values: np.ndarray, policy: BankPolicy) -> tuple[ReverseStress, ...]:
    """The drop δ of the collateral value (the whole base path × (1 − δ)) that first breaks each covenant.

    With L(V) = max(0, V·g − F)·disc, LTV covenant ℓ is broken at date k when
    (1 − δ)·V_k·g − F < E_k / (ℓ·disc), i.e. for δ > δ_k = 1 − (E_k/(ℓ·disc) + F) / (V_k·g);
    coverage c is broken when (1 − δ)·V_k / E_k < c, i.e. for δ > δ_k = 1 − c·E_k / V_k. Shortfall is
    the LTV covenant with ℓ = 1. The answer is min_k δ_k, floored at 0 (then already breached).
    """
    g, fixed, disc = liquidation_factors(policy)
    cov = policy.covenants
    v0 = float(values[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        def ltv_thresholds(limit: float) -> np.ndarray:
            need = exposure / (limit * disc) + fixed
            return np.where(values * g > 0, 1.0 - need / (values * g), -np.inf)

        cases = [
            (CovenantKind.LTV_WARNING, cov.ltv_warning, ltv_thresholds(cov.ltv_warning)),
            (CovenantKind.LTV_MAX, cov.ltv_max, ltv_thresholds(cov.ltv_max)),
            (
                CovenantKind.COVERAGE_MIN,
                cov.coverage_min,
                np.where(values > 0, 1.0 - cov.coverage_min * exposure / values, -np.inf),
            ),
            (CovenantKind.SHORTFALL, 1.0, ltv_thresholds(1.0)),
        ]
    out = []
    for kind, limit, thresholds in cases:
        k = int(np.argmin(thresholds))
        delta = float(thresholds[k])
        at_base = delta <= 0.0
        drop = min(max(delta, 0.0), 1.0)
        out.append(
            ReverseStress(
                covenant=kind,
                limit=limit,
                drop=drop,
                period=k if delta < 1.0 else None,
                value_at_breach=v0 * (1.0 - drop),
                breached_at_base=at_base,
            )
        )
    return tuple(out)
