"""The income method for one asset: inputs checked and turned into the kernel's arrays once
(docs/valuation.md §Income method).

:func:`prepare_income` decides the horizon, the periods, the base (forecast rows, projection or ETS on
the history), the share and the discount rate; the :class:`PreparedIncome` it returns gives the value
with its DCF schedule and explanation (:meth:`~PreparedIncome.value`), the tornado
(:meth:`~PreparedIncome.tornado`) and the Monte Carlo draws (:meth:`~PreparedIncome.simulate`), all by
the same kernel (valuation/income/kernel.py) as the batch. :func:`value_income`, :func:`tornado_income`
and :func:`simulate_income` are the one-call forms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from base.errors import DatavalError
from valuation.context import ValuationContext
from valuation.errors import DiscountRateNotAboveGrowth, HorizonError
from valuation.models import DataAsset

from . import kernel
from .draws import (
    KernelInputs,
)
from .errors import ForecastTooShort, InvalidIncomeInput
from .forecast import fit_ets
from .horizon import Horizon, decide_horizon
from .inputs import (
    LABELS_ZH,
    IncomeForm,
    IncomeInputs,
    SplitBase,
    revenue_base,
    tax_factor,
)
from .result import (
    BaseSource,
    ChargeLine,
    EtsForecast,
    EtsStep,
    RateBuildUp,
    RateComponent,
)

Array = kernel.Array
# i − g ≥ margin is checked with this slack so that 0.09 − 0.07 passes a 0.02 margin despite float error.
RATE_MARGIN_SLACK = 1e-12


@dataclass(frozen=True)
class PreparedIncome:
    """One asset's checked income inputs as arrays: period arrays shaped (T,), the rest scalars."""

    asset: DataAsset
    inputs: IncomeInputs
    ctx: ValuationContext
    form: IncomeForm
    base_source: BaseSource
    horizon: Horizon
    forecast_periods: int
    grid: kernel.PeriodGrid
    mid: bool
    times: Array
    base: Array
    base_sd: Array | None
    base_lower: Array | None
    base_upper: Array | None
    floor_base_at_zero: bool
    share: Array
    share_uncertain: bool
    costs: Array | None
    charges: Array | None
    charge_lines: tuple[ChargeLine, ...]
    decay: float
    tax: float
    rate: float
    rate_detail: RateBuildUp
    terminal_growth: float | None
    rate_floor: float
    ets: EtsForecast | None
    margin: float | None = None
    tab_period: int | None = None
    tab_tax_rate: float | None = None

    def tab_uplift(self, rate: np.ndarray | float) -> np.ndarray:
        """1 / (1 − T × AF / n) at the discount rate(s) ``rate``; 1 without a TAB (ratio)."""
        if self.tab_period is None or self.tab_tax_rate is None:
            return np.ones_like(np.asarray(rate, dtype=np.float64))
        return kernel.tab_uplift(rate, self.tab_tax_rate, self.tab_period)

    @property
    def n_periods(self) -> int:
        return int(self.base.shape[-1])

    def kernel_inputs(self) -> KernelInputs:
        """The asset's arrays as the draws' kernel inputs, leading shape ()."""
        return KernelInputs(
            base=self.base,
            base_sd=self.base_sd,
            floor_base=np.asarray(self.floor_base_at_zero),
            share=self.share,
            share_uncertain=np.asarray(self.share_uncertain),
            decay=np.asarray(self.decay, dtype=np.float64),
            tax=np.asarray(self.tax, dtype=np.float64),
            rate=np.asarray(self.rate, dtype=np.float64),
            rate_floor=np.asarray(self.rate_floor, dtype=np.float64),
            grid=self.grid,
            times=self.times,
            terminal_growth=None
            if self.terminal_growth is None
            else np.asarray(self.terminal_growth, dtype=np.float64),
        )


