"""Charts of the dashboard (altair, shipped with Streamlit). Each reads a result object; none computes.

- ``cost_buildup``: the cost method's category totals stacked into C, then δ taking C to P (waterfall);
- ``income_pv``: the income method's cash flow and present value by period;
- ``market_grid``: each comparable's price and adjusted price, kept or screened out;
- ``tornado``: V at the low and high setting of each input (the conclusion's tornado);
- ``histogram``: the Monte Carlo draws of V with P5 / P50 / P95;
- ``method_comparison``: each method's value and P5–P95 range beside the concluded value;
- ``pledge_path``: LTV and coverage over the term with the covenant lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from app.i18n import bi, t

CNY_FMT = ",.0f"
PALETTE = {"cost": "#4C78A8", "income": "#F58518", "market": "#54A24B", "total": "#7F7F7F",
           "up": "#54A24B", "down": "#E45756"}


def _method_label(method: str) -> str:
    return t(f"{method}_method")


def cost_buildup(result: Any) -> alt.Chart:
    """Waterfall: each cost category restated (CNY) adds up to C; δ takes C to P = C × δ."""
    d = result.detail
    rows: list[dict[str, Any]] = []
    running = 0.0
    for ct in d.category_totals:
        if ct.restated == 0:
            continue
        rows.append({"step": bi(ct.label_zh, ct.category.value.replace("_", " ")), "start": running,
                     "end": running + ct.restated, "amount": ct.restated, "kind": "cost"})
        running += ct.restated
    rows.append({"step": bi("重置成本 C", "replacement cost C"), "start": 0.0, "end": d.total_cost,
                 "amount": d.total_cost, "kind": "total"})
    rows.append({"step": bi(f"调整系数 δ = {d.delta.delta:.4f}", f"adjustment δ = {d.delta.delta:.4f}"),
                 "start": d.total_cost, "end": d.value, "amount": d.value - d.total_cost, "kind": "down"})
    rows.append({"step": bi("评估值 P = C × δ", "value P = C × δ"), "start": 0.0, "end": d.value,
                 "amount": d.value, "kind": "cost"})
    df = pd.DataFrame(rows)
    order = list(df["step"])
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
            y=alt.Y("start:Q", title="CNY", axis=alt.Axis(format=CNY_FMT)),
            y2="end:Q",
            color=alt.Color("kind:N", scale=alt.Scale(domain=["cost", "total", "down"],
                                                      range=[PALETTE["cost"], PALETTE["total"], PALETTE["down"]]),
                            legend=None),
            tooltip=[alt.Tooltip("step:N", title=t("item")), alt.Tooltip("amount:Q", title="CNY", format=",.2f")],
        )
        .properties(height=320, title=t("value_buildup", both=True))
    )


def income_pv(result: Any) -> alt.Chart:
    """Cash flow F_t and present value PV_t by period (CNY), with the terminal value when there is one."""
    d = result.detail
    rows = []
    for p in d.schedule:
        rows.append({"period": str(p.period), "series": t("cash_flow"), "amount": p.cash_flow})
        rows.append({"period": str(p.period), "series": t("present_value"), "amount": p.present_value})
    if d.terminal is not None:
        rows.append({"period": "TV", "series": t("present_value"), "amount": d.terminal.present_value})
    df = pd.DataFrame(rows)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=t("period_col"), sort=None),
            xOffset="series:N",
            y=alt.Y("amount:Q", title="CNY", axis=alt.Axis(format=CNY_FMT)),
            color=alt.Color("series:N", title=None),
            tooltip=["period:N", "series:N", alt.Tooltip("amount:Q", format=",.2f")],
        )
        .properties(height=300, title=t("value_buildup", both=True))
    )


def market_grid(result: Any) -> alt.Chart:
    """Each comparable's price Q_k and adjusted price P'_k (CNY); screened-out ones shown faded."""
    rows = []
    for g in result.detail.grid:
        rows.append({"comp": g.comp_id, "series": t("price"), "amount": g.price, "kept": g.kept})
        rows.append({"comp": g.comp_id, "series": t("adjusted_price"), "amount": g.adjusted_price, "kept": g.kept})
    df = pd.DataFrame(rows)
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("comp:N", title=t("comparable"), sort=None),
            xOffset="series:N",
            y=alt.Y("amount:Q", title="CNY", axis=alt.Axis(format=CNY_FMT)),
            color=alt.Color("series:N", title=None),
            opacity=alt.condition("datum.kept", alt.value(1.0), alt.value(0.3)),
            tooltip=["comp:N", "series:N", alt.Tooltip("amount:Q", format=",.2f"), "kept:N"],
        )
    )
    rule = alt.Chart(pd.DataFrame({"v": [result.value]})).mark_rule(strokeDash=[6, 3]).encode(y="v:Q")
    return (bars + rule).properties(height=300, title=t("value_buildup", both=True))


def tornado(conclusion: Any) -> alt.Chart:
    """V at the 5th and 95th percentile of each input, the rest at base (largest swing on top)."""
    rows = []
    for b in conclusion.tornado:
        label = f"{b.label_zh} ({_method_label(b.method.value)})"
        lo, hi = sorted((b.value_at_low, b.value_at_high))
        rows.append({"input": label, "low": lo, "high": hi, "swing": hi - lo,
                     "at_low_input": b.value_at_low, "at_high_input": b.value_at_high})
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame({"input": [], "low": [], "high": [], "swing": [], "at_low_input": [], "at_high_input": []})
    order = list(df.sort_values("swing", ascending=False)["input"])
    bars = (
        alt.Chart(df)
        .mark_bar(color=PALETTE["cost"])
        .encode(
            y=alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=280, labelOverlap=False)),
            x=alt.X("low:Q", title="V (CNY)", axis=alt.Axis(format=CNY_FMT), scale=alt.Scale(zero=False)),
            x2="high:Q",
            tooltip=["input:N", alt.Tooltip("at_low_input:Q", title="V @ P5", format=",.2f"),
                     alt.Tooltip("at_high_input:Q", title="V @ P95", format=",.2f")],
        )
    )
    base = alt.Chart(pd.DataFrame({"v": [conclusion.value]})).mark_rule(color="black").encode(x="v:Q")
    return (bars + base).properties(height=max(160, 30 * len(df)), title=t("tornado", both=True))


def histogram(draws: np.ndarray, value_range: Any | None, concluded: float) -> alt.Chart:
    """Histogram of the simulated V with the P5, P50, P95 lines and the concluded value."""
    counts, edges = np.histogram(np.asarray(draws, dtype=float), bins=40)
    df = pd.DataFrame({"from": edges[:-1], "to": edges[1:], "count": counts})
    bars = (
        alt.Chart(df)
        .mark_bar(color=PALETTE["income"], opacity=0.8)
        .encode(
            x=alt.X("from:Q", title="V (CNY)", axis=alt.Axis(format=CNY_FMT), bin="binned"),
            x2="to:Q",
            y=alt.Y("count:Q", title=t("frequency")),
            tooltip=[alt.Tooltip("from:Q", format=",.0f"), alt.Tooltip("to:Q", format=",.0f"), "count:Q"],
        )
    )
    marks = [{"label": "V", "v": concluded}]
    if value_range is not None:
        marks += [{"label": "P5", "v": value_range.p5}, {"label": "P50", "v": value_range.p50},
                  {"label": "P95", "v": value_range.p95}]
    mdf = pd.DataFrame(marks)
    rules = alt.Chart(mdf).mark_rule(strokeDash=[4, 3]).encode(
        x="v:Q", color=alt.Color("label:N", title=None),
        tooltip=["label:N", alt.Tooltip("v:Q", format=",.2f")])
    return (bars + rules).properties(height=300, title=t("simulation", both=True))


def method_comparison(conclusion: Any) -> alt.Chart:
    """Each method's value with its P5–P95 range, the concluded value as a line."""
    rows = []
    for d in conclusion.differences:
        r = conclusion.method_ranges.get(d.method)
        rows.append({"method": _method_label(d.method.value), "value": d.value, "weight": d.weight,
                     "p5": r.p5 if r else d.value, "p95": r.p95 if r else d.value, "key": d.method.value})
    df = pd.DataFrame(rows)
    base = alt.Chart(df).encode(y=alt.Y("method:N", title=None, sort=None))
    bars = base.mark_bar(opacity=0.85).encode(
        x=alt.X("value:Q", title="CNY", axis=alt.Axis(format=CNY_FMT)),
        color=alt.Color("key:N", scale=alt.Scale(domain=list(PALETTE)[:3], range=[PALETTE[k] for k in list(PALETTE)[:3]]),
                        legend=None),
        tooltip=["method:N", alt.Tooltip("value:Q", format=",.2f"), alt.Tooltip("weight:Q", format=".0%"),
                 alt.Tooltip("p5:Q", format=",.2f"), alt.Tooltip("p95:Q", format=",.2f")],
    )
    whiskers = base.mark_rule(color="black").encode(x="p5:Q", x2="p95:Q")
    concl = alt.Chart(pd.DataFrame({"v": [conclusion.value]})).mark_rule(color="black", strokeDash=[6, 3], size=2).encode(x="v:Q")
    return (bars + whiskers + concl).properties(height=60 + 45 * len(df), title=t("method_comparison", both=True))


