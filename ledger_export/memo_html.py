"""The credit memo as one self-contained HTML page (no scripts, no external files), for e-mail and print.

Same figures as the Excel memo, read from the PledgeAssessment; the LTV / coverage path is an inline SVG
chart. Every user-supplied text is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from pledge import LABELS_ZH

if TYPE_CHECKING:
    from pledge import PledgeAssessment, PledgeCase

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.4em}h2{font-size:1.1em;border-bottom:1px solid #9bb;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccd;padding:3px 8px;font-size:.9em}
th{background:#ddebf7;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
.bind{font-weight:bold;color:#a00}.warn{color:#a60}
"""


def _cny(x: float) -> str:
    return f"{x:,.2f}"


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><th>{escape(k)}</th><td class='n'>{escape(v)}</td></tr>" for k, v in pairs)


def _svg_chart(title: str, months: list[int], values: list[float], limits: list[tuple[str, float]],
               colour: str, width: int = 520, height: int = 240) -> str:
    """One ratio by month as a polyline, with dashed covenant lines; its own scale from 0."""
    top = max([*values, *(v for _, v in limits)]) * 1.15 or 1.0
    x0, y0, w, h = 48, 28, width - 60, height - 62

    def x(m: int) -> float:
        return x0 + w * (m - months[0]) / max(1, months[-1] - months[0])

    def y(v: float) -> float:
        return y0 + h * (1 - v / top)

    poly = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in zip(months, values, strict=True))
    parts = [
        f"<text x='{x0}' y='16' font-size='13' font-weight='bold'>{escape(title)}</text>",
        f"<line x1='{x0}' y1='{y0 + h}' x2='{x0 + w}' y2='{y0 + h}' stroke='#555'/>",
        f"<line x1='{x0}' y1='{y0}' x2='{x0}' y2='{y0 + h}' stroke='#555'/>",
        f"<text x='4' y='{y0 + 4}' font-size='11'>{top:.2f}</text>",
        f"<text x='24' y='{y0 + h + 4}' font-size='11'>0</text>",
        f"<text x='{x0}' y='{y0 + h + 18}' font-size='11'>月 month {months[0]}</text>",
        f"<text x='{x0 + w - 70}' y='{y0 + h + 18}' font-size='11'>月 month {months[-1]}</text>",
        f"<polyline fill='none' stroke='{colour}' stroke-width='2' points='{poly}'/>",
    ]
    for label, v in limits:
        parts.append(f"<line x1='{x0}' y1='{y(v):.1f}' x2='{x0 + w}' y2='{y(v):.1f}' stroke='#a00' "
                     f"stroke-dasharray='5,4'/><text x='{x0 + w - 150}' y='{y(v) - 4:.1f}' font-size='11' "
                     f"fill='#a00'>{escape(label)} {v:.2f}</text>")
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
            f"aria-label='{escape(title)}'>{''.join(parts)}</svg>")


def _path_charts(case: PledgeCase, result: PledgeAssessment) -> str:
    """LTV (exposure / liquidation value) and coverage (collateral / exposure) by month, with covenants."""
    pts = [(p.month, p.ltv, p.coverage) for p in result.path if p.ltv is not None and p.exposure > 0]
    if len(pts) < 2:
        return "<p>—</p>"
    months = [month for month, _, _ in pts]
    cov = case.policy.covenants
    return (_svg_chart("抵质押率 LTV", months, [float(ltv) for _, ltv, _ in pts],
                       [("预警线 warning", cov.ltv_warning), ("平仓线 max", cov.ltv_max)], "#1f77b4")
            + _svg_chart("覆盖率 coverage", months, [float(coverage) for _, _, coverage in pts],
                         [("最低覆盖率 min", cov.coverage_min)], "#2ca02c"))