def rate_build_up(inputs: IncomeInputs) -> RateBuildUp:
    """The discount rate and its terms: i = rf + Σ premiums, or i = WACC + asset premium (annual)."""
    spec = inputs.discount_rate
    if spec.risk_free is not None:
        components = [RateComponent(name="risk_free", label_zh="无风险报酬率", rate=spec.risk_free)]
        components += [
            RateComponent(
                name=p.name, label_zh=LABELS_ZH.get(p.name, p.name), rate=p.rate, evidence=p.evidence
            )
            for p in spec.premiums
        ]
        formula = "i = rf + " + " + ".join(c.label_zh for c in components[1:]) if spec.premiums else "i = rf"
        approach = "build_up"
    elif spec.capm is not None:
        c = spec.capm
        components = [
            RateComponent(name="wacc", label_zh="加权平均资本成本", rate=c.wacc(), evidence=c.evidence),
            RateComponent(
                name="asset_premium", label_zh="数据资产特有风险溢价", rate=float(spec.asset_premium or 0.0)
            ),
        ]
        formula = "i = WACC + 数据资产特有风险溢价; WACC = E/V·Ke + D/V·Kd·(1 − T), Ke = rf + β_L·ERP + 规模溢价 + 特定风险溢价"
        approach = "wacc"
    else:
        components = [
            RateComponent(name="wacc", label_zh="加权平均资本成本", rate=float(spec.wacc or 0.0)),
            RateComponent(
                name="asset_premium", label_zh="数据资产特有风险溢价", rate=float(spec.asset_premium or 0.0)
            ),
        ]
        formula = "i = WACC + 数据资产特有风险溢价"
        approach = "wacc"
    return RateBuildUp(
        approach=approach,
        components=tuple(components),
        rate=spec.rate(),
        basis=spec.basis,
        formula=formula,
        evidence=spec.evidence,
    )


