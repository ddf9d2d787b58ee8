"""The appraisal disclosure (DOMAIN §2.4) written from the valuation that was actually run.

When an appraisal of data resources has a material effect on the statements, the entity discloses the
information sources, the assumptions and limiting conditions, the choice of method, and the source,
analysis, comparison and calculation of every important parameter. Everything here is read from the
results (figures, evidence, assumptions, conclusion); nothing is recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable

from valuation.engine import AssetValuation
from valuation.models import LABELS_ZH, Engagement, Figure


def _fmt(f: Figure) -> str:
    if f.unit == "CNY":
        return f"{f.value:,.2f} 元"
    if f.unit == "rate":
        return f"{f.value:.4%}"
    if f.unit == "count":
        return f"{f.value:,.0f}"
    if f.unit == "years":
        return f"{f.value:.4f} 年"
    return f"{f.value:.4f}"


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {line}" for line in lines] or ["- （无 none）"]


def appraisal_disclosure(engagement: Engagement, valuation: AssetValuation) -> str:
    """Markdown text of the appraisal disclosure for one asset (Chinese first, English beside)."""
    a, c = valuation.asset, valuation.conclusion
    out = [
        f"# 数据资源评估信息披露 Appraisal disclosure — {a.name} ({a.asset_id})",
        "",
        "## 一、评估基本事项 Engagement",
        f"- 委托人 client: {engagement.client}",
        f"- 评估目的 purpose: {LABELS_ZH[engagement.purpose.value]} ({engagement.purpose.value})",
        f"- 价值类型 value type: {LABELS_ZH[engagement.value_type.value]} ({engagement.value_type.value})",
        f"- 评估基准日 valuation date: {engagement.valuation_date.isoformat()}",
        "- 评估对象权利 rights appraised: " + "、".join(f"{LABELS_ZH[r.value]} ({r.value})" for r in a.rights),
        f"- 数据来源 source: {LABELS_ZH[a.source.value]} ({a.source.value})"
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
            f"### {LABELS_ZH[r.method.value]} {r.method.value}: {r.value:,.2f} 元",
            f"公式 formula: `{r.formula}`",
            "",
            "| 参数 parameter | 取值 value | 测算 calculation | 来源与依据 source and evidence |",
            "|---|---|---|---|",
            *(
                f"| {f.label_zh} ({f.name}) | {_fmt(f)} | {f.formula or '—'} | {f.evidence or '—'} |"
                for f in r.figures
            ),
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
            f"- 敏感性 sensitivity: {bar.label_zh} ({bar.method.value}.{bar.input_name}) "
            f"{bar.low_input:,.4g} → {bar.high_input:,.4g}: 结论 {bar.value_at_low:,.2f} – {bar.value_at_high:,.2f} 元"
        )
    return "\n".join(out) + "\n"
