"""The appraisal disclosure (财会〔2023〕11号 三（二）) written from the valuation that was actually run.

When an appraisal of data resources has a material effect on the statements, the entity discloses the
information sources, the assumptions and limiting conditions, the choice of method, and the source,
analysis, comparison and calculation of every important parameter. Everything here is read from the
results (figures, evidence, assumptions, conclusion); nothing is recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable

from valuation.cost import CostResult
from valuation.engine import AssetValuation
from valuation.income import IncomeResult
from valuation.market import MarketResult
from valuation.models import Engagement, MethodResult, bilingual, figure_text


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {line}" for line in lines] or ["- （无 none）"]


def _detail_table(r: MethodResult) -> list[str]:
    """The method's own working table: cost build-up, DCF schedule, or adjustment grid."""
    if isinstance(r, CostResult):
        rows = [
            f"| {ln.label_zh} | {ln.item} | {ln.incurred_on} | {ln.historical:,.2f} | {ln.index_factor:.4f} | "
            f"{ln.restated:,.2f} | {ln.evidence or '—'} |"
            for ln in r.detail.lines
        ]
        return ["", "成本构成 cost build-up:", "",
                "| 类别 category | 项目 item | 发生日 incurred | 历史金额 historical | 指数调整 index factor | 重置成本 restated | 依据 evidence |",
                "|---|---|---|---|---|---|---|", *rows]
    if isinstance(r, IncomeResult):
        rows = [
            f"| {p.period} | {p.start:.4f}–{p.end:.4f} | {p.covered_fraction:.4f} | {p.base:,.2f} | {p.share:.4f} | "
            f"{p.decay_factor:.4f} | {p.cash_flow:,.2f} | "
            f"{p.time:.4f} | {p.discount_factor:.6f} | {p.present_value:,.2f} |"
            for p in r.detail.schedule
        ]
        return ["", "收益预测与折现 DCF schedule:", "",
                "| 期 period | 年份区间 years | 计入比例 covered | 基数 base | 分成/利润率 share | 衰减 decay | 收益 F_t | 折现期 t | 折现系数 DF | 现值 PV |",
                "|---|---|---|---|---|---|---|---|---|---|", *rows]
    if isinstance(r, MarketResult):
        rows = [
            f"| {g.comp_id} | {g.venue} | {g.date} | {g.price:,.2f} | {g.x1.value:.4f} | {g.x2.value:.4f} | "
            f"{g.x3.value:.4f} | {g.x4.value:.4f} | {g.x5.value:.4f} | {g.adjusted_price:,.2f} | "
            f"{'采用 kept' if g.kept else '剔除 removed: ' + (g.removal_reason or '')} |"
            for g in r.detail.grid
        ]
        return ["", "可比案例调整 adjustment grid:", "",
                "| 案例 comp | 交易场所 venue | 日期 date | 价格 Q | X1 质量 | X2 供求 | X3 日期 | X4 规模 | X5 其他 | 调整后价格 | 采用 |",
                "|---|---|---|---|---|---|---|---|---|---|---|", *rows]
    return []


def appraisal_disclosure(engagement: Engagement, valuation: AssetValuation) -> str:
    """Markdown text of the appraisal disclosure for one asset (Chinese first, English beside)."""
    a, c = valuation.asset, valuation.conclusion
    out = [
        f"# 数据资源评估信息披露 Appraisal disclosure — {a.name} ({a.asset_id})",
        "",
        "## 一、评估基本事项 Engagement",
        f"- 委托人 client: {engagement.client}",
        f"- 评估目的 purpose: {bilingual(engagement.purpose.value)}",
        f"- 价值类型 value type: {bilingual(engagement.value_type.value)}",
        f"- 评估基准日 valuation date: {engagement.valuation_date.isoformat()}",
        "- 评估对象权利 rights appraised: " + "、".join(f"{bilingual(r.value)}" for r in a.rights),
        f"- 数据来源 source: {bilingual(a.source.value)}"
        + (f"; 权利期限至 rights term ends {a.rights_term_end} ({a.term_basis})" if a.rights_term_end else ""),
        f"- 登记证书 registration certificate: {a.registration_certificate or '未提供 not provided'}",
        "",
        "## 二、信息来源 Information sources",
        *_bullets(engagement.information_sources),
        "",
        "## 三、评估假设和限制条件 Assumptions and limiting conditions",
        *_bullets(engagement.assumptions),
        *_bullets(engagement.limiting_conditions),
        "",
        "## 四、评估方法的选择 Choice of method",
        *_bullets(c.analysis),
        "",
        "## 五、重要参数的来源、分析、比较和测算过程 Important parameters",
    ]
    for r in valuation.method_results():
        out += [
            "",
            f"### {bilingual(r.method.value)}: {r.value:,.2f} 元",
            f"公式 formula: `{r.formula}`",
            "",
            "| 参数 parameter | 取值 value | 测算 calculation | 来源与依据 source and evidence |",
            "|---|---|---|---|",
            *(
                f"| {f.label_zh} | {figure_text(f)} | {f.formula or '—'} | {f.evidence or '—'} |"
                for f in r.figures
            ),
            *_detail_table(r),
            "",
            *_bullets(r.assumptions),
            *(_bullets(r.notes) if r.notes else []),
        ]
    out += ["", "## 六、评估结论 Conclusion", f"- 评估结论 concluded value: {c.value:,.2f} 元 ({c.formula})"]
    if c.value_range is not None:
        rg = c.value_range
        out.append(
            f"- 蒙特卡洛模拟区间 Monte Carlo range ({rg.n_draws:,} draws): P5 {rg.p5:,.2f} 元, "
            f"P50 {rg.p50:,.2f} 元, P95 {rg.p95:,.2f} 元"
        )
    for bar in c.tornado[:5]:
        out.append(
            f"- 敏感性 sensitivity: {bar.label_zh} ({bilingual(bar.method.value)}) "
            f"{bar.low_input:,.4g} → {bar.high_input:,.4g}: 结论 {bar.value_at_low:,.2f} – {bar.value_at_high:,.2f} 元"
        )
    return "\n".join(out) + "\n"
