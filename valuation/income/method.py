"""The income method's face: the value, tornado and Monte Carlo of a prepared asset
(docs/valuation.md §Income method).

:func:`value`, :func:`tornado` and :func:`simulate` take the :class:`PreparedIncome` that
:func:`prepare_income` made once, all through the same kernel (valuation/income/kernel.py) as the batch;
:func:`value_income`, :func:`tornado_income` and :func:`simulate_income` are the one-call forms.
"""

from __future__ import annotations

import numpy as np

from valuation.context import ValuationContext
from valuation.models import DataAsset, Method, TornadoBar
from valuation.random import asset_keys
from valuation.uncertainty import TORNADO_PERCENTILES

from . import kernel
from .draws import (
    BASE_LABELS_ZH,
    SHARE_LABELS_ZH,
    DrawnInputs,
    KernelInputs,
    draw_inputs,
    stream_uniforms,
    value_drawn,
)
from .explain import explain_income
from .inputs import IncomeForm, IncomeInputs, SplitBase
from .prepare import PreparedIncome, prepare_income
from .result import (
    HorizonDetail,
    IncomeDetail,
    IncomeResult,
    ScheduleRow,
    TabDetail,
    TerminalDetail,
)


def value(p: PreparedIncome) -> IncomeResult:
    """P = Σ_{k=1..n} F_k / (1 + i)^{t_k} (+ TV_n discounted with the last factor), CNY
    (docs/valuation.md §Income method)."""
    inputs = p.inputs
    flows_before_tax = kernel.cash_flows(p.base, p.share, p.decay, 1.0, p.grid.coverage)
    flows = kernel.cash_flows(p.base, p.share, p.decay, p.tax, p.grid.coverage)
    factors = kernel.discount_factors(p.rate, p.times)
    present = flows * factors
    value = float(
        kernel.income_value(
            p.base,
            p.share,
            p.decay,
            p.tax,
            p.grid,
            p.times,
            p.rate,
            p.terminal_growth,
        )
    )
    decay_factors = kernel.decay_factors(p.decay, p.n_periods)
    pv_explicit = float(kernel.sum_periods(present))
    value_before_tab = value
    tab = None
    if p.tab_period is not None and p.tab_tax_rate is not None:
        assert inputs.tax_amortization_benefit is not None
        af = float(kernel.annuity_factor(p.rate, p.tab_period))
        uplift = float(p.tab_uplift(p.rate))
        value = value_before_tab * uplift
        tab = TabDetail(
            period_years=p.tab_period,
            tax_rate=p.tab_tax_rate,
            annuity_factor=af,
            uplift=uplift,
            value_before=value_before_tab,
            amount=value - value_before_tab,
            basis_text=inputs.tax_amortization_benefit.basis_text,
        )

    terminal = None
    if p.terminal_growth is not None:
        assert inputs.terminal is not None
        last = float(flows[-1] / p.grid.length[-1])
        at_n = float(kernel.terminal_value(last, p.rate, p.terminal_growth))
        terminal = TerminalDetail(
            growth=p.terminal_growth,
            margin=inputs.terminal.margin,
            rate_minus_growth=p.rate - p.terminal_growth,
            last_cash_flow=last,
            value_at_n=at_n,
            discount_factor=float(factors[-1]),
            present_value=at_n * float(factors[-1]),
            evidence=inputs.terminal.evidence,
        )
    pv_terminal = terminal.present_value if terminal is not None else 0.0

    schedule = tuple(
        ScheduleRow(
            period=k + 1,
            start=float(p.grid.start[k]),
            end=float(p.grid.end[k]),
            length=float(p.grid.length[k]),
            covered_fraction=float(p.grid.coverage[k]),
            base=float(p.base[k]),
            base_lower=None if p.base_lower is None else float(p.base_lower[k]),
            base_upper=None if p.base_upper is None else float(p.base_upper[k]),
            costs=None if p.costs is None else float(p.costs[k]),
            charges=None if p.charges is None else float(p.charges[k]),
            share=float(p.share[k]),
            split_rate=float(p.share[k] * decay_factors[k])
            if inputs.form is IncomeForm.SPLIT
            else None,
            decay_factor=float(decay_factors[k]),
            contribution=float(flows_before_tax[k]),
            tax=float(flows_before_tax[k] - flows[k]),
            cash_flow=float(flows[k]),
            time=float(p.times[k]),
            discount_factor=float(factors[k]),
            present_value=float(present[k]),
        )
        for k in range(p.n_periods)
    )
    horizon = HorizonDetail(
        caps=p.horizon.caps,
        indefinite=p.horizon.indefinite,
        horizon_years=None if p.horizon.indefinite else p.horizon.years,
        binding=p.horizon.binding,
        reason=p.horizon.reason,
        periods=p.n_periods,
        forecast_periods=p.forecast_periods,
    )
    detail = IncomeDetail(
        form=inputs.form,
        base_source=p.base_source,
        timing=inputs.timing,
        first_period_years=inputs.first_period_years,
        cash_flow_basis=inputs.cash_flow_basis,
        tax_rate=inputs.tax_rate,
        tax_factor=p.tax,
        growth=inputs.projection.growth if inputs.projection is not None else None,
        decay=p.decay,
        schedule=schedule,
        charges=p.charge_lines,
        horizon=horizon,
        rate=p.rate_detail,
        terminal=terminal,
        ets=p.ets,
        pv_explicit=pv_explicit,
        pv_terminal=pv_terminal,
        tab=tab,
        total=value,
    )
    return explain_income(p, detail)


