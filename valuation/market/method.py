"""The market method's face: the value, tornado and Monte Carlo of a prepared asset
(docs/valuation.md §Market method).

:func:`value`, :func:`tornado` and :func:`simulate` take the :class:`PreparedMarket` that
:func:`prepare_market` made once (selection and screening of the comparables included);
:func:`value_market`, :func:`tornado_market` and :func:`simulate_market` are the one-call forms.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from valuation.context import ValuationContext
from valuation.market import grid as g
from valuation.market import kernel
from valuation.market.adjustments import (
    AdjustmentTable,
)
from valuation.market.comparables import (
    Comparable,
)
from valuation.market.explain import explain_market
from valuation.market.inputs import MarketInputs
from valuation.market.prepare import PreparedMarket, prepare_market
from valuation.market.result import (
    MarketResult,
)
from valuation.models import DataAsset, Method, TornadoBar
from valuation.random import asset_keys
from valuation.uncertainty import TORNADO_PERCENTILES


def value(p: PreparedMarket) -> MarketResult:
    """Market-method value of the asset in CNY, with the full adjustment grid
    (docs/valuation.md §Market method)."""
    value = float(kernel.aggregate(p.grid.adjusted, p.weights, p.kept, p.median)[0])
    return explain_market(p, value)


def simulate(p: PreparedMarket) -> np.ndarray:
    """Monte Carlo draws of the market value, shape (ctx.n_draws,), CNY.

    Convention (inputs.MarketUncertainty): β (stream 300) and X2 (stream 301) from their spreads, and
    a bootstrap of the m kept comparables (slot j from stream 302 + j); selection and screening held.
    """
    draws = g.simulate(
        p.grid,
        p.kept,
        p.weights,
        p.targets.beta,
        p.inputs.uncertainty,
        p.ctx.seed,
        asset_keys([p.asset.asset_id]),
        p.ctx.n_draws,
        median=p.median,
    )
    row: np.ndarray = draws[0]
    return row


def tornado(p: PreparedMarket) -> list[TornadoBar]:
    """Value at the 5th / 95th percentile of β, target quality, X2 and the comparables' price level.

    One input moves at a time, the others stay at base; selection and screening are held. β is
    clipped to [0, 1] and target quality to [0, 1]. Bars sorted by swing, largest first.
    """
    inputs = p.inputs
    grid, kept, w, unc = p.grid, p.kept, p.weights, inputs.uncertainty
    lo_p, hi_p = TORNADO_PERCENTILES

    def bar(
        name: str, label: str, base: float, low: float, high: float, v_low: np.ndarray, v_high: np.ndarray
    ) -> TornadoBar:
        return TornadoBar(
            method=Method.MARKET,
            input_name=name,
            label_zh=label,
            base_input=base,
            low_input=low,
            high_input=high,
            value_at_low=float(v_low[0]),
            value_at_high=float(v_high[0]),
        )

    beta = inputs.beta
    b_lo, b_hi = (min(1.0, max(0.0, b)) for b in unc.beta.tornado_range(beta))
    q = float(p.targets.quality[0])
    q_lo, q_hi = (min(1.0, max(0.0, v)) for v in unc.target_quality.tornado_range(q))
    x_lo, x_hi = unc.x2.tornado_range(inputs.x2)
    l_lo, l_hi = unc.price_level.tornado_range(1.0)
    bars = [
        bar(
            "beta",
            "规模调整指数 β",
            beta,
            b_lo,
            b_hi,
            g.revalue(grid, kept, w, median=p.median, x4=kernel.volume_factor(grid.records_ratio, b_lo)),
            g.revalue(grid, kept, w, median=p.median, x4=kernel.volume_factor(grid.records_ratio, b_hi)),
        ),
        bar(
            "target_quality",
            "目标数据质量",
            q,
            q_lo,
            q_hi,
            g.revalue(grid, kept, w, median=p.median, x1=kernel.quality_factor(q_lo, grid.comp_quality)),
            g.revalue(grid, kept, w, median=p.median, x1=kernel.quality_factor(q_hi, grid.comp_quality)),
        ),
        bar(
            "x2",
            "供求调整系数 X2",
            inputs.x2,
            x_lo,
            x_hi,
            g.revalue(grid, kept, w, median=p.median, x2=unc.x2.apply(grid.x2, lo_p)),
            g.revalue(grid, kept, w, median=p.median, x2=unc.x2.apply(grid.x2, hi_p)),
        ),
        bar(
            "price_level",
            "可比案例价格水平",
            1.0,
            l_lo,
            l_hi,
            g.revalue(grid, kept, w, median=p.median, price=grid.price * l_lo),
            g.revalue(grid, kept, w, median=p.median, price=grid.price * l_hi),
        ),
    ]
    return sorted(bars, key=lambda b: b.swing, reverse=True)


def value_market(
    asset: DataAsset,
    inputs: MarketInputs,
    ctx: ValuationContext,
    *,
    database: Sequence[Comparable] = (),
    adjustments: AdjustmentTable | None = None,
) -> MarketResult:
    """Market-method value with the full adjustment grid: ``value(prepare_market(...))``."""
    return value(prepare_market(asset, inputs, ctx, database=database, adjustments=adjustments))


def simulate_market(
    asset: DataAsset,
    inputs: MarketInputs,
    ctx: ValuationContext,
    *,
    database: Sequence[Comparable] = (),
    adjustments: AdjustmentTable | None = None,
) -> np.ndarray:
    """Monte Carlo draws of the market value, shape (ctx.n_draws,): ``simulate(prepare_market(...))``."""
    return simulate(prepare_market(asset, inputs, ctx, database=database, adjustments=adjustments))


def tornado_market(
    asset: DataAsset,
    inputs: MarketInputs,
    ctx: ValuationContext,
    *,
    database: Sequence[Comparable] = (),
    adjustments: AdjustmentTable | None = None,
) -> list[TornadoBar]:
    """Tornado bars, largest swing first: ``tornado(prepare_market(...))``."""
    return tornado(prepare_market(asset, inputs, ctx, database=database, adjustments=adjustments))
