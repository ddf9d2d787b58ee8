"""The income method's explanation: the formula, the figures as a table, the assumptions and notes."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from valuation.explain import FigureRow, FigureRows, FigureTable, render_figures
from valuation.models import bilingual

from .inputs import LABELS_ZH, MIN_TAB_PERIOD_CN, IncomeForm, IncomeInputs, SplitBase, TaxBasis
from .prepare import PreparedIncome
from .result import IncomeDetail, IncomeResult, RateComponent

FORMULAS: dict[IncomeForm, str] = {
    IncomeForm.DIRECT: "F_t = (revenue_t − costs_t) × (1 − d)^(t−1)",
    IncomeForm.SPLIT: "F_t = R_t × K_t, K_t = K_1 × (1 − d)^(t−1) (R_t revenue: 销售收入分成)",
    IncomeForm.EXCESS_EARNINGS: "F_t = (E_t − Σ C_i,t) × (1 − d)^(t−1)",
    IncomeForm.INCREMENTAL: "F_t = (with_t − without_t) × (1 − d)^(t−1)",
}

BASE_FIGURE_LABELS_ZH: dict[IncomeForm, str] = {
    IncomeForm.DIRECT: "首期数据资产收入",
    IncomeForm.SPLIT: "首期企业收入 R_1",
    IncomeForm.EXCESS_EARNINGS: "首期企业收益 E_1",
    IncomeForm.INCREMENTAL: "首期增量收益",
}


SPLIT_PROFIT_FORMULA = "F_t = EBIT_t × K_t, K_t = K_1 × (1 − d)^(t−1) (EBIT_t profit: 利润分成)"


def _form_formula(p: PreparedIncome) -> str:
    if p.form is IncomeForm.SPLIT and p.inputs.split_base is SplitBase.PROFIT:
        return SPLIT_PROFIT_FORMULA
    return FORMULAS[p.form]


def _on_profit(x: Explained) -> bool:
    return x.p.form is IncomeForm.SPLIT and x.inputs.split_base is SplitBase.PROFIT


def _base_label(x: Explained) -> str:
    return "首期利润 EBIT_1 (分成基数)" if _on_profit(x) else BASE_FIGURE_LABELS_ZH[x.p.form]


def _margin_known(x: Explained) -> bool:
    return x.p.form is IncomeForm.SPLIT and x.p.margin is not None and x.p.margin > 0


def _margin_evidence(x: Explained) -> str:
    rows = x.inputs.forecast
    if rows and rows[0].revenue and rows[0].profit is not None:
        return f"profit_1 / revenue_1 = {rows[0].profit:,.2f} / {rows[0].revenue:,.2f} (forecast row 1)"
    return "profit_margin as stated"


class CapmPart(NamedTuple):
    """One figure of a WACC built from its parts."""

    key: str
    label_zh: str
    unit: str
    value: float
    formula: str = ""
    evidence: str = ""


def _capm_parts(x: Explained) -> tuple[CapmPart, ...]:
    c = x.inputs.discount_rate.capm
    if c is None:
        return ()
    return (
        CapmPart("capm_risk_free", "无风险利率 rf", "rate", c.risk_free, evidence=c.evidence),
        CapmPart("capm_beta_unlevered", "无财务杠杆β β_U", "ratio", c.beta_unlevered),
        CapmPart("capm_debt_to_equity", "目标资本结构 D/E", "ratio", c.debt_to_equity),
        CapmPart("capm_tax_rate", "所得税税率 T", "rate", c.tax_rate),
        CapmPart("capm_beta_levered", "有财务杠杆β β_L", "ratio", c.beta_levered, "β_L = β_U × (1 + (1 − T) × D/E)"),
        CapmPart("capm_erp", "市场风险溢价 ERP", "rate", c.equity_risk_premium),
        CapmPart("capm_size_premium", "规模风险溢价", "rate", c.size_premium),
        CapmPart("capm_specific_premium", "特定风险溢价", "rate", c.specific_premium),
        CapmPart(
            "capm_cost_of_equity", "股权资本成本 Ke", "rate", c.cost_of_equity,
            "Ke = rf + β_L × ERP + 规模溢价 + 特定风险溢价",
        ),
        CapmPart("capm_cost_of_debt", "债务资本成本 Kd (税前)", "rate", c.cost_of_debt),
        CapmPart("capm_equity_weight", "股权比重 E/V", "ratio", c.equity_weight, "E/V = 1 / (1 + D/E)"),
        CapmPart("capm_debt_weight", "债务比重 D/V", "ratio", c.debt_weight, "D/V = (D/E) / (1 + D/E)"),
        CapmPart("capm_wacc", "加权平均资本成本 WACC", "rate", c.wacc(), "WACC = E/V × Ke + D/V × Kd × (1 − T)"),
    )


def _capm_parts_in(unit: str, x: Explained) -> tuple[CapmPart, ...]:
    return tuple(c for c in _capm_parts(x) if c.unit == unit)


class Explained(NamedTuple):
    """What the figures are read from: the prepared asset and its valued detail."""

    p: PreparedIncome
    detail: IncomeDetail

    @property
    def inputs(self) -> IncomeInputs:
        return self.p.inputs


def _base_evidence(x: Explained) -> str:
    inputs = x.inputs
    return {
        "forecast": inputs.evidence,
        "projection": inputs.projection.evidence if inputs.projection else "",
        "history": inputs.history.evidence if inputs.history else "",
    }[x.p.base_source]


def _form(form: IncomeForm) -> Callable[[Explained], bool]:
    """A row shown for one income form only."""
    return lambda x: x.p.form is form


FIGURES: FigureTable[Explained] = (
    FigureRow(
        key="horizon_years",
        label_zh="收益期",
        label_en="income horizon",
        unit="years",
        value=lambda x: float(x.p.grid.end[-1]) if x.p.horizon.indefinite else x.p.horizon.years,
        formula=lambda x: (
            "indefinite life: explicit periods, then a terminal value"
            if x.p.horizon.indefinite
            else "n = min(经济寿命, 权利/合同/授权期限)"
        ),
        evidence=lambda x: x.p.horizon.reason,
    ),
    FigureRow(
        key="periods",
        label_zh="预测期数",
        label_en="forecast periods",
        unit="count",
        value=lambda x: x.p.n_periods,
        formula=lambda x: "1 + ⌈n − f⌉" if not x.p.horizon.indefinite else "explicit periods",
    ),
    FigureRows(
        items=lambda x: x.p.rate_detail.components,
        row=FigureRow[RateComponent](
            key=lambda c: f"rate_{c.name}",
            label_zh=lambda c: c.label_zh,
            label_en="term of the discount rate",
            unit="rate",
            value=lambda c: c.rate,
            evidence=lambda c: c.evidence,
        ),
    ),
    *(
        FigureRows(
            items=partial(_capm_parts_in, unit),
            row=FigureRow[CapmPart](
                key=lambda c: c.key,
                label_zh=lambda c: c.label_zh,
                label_en=f"part of the WACC ({unit})",
                unit=unit,
                value=lambda c: c.value,
                formula=lambda c: c.formula,
                evidence=lambda c: c.evidence,
            ),
        )
        for unit in ("ratio", "rate")  # β, structure and weights first, then the rates
    ),
    FigureRow(
        key="discount_rate",
        label_zh="折现率",
        label_en="discount rate",
        unit="rate",
        value=lambda x: x.p.rate,
        formula=lambda x: x.p.rate_detail.formula,
        evidence=lambda x: x.p.rate_detail.evidence,
    ),
    FigureRow(
        key="base_1",
        label_zh=_base_label,
        label_en="base of period 1",
        unit="CNY",
        value=lambda x: float(x.p.base[0]),
        formula=lambda x: f"base from {x.p.base_source}",
        evidence=_base_evidence,
    ),
    FigureRow(
        key="growth",
        label_zh="增长率",
        label_en="growth of the base",
        unit="rate",
        value=lambda x: x.inputs.projection.growth if x.inputs.projection is not None else 0.0,
        formula="B_k = B_1 × (1 + g)^(k−1)",
        evidence=lambda x: x.inputs.projection.evidence if x.inputs.projection is not None else "",
        when=lambda x: x.inputs.projection is not None,
    ),
    FigureRow(
        key="split_rate_1",
        label_zh="分成率 K_1",
        label_en="split rate of period 1",
        unit="ratio",
        value=lambda x: float(x.p.share[0]),
        formula=lambda x: (
            ("K_t = K_1 × (1 − d)^(t−1)" if x.inputs.split_rate is not None else "K_t given per period")
            + (" on profit (利润分成)" if _on_profit(x) else " on revenue (销售收入分成)")
        ),
        evidence=lambda x: "; ".join(t for t in (x.inputs.evidence, x.inputs.split_rate_reason) if t),
        when=_form(IncomeForm.SPLIT),
    ),
    FigureRow(
        key="sales_margin",
        label_zh="销售利润率",
        label_en="profit margin on revenue, period 1",
        unit="ratio",
        value=lambda x: float(x.p.margin or 0.0),
        formula="profit / revenue",
        evidence=_margin_evidence,
        when=_margin_known,
    ),
    FigureRow(
        key="implied_profit_share",
        label_zh="隐含利润分成率 K / 销售利润率",
        label_en="implied profit share of a revenue split",
        unit="ratio",
        value=lambda x: float(x.p.share[0]) / float(x.p.margin or 1.0),
        formula="利润分成率 = 销售收入分成率 / 销售利润率",
        when=lambda x: _margin_known(x) and not _on_profit(x),
    ),
    FigureRow(
        key="implied_revenue_rate",
        label_zh="折合销售收入分成率 K × 销售利润率",
        label_en="revenue royalty equivalent of a profit split",
        unit="ratio",
        value=lambda x: float(x.p.share[0]) * float(x.p.margin or 0.0),
        formula="销售收入分成率 = 利润分成率 × 销售利润率",
        when=lambda x: _margin_known(x) and _on_profit(x),
    ),
    FigureRow(
        key="margin_1",
        label_zh="首期利润率",
        label_en="margin of period 1",
        unit="ratio",
        value=lambda x: float(x.p.share[0]),
        formula=lambda x: "1 − costs_1 / revenue_1" if x.inputs.margin is None else "margin given",
        evidence=lambda x: x.inputs.evidence,
        when=_form(IncomeForm.DIRECT),
    ),
    FigureRow(
        key="contributory_share_1",
        label_zh="首期扣除贡献资产后比例",
        label_en="share left after contributory charges, period 1",
        unit="ratio",
        value=lambda x: float(x.p.share[0]),
        formula=lambda x: (
            "1 − Σ C_i,1 / E_1"
            if x.inputs.contributory_charges
            else "1 − contributory rate (charges as a share of E_t)"
        ),
        evidence=lambda x: (
            "; ".join(c.evidence for c in x.inputs.contributory_charges if c.evidence) or x.inputs.evidence
        ),
        when=_form(IncomeForm.EXCESS_EARNINGS),
    ),
    FigureRow(
        key="decay",
        label_zh="衰减率",
        label_en="decay rate",
        unit="rate",
        value=lambda x: x.p.decay,
        formula="(1 − d)^(t−1)",
        evidence=lambda x: x.inputs.evidence,
    ),
    FigureRow(
        key="tax_rate",
        label_zh="所得税税率",
        label_en="income tax rate",
        unit="rate",
        value=lambda x: float(x.inputs.tax_rate or 0.0),
        formula="F = F_税前 × (1 − T)",
        when=lambda x: x.p.tax != 1.0,
    ),
    FigureRow(
        key="pv_explicit",
        label_zh="明确预测期收益现值合计",
        label_en="present value of the explicit periods",
        unit="CNY",
        value=lambda x: x.detail.pv_explicit,
        formula="Σ F_k × (1 + i)^(−t_k)",
    ),
    FigureRow(
        key="pv_terminal",
        label_zh="终值现值",
        label_en="present value of the terminal value",
        unit="CNY",
        value=lambda x: x.detail.pv_terminal,
        formula="F_n × (1 + g) / (i − g) × (1 + i)^(−t_n)",
        evidence=lambda x: x.inputs.terminal.evidence if x.inputs.terminal else "",
        when=lambda x: x.p.terminal_growth is not None,
    ),
    FigureRow(
        key="value_before_tab",
        label_zh="未含税收摊销收益的评估值",
        label_en="value before the tax amortization benefit",
        unit="CNY",
        value=lambda x: x.detail.tab.value_before if x.detail.tab else x.detail.total,
        formula="Σ F_k × DF_k (+ TV)",
        when=lambda x: x.detail.tab is not None,
    ),
    FigureRow(
        key="tab_annuity_factor",
        label_zh="摊销期年金系数 AF",
        label_en="annuity factor of the tax amortization period",
        unit="ratio",
        value=lambda x: x.detail.tab.annuity_factor if x.detail.tab else 0.0,
        formula=lambda x: f"AF = Σ_(t=1..{x.detail.tab.period_years if x.detail.tab else 0}) (1 + i)^(−t)",
        evidence=lambda x: x.detail.tab.basis_text if x.detail.tab else "",
        when=lambda x: x.detail.tab is not None,
    ),
    FigureRow(
        key="tab",
        label_zh="税收摊销收益 TAB",
        label_en="tax amortization benefit",
        unit="CNY",
        value=lambda x: x.detail.tab.amount if x.detail.tab else 0.0,
        formula="TAB = PV × (1 / (1 − T × AF / n) − 1)",
        evidence=lambda x: x.detail.tab.basis_text if x.detail.tab else "",
        when=lambda x: x.detail.tab is not None,
    ),
    FigureRow(
        key="value",
        label_zh="收益法评估值",
        label_en="income-method value",
        unit="CNY",
        value=lambda x: x.detail.total,
        formula=lambda x: "P = PV + TAB" if x.detail.tab is not None else "P",
    ),
)


def explain_income(p: PreparedIncome, detail: IncomeDetail) -> IncomeResult:
    """The income result of ``detail``: formula, figures (:data:`FIGURES`), assumptions and notes."""
    return IncomeResult(
        asset_id=p.asset.asset_id,
        value=detail.total,
        formula=_formula(p),
        figures=render_figures(FIGURES, Explained(p, detail)),
        assumptions=_assumptions(p),
        notes=_notes(p),
        detail=detail,
    )


def _formula(p: PreparedIncome) -> str:
    timing = "t_k = end of period k" if not p.mid else "t_k = middle of period k (t − 0.5)"
    head = "P = Σ_{k=1..n} F_k / (1 + i)^{t_k}"
    if p.terminal_growth is not None:
        head += " + F_n × (1 + g) / (i − g) × (1 + i)^(−t_n)"
    tax = "; F × (1 − T) (pre-tax converted)" if p.tax != 1.0 else ""
    tab = " ; P = PV × 1 / (1 − T × AF / n) (tax amortization benefit)" if p.tab_period is not None else ""
    return f"{head}; {_form_formula(p)}{tax}; {timing}{tab}"


def _assumptions(p: PreparedIncome) -> tuple[str, ...]:
    inputs = p.inputs
    out = [
        f"收益口径: {bilingual(inputs.form.value, LABELS_ZH)}; cash flows are "
        f"{bilingual(inputs.cash_flow_basis.value, LABELS_ZH)}, discounted at a "
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
    if inputs.form is IncomeForm.SPLIT and inputs.split_base is not None:
        out.append(
            f"分成基数 split base: {bilingual(inputs.split_base.value, LABELS_ZH)}; "
            "销售收入分成率 = 利润分成率 × 销售利润率"
            + (f"; K above 15 % on revenue because: {inputs.split_rate_reason}" if inputs.split_rate_reason else "")
        )
    tab = inputs.tax_amortization_benefit
    if tab is not None:
        out.append(
            f"tax amortization benefit: a buyer amortizes the price for tax over n = {tab.period_years} years "
            f"at T = {tab.tax_rate:g}; AF at the discount rate, end of year; for a fair value, not a value in "
            f"use; {tab.basis_text}"
        )
    if inputs.form is IncomeForm.EXCESS_EARNINGS and inputs.contributory_charges:
        out.append("contributory charges are held as a share of earnings in the simulation")
    if inputs.form is IncomeForm.DIRECT and inputs.margin is None:
        out.append("own costs are held as a share of revenue in the simulation")
    return tuple(out)


def _notes(p: PreparedIncome) -> tuple[str, ...]:
    notes = []
    if p.tab_period is not None and p.tab_period < MIN_TAB_PERIOD_CN:
        notes.append(
            f"the tax amortization period {p.tab_period} years is shorter than the {MIN_TAB_PERIOD_CN} years "
            "Chinese law sets as the minimum for an intangible (企业所得税法实施条例 第六十七条); check the "
            "jurisdiction in basis_text"
        )
    if p.ctx.value_type is None and p.tab_period is not None:
        notes.append("no value type was given with the TAB: it applies to a fair value only")
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