def _limit_rules(limits: list[tuple[str, float]], color: str) -> alt.Chart:
    df = pd.DataFrame([{"label": f"{name} {v:.0%}", "v": v} for name, v in limits])
    rule = alt.Chart(df).mark_rule(strokeDash=[5, 4], color=color).encode(y="v:Q")
    text = alt.Chart(df).mark_text(align="left", dx=4, dy=-6, color=color, fontSize=11).encode(
        y="v:Q", x=alt.value(4), text="label:N")
    return rule + text


def pledge_path(path: Sequence[Any], covenants: Any) -> alt.HConcatChart:
    """Two panels by month of the term: LTV = exposure / liquidation value against the warning line and
    the LTV covenant; coverage = collateral value / exposure (log scale: it grows as the loan is repaid)
    against the minimum coverage."""
    df = pd.DataFrame([{"month": p.month, "ltv": p.ltv, "coverage": p.coverage} for p in path])
    month = alt.X("month:Q", title=bi("月份", "month"), axis=alt.Axis(format="d", tickMinStep=1))
    ltv = alt.Chart(df.dropna(subset=["ltv"])).mark_line(point=True, color=PALETTE["cost"]).encode(
        x=month, y=alt.Y("ltv:Q", title="LTV", axis=alt.Axis(format=".0%"),
                         scale=alt.Scale(domain=[0, max(1.0, float(df["ltv"].max() or 0) * 1.1)])),
        tooltip=["month:Q", alt.Tooltip("ltv:Q", format=".2%")])
    ltv_rules = _limit_rules([(bi("预警线", "warning"), covenants.ltv_warning),
                              (bi("平仓线", "LTV max"), covenants.ltv_max)], PALETTE["down"])
    cov = alt.Chart(df).mark_line(point=True, color=PALETTE["income"]).encode(
        x=month, y=alt.Y("coverage:Q", title=bi("覆盖率（对数）", "coverage (log)"),
                         scale=alt.Scale(type="log"), axis=alt.Axis(format=".0%")),
        tooltip=["month:Q", alt.Tooltip("coverage:Q", format=".2%")])
    cov_rules = _limit_rules([(bi("最低覆盖率", "min coverage"), covenants.coverage_min)], PALETTE["down"])
    return alt.hconcat(
        (ltv + ltv_rules).properties(height=260, width=300, title=bi("抵质押率 LTV", "LTV")),
        (cov + cov_rules).properties(height=260, width=300, title=bi("覆盖率", "coverage")),
    ).properties(title=t("path_chart", both=True))