def simulate(p: PreparedIncome) -> np.ndarray:
    """Monte Carlo draws of the income value, shape (ctx.n_draws,), CNY."""
    ctx = p.ctx
    if ctx.n_draws == 0:
        return np.empty(0)
    keys = asset_keys([p.asset.asset_id])
    u = {name: v[0] for name, v in stream_uniforms(ctx.seed, keys, ctx.n_draws).items()}
    ki = p.kernel_inputs()
    drawn = draw_inputs(ki, p.inputs.uncertainty, u)
    values: np.ndarray = value_drawn(ki, drawn) * p.tab_uplift(drawn.rate)
    return values


def tornado(p: PreparedIncome) -> list[TornadoBar]:
    """Each key input at its spread's 5th and 95th percentile, the others at base; largest swing first."""
    ki = p.kernel_inputs()
    spreads = p.inputs.uncertainty
    at = np.array(TORNADO_PERCENTILES)
    form = p.form
    on_profit = form is IncomeForm.SPLIT and p.inputs.split_base is SplitBase.PROFIT
    base_label = ("利润(分成基数)" if on_profit else BASE_LABELS_ZH[form]) + (
        "(ETS预测区间)" if p.base_sd is not None else ""
    )
    candidates = [
        ("base", base_label, spreads.base),
        ("share", SHARE_LABELS_ZH[form], spreads.share if p.share_uncertain else None),
        ("discount_rate", "折现率", spreads.discount_rate),
        ("decay", "衰减率", spreads.decay),
    ]
    bars = []
    for name, label, spread in candidates:
        if spread is None:
            continue
        drawn = draw_inputs(ki, spreads, {name: at})
        values = value_drawn(ki, drawn) * p.tab_uplift(drawn.rate)
        base_input, low_input, high_input = _shown_input(name, ki, drawn)
        bars.append(
            TornadoBar(
                method=Method.INCOME,
                input_name=name,
                label_zh=label,
                base_input=base_input,
                low_input=low_input,
                high_input=high_input,
                value_at_low=float(values[0]),
                value_at_high=float(values[1]),
            )
        )
    bars.sort(key=lambda b: b.swing, reverse=True)
    return bars


def _shown_input(name: str, ki: KernelInputs, drawn: DrawnInputs) -> tuple[float, float, float]:
    """The input shown on a bar: period 1 for the base and share paths, the rate and decay themselves."""
    if name == "base":
        return float(ki.base[0]), float(drawn.base[0, 0]), float(drawn.base[1, 0])
    if name == "share":
        return float(ki.share[0]), float(drawn.share[0, 0]), float(drawn.share[1, 0])
    if name == "discount_rate":
        return float(ki.rate), float(drawn.rate[0]), float(drawn.rate[1])
    return float(ki.decay), float(drawn.decay[0]), float(drawn.decay[1])


def value_income(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> IncomeResult:
    """The income value with its DCF schedule and explanation: ``value(prepare_income(...))``."""
    return value(prepare_income(asset, inputs, ctx))


def simulate_income(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> np.ndarray:
    """Monte Carlo draws of the income value, shape (ctx.n_draws,): ``simulate(prepare_income(...))``."""
    return simulate(prepare_income(asset, inputs, ctx))


def tornado_income(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> list[TornadoBar]:
    """Tornado bars, largest swing first: ``tornado(prepare_income(...))``."""
    return tornado(prepare_income(asset, inputs, ctx))
