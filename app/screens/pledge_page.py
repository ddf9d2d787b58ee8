"""质押 Pledge: term sheet, maximum loan and its binding constraint, LTV / coverage path, shortfall
probability, stress sliders, credit-memo download."""

from __future__ import annotations

import copy
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from app import charts, services, session, store, views
from app.i18n import bi, cny, pct, t
from app.safe import md
from pledge import PaymentFrequency, RepaymentType

user = session.guard_page("pledge")
st.title(t("page_pledge", both=True))
st.caption(t("pledge_intro"))

company = session.company()
choices = store.pledge_choices(user, company)
if not choices:
    st.info(t("none"))
    session.ready_marker("pledge")
    st.stop()
key = st.selectbox(t("choose_pledge_case"), list(choices), format_func=lambda k: choices[k], key="pl_case")
extra: dict[str, Any] = {}
if key.startswith("val:"):
    classes = sorted({r.asset_class for r in services.bank_policy().pledge_rates})
    a1, a2 = st.columns(2)
    extra["asset_class"] = a1.selectbox(bi("资产类别（银行政策）", "asset class (bank policy)"), classes, key="pl_class",
                                        format_func=services.pledge_text)
    extra["remaining_life_months"] = int(a2.number_input(bi("剩余经济寿命（月）", "remaining economic life (months)"),
                                                         min_value=1, max_value=600, value=36, key="pl_life"))
try:
    base: dict[str, Any] = store.pledge_template(user, key, company, **extra)
except Exception as exc:
    session.show_error(exc)
    session.ready_marker("pledge")
    st.stop()
ts0, col0, bor0 = base["term_sheet"], base["collateral"], base["borrower"]
kk = "".join(ch if ch.isalnum() else "_" for ch in f"{key}_{extra.get('asset_class', '')}_{extra.get('remaining_life_months', '')}")

st.markdown(f"**{t('collateral')}**: {md(col0['name'])} ({md(col0['asset_id'])}) · {t('concluded_value')} "
            f"{cny(col0['concluded_value'])} · {bi('剩余寿命', 'remaining life')} {col0['remaining_life_months']} "
            f"{bi('个月', 'months')}")

repayments = [r.value for r in RepaymentType]
freqs = [f.value for f in PaymentFrequency]
with st.form("pl_terms"):
    st.subheader(t("term_sheet", both=True))
    c1, c2, c3 = st.columns(3)
    amount = c1.number_input(t("loan_amount") + " (CNY)", min_value=1.0, value=float(ts0["amount"]), step=100_000.0,
                             format="%.2f", key=f"pl_amount_{kk}")
    rate = c2.number_input(t("annual_rate"), min_value=0.0, max_value=0.99, value=float(ts0["annual_rate"]),
                           step=0.0025, format="%.4f", key=f"pl_rate_{kk}")
    term = c3.number_input(t("term_months"), min_value=1, max_value=360, value=int(ts0["term_months"]), step=1,
                           key=f"pl_term_{kk}")
    c4, c5, c6 = st.columns(3)
    repayment = c4.selectbox(t("repayment"), repayments, index=repayments.index(ts0["repayment"]),
                             format_func=services.pledge_text, key=f"pl_repayment_{kk}")
    frequency = c5.selectbox(t("pay_frequency"), freqs, index=freqs.index(ts0.get("frequency", "monthly")),
                             format_func=lambda v: t(f"freq_{v}"), key=f"pl_frequency_{kk}")
    grace = c6.number_input(t("grace_periods"), min_value=0, max_value=120, value=int(ts0.get("grace_periods", 0)),
                            step=1, key=f"pl_grace_{kk}")
    c7, c8, c9 = st.columns(3)
    drawdown = c7.date_input(t("drawdown_date"), value=date.fromisoformat(ts0["drawdown_date"])
                             if ts0.get("drawdown_date") else date.today(), key=f"pl_drawdown_{kk}")
    cash_flow = c8.number_input(t("annual_cash_flow") + " (CNY)", min_value=0.0,
                                value=float(bor0["annual_cash_flow"][0]), step=100_000.0, format="%.2f", key=f"pl_cf_{kk}")
    pd_annual = c9.number_input(t("pd_annual"), min_value=0.0, max_value=1.0, value=float(bor0["pd_annual"]),
                                step=0.005, format="%.4f", key=f"pl_pd_{kk}")
    st.form_submit_button(t("run_pledge"), type="primary")

st.subheader(t("stress", both=True))
dyn0 = col0.get("dynamics", {})
s1, s2, s3 = st.columns(3)
shock = s1.slider(t("stress_value"), 0.0, 0.8, 0.0, 0.05, format="%.2f", key=f"pl_shock_{kk}")
vol = s2.slider(t("stress_volatility"), 0.0, 1.0, float(dyn0.get("volatility", 0.0)), 0.05, key=f"pl_vol_{kk}")
jumps = s3.slider(t("stress_jump"), 0.0, 2.0, float(dyn0.get("jump_intensity", 0.0)), 0.05, key=f"pl_jump_{kk}")

