"""The cost method's explanation: the figures as a table, the assumptions and the notes
(docs/valuation.md §Cost method)."""

from __future__ import annotations

from valuation.context import ValuationContext
from valuation.explain import FigureRow, FigureRows, FigureTable, render_figures
from valuation.models import DataAsset

from .inputs import CostCategory, DeltaBasis
from .result import CategoryTotal, CostDetail, CostResult, QualityDeltaDetail

FORMULA = "P = C × δ"

YEAR_FRACTION_CONVENTION = (
    "年限按 y + m/12 + d/365 计算 (y, m, d from dateutil.relativedelta between the two dates)"
)


def _category_evidence(src: tuple[CostDetail, CategoryTotal]) -> str:
    """The category's line evidence, or the rate and base it was computed from."""
    d, t = src
    evidence = "; ".join(
        dict.fromkeys(line.evidence for line in d.lines if line.category == t.category and line.evidence)
    )
    if t.category is CostCategory.OPPORTUNITY and d.opportunity_rate is not None:
        r = d.opportunity_rate
        evidence = f"r = {r.rate:.4%}, 持有年限 {r.holding_years:g} 年, 基数 {r.base:,.2f} CNY; {r.evidence}"
    if t.category is CostCategory.TAXES and d.tax_rate is not None:
        r = d.tax_rate
        evidence = f"税费率 {r.rate:.4%}, 基数 {r.base:,.2f} CNY; {r.evidence}"
    return evidence.strip("; ")


def _quality(d: CostDetail) -> QualityDeltaDetail:
    assert d.delta.quality is not None  # the quality rows are shown only with quality
    return d.delta.quality


def _weights_evidence(d: CostDetail) -> str:
    q = _quality(d)
    source = {
        "given": "weights as given",
        "ahp": (
            f"AHP weights, λmax = {q.ahp.lambda_max:.4f}, CI = {q.ahp.ci:.4f}, CR = {q.ahp.cr:.4f}"
            if q.ahp
            else ""
        ),
        "equal_default": "equal weights 1/6 (none given)",
    }[q.weights_source]
    return source + (f"; scores: {q.scores_evidence}" if q.scores_evidence else "")


def _life(d: CostDetail) -> bool:
    return d.delta.life is not None


def _life_value(d: CostDetail, what: str) -> float:
    life = d.delta.life
    assert life is not None  # shown only with life
    return float(getattr(life, what))


DELTA_FORMULAS: dict[DeltaBasis, str] = {
    DeltaBasis.QUALITY: "δ = δ_q",
    DeltaBasis.LIFE: "δ = δ_life",
    DeltaBasis.BOTH: "δ = δ_q × δ_life",
}

FIGURES: FigureTable[CostDetail] = (
    FigureRows(
        items=lambda d: [(d, t) for t in d.category_totals if t.source != "none"],
        row=FigureRow(
            key=lambda s: s[1].category.value,
            label_zh=lambda s: s[1].label_zh,
            label_en="cost category at the valuation date",
            unit="CNY",
            value=lambda s: s[1].restated,
            formula=lambda s: s[1].formula,
            evidence=_category_evidence,
        ),
    ),
    FigureRow(
        key="total_historical",
        label_zh="历史成本合计",
        label_en="historical cost, total",
        unit="CNY",
        value=lambda d: d.total_historical,
        formula="Σ 历史金额",
        evidence="cost lines as given",
    ),
    FigureRow(
        key="C",
        label_zh="重置成本 C",
        label_en="replacement cost C",
        unit="CNY",
        value=lambda d: d.total_cost,
        formula="C = 前期费用 + 直接成本 + 间接成本 + 机会成本 + 相关税费",
        evidence=lambda d: (
            f"restated with {d.price_index}, level {d.valuation_index_level:g} at {d.valuation_date:%Y-%m}"
        ),
    ),
    FigureRow(
        key="delta_quality",
        label_zh="质量调整系数 δ_q",
        label_en="quality coefficient δ_q",
        unit="ratio",
        value=lambda d: _quality(d).delta_quality,
        formula="δ_q = Σ w_j × s_j (GB/T 36344 六维度)",
        evidence=_weights_evidence,
        when=lambda d: d.delta.quality is not None,
    ),
    FigureRow(
        key="elapsed_years",
        label_zh="已使用年限",
        label_en="years in use",
        unit="years",
        value=lambda d: _life_value(d, "elapsed_years"),
        formula=lambda d: (
            "y + m/12 + d/365 from in_use_since" if d.delta.life and d.delta.life.elapsed_from else ""
        ),
        evidence=lambda d: d.delta.evidence,
        when=_life,
    ),
    FigureRow(
        key="remaining_years",
        label_zh="剩余经济寿命",
        label_en="remaining economic life",
        unit="years",
        value=lambda d: _life_value(d, "remaining_years_used"),
        formula=lambda d: (
            "min(剩余经济寿命, 权利剩余期限)"
            if d.delta.life and d.delta.life.term_years_left is not None
            else ""
        ),
        evidence=lambda d: d.delta.evidence,
        when=_life,
    ),
    FigureRow(
        key="delta_life",
        label_zh="剩余寿命调整系数 δ_life",
        label_en="remaining-life coefficient δ_life",
        unit="ratio",
        value=lambda d: _life_value(d, "delta_life"),
        formula="δ_life = 剩余年限 / (已使用年限 + 剩余年限) = 1 − 贬值率",
        when=_life,
    ),
    FigureRow(
        key="delta",
        label_zh="价值调整系数 δ",
        label_en="value adjustment coefficient δ",
        unit="ratio",
        value=lambda d: d.delta.delta,
        formula=lambda d: DELTA_FORMULAS[d.delta.basis],
        evidence=lambda d: d.delta.evidence,
    ),
    FigureRow(
        key="P",
        label_zh="评估值 P",
        label_en="appraised value P",
        unit="CNY",
        value=lambda d: d.value,
        formula=FORMULA,
    ),
)


