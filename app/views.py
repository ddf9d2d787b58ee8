"""Result objects as tables for the pages: read the results, format CNY, compute nothing.

Money columns are text formatted by :func:`app.i18n.cny` (to the fen, half-up), so a table shows the
same figure as the books and the workbooks.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from app.i18n import bi, cny, pct, t
from app.safe import defang, md, md_frame


def fmt_figure(value: float, unit: str) -> str:
    if unit == "CNY":
        return cny(value)
    if unit == "rate":
        return pct(value, 4)
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "years":
        return f"{value:.4f} {bi('年', 'years')}"
    return f"{value:.6g}"


def figures_df(figures: Iterable[Any]) -> pd.DataFrame:
    """The intermediate figures of a method (Figure: label, value with unit, formula, evidence)."""
    return pd.DataFrame(
        [{t("item"): f"{f.label_zh} {f.name}", t("value"): fmt_figure(f.value, f.unit), t("formula"): f.formula,
          t("evidence"): f.evidence} for f in figures]
    )


SMALL_TABLE_ROWS = 25


def table(df: pd.DataFrame, *, key: str | None = None, height: int | None = None, full: bool = False) -> None:
    """A read-only table, full width, no index.

    Up to 25 rows (or any length with ``full``: statements and disclosure tables are read whole) it is a
    plain table (text a reader can select and copy, printed as shown); longer ones are a scrollable grid
    (its own height unless ``height`` px is given).
    """
    right = figure_columns(df)
    if full or (height is None and len(df) <= SMALL_TABLE_ROWS):
        shown = md_frame(df)  # st.table renders Markdown in its cells: text stays text
        st.table(shown.style.set_properties(subset=right, **{"text-align": "right"}) if right else shown,
                 hide_index=True)
    else:
        st.dataframe(df, hide_index=True, width="stretch", key=key, height="auto" if height is None else height,
                     column_config={str(c): st.column_config.TextColumn(alignment="right") for c in right})


FIGURE = re.compile(r"-?¥[\d,]+\.\d{2}|-?[\d,]+(?:\.\d+)?%|—|")


def figure_columns(df: pd.DataFrame) -> list[Hashable]:
    """The columns of amounts (``¥1,234.56``) or rates (``12.50%``) shown as text: right-aligned, as a
    reader of figures expects (blank and "—" cells allowed)."""
    out: list[Hashable] = []
    for c in df.columns:
        values = [v for v in df[c].tolist() if v not in (None, "")]
        if values and all(isinstance(v, str) and FIGURE.fullmatch(v) for v in values) and \
                any(v not in ("—",) for v in values):
            out.append(c)
    return out


def cost_lines_df(result: Any) -> pd.DataFrame:
    return pd.DataFrame([
        {t("category"): ln.label_zh, t("item"): ln.item, t("incurred_on"): str(ln.incurred_on),
         t("historical"): cny(ln.historical), "I(v)/I(t)": f"{ln.index_factor:.4f}", t("restated"): cny(ln.restated),
         t("evidence"): ln.evidence}
        for ln in result.detail.lines
    ])


def category_totals_df(result: Any) -> pd.DataFrame:
    return pd.DataFrame([
        {t("category"): ct.label_zh, t("historical"): cny(ct.historical), t("restated"): cny(ct.restated),
         t("source"): ct.source, t("formula"): ct.formula}
        for ct in result.detail.category_totals
    ])


def schedule_df(result: Any) -> pd.DataFrame:
    return pd.DataFrame([
        {t("period_col"): p.period, "t": round(p.time, 4), bi("基数", "base"): cny(p.base),
         bi("分成/利润率", "share"): f"{p.share:.4f}", bi("衰减", "decay"): f"{p.decay_factor:.4f}",
         t("cash_flow"): cny(p.cash_flow), "DF": f"{p.discount_factor:.6f}", t("present_value"): cny(p.present_value)}
        for p in result.detail.schedule
    ])


def grid_df(result: Any) -> pd.DataFrame:
    return pd.DataFrame([
        {t("comparable"): g.comp_id, bi("交易场所", "venue"): g.venue, t("date"): str(g.date), t("price"): cny(g.price),
         "X1": f"{g.x1.value:.4f}", "X2": f"{g.x2.value:.4f}", "X3": f"{g.x3.value:.4f}", "X4": f"{g.x4.value:.4f}",
         "X5": f"{g.x5.value:.4f}", t("adjusted_price"): cny(g.adjusted_price), t("weight"): pct(g.weight),
         t("kept"): "✓" if g.kept else f"✗ {g.removal_reason}"}
        for g in result.detail.grid
    ])


def _num(x: float) -> str:
    """An input of the tornado: thousands separated when large, else 4 significant digits."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def tornado_df(conclusion: Any) -> pd.DataFrame:
    return pd.DataFrame([
        {t("input"): f"{b.label_zh} {b.input_name}", t("method"): t(f"{b.method.value}_method"),
         "P5": _num(b.low_input), bi("基准", "base"): _num(b.base_input), "P95": _num(b.high_input),
         "V @ P5": cny(b.value_at_low), "V @ P95": cny(b.value_at_high)}
        for b in conclusion.tornado
    ])


