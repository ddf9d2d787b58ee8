"""Monte Carlo draws of the cost drivers, shared by the single-asset simulation and the batch.

Stream convention: driver number i of :class:`~valuation.cost.kernel.CostDrivers` (planning 0,
direct_construction 1, direct_operation 2, indirect 3, opportunity 4, taxes 5, opportunity_rate 6,
holding_years 7, tax_rate 8, delta 9) draws from ``uniforms(seed, keys, STREAM_BASE + i, n_draws)``,
so an asset's draws depend only on the seed, its id and the input — alone or in a batch.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from valuation.random import uniforms

from .inputs import CostUncertainty
from .kernel import INPUT_BOUNDS, CostDrivers

STREAM_BASE = 100

DRIVER_LABELS_ZH: dict[str, str] = {
    "planning": "前期费用",
    "direct_construction": "直接成本—建设",
    "direct_operation": "直接成本—运维",
    "indirect": "间接成本",
    "opportunity": "机会成本",
    "taxes": "相关税费",
    "opportunity_rate": "机会成本率",
    "holding_years": "资本占用年限",
    "tax_rate": "税费率",
    "delta": "价值调整系数δ",
}


def stream_of(name: str) -> int:
    """Stream number of a driver (STREAM_BASE + its position in CostDrivers)."""
    return STREAM_BASE + CostDrivers._fields.index(name)


def draw_drivers(
    base: CostDrivers,
    in_use: Mapping[str, np.ndarray],
    uncertainty: CostUncertainty,
    *,
    seed: int,
    keys: np.ndarray,
    n_draws: int,
) -> CostDrivers:
    """Drivers of shape (n, n_draws) from base drivers of shape (n,).

    A driver moves by its spread (``spread.apply(base, u)``, then clipped by
    :func:`~valuation.cost.kernel.bound_input`) where ``in_use`` is True and its spread is set;
    elsewhere it stays at base.
    """
    n = len(keys)
    drawn: dict[str, np.ndarray] = {}
    for name in CostDrivers._fields:
        b = np.asarray(getattr(base, name), dtype=np.float64).reshape(n, 1)
        spread = getattr(uncertainty, name)
        use = np.asarray(in_use.get(name, np.zeros(n, dtype=bool)), dtype=bool).reshape(n, 1)
        if spread is None or n_draws == 0 or not use.any():
            drawn[name] = np.broadcast_to(b, (n, n_draws))
            continue
        u = uniforms(seed, keys, stream_of(name), n_draws)
        x = spread.apply(b, u)  # a new (n, n_draws) array: bounded and reset in place
        low, high = INPUT_BOUNDS[name]
        np.clip(x, low, high, out=x)  # = bound_input(name, x)
        if not use.all():
            np.copyto(x, np.broadcast_to(b, x.shape), where=~use)  # = np.where(use, x, b)
        drawn[name] = x
    return CostDrivers(**drawn)
