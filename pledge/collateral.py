"""Collateral value and liquidation value (docs/pledge.md §Collateral value).

- Method haircut h = Σ_m w_m · h_m and pledge rate p = Σ_m w_m · p(class, m), w the conclusion weights.
- Collateral value 押品价值 V = concluded appraised value × (1 − h).
- Liquidation value 清算价值 L = max(0, V·(1 − d)·(1 − c) − F) / (1 + ρ)^(T/12): d the liquidation
  discount, c the disposal cost rate on gross proceeds, F fixed disposal costs (CNY), T the time to sell
  (months). Discounting convention: the net proceeds arrive T months after the decision to sell and
  are discounted to that decision date at the policy's annual ``sale_discount_rate`` ρ, annual
  compounding.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from pledge.models import BankPolicy, Collateral, DecayPattern, ValueDynamics
from pledge.results import CollateralValue, LiquidationValue


def liquidation_factors(policy: BankPolicy) -> tuple[float, float, float]:
    """(g, F, δ): L = max(0, V·g − F)·δ with g = (1 − d)(1 − c), δ = (1 + ρ)^(−T/12)."""
    g = (1.0 - policy.liquidation_discount) * (1.0 - policy.disposal_cost_rate)
    disc = (1.0 + policy.sale_discount_rate) ** (-policy.time_to_sell_months / 12.0)
    return g, policy.disposal_cost_fixed, disc


def liquidation_value_of(values: ArrayLike, policy: BankPolicy) -> np.ndarray:
    """清算价值 of collateral values (CNY), any shape."""
    g, fixed, disc = liquidation_factors(policy)
    return np.maximum(np.asarray(values, dtype=np.float64) * g - fixed, 0.0) * disc


def liquidation(value: float, policy: BankPolicy) -> LiquidationValue:
    """清算价值 of a collateral value V (CNY) with every intermediate figure."""
    d, c = policy.liquidation_discount, policy.disposal_cost_rate
    gross = value * (1.0 - d)
    costs = gross * c + policy.disposal_cost_fixed
    net = max(gross - costs, 0.0)
    _, _, disc = liquidation_factors(policy)
    return LiquidationValue(
        collateral_value=value,
        liquidation_discount=d,
        gross_proceeds=gross,
        disposal_costs=costs,
        net_proceeds=net,
        time_to_sell_months=policy.time_to_sell_months,
        sale_discount_rate=policy.sale_discount_rate,
        discount_factor=disc,
        liquidation_value=net * disc,
    )


def collateral_value(collateral: Collateral, policy: BankPolicy) -> CollateralValue:
    """押品价值 and 质押率 of the collateral under the policy, and its liquidation value."""
    w = collateral.weights
    haircut = sum(wm * policy.method_haircut(m) for m, wm in w.items())
    rate = sum(wm * policy.pledge_rate(collateral.asset_class, m) for m, wm in w.items())
    v = collateral.concluded_value * (1.0 - haircut)
    return CollateralValue(
        asset_id=collateral.asset_id,
        values_by_method=dict(collateral.values_by_method),
        concluded_value=collateral.concluded_value,
        weights=w,
        method_haircut=haircut,
        collateral_value=v,
        pledge_rate=rate,
        liquidation=liquidation(v, policy),
    )


def decay_factor(times_years: np.ndarray, dynamics: ValueDynamics, remaining_life_years: float) -> np.ndarray:
    """D(t) of the decay pattern at times in years (see :class:`pledge.models.DecayPattern`)."""
    t = np.asarray(times_years, dtype=np.float64)
    if dynamics.decay is DecayPattern.STRAIGHT_LINE:
        return np.clip(1.0 - t / remaining_life_years, 0.0, 1.0)
    if dynamics.decay is DecayPattern.EXPONENTIAL:
        return np.exp(-dynamics.decay_rate * t)
    return np.ones_like(t)