def comparison_df(conclusion: Any) -> pd.DataFrame:
    return pd.DataFrame([
        {t("method"): t(f"{d.method.value}_method"), t("value"): cny(d.value), t("weight"): pct(d.weight, 0),
         bi("与结论差异", "V_m − V"): cny(d.difference),
         bi("相对差异", "relative"): "—" if d.relative is None else pct(d.relative, 1),
         "P5": cny(conclusion.method_ranges[d.method].p5) if d.method in conclusion.method_ranges else "—",
         "P95": cny(conclusion.method_ranges[d.method].p95) if d.method in conclusion.method_ranges else "—"}
        for d in conclusion.differences
    ])


# ------------------------------------------------------------------------- accounting
def journal_df(entries: Sequence[Any]) -> pd.DataFrame:
    rows = []
    for e in entries:
        for i, ln in enumerate(e.lines):
            rows.append({
                bi("凭证", "entry"): e.entry_id if i == 0 else "", t("date"): str(e.date) if i == 0 else "",
                t("asset"): e.asset_id if i == 0 else "",
                bi("摘要", "description"): bi(e.description_zh, e.description_en) if i == 0 else "",
                t("account"): f"{ln.account_code} {bi(ln.account_zh, ln.account_en)}",
                t("debit"): cny(ln.debit) if ln.debit else "", t("credit"): cny(ln.credit) if ln.credit else "",
            })
    return pd.DataFrame(rows)


def trial_balance_df(tb: Any) -> pd.DataFrame:
    rows = [
        {t("account"): f"{r.code} {bi(r.name_zh, r.name_en)}",
         f"{t('opening')} {t('debit')}": cny(r.opening_debit), f"{t('opening')} {t('credit')}": cny(r.opening_credit),
         f"{bi('本期', 'period')} {t('debit')}": cny(r.period_debit),
         f"{bi('本期', 'period')} {t('credit')}": cny(r.period_credit),
         f"{t('closing')} {t('debit')}": cny(r.closing_debit), f"{t('closing')} {t('credit')}": cny(r.closing_credit)}
        for r in tb.rows
    ]
    rows.append({t("account"): t("total"),
                 f"{t('opening')} {t('debit')}": cny(tb.total_opening_debit),
                 f"{t('opening')} {t('credit')}": cny(tb.total_opening_credit),
                 f"{bi('本期', 'period')} {t('debit')}": cny(tb.total_period_debit),
                 f"{bi('本期', 'period')} {t('credit')}": cny(tb.total_period_credit),
                 f"{t('closing')} {t('debit')}": cny(tb.total_closing_debit),
                 f"{t('closing')} {t('credit')}": cny(tb.total_closing_credit)})
    return pd.DataFrame(rows)