def pledge_values(path: Sequence[Any]) -> alt.Chart:
    """Exposure and the collateral value band (simulated P5–P95, base path) by month, CNY."""
    df = pd.DataFrame([{"month": p.month, "exposure": p.exposure, "collateral": p.collateral_value,
                        "liquidation": p.liquidation_value, "p5": p.value_p5, "p95": p.value_p95} for p in path])
    band = alt.Chart(df).mark_area(opacity=0.2, color=PALETTE["cost"]).encode(
        x=alt.X("month:Q", title=bi("月份", "month"), axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("p5:Q", title="CNY", axis=alt.Axis(format=CNY_FMT)),
        y2="p95:Q")
    long = df.melt(id_vars="month", value_vars=["exposure", "collateral", "liquidation"], var_name="series",
                   value_name="amount")
    names = {"exposure": bi("敞口", "exposure"), "collateral": bi("押品价值", "collateral value"),
             "liquidation": bi("清算价值", "liquidation value")}
    long["series"] = long["series"].map(names)
    lines = alt.Chart(long).mark_line().encode(
        x="month:Q", y="amount:Q", color=alt.Color("series:N", title=None),
        tooltip=["month:Q", "series:N", alt.Tooltip("amount:Q", format=",.2f")])
    return (band + lines).properties(height=300, title=bi("押品价值（P5–P95）与敞口", "collateral value (P5–P95) and exposure"))