def credit_memo_html(case: PledgeCase, result: PledgeAssessment) -> str:
    """The whole memo page."""
    ts, col, liq, ml = case.term_sheet, result.collateral, result.collateral.liquidation, result.max_loan
    constraints = "".join(
        f"<tr class='{'bind' if c.constraint == ml.binding else ''}'><td>{escape(c.label_zh)} "
        f"({escape(c.constraint.value)})</td><td class='n'>{_cny(c.amount)}</td><td>{escape(c.formula)}</td>"
        f"<td>{escape(c.detail)}</td></tr>"
        for c in ml.constraints
    )
    schedule = "".join(
        f"<tr><td>{r.period}</td><td>{escape(str(r.due_date or r.month))}</td><td class='n'>{_cny(r.opening_balance)}</td>"
        f"<td class='n'>{_cny(r.interest)}</td><td class='n'>{_cny(r.principal)}</td>"
        f"<td class='n'>{_cny(r.fee)}</td><td class='n'>{_cny(r.closing_balance)}</td></tr>"
        for r in result.schedule.rows
    )
    breaches = "".join(
        f"<tr><td>{b.period}</td><td>{escape(LABELS_ZH.get(b.covenant.value, b.covenant.value))}</td>"
        f"<td class='n'>{'∞' if b.observed is None else f'{b.observed:.4f}'}</td><td class='n'>{b.limit:.4f}</td>"
        f"<td>{escape(LABELS_ZH.get(b.trigger.value, b.trigger.value))}</td></tr>"
        for b in result.breaches
    ) or "<tr><td colspan='5'>无 none</td></tr>"
    stress = "".join(
        f"<tr><td>{escape(LABELS_ZH.get(s.covenant.value, s.covenant.value))}</td><td class='n'>{s.drop:.2%}</td>"
        f"<td class='n'>{_cny(s.value_at_breach)}</td></tr>"
        for s in result.reverse_stress
    )
    warnings = "".join(f"<li class='warn'>{escape(w)}</li>" for w in result.warnings)
    sim, loss = result.simulation, result.loss
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>授信审查表 {escape(result.case_id)}</title><style>{CSS}</style></head><body>
<h1>数据资产质押融资授信审查表 Credit memo — {escape(case.collateral.name)} ({escape(result.asset_id)})</h1>
<table>{_rows([("案例 case", result.case_id), ("贷款银行 lender", ts.lender),
               ("申请金额 requested (CNY)", _cny(ts.amount)), ("年利率 annual rate", f"{ts.annual_rate:.2%}"),
               ("期限 term (months)", str(ts.term_months)),
               ("还款方式 repayment", LABELS_ZH.get(ts.repayment.value, ts.repayment.value))])}</table>
<h2>押品价值 Collateral</h2>
<table>{_rows([("评估结论 concluded value", _cny(col.concluded_value)),
               ("评估方法折扣 method haircut", f"{col.method_haircut:.2%}"),
               ("押品价值 collateral value", _cny(col.collateral_value)),
               ("质押率 pledge rate", f"{col.pledge_rate:.2%}"),
               ("变现折扣 liquidation discount", f"{liq.liquidation_discount:.2%}"),
               ("处置费用 disposal costs", _cny(liq.disposal_costs)),
               ("变现周期 time to sell (months)", str(liq.time_to_sell_months)),
               ("清算价值 liquidation value", _cny(liq.liquidation_value))])}</table>
<h2>最高可贷额度 Maximum loan: {_cny(ml.amount)} CNY</h2>
<table><tr><th>约束 constraint</th><th>额度 amount (CNY)</th><th>公式 formula</th><th>测算 detail</th></tr>
{constraints}</table>
<p>约束条件 binding: <b>{escape(ml.binding.value)}</b>; 申请金额 {_cny(ml.requested)} CNY
{'在额度内 within the limit' if ml.within_limit else '<b class="warn">超过额度 above the limit</b>'}.</p>
<h2>抵质押率与覆盖率路径 LTV and coverage over the term</h2>{_path_charts(case, result)}
<h2>风险 Risk</h2>
<table>{_rows([(f"押品不足概率 P(shortfall), {sim.n_paths:,} paths", f"{sim.prob_shortfall:.2%} ± {sim.prob_shortfall_std_error:.2%}"),
               ("预期不足额 expected shortfall", _cny(sim.expected_shortfall)),
               ("PD", f"{loss.pd:.2%}"), ("EAD", _cny(loss.ead)),
               ("EL 押品不合格 ineligible (LGD 40 %)", _cny(loss.el_ineligible)),
               ("EL 视同合格 as if eligible (LGD*)", _cny(loss.el_eligible))])}</table>
<h2>预警 Covenant breaches</h2>
<table><tr><th>期次</th><th>条款</th><th>观测值</th><th>限值</th><th>措施</th></tr>{breaches}</table>
<h2>反向压力测试 Reverse stress</h2>
<table><tr><th>条款</th><th>押品价值下跌</th><th>触发时押品价值</th></tr>{stress}</table>
<h2>还款计划 Repayment schedule</h2>
<table><tr><th>期次</th><th>还款日</th><th>期初本金</th><th>利息</th><th>本金</th><th>费用</th><th>期末本金</th></tr>
{schedule}</table>
{f"<h2>提示 Warnings</h2><ul>{warnings}</ul>" if warnings else ""}
</body></html>
"""