def balance_sheet_df(lines: Sequence[Any]) -> pd.DataFrame:
    return pd.DataFrame([
        {bi("项目", "line"): f"{bi(b.line_zh, b.line_en)} — {bi(b.of_which_zh, b.of_which_en)}",
         t("closing"): cny(b.data_closing), t("opening"): cny(b.data_opening), t("formula"): b.formula}
        for b in lines
    ])


def disclosure_table_df(tab: Any) -> pd.DataFrame:
    cols = [bi(z, e) for z, e in zip(tab.columns_zh, tab.columns_en, strict=True)]
    rows = []
    for r in tab.rows:
        row = {bi("项目", "item"): ("\u3000" * r.level) + bi(r.label_zh, r.label_en)}
        for c, v in zip(cols, r.values or [None] * len(cols), strict=True):
            row[c] = "" if v is None else cny(v, symbol=False)
        rows.append(row)
    return pd.DataFrame(rows)


# column headers of the disclosure notes (accounting.notes field names)
NOTE_FIELDS: dict[str, tuple[str, str]] = {
    "asset_id": ("资产编号", "asset"), "name": ("名称", "name"), "finite": ("有限寿命", "finite"),
    "useful_life_months": ("使用寿命（月）", "useful life (months)"), "method": ("摊销方法", "method"),
    "residual_value": ("残值", "residual value"), "available_for_use": ("可供使用日", "available for use"),
    "remaining_months": ("剩余月数", "months left"), "carrying_amount": ("账面价值", "carrying amount"),
    "basis": ("依据", "basis"), "date": ("日期", "date"), "reason": ("原因", "reason"),
    "old_useful_life_months": ("原寿命（月）", "old life"), "new_useful_life_months": ("新寿命（月）", "new life"),
    "old_residual_value": ("原残值", "old residual"), "new_residual_value": ("新残值", "new residual"),
    "old_monthly_amount": ("原月摊销额", "old monthly"), "new_monthly_amount": ("新月摊销额", "new monthly"),
    "effect_on_period_amortization": ("对本期摊销的影响", "effect on the period"),
    "effect_on_next_twelve_months": ("对未来12个月的影响", "effect on the next 12 months"),
    "effect_on_future_periods": ("对以后期间的影响", "effect on future periods"), "content": ("内容", "content"),
    "line": ("报表项目", "line"), "remaining_amortization_months": ("剩余摊销期（月）", "months left"),
    "net_realizable_value": ("可变现净值", "NRV"), "pledgee": ("质权人", "pledgee"), "pledged_on": ("质押日", "pledged on"),
    "released_on": ("解除日", "released on"), "pledged_at_period_end": ("期末仍质押", "pledged at period end"),
    "secured_amount": ("担保金额", "secured amount"), "registration": ("质押登记", "registration"),
    "period_amortization": ("本期摊销", "period amortization"), "expensed": ("费用化", "expensed"),
    "capitalized": ("资本化", "capitalized"), "carrying_before": ("减值前账面价值", "carrying before"),
    "recoverable_amount": ("可收回金额", "recoverable amount"), "loss": ("减值损失", "loss"),
    "unreversed_recovery": ("未转回的价值回升", "recovery not reversed"), "cost": ("成本", "cost"),
    "provision": ("跌价准备", "provision"), "pledged": ("已质押", "pledged"),
    "carrying_written_off": ("核销的账面价值", "carrying written off"), "classification": ("类别", "classification"),
}


def models_df(items: Sequence[Any]) -> pd.DataFrame:
    """Rows of frozen models as a table with bilingual headers; Decimal amounts as CNY text, dates as ISO
    text; a pair of fields ``x_zh`` / ``x_en`` becomes one column ``x`` in the session's language."""
    from datetime import date as _date
    from decimal import Decimal

    rows = []
    for it in items:
        data = it.model_dump()
        row: dict[str, Any] = {}
        for k, v in data.items():
            if k.endswith("_en") and f"{k[:-3]}_zh" in data:
                continue
            if k.endswith("_zh"):
                base = k[:-3]
                v = bi(v, data.get(f"{base}_en", v))
                k = base
            if isinstance(v, bool):
                v = "✓" if v else "✗"
            elif isinstance(v, Decimal):
                v = cny(v, symbol=False)
            elif isinstance(v, _date):
                v = v.isoformat()
            elif isinstance(v, list | tuple | dict):
                v = str(v)
            elif v is None:
                v = "—"
            label = NOTE_FIELDS.get(k)
            row[bi(*label) if label else k.replace("_", " ")] = v
        rows.append(row)
    return pd.DataFrame(rows)