def prepare_income(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> PreparedIncome:
    """Horizon, periods, base, share, rate: everything the kernel needs. Errors name the asset."""
    try:
        return _prepare(asset, inputs, ctx)
    except DatavalError as exc:
        raise exc.with_asset(asset.asset_id) from None


def _prepare(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> PreparedIncome:
    horizon = decide_horizon(asset, inputs, ctx.valuation_date)
    f = inputs.first_period_years
    source: BaseSource = "forecast" if inputs.forecast else "projection" if inputs.projection else "history"
    offered = len(inputs.forecast) if inputs.forecast else None
    if horizon.indefinite:
        n_periods = offered if offered is not None else inputs.explicit_periods
        if n_periods is None:
            raise HorizonError(
                f"an indefinite life with a {source} needs explicit_periods (the years forecast before the "
                "terminal value)",
                field="income.explicit_periods",
            )
    else:
        if inputs.explicit_periods is not None:
            raise InvalidIncomeInput(
                "explicit_periods is only used for an indefinite life; the horizon here is "
                f"{horizon.years:.4f} years ({horizon.binding}), "
                f"got explicit_periods {inputs.explicit_periods}",
                field="income.explicit_periods",
            )
        n_periods = int(kernel.periods_needed(f, horizon.years))
        if offered is not None and offered < n_periods:
            raise ForecastTooShort(
                f"the horizon of {horizon.years:.4f} years ({horizon.binding}) with a first period of {f:g} "
                f"years needs {n_periods} forecast periods, got {offered}; extend the forecast (no "
                "extension rule is applied)",
                field="income.forecast",
            )
    grid = kernel.period_grid(f, horizon.years, n_periods)
    mid = inputs.timing.value == "mid"
    times = kernel.discount_times(grid, mid)

    base_sd = base_lower = base_upper = None
    ets = None
    if inputs.forecast:
        base = _row_base(inputs, n_periods)
    elif inputs.projection is not None:
        base = kernel.projected_base(inputs.projection.base_y1, inputs.projection.growth, grid.length)
    else:
        base, base_sd, base_lower, base_upper, ets = _history_base(inputs, n_periods, grid.length)

    share, costs, charges, charge_lines = _share(inputs, base, n_periods)
    tab = inputs.tax_amortization_benefit
    if tab is not None:
        _check_tab(asset, inputs, ctx)
    rate_detail = rate_build_up(inputs)
    rate = rate_detail.rate
    terminal_growth = None
    rate_floor = 0.0
    if horizon.indefinite:
        assert inputs.terminal is not None  # decide_horizon refuses an indefinite life without one
        g, margin = inputs.terminal.growth, inputs.terminal.margin
        if rate - g < margin - RATE_MARGIN_SLACK:
            raise DiscountRateNotAboveGrowth(
                f"a terminal value needs i − g ≥ {margin:g}; got i = {rate:g}, g = {g:g}, "
                f"i − g = {rate - g:.6g}",
                field="income.terminal.growth",
            )
        terminal_growth = g
        rate_floor = g + margin
    return PreparedIncome(
        asset=asset,
        inputs=inputs,
        ctx=ctx,
        form=inputs.form,
        base_source=source,
        horizon=horizon,
        forecast_periods=offered if offered is not None else n_periods,
        grid=grid,
        mid=mid,
        times=times,
        base=base,
        base_sd=base_sd,
        base_lower=base_lower,
        base_upper=base_upper,
        floor_base_at_zero=revenue_base(inputs),
        share=share,
        share_uncertain=inputs.form is not IncomeForm.INCREMENTAL,
        costs=costs,
        charges=charges,
        charge_lines=charge_lines,
        decay=inputs.decay,
        tax=tax_factor(inputs),
        rate=rate,
        rate_detail=rate_detail,
        terminal_growth=terminal_growth,
        rate_floor=rate_floor,
        ets=ets,
        margin=_split_margin(inputs, n_periods),
        tab_period=tab.period_years if tab is not None else None,
        tab_tax_rate=tab.tax_rate if tab is not None else None,
    )


def _row_base(inputs: IncomeInputs, n_periods: int) -> Array:
    rows = inputs.forecast[:n_periods]
    if inputs.form is IncomeForm.EXCESS_EARNINGS:
        values = [r.earnings for r in rows]
    elif inputs.form is IncomeForm.INCREMENTAL:
        values = [
            r.increment
            if r.increment is not None
            else float(r.with_data or 0.0) - float(r.without_data or 0.0)
            for r in rows
        ]
    elif inputs.form is IncomeForm.SPLIT and inputs.split_base is SplitBase.PROFIT:
        values = [r.profit for r in rows]
    else:
        values = [r.revenue for r in rows]
    return np.array(values, dtype=np.float64)


def _split_margin(inputs: IncomeInputs, n_periods: int) -> float | None:
    """销售利润率 of period 1 for the split form, when known: profit_1 / revenue_1 from the rows, or the
    stated ``profit_margin``; None otherwise (ratio)."""
    if inputs.form is not IncomeForm.SPLIT:
        return None
    if inputs.forecast and n_periods > 0:
        row = inputs.forecast[0]
        if row.revenue and row.profit is not None:
            return float(row.profit) / float(row.revenue)
    return inputs.profit_margin


def _check_tab(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> None:
    """A TAB belongs to a fair value (a buyer amortizes the price for tax), never to a value in use."""
    if ctx.value_type is not None and ctx.value_type.value == "value_in_use":
        raise InvalidIncomeInput(
            "在用价值不考虑税收摊销收益：价值类型为 value_in_use 时不得给出 tax_amortization_benefit; a tax "
            "amortization benefit belongs to a fair value (a buyer amortizes the price for tax), not to a "
            "value in use; remove income.tax_amortization_benefit or state another value type",
            asset_id=asset.asset_id,
            field="income.tax_amortization_benefit",
        )


def _history_base(
    inputs: IncomeInputs, n_periods: int, length: Array
) -> tuple[Array, Array, Array, Array, EtsForecast]:
    history = inputs.history
    assert history is not None
    amounts = tuple(p.amount for p in history.points)
    fit = fit_ets(amounts, n_periods)
    mean, lower, upper, sd = (np.array(v, dtype=np.float64) for v in (fit.mean, fit.lower, fit.upper, fit.sd))
    floored = False
    if revenue_base(inputs):
        floored = bool((mean < 0).any() or (lower < 0).any())
        mean, lower, upper = np.maximum(mean, 0.0), np.maximum(lower, 0.0), np.maximum(upper, 0.0)
    ets = EtsForecast(
        params=dict(fit.params),
        aic=fit.aic,
        converged=fit.converged,
        history_years=tuple(p.year for p in history.points),
        history=amounts,
        steps=tuple(
            EtsStep(
                step=k + 1, mean=float(mean[k]), lower=float(lower[k]), upper=float(upper[k]), sd=float(sd[k])
            )
            for k in range(n_periods)
        ),
        floored_at_zero=floored,
        evidence=history.evidence,
    )
    # Step k is a year's amount; the period's amount is that × its length (a partial first period f × step 1).
    return mean * length, sd * length, lower * length, upper * length, ets


def _share(
    inputs: IncomeInputs, base: Array, n_periods: int
) -> tuple[Array, Array | None, Array | None, tuple[ChargeLine, ...]]:
    """S_k (ratio) and, where given as amounts, the costs or contributory charges per period (CNY)."""
    form = inputs.form
    ones = np.ones(n_periods)
    if form is IncomeForm.DIRECT:
        if inputs.margin is not None:
            return ones * inputs.margin, None, None, ()
        costs = np.array([r.costs for r in inputs.forecast[:n_periods]], dtype=np.float64)
        return _share_after(costs, base, "forecast[{k}].revenue", "revenue"), costs, None, ()
    if form is IncomeForm.SPLIT:
        if inputs.split_rate is not None:
            return ones * inputs.split_rate, None, None, ()
        return np.array([r.split_rate for r in inputs.forecast[:n_periods]], dtype=np.float64), None, None, ()
    if form is IncomeForm.EXCESS_EARNINGS:
        if inputs.contributory_rate is not None:
            return ones * (1.0 - inputs.contributory_rate), None, None, ()
        lines = []
        for j, c in enumerate(inputs.contributory_charges):
            offered = len(c.amounts) if c.amounts is not None else len(c.bases or ())
            if offered < n_periods:
                which = "amounts" if c.amounts is not None else "bases"
                raise ForecastTooShort(
                    f"the horizon needs {n_periods} periods of the charge {c.name!r}, got {offered}",
                    field=f"income.contributory_charges[{j}].{which}",
                )
            if c.amounts is not None:
                amounts = np.array(c.amounts[:n_periods], dtype=np.float64)
            else:
                amounts = float(c.rate or 0.0) * np.array((c.bases or ())[:n_periods], dtype=np.float64)
            lines.append(
                ChargeLine(
                    name=c.name,
                    component=c.component,
                    label_zh=f"{c.name}{LABELS_ZH[c.component.value]}",
                    amounts=tuple(amounts.tolist()),
                    rate=c.rate,
                    bases=tuple(c.bases[:n_periods]) if c.bases is not None else None,
                    evidence=c.evidence,
                )
            )
        charges = np.sum([np.array(line.amounts) for line in lines], axis=0)
        field = "forecast[{k}].earnings" if inputs.forecast else "projection.base_y1"
        return _share_after(charges, base, field, "earnings"), None, charges, tuple(lines)
    return ones, None, None, ()


def _share_after(deduction: Array, base: Array, field: str, what: str) -> Array:
    """S_k = 1 − deduction_k / B_k, so that B × S = B − deduction; B_k = 0 only with no deduction (S = 0)."""
    stuck = (base == 0) & (deduction > 0)
    if stuck.any():
        k = int(np.flatnonzero(stuck)[0])
        raise InvalidIncomeInput(
            f"expected {what} ≠ 0 in period {k + 1}, which has deductions of {deduction[k]:g} CNY "
            f"(the share is 1 − deductions / {what})",
            field="income." + field.format(k=k),
        )
    safe = np.where(base == 0, 1.0, base)
    return np.where(base == 0, 0.0, 1.0 - deduction / safe)


