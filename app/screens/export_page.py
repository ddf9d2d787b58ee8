"""导出 Export: workbook downloads — the books of a period, valuation workpapers, the engagement template,
the pledge workpaper / credit memo. Each is the workbook ``dataval export`` writes."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from app import services, session, store
from app.auth import may
from app.i18n import bi, t
from app.safe import md

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

user = session.guard_page("export")
st.title(t("page_export", both=True))
st.caption(t("export_intro"))
picked_company = session.company()
if picked_company is None:
    st.info(t("no_assets"))
    session.ready_marker("export")
    st.stop()
company: str = str(picked_company)


def _offer(label: str, key: str, make: object, file_name: str) -> None:
    """A "prepare" button that builds the workbook, then its download button (kept for the session)."""
    c1, c2 = st.columns([1, 3])
    if c1.button(f"{t('prepare')}: {md(label)}", key=f"prep_{key}"):
        try:
            st.session_state[f"wb_{key}"] = (make(), file_name)  # type: ignore[operator]
        except Exception as exc:
            session.show_error(exc)
    got = st.session_state.get(f"wb_{key}")
    if got is not None:
        data, name = got
        c2.download_button(f"{t('download')} {md(name)}", data, file_name=name, mime=XLSX, key=f"dl_{key}")


# ----------------------------------------------------------------------------------- books
st.subheader(t("ledger_workbook", both=True))
if may(user, "ledger.view"):
    c1, c2 = st.columns(2)
    start = c1.date_input(t("period_start"), value=date(date.today().year - 1, 1, 1), key="ex_start")
    end = c2.date_input(t("period_end"), value=date(date.today().year - 1, 12, 31), key="ex_end")

    def _books() -> bytes:
        case, _late = store.books_case(user, company)
        result = services.book_period(user, case, end, period_start=start)
        return services.export_workbook_bytes(user, books=result,
                                              inputs=[("账务案例 accounting case", f"register:{company}", case)],
                                              name="books.xlsx")

    _offer(t("ledger_workbook"), f"books_{company}_{start}_{end}", _books, f"{company}_{start}_{end}_books.xlsx")
else:
    st.caption(f"{t('page_not_allowed')} ({t('page_ledger')})")

# ----------------------------------------------------------------------------------- valuation
st.subheader(t("valuation_workbook", both=True))
if may(user, "valuation.view"):
    engs = store.engagements_with_results(user, company)
    if engs:
        ek = st.selectbox(t("engagement"), list(engs), format_func=lambda k: engs[k], key="ex_eng")

        def _valuation() -> bytes:
            case, result = store.stored_case_result(user, ek)
            return services.export_workbook_bytes(
                user, valuation=result, price_index=case.price_index,
                inputs=[("评估案例 valuation case", f"register:{result.engagement.case_id}", case)],
                name="valuation.xlsx")

        def _template() -> bytes:
            case, _result = store.stored_case_result(user, ek)
            return services.case_workbook_bytes(user, case)

        _offer(t("valuation_workbook"), f"val_{ek}", _valuation, f"{engs[ek].split(' · ')[0]}_workpapers.xlsx")
        _offer(t("case_workbook"), f"tpl_{ek}", _template, f"{engs[ek].split(' · ')[0]}_case.xlsx")
    else:
        st.caption(bi("尚无已保存的评估结论", "no saved valuation yet"))

# ----------------------------------------------------------------------------------- the analyst's whole file
st.subheader(bi("完整工作底稿 Complete workpapers", "Complete workpapers"))
st.caption(bi("一个工作簿：本期账务、减值/可变现净值测试所依据的估值底稿、质押底稿；校验表中交叉核对三者。",
              "One workbook: the period's books, the valuation workpapers an impairment or NRV test rests on, and "
              "the pledge workpaper, tied to each other on the checks sheet."))
if may(user, "ledger.view") and may(user, "valuation.view"):
    def _complete() -> bytes:
        case, _late = store.books_case(user, company)
        result = services.book_period(user, case, end, period_start=start)
        named: list[int] = [int(n) for e in case.events if e.date <= end
                            if (n := getattr(getattr(e, "from_valuation", None), "register_valuation", None))]
        valuation = price_index = None
        inputs: list[tuple[str, str, Any]] = [("账务案例 accounting case", f"register:{company}", case)]
        if named:
            vcase, valuation = store.stored_case_result(user, store.engagement_of_result(user, named[-1]))
            price_index = vcase.price_index
            inputs.append(("评估案例 valuation case", f"register:{valuation.engagement.case_id}", vcase))
        recorded_now = store.pledges(user, company)
        pledge = store.pledge_record(user, int(list(recorded_now)[-1])) if recorded_now else None
        if pledge is not None:
            inputs.append(("质押案例 pledge case", "register:pledge", pledge[0]))
        return services.export_workbook_bytes(user, books=result, valuation=valuation, pledge=pledge,
                                              price_index=price_index, inputs=inputs, name="complete.xlsx")

    _offer(bi("完整工作底稿", "complete workpapers"), f"all_{company}_{start}_{end}", _complete,
           f"{company}_{start}_{end}_complete.xlsx")
else:
    st.caption(f"{t('page_not_allowed')}")

# ----------------------------------------------------------------------------------- pledges
st.subheader(t("credit_memo", both=True))
recorded = store.pledges(user, company)
if recorded:
    pid = st.selectbox(bi("已登记质押", "recorded pledge"), list(recorded), format_func=lambda k: recorded[k],
                       key="ex_pledge")

    def _pledge() -> bytes:
        pcase, presult = store.pledge_record(user, int(pid))
        return services.export_workbook_bytes(user, pledge=(pcase, presult),
                                              inputs=[("质押案例 pledge case", f"register:pledge {pid}", pcase)],
                                              name="pledge.xlsx")

    _offer(t("credit_memo"), f"pl_{pid}", _pledge, f"pledge_{pid}_workpaper.xlsx")
else:
    st.caption(bi("尚无已登记的质押", "no recorded pledge yet"))

session.ready_marker("export")