def other_disclosures(notes: Any) -> None:
    """Each disclosure of ``OtherDisclosures`` (财会〔2023〕11号 三（二）) as a titled table; empty ones say so."""
    titles = {
        "life_and_method": ("使用寿命与摊销方法", "useful life and amortization method"),
        "estimate_changes": ("会计估计变更", "changes in estimates"),
        "material_items": ("重要的单项数据资源", "material single data assets"),
        "restricted_items": ("所有权或使用权受限（质押）的数据资源", "restricted or pledged data resources"),
        "impairments": ("减值", "impairment"),
        "lapses": ("权利失效与终止确认", "lapse of rights and derecognition"),
        "held_for_sale": ("持有待售", "held for sale (CAS 42)"),
    }
    for key, (zh, en) in titles.items():
        items = getattr(notes, key)
        st.markdown(f"**{bi(zh, en)}**")
        if items:
            table(models_df(items))
        else:
            st.caption(t("none"))
    voluntary_disclosures(notes.voluntary)
    st.markdown(f"**{bi('数据资源研发支出', 'R&D spending on data')}**")
    if notes.rd.items:
        table(models_df(notes.rd.items))
    st.caption(f"{bi('费用化', 'expensed')} {cny(notes.rd.total_expensed)} · "
               f"{bi('资本化', 'capitalized')} {cny(notes.rd.total_capitalized)}")
    inv = notes.inventory
    st.markdown(f"**{bi('存货—数据资源', 'inventory — data resources')}** · {inv.cost_formula} · {inv.nrv_basis}")
    if inv.items:
        table(models_df(inv.items))
    for a in notes.appraisal:
        with st.expander(f"{bi('评估信息披露', 'appraisal disclosure')} {md(a.asset_id)} ({md(a.used_in)})"):
            st.markdown(defang(bi(a.text_zh, a.text_en)))


def voluntary_disclosures(items: Sequence[Any]) -> None:
    """自愿披露 (财会〔2023〕11号 三（二）): the eight items of each data resource, recognized or not, as the
    entity recorded them; an item not recorded reads 未披露 (never invented)."""
    st.markdown(f"**{bi('自愿披露（已确认及未确认的数据资源）', 'voluntary disclosure (recognized and unrecognized)')}**")
    if not items:
        st.caption(t("none"))
        return
    for v in items:
        status = bi("已确认", "recognized") if v.recognized else bi("未确认", "not recognized")
        with st.expander(f"{md(v.asset_id)} {md(v.name)} · {status}"):
            if not v.recognized and v.reason:
                st.caption(f"{bi('未确认原因', 'why not recognized')}: {md(v.reason)}")
            table(pd.DataFrame([{bi("项目", "item"): f"({e.number}) {bi(e.title_zh, e.title_en)}",
                                 bi("披露内容", "disclosure"): e.text if e.disclosed else bi("未披露", "not disclosed")}
                                for e in v.items]))


def ties_caption(ties: Sequence[Any]) -> None:
    """The table's ties in one line: how many hold; each one that fails, named."""
    failed = [x for x in ties if not x.ok]
    if failed:
        for x in failed:
            st.error(f"✗ {md(x.name)}: {bi('应为', 'expected')} {cny(x.expected)}, {bi('实为', 'actual')} {cny(x.actual)}")
    else:
        st.caption(f"✓ {bi('勾稽关系全部成立', 'all ties hold')} ({len(ties)})")
