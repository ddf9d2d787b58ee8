"""账务 Ledger: post a period, journal, trial balance, balance-sheet lines, disclosure tables, close a period."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from app import services, session, store, views
from app.auth import may
from app.event_entry import event_entry, kind_label
from app.i18n import bi, cny, t
from app.safe import md
from register.errors import NotFound

user = session.guard_page("ledger")
st.title(t("page_ledger", both=True))
st.caption(t("ledger_intro"))
company = session.company()
if company is None:
    st.info(t("no_assets"))
    session.ready_marker("ledger")
    st.stop()
assert company is not None

today = date.today()
last_year = today.year - 1
c1, c2, c3 = st.columns([1, 1, 2])
start = c1.date_input(t("period_start"), value=date(last_year, 1, 1), key="ledger_start")
end = c2.date_input(t("period_end"), value=date(last_year, 12, 31), key="ledger_end")
known = store.periods(user, company)
with c3:
    status = next((p for p in known if p.start == start and p.end == end), None)
    closed_any = [p for p in known if p.status == "closed"]
    st.markdown(f"**{t('period_status')}**: "
                + (f"{t('closed')} ({md(status.closed_by)})" if status and status.status == "closed"
                   else t("period_open"))
                + (f" · {bi('已结账期间', 'closed periods')}: " + ", ".join(f"{p.start}…{p.end}" for p in closed_any)
                   if closed_any else ""))

result: Any = None
case: Any = None
try:
    case, late = store.books_case(user, company)
    for line in late:
        st.warning(f"{bi('迟到事项（已结账期间，未入账）', 'late event (closed period, not booked)')}: {md(line)}")
    result = services.book_period(user, case, end, period_start=start)
except NotFound:  # the company keeps no books here (e.g. a valuation portfolio)
    st.info(t("no_books") + " · " + bi("先在“入表判断”页填写资产的入表事实，再在此录入事项。",
                                       "Enter an asset's accounting facts on the Recognition page first, then its "
                                       "events here."))
except Exception as exc:
    session.show_error(exc)

if result is not None:
    tb = result.trial_balance
    k1, k2, k3, k4 = st.columns(4)
    k1.metric(t("journal"), f"{len(result.period_journal()):,}")
    k2.metric(t("trial_balance"), t("balanced") if tb.balanced else t("not_balanced"))
    k3.metric(t("checks"), t("all_checks_pass") if result.all_checks_pass else "✗")
    k4.metric(t("rejected_events"), f"{len(result.rejected):,}")
    for r in result.rejected:
        st.warning(f"{md(r.event_id)} ({md(r.asset_id)}, {kind_label(r.kind)}, {r.date}): {md(r.message)}")

    is_closed = bool(status and status.status == "closed")
    can_post = may(user, "ledger.post") and not is_closed
    b1, b2 = st.columns(2)
    with b1:
        if st.button(t("post_period"), type="primary", disabled=not can_post, key="ledger_post"):
            try:
                st.session_state["ledger_posted"] = store.post_period(user, company, end)
            except Exception as exc:
                session.show_error(exc)
    with b2:
        confirm = st.checkbox(t("close_confirm"), key="ledger_close_confirm", disabled=not can_post)
        if st.button(t("close_period"), disabled=not (confirm and can_post), key="ledger_close"):
            try:
                p = store.close_period(user, company, start, end)
                st.session_state["ledger_closed"] = p
                st.rerun()
            except Exception as exc:
                session.show_error(exc)
    posted_summary: Any = st.session_state.get("ledger_posted")
    if posted_summary is not None and posted_summary.company == company:
        st.success(f"{t('posted')}: {len(posted_summary.posted)} {t('entries_posted')} · "
                   f"{bi('冲销', 'reversed')} {len(posted_summary.reversed)} · "
                   f"{bi('未变', 'unchanged')} {posted_summary.unchanged}")
        for line in posted_summary.rejected:
            st.warning(md(line))
    closed: Any = st.session_state.get("ledger_closed")
    if closed is not None:
        st.success(f"{t('closed')}: {closed.start} … {closed.end} ({md(closed.closed_by)})")

    tabs = st.tabs([bi("事项录入", "Events"), t("journal", both=True), t("trial_balance", both=True),
                    t("balance_sheet", both=True), t("table_a", both=True), t("table_b", both=True),
                    t("other_disclosures", both=True), t("checks", both=True), bi("已过账凭证", "Posted entries")])
    tabs, events_tab = tabs[1:], tabs[0]
    with events_tab:
        event_entry(user, company, case)
    with tabs[0]:
        views.table(views.journal_df(result.period_journal()), height=480)
    with tabs[1]:
        views.table(views.trial_balance_df(tb), full=True)
    with tabs[2]:
        views.table(views.balance_sheet_df(result.balance_sheet))
        pnl = result.pnl_effects
        views.table(pd.DataFrame([{bi("损益项目", "P&L line"): bi(x.label_zh, x.label_en), t("amount"): cny(x.amount),
                                   bi("对利润影响", "profit effect"): cny(x.profit_effect)} for x in pnl.lines]))
    with tabs[3]:
        views.table(views.disclosure_table_df(result.table_a), full=True)
        views.ties_caption(result.table_a.ties)
    with tabs[4]:
        views.table(views.disclosure_table_df(result.table_b), full=True)
        views.ties_caption(result.table_b.ties)
    with tabs[5]:
        views.other_disclosures(result.disclosures)
    with tabs[6]:
        views.table(pd.DataFrame([{t("checks"): c.name, t("result"): "✓" if c.ok else "✗", t("detail"): c.detail}
                                  for c in result.checks]))
    with tabs[7]:
        posted = store.posted_entries(user, company)
        rows = []
        for e in posted:
            for i, (acct, dr, cr) in enumerate(e.lines):
                rows.append({"#": e.seq if i == 0 else None, t("date"): str(e.date) if i == 0 else "",
                             t("asset"): e.asset if i == 0 else "",
                             bi("摘要", "description"): e.description_zh if i == 0 else "",
                             t("account"): acct, t("debit"): cny(dr) if dr else "", t("credit"): cny(cr) if cr else "",
                             "hash": e.hash[:12] if i == 0 else ""})
        views.table(pd.DataFrame(rows), height=420)

session.ready_marker("ledger")