def explain_cost(asset: DataAsset, ctx: ValuationContext, detail: CostDetail) -> CostResult:
    """The cost result of ``detail``: its figures (:data:`FIGURES`), assumptions and notes."""
    return CostResult(
        asset_id=asset.asset_id,
        value=detail.value,
        formula=FORMULA,
        figures=render_figures(FIGURES, detail),
        assumptions=_assumptions(detail, ctx),
        notes=_notes(detail, asset),
        detail=detail,
    )


def _assumptions(d: CostDetail, ctx: ValuationContext) -> tuple[str, ...]:
    out = [
        "成本法 P = C × δ (中评协〔2023〕17号《数据资产评估指导意见》; docs/valuation.md §Cost method).",
        f"Costs are replacement costs at the valuation date {ctx.valuation_date}: historical amounts are "
        f"restated as amount × I(valuation month) / I(incurred month) with {ctx.price_index.name}"
        + (f" ({ctx.price_index.source})" if ctx.price_index.source else "")
        + "; a date takes the level of its month.",
    ]
    if d.opportunity_rate is not None:
        r = d.opportunity_rate
        out.append(
            f"机会成本 = r × (前期费用 + 直接成本 + 间接成本) × holding period (convention, docs/valuation.md §Cost method), "
            f"r = {r.rate:.4%} a year, holding period {r.holding_years:g} years."
        )
    if d.tax_rate is not None:
        r = d.tax_rate
        out.append(
            f"相关税费 = {r.rate:.4%} × ({' + '.join(c.value for c in r.base_categories)}), restated amounts: "
            "taxes and fees borne and not recoverable (deductible input VAT is not a cost)."
        )
        if CostCategory.OPPORTUNITY not in r.base_categories:
            out.append("机会成本 is an imputed return, not a payment: it is not in the 相关税费 base.")
    q, life = d.delta.quality, d.delta.life
    if q is not None:
        if q.weights_source == "equal_default":
            out.append("Quality weights assumed equal (1/6 per GB/T 36344 dimension): none were given.")
        if q.weights_source == "ahp" and q.ahp is not None:
            out.append(f"Quality weights by AHP: principal eigenvector, CR = {q.ahp.cr:.4f} < 0.10 accepted.")
    if life is not None:
        out.append(f"δ_life = remaining / (elapsed + remaining) = 1 − 贬值率; {YEAR_FRACTION_CONVENTION}.")
    return tuple(out)


def _notes(d: CostDetail, asset: DataAsset) -> tuple[str, ...]:
    out = []
    kept = [i for i, line in enumerate(d.lines) if not line.restated_flag]
    if kept:
        out.append(f"Cost lines {kept} are taken as given (restate = false), not restated by the index.")
    no_evidence = [i for i, line in enumerate(d.lines) if not line.evidence]
    if no_evidence:
        out.append(
            f"Cost lines {no_evidence} have no evidence recorded (invoice, timesheet, allocation key)."
        )
    if d.tax_rate is not None and CostCategory.OPPORTUNITY in d.tax_rate.base_categories:
        out.append(
            "The case levies 相关税费 on 机会成本, an imputed return that no tax is levied on; the default "
            "base leaves it out — check the case's reason."
        )
    life = d.delta.life
    if life is not None and life.capped_by_term and life.term_years_left is not None:
        out.append(
            f"Remaining economic life {life.remaining_years_stated:g} years exceeds the "
            f"{max(life.term_years_left, 0.0):.4f} years left on the rights term "
            f"ending {asset.rights_term_end}"
            + (f" ({asset.term_basis})" if asset.term_basis else "")
            + f"; capped at {life.remaining_years_used:.4f} years."
        )
    return tuple(out)
