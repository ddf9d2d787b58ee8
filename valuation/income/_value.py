"""value_income: the income method for one asset, with its DCF schedule and explanation (DOMAIN §3.2)."""

from __future__ import annotations

from valuation.context import ValuationContext
from valuation.models import DataAsset, Figure

from . import kernel
from ._inputs import LABELS_ZH, IncomeForm, IncomeInputs, TaxBasis
from ._prepare import PreparedIncome, prepare_income
from ._result import HorizonDetail, IncomeDetail, IncomeResult, ScheduleRow, TerminalDetail

FORMULAS: dict[IncomeForm, str] = {
    IncomeForm.DIRECT: "F_t = (revenue_t − costs_t) × (1 − d)^(t−1)",
    IncomeForm.SPLIT: "F_t = R_t × K_t, K_t = K_1 × (1 − d)^(t−1)",
    IncomeForm.EXCESS_EARNINGS: "F_t = (E_t − Σ C_i,t) × (1 − d)^(t−1)",
    IncomeForm.INCREMENTAL: "F_t = (with_t − without_t) × (1 − d)^(t−1)",
}


def value_income(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> IncomeResult:
    """P = Σ_{k=1..n} F_k / (1 + i)^{t_k} (+ TV_n discounted with the last factor), CNY (DOMAIN §3.2)."""
    p = prepare_income(asset, inputs, ctx.valuation_date)
    flows_before_tax = kernel.cash_flows(p.base, p.share, p.decay, 1.0, p.grid.coverage)
    flows = kernel.cash_flows(p.base, p.share, p.decay, p.tax, p.grid.coverage)
    factors = kernel.discount_factors(p.rate, p.times)
    present = flows * factors
    value = float(
        kernel.income_value(p.base, p.share, p.decay, p.tax, p.grid, p.times, p.rate, p.terminal_growth)
    )
    decay_factors = kernel.decay_factors(p.decay, p.n_periods)
    pv_explicit = float(kernel.sum_periods(present))

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
            split_rate=float(p.share[k] * decay_factors[k]) if inputs.form is IncomeForm.SPLIT else None,
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
        total=value,
    )
    return IncomeResult(
        asset_id=asset.asset_id,
        value=value,
        formula=_formula(inputs, p),
        figures=_figures(inputs, p, pv_explicit, pv_terminal, value),
        assumptions=_assumptions(inputs, p),
        notes=_notes(p),
        detail=detail,
    )


def _formula(inputs: IncomeInputs, p: PreparedIncome) -> str:
    timing = "t_k = end of period k" if not p.mid else "t_k = middle of period k (t − 0.5)"
    head = "P = Σ_{k=1..n} F_k / (1 + i)^{t_k}"
    if p.terminal_growth is not None:
        head += " + F_n × (1 + g) / (i − g) × (1 + i)^(−t_n)"
    tax = "; F × (1 − T) (pre-tax converted)" if p.tax != 1.0 else ""
    return f"{head}; {FORMULAS[inputs.form]}{tax}; {timing}"


