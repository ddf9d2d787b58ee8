"""The cost method's face: the value, tornado and Monte Carlo of a prepared asset
(docs/valuation.md §Cost method, P = C × δ).

:func:`value`, :func:`tornado` and :func:`simulate` take the :class:`PreparedCost` that
:func:`prepare_cost` made once; :func:`value_cost`, :func:`tornado_cost` and :func:`simulate_cost` are the
one-call forms.
"""

from __future__ import annotations

import numpy as np

from valuation.context import ValuationContext
from valuation.models import DataAsset, Method, TornadoBar
from valuation.random import asset_keys

from . import kernel
from .draws import DRIVER_LABELS_ZH, draw_drivers
from .explain import explain_cost
from .inputs import (
    CATEGORY_LABELS_ZH,
    COST_CATEGORIES,
    TAX_BASE_CATEGORIES,
    CostCategory,
    CostInputs,
)
from .prepare import PreparedCost, one_cell, prepare_cost
from .result import (
    CategoryTotal,
    CostDetail,
    CostResult,
    RateDetail,
)


def value(p: PreparedCost) -> CostResult:
    """成本法 value P = C × δ (CNY) with its build-up, figures, evidence and assumptions
    (docs/valuation.md §Cost method)."""
    inputs, ctx = p.inputs, p.ctx
    build = p._evaluate()
    opportunity, taxes = float(build.opportunity[0]), float(build.taxes[0])
    total_cost, value = float(build.total_cost[0]), float(build.value[0])
    restated = p.totals_restated.copy()
    historical = p.totals_historical.copy()
    k_opp = COST_CATEGORIES.index(CostCategory.OPPORTUNITY)
    k_tax = COST_CATEGORIES.index(CostCategory.TAXES)

    opp_detail = tax_detail = None
    if inputs.opportunity is not None:
        capital_categories = COST_CATEGORIES[:4]
        opp_detail = RateDetail(
            rate=inputs.opportunity.rate,
            base_categories=capital_categories,
            base=float(restated[:4].sum()),
            holding_years=inputs.opportunity.holding_years,
            amount=opportunity,
            evidence=inputs.opportunity.evidence,
        )
        restated[k_opp] = historical[k_opp] = opportunity
    if inputs.taxes is not None:
        base_values = np.append(restated[:4], opportunity)
        tax_detail = RateDetail(
            rate=inputs.taxes.rate,
            base_categories=inputs.taxes.base,
            base=float(sum(base_values[TAX_BASE_CATEGORIES.index(c)] for c in inputs.taxes.base)),
            amount=taxes,
            evidence=inputs.taxes.evidence,
        )
        restated[k_tax] = historical[k_tax] = taxes

    present = {line.category for line in inputs.lines}
    totals = []
    for k, c in enumerate(COST_CATEGORIES):
        rate_based = (c is CostCategory.OPPORTUNITY and opp_detail) or (
            c is CostCategory.TAXES and tax_detail
        )
        formula = ""
        if c is CostCategory.OPPORTUNITY and opp_detail:
            formula = "机会成本 = r × (前期费用 + 直接成本 + 间接成本) × 持有年限"
        elif c is CostCategory.TAXES and tax_detail:
            formula = (
                "相关税费 = 税费率 × ("
                + " + ".join(CATEGORY_LABELS_ZH[b] for b in tax_detail.base_categories)
                + ")"
            )
        elif c in present:
            formula = "Σ 历史金额 × I(基准日月份) / I(发生月份)"
        totals.append(
            CategoryTotal(
                category=c,
                label_zh=CATEGORY_LABELS_ZH[c],
                historical=float(historical[k]),
                restated=float(restated[k]),
                source="rate" if rate_based else ("lines" if c in present else "none"),
                formula=formula,
            )
        )

    detail = CostDetail(
        lines=p.lines,
        category_totals=tuple(totals),
        opportunity_rate=opp_detail,
        tax_rate=tax_detail,
        total_historical=float(p.totals_historical.sum()),
        total_cost=total_cost,
        delta=p.delta,
        value=value,
        price_index=ctx.price_index.name,
        valuation_date=ctx.valuation_date,
        valuation_index_level=p.valuation_level,
    )
    return explain_cost(p.asset, ctx, detail)


def simulate(p: PreparedCost) -> np.ndarray:
    """Monte Carlo draws of P (CNY), shape (ctx.n_draws,); streams as in valuation/cost/draws.py."""
    drawn = draw_drivers(
        p.drivers,
        p.in_use,
        p.inputs.uncertainty,
        seed=p.ctx.seed,
        keys=asset_keys([p.asset.asset_id]),
        n_draws=p.ctx.n_draws,
    )
    return np.asarray(p._evaluate(drawn).value[0], dtype=np.float64)


def tornado(p: PreparedCost) -> list[TornadoBar]:
    """Each key input at its spread's 5th and 95th percentile, others at base; largest swing first."""
    bars = []
    for name in kernel.CostDrivers._fields:
        spread = getattr(p.inputs.uncertainty, name)
        if spread is None or not bool(p.in_use[name][0]):
            continue
        base = float(getattr(p.drivers, name)[0])
        low, high = (float(kernel.bound_input(name, x)) for x in spread.tornado_range(base))
        at_low = p._evaluate(p.drivers._replace(**{name: one_cell(low)})).value[0]
        at_high = p._evaluate(p.drivers._replace(**{name: one_cell(high)})).value[0]
        bars.append(
            TornadoBar(
                method=Method.COST,
                input_name=name,
                label_zh=DRIVER_LABELS_ZH[name],
                base_input=base,
                low_input=low,
                high_input=high,
                value_at_low=float(at_low),
                value_at_high=float(at_high),
            )
        )
    return sorted(bars, key=lambda b: b.swing, reverse=True)


def value_cost(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> CostResult:
    """成本法 value P = C × δ (CNY) with its build-up and explanation: ``value(prepare_cost(...))``."""
    return value(prepare_cost(asset, inputs, ctx))


def simulate_cost(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> np.ndarray:
    """Monte Carlo draws of P (CNY), shape (ctx.n_draws,): ``simulate(prepare_cost(...))``."""
    return simulate(prepare_cost(asset, inputs, ctx))


def tornado_cost(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> list[TornadoBar]:
    """Tornado bars, largest swing first: ``tornado(prepare_cost(...))``."""
    return tornado(prepare_cost(asset, inputs, ctx))