raw = copy.deepcopy(base)
years = -(-int(term) // 12)
raw["term_sheet"].update({"amount": float(amount), "annual_rate": float(rate), "term_months": int(term),
                          "repayment": repayment, "frequency": frequency, "grace_periods": int(grace),
                          "drawdown_date": drawdown.isoformat()})
raw["borrower"].update({"annual_cash_flow": [float(cash_flow)] * years, "pd_annual": float(pd_annual)})
raw["collateral"]["concluded_value"] = col0["concluded_value"] * (1 - shock)
raw["collateral"]["values_by_method"] = {m: v * (1 - shock) for m, v in col0["values_by_method"].items()}
raw["collateral"]["dynamics"] = {**dyn0, "volatility": vol, "jump_intensity": jumps}

result: Any = None
case: Any = None
try:
    case = services.pledge_case(user, raw)
    result = services.assess_pledge(user, case)
except Exception as exc:
    session.show_error(exc)

if result is not None and case is not None:
    ml = result.max_loan
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("max_loan", both=True), cny(ml.amount),
              delta=f"{t('within_limit') if ml.within_limit else t('above_limit')}: {cny(ml.headroom)}",
              delta_color="normal" if ml.within_limit else "inverse")
    m2.metric(t("binding", both=True), services.pledge_text(ml.binding))
    m3.metric(t("prob_shortfall", both=True), pct(result.simulation.prob_shortfall),
              help=f"± {pct(result.simulation.prob_shortfall_std_error)} (n = {result.simulation.n_paths:,})")
    m4.metric(t("liquidation_value", both=True), cny(result.collateral.liquidation.liquidation_value))

    views.table(pd.DataFrame([
        {t("constraints"): services.pledge_text(c.constraint), t("amount"): cny(c.amount),
         t("binding"): "◀" if c.constraint == ml.binding else "", t("formula"): c.formula, t("detail"): c.detail}
        for c in ml.constraints]))

    st.altair_chart(charts.pledge_path(result.path, case.policy.covenants))
    st.altair_chart(charts.pledge_values(result.path), width="stretch")

    k1, k2, k3, k4 = st.columns(4)
    k1.metric(t("collateral_value"), cny(result.collateral.collateral_value))
    k2.metric(t("expected_shortfall"), cny(result.simulation.expected_shortfall))
    k3.metric(bi("预期损失（押品不合格）", "EL (ineligible)"), cny(result.loss.el_ineligible))
    k4.metric(bi("预期损失（视同合格）", "EL (as if eligible)"), cny(result.loss.el_eligible))

    tabs = st.tabs([t("breaches", both=True), t("schedule", both=True), bi("反向压力测试 Reverse stress", "Reverse stress")])
    with tabs[0]:
        if result.breaches:
            views.table(pd.DataFrame([{t("period_col"): b.period, bi("月", "month"): b.month,
                                       bi("条款", "covenant"): services.pledge_text(b.covenant),
                                       bi("观测值", "observed"): "—" if b.observed is None else pct(b.observed),
                                       bi("限值", "limit"): pct(b.limit),
                                       bi("触发措施", "trigger"): services.pledge_text(b.trigger)}
                                      for b in result.breaches]))
        else:
            st.caption(t("none"))
        for w in result.warnings:
            st.warning(md(w))
    with tabs[1]:
        views.table(pd.DataFrame([{t("period_col"): r.period, bi("还款日", "due"): str(r.due_date or ""),
                                   bi("期初本金", "opening"): cny(r.opening_balance), bi("利息", "interest"): cny(r.interest),
                                   bi("本金", "principal"): cny(r.principal), bi("费用", "fee"): cny(r.fee),
                                   bi("期末本金", "closing"): cny(r.closing_balance)} for r in result.schedule.rows]))
    with tabs[2]:
        views.table(pd.DataFrame([{bi("条款", "covenant"): services.pledge_text(x.covenant),
                                   bi("价值下跌幅度", "value drop"): pct(x.drop),
                                   bi("首次触发期", "first period"): "—" if x.period is None else x.period,
                                   bi("触发时押品价值", "value at breach"): cny(x.value_at_breach)}
                                  for x in result.reverse_stress]))

    if not ml.within_limit:
        st.caption(bi("申请金额超过最高可贷额度，不能登记质押", "the requested amount is above the maximum loan: "
                      "the pledge cannot be recorded"))
    if (key.startswith("val:") and company is not None
            and st.button(bi("登记质押", "Record the pledge in the register"), key="pl_record",
                          disabled=not ml.within_limit)):
        try:
            pid = store.record_pledge(user, company, case, result)
            st.success(f"{bi('质押已登记', 'pledge recorded')} #{pid}: {md(case.collateral.asset_id)} → "
                       f"{md(case.term_sheet.lender)} ({cny(case.term_sheet.amount)})")
        except Exception as exc:
            session.show_error(exc)
    m1, m2 = st.columns(2)
    m1.download_button(f"{t('download')} {t('credit_memo', both=True)} (.xlsx)",
                       partial(services.credit_memo_bytes, user, case, result),  # built on click
                       file_name=f"credit_memo_{result.case_id}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="pl_memo")
    m2.download_button(f"{t('download')} {t('credit_memo', both=True)} (.html)",
                       partial(services.credit_memo_html_bytes, user, case, result),
                       file_name=f"credit_memo_{result.case_id}.html", mime="text/html", key="pl_memo_html")

session.ready_marker("pledge")