def _figures(
    inputs: IncomeInputs, p: PreparedIncome, pv_explicit: float, pv_terminal: float, value: float
) -> tuple[Figure, ...]:
    form = inputs.form
    figures = [
        Figure(
            name="horizon_years",
            label_zh="收益期",
            value=float(p.grid.end[-1]) if p.horizon.indefinite else p.horizon.years,
            unit="years",
            formula="indefinite life: explicit periods, then a terminal value"
            if p.horizon.indefinite
            else "n = min(经济寿命, 权利/合同/授权期限)",
            evidence=p.horizon.reason,
        ),
        Figure(
            name="periods",
            label_zh="预测期数",
            value=p.n_periods,
            unit="count",
            formula="1 + ⌈n − f⌉" if not p.horizon.indefinite else "explicit periods",
        ),
    ]
    rd = p.rate_detail
    for c in rd.components:
        figures.append(
            Figure(name=f"rate_{c.name}", label_zh=c.label_zh, value=c.rate, unit="rate", evidence=c.evidence)
        )
    figures.append(
        Figure(
            name="discount_rate",
            label_zh="折现率",
            value=p.rate,
            unit="rate",
            formula=rd.formula,
            evidence=rd.evidence,
        )
    )
    base_label = {
        "direct": "首期数据资产收入",
        "split": "首期企业收入 R_1",
        "excess_earnings": "首期企业收益 E_1",
        "incremental": "首期增量收益",
    }[form.value]
    evidence = {
        "forecast": inputs.evidence,
        "projection": inputs.projection.evidence if inputs.projection else "",
        "history": inputs.history.evidence if inputs.history else "",
    }[p.base_source]
    figures.append(
        Figure(
            name="base_1",
            label_zh=base_label,
            value=float(p.base[0]),
            unit="CNY",
            formula=f"base from {p.base_source}",
            evidence=evidence,
        )
    )
    if inputs.projection is not None:
        figures.append(
            Figure(
                name="growth",
                label_zh="增长率",
                value=inputs.projection.growth,
                unit="rate",
                formula="B_k = B_1 × (1 + g)^(k−1)",
                evidence=inputs.projection.evidence,
            )
        )
    if form is IncomeForm.SPLIT:
        figures.append(
            Figure(
                name="split_rate_1",
                label_zh="分成率 K_1",
                value=float(p.share[0]),
                unit="ratio",
                formula="K_t = K_1 × (1 − d)^(t−1)"
                if inputs.split_rate is not None
                else "K_t given per period",
                evidence=inputs.evidence,
            )
        )
    elif form is IncomeForm.DIRECT:
        figures.append(
            Figure(
                name="margin_1",
                label_zh="首期利润率",
                value=float(p.share[0]),
                unit="ratio",
                formula="1 − costs_1 / revenue_1" if inputs.margin is None else "margin given",
                evidence=inputs.evidence,
            )
        )
    elif form is IncomeForm.EXCESS_EARNINGS:
        figures.append(
            Figure(
                name="contributory_share_1",
                label_zh="首期扣除贡献资产后比例",
                value=float(p.share[0]),
                unit="ratio",
                formula="1 − Σ C_i,1 / E_1"
                if inputs.contributory_charges
                else "1 − contributory rate (charges as a share of E_t)",
                evidence="; ".join(c.evidence for c in inputs.contributory_charges if c.evidence)
                or inputs.evidence,
            )
        )
    figures.append(
        Figure(
            name="decay",
            label_zh="衰减率",
            value=p.decay,
            unit="rate",
            formula="(1 − d)^(t−1)",
            evidence=inputs.evidence,
        )
    )
    if p.tax != 1.0:
        figures.append(
            Figure(
                name="tax_rate",
                label_zh="所得税税率",
                value=float(inputs.tax_rate or 0.0),
                unit="rate",
                formula="F = F_税前 × (1 − T)",
            )
        )
    figures.append(
        Figure(
            name="pv_explicit",
            label_zh="明确预测期收益现值合计",
            value=pv_explicit,
            unit="CNY",
            formula="Σ F_k × (1 + i)^(−t_k)",
        )
    )
    if p.terminal_growth is not None:
        figures.append(
            Figure(
                name="pv_terminal",
                label_zh="终值现值",
                value=pv_terminal,
                unit="CNY",
                formula="F_n × (1 + g) / (i − g) × (1 + i)^(−t_n)",
                evidence=inputs.terminal.evidence if inputs.terminal else "",
            )
        )
    figures.append(Figure(name="value", label_zh="收益法评估值", value=value, unit="CNY", formula="P"))
    return tuple(figures)


def _assumptions(inputs: IncomeInputs, p: PreparedIncome) -> tuple[str, ...]:
    out = [
        f"收益口径: {LABELS_ZH[inputs.form.value]} ({inputs.form.value}); cash flows are "
        f"{LABELS_ZH[inputs.cash_flow_basis.value]} ({inputs.cash_flow_basis.value}), discounted at a "
        f"{LABELS_ZH[inputs.discount_rate.basis.value]} rate",
        "cash flows and the discount rate are nominal, in CNY",
        f"收益期 {p.horizon.reason}",
        f"timing: {LABELS_ZH[inputs.timing.value]}; period 1 runs {inputs.first_period_years:g} years "
        "from the valuation date, later periods one year each; a period cut by the horizon is prorated",
        f"decay of the data's contribution: (1 − {p.decay:g})^(t−1)"
        + (" applied to the split rate K" if inputs.form is IncomeForm.SPLIT else ""),
    ]
    if inputs.cash_flow_basis is TaxBasis.PRE_TAX and p.tax != 1.0:
        out.append(f"pre-tax flows converted to after-tax at T = {inputs.tax_rate:g}: F × (1 − T)")
    if p.base_source == "history":
        out.append(
            "base forecast by ETS(A,Ad,N) from the yearly history; step k = period k; a partial first "
            "period takes f × step 1"
        )
    if p.base_source == "projection":
        out.append("a partial first period takes f × the annual base B_1")
    if p.terminal_growth is not None and inputs.terminal is not None:
        out.append(
            f"indefinite economic life: terminal value with g = {p.terminal_growth:g}, i − g ≥ "
            f"{inputs.terminal.margin:g}, discounted with the last period's factor"
        )
    if inputs.form is IncomeForm.EXCESS_EARNINGS and inputs.contributory_charges:
        out.append("contributory charges are held as a share of earnings in the simulation")
    if inputs.form is IncomeForm.DIRECT and inputs.margin is None:
        out.append("own costs are held as a share of revenue in the simulation")
    return tuple(out)


def _notes(p: PreparedIncome) -> tuple[str, ...]:
    notes = []
    if p.forecast_periods > p.n_periods:
        notes.append(f"{p.forecast_periods - p.n_periods} forecast period(s) beyond the horizon were dropped")
    if p.ets is not None and not p.ets.converged:
        notes.append("the ETS optimizer did not report convergence; check the forecast against the history")
    if p.ets is not None and len(p.ets.steps) > 1 and p.ets.steps[-1].sd <= p.ets.steps[0].sd * (1 + 1e-3):
        notes.append(
            "the ETS interval does not widen with the horizon: the fitted smoothing level is at its lower "
            "bound (a deterministic damped trend fits the history), so it reflects year-to-year noise, not "
            "the uncertainty of the trend itself"
        )
    if p.ets is not None and p.ets.floored_at_zero:
        notes.append("negative ETS revenue forecasts or bounds were set to 0")
    return tuple(notes)
