"""资产登记 Register: enter and edit data assets and cost lines, inline validation, evidence uploads,
import from the Excel template (or a batch CSV) with the error report."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from app import editing, session, store, views
from app.auth import may
from app.i18n import bi, cny, t
from app.safe import md
from valuation.cost.inputs import CATEGORY_LABELS_ZH, CostCategory
from valuation.models import DataRight, DataSource, bilingual

PAGE_SIZE = 50



def _shown(v: str | int | float | bool) -> str:
    """A grid choice (a data source) as the reader sees it: Chinese label and English words."""
    return bilingual(str(v))


def _category_shown(v: str | int | float | bool) -> str:
    """A cost-line category as the reader sees it."""
    return f"{CATEGORY_LABELS_ZH[CostCategory(str(v))]} ({str(v).replace('_', ' ')})"


user = session.guard_page("register")
st.title(t("page_register", both=True))
st.caption(t("register_intro"))
company = session.company()
can_edit = may(user, "assets.edit")


def _issue_lines(issues: Any) -> list[str]:
    return [f"{md(i.asset_id or '')} {t('column')} {md(i.column or '—')}: {md(i.message)}".strip() for i in issues]


tab_list, tab_new, tab_costs, tab_import = st.tabs([t("edit_assets", both=True), t("new_asset", both=True),
                                                    t("cost_lines", both=True), t("import_template", both=True)])

# ----------------------------------------------------------------------------------- asset list
def asset_list(company: str) -> list[dict[str, Any]]:
    """The paged, searchable asset table; edits are validated inline and saved with their version."""
    c1, c2 = st.columns([3, 1])
    search = c1.text_input(t("search"), key="reg_search")
    total = store.asset_page(user, company, search, 0, 0)[1]
    pages = max(1, -(-total // PAGE_SIZE))
    page_no = c2.number_input(f"{t('page')} (1–{pages})", min_value=1, max_value=pages, value=1, step=1,
                              key="reg_page_no")
    rows, total = store.asset_page(user, company, search, (int(page_no) - 1) * PAGE_SIZE, PAGE_SIZE)
    st.caption(f"{t('showing')} {len(rows)} · {t('of')} {total:,} {t('assets')}")
    original = pd.DataFrame(rows, columns=[*store.ASSET_COLUMNS, "version", "cost_lines", "on_books"])
    edited = st.data_editor(
        original.drop(columns=["version"]),
        key=f"reg_editor_{company}_{search}_{page_no}",
        hide_index=True, width="stretch", height=min(420, 38 + 35 * max(len(original), 1)), placeholder="—",
        disabled=not can_edit, num_rows="fixed",
        column_config={
            "code": st.column_config.TextColumn(t("asset_id"), disabled=True),
            "name": st.column_config.TextColumn(t("name"), required=True, max_chars=200),
            "field": st.column_config.TextColumn(t("field")),
            "region": st.column_config.TextColumn(t("region")),
            "source": st.column_config.SelectboxColumn(t("source"), options=[s.value for s in DataSource],
                                                       format_func=_shown),
            "rights": st.column_config.TextColumn(t("rights"), help="holding;processing_use;product_operation"),
            "records": st.column_config.NumberColumn(t("records"), min_value=0, step=1, format="%d"),
            "rights_term_end": st.column_config.DateColumn(t("rights_term_end"), format="YYYY-MM-DD"),
            "cost_lines": st.column_config.NumberColumn(t("cost_lines"), disabled=True),
            "on_books": st.column_config.CheckboxColumn(t("books"), disabled=True),
        },
    )
    changes = editing.asset_changes(original, edited)
    problems: dict[str, list[str]] = {}
    for code, diff in changes.items():  # inline validation, before anything is saved
        row = next(r for r in rows if r["code"] == code)
        check = {"asset_id": code, **{k: row[k] for k in store.ASSET_COLUMNS if k != "code"}, **diff}
        issues = store.validate_asset_row(user, check)
        if issues:
            problems[code] = _issue_lines(issues)
    for code, lines in problems.items():
        for line in lines:
            st.error(f"{md(code)}: {line}")
    if changes and st.button(f"{t('save')} ({len(changes)})", type="primary", disabled=bool(problems) or not can_edit,
                             key="reg_save"):
        saved = 0
        for code, diff in changes.items():
            version = int(next(r["version"] for r in rows if r["code"] == code))
            try:
                store.update_asset(user, company, code, diff, expected_version=version)
                saved += 1
            except Exception as exc:
                session.show_error(exc)
        if saved:
            st.success(f"{t('saved')}: {saved}")
    return rows


# ----------------------------------------------------------------------------------- new asset
def new_asset(company: str) -> None:
    """The form for one new asset, written by the register's importer (all or nothing)."""
    with st.form("reg_new", clear_on_submit=False):
        c1, c2, c3 = st.columns(3)
        code = c1.text_input(t("asset_id"), key="new_code")
        name = c2.text_input(t("name"), key="new_name")
        field = c3.text_input(t("field"), value="general", key="new_field")
        c4, c5, c6 = st.columns(3)
        region = c4.text_input(t("region"), value="national", key="new_region")
        source = c5.selectbox(t("source"), [s.value for s in DataSource], key="new_source", format_func=bilingual)
        rights = c6.multiselect(t("rights"), [r.value for r in DataRight], default=["holding"], key="new_rights",
                                format_func=bilingual)
        c7, c8, c9 = st.columns(3)
        records = c7.number_input(t("records"), min_value=0, value=0, step=1000, key="new_records")
        has_term = c8.checkbox(bi("权利有期限", "the rights have a term"), key="new_has_term")
        term_end = c9.date_input(t("rights_term_end"), value=date(date.today().year + 3, 12, 31), key="new_term")
        st.caption(bi("数据质量评分（GB/T 36344，0–1，可空）", "Quality scores (GB/T 36344, 0–1, optional)"))
        qcols = st.columns(6)
        dims = ("accuracy", "consistency", "completeness", "conformance", "timeliness", "accessibility")
        dims_zh = ("准确性", "一致性", "完整性", "规范性", "时效性", "可访问性")
        scores = {d: qcols[i].text_input(bi(dims_zh[i], d), key=f"new_q_{d}") for i, d in enumerate(dims)}
        submitted = st.form_submit_button(t("add_asset"), type="primary", disabled=not can_edit)
    if submitted:
        row: dict[str, Any] = {"asset_id": code.strip(), "name": name.strip(), "field": field.strip(),
                               "region": region.strip(), "source": source, "rights": ";".join(rights),
                               "records": int(records) if records else None,
                               "rights_term_end": term_end.isoformat() if has_term else None,
                               **{f"q_{d}": v.strip() or None for d, v in scores.items()}}
        try:
            summary = store.add_asset(user, company, row)
            st.success(f"{t('asset_added')}: {md(row['asset_id'])} ({summary.created} new, {summary.unchanged} unchanged)")
        except Exception as exc:
            issues = getattr(exc, "issues", None)
            if issues:
                st.error(t("validation_failed"))
                for line in _issue_lines(issues):
                    st.error(line)
            else:
                session.show_error(exc)

# ----------------------------------------------------------------------------------- cost lines
def cost_lines(company: str, rows: list[dict[str, Any]]) -> None:
    """The cost lines of one asset (editable table, validated inline) and its evidence files."""
    codes = [r["code"] for r in rows]
    code = st.selectbox(t("select_asset"), codes, key="cost_asset",
                        format_func=lambda c: f"{c} {next(r['name'] for r in rows if r['code'] == c)}")
    detail = store.asset_detail(user, company, code)
    lines = detail["cost_lines"]
    st.caption(f"{md(detail['name'])} · {t('total')} {cny(sum(ln.amount for ln in lines))}")
    cat_values = [c.value for c in CostCategory]
    # the amount is edited as text: what is typed reaches the checks as typed (a number column would turn
    # "-5000" into 5000 and "1e20" into 120, and drop "abc", without a word)
    df = pd.DataFrame([{"id": ln.id, "category": ln.category, "item": ln.item, "amount": f"{ln.amount:.2f}",
                        "incurred_on": ln.incurred_on, "evidence": ln.evidence, "restate": ln.restate,
                        "files": ", ".join(f[0] for f in ln.files)} for ln in lines],
                      columns=["id", "category", "item", "amount", "incurred_on", "evidence", "restate", "files"])
    edited_lines = st.data_editor(
        df, key=f"cost_editor_{company}_{code}", num_rows="dynamic", hide_index=True, width="stretch", placeholder="—",
        disabled=not can_edit,
        column_config={
            "id": st.column_config.NumberColumn("id", disabled=True),
            "category": st.column_config.SelectboxColumn(
                t("category"), options=cat_values, required=True,
                format_func=_category_shown),
            "item": st.column_config.TextColumn(t("item"), required=True),
            "amount": st.column_config.TextColumn(f"{t('amount')} (CNY)", required=True, max_chars=40,
                                                  help=bi("数字，如 1234.56（0 至 10^15 元）",
                                                          "a number such as 1234.56 (0 to 10^15 CNY)")),
            "incurred_on": st.column_config.DateColumn(t("incurred_on"), format="YYYY-MM-DD", required=True),
            "evidence": st.column_config.TextColumn(t("evidence")),
            "restate": st.column_config.CheckboxColumn(t("restate"), default=True),
            "files": st.column_config.TextColumn(t("evidence_files"), disabled=True),
        },
    )
    payload = editing.cost_line_rows(edited_lines)
    dirty = editing.lines_changed(df, payload)
    line_problems = store.cost_line_problems(code, payload)
    for p in line_problems:
        st.error(md(p))
    if dirty and st.button(t("save"), type="primary", disabled=bool(line_problems) or not can_edit,
                           key="cost_save"):
        try:
            added, changed, removed = store.save_cost_lines(user, company, code, payload,
                                                            {ln.id: ln.version for ln in lines})
            st.success(f"{t('saved')}: +{added} · ~{changed} · −{removed}")
            st.rerun()
        except Exception as exc:
            session.show_error(exc)
    if lines:
        st.markdown(f"**{t('upload_evidence')}**")
        e1, e2 = st.columns([1, 2])
        line_id = e1.selectbox(t("evidence_for_line"), [ln.id for ln in lines], key="ev_line",
                               format_func=lambda i: next(f"{ln.line_no}. {ln.item}" for ln in lines if ln.id == i))
        up = e2.file_uploader(t("evidence_files"), key=f"ev_file_{line_id}",
                              type=["pdf", "png", "jpg", "jpeg", "xlsx", "csv", "txt", "docx"])
        if up is not None and st.button(t("save"), key="ev_save", disabled=not can_edit):
            try:
                digest = store.attach_evidence(user, int(line_id), up.name, up.getvalue())
                st.success(f"{t('evidence_saved')}: {md(up.name)} · SHA-256 {digest[:16]}…")
            except Exception as exc:
                session.show_error(exc)
        files = [(ln.line_no, f) for ln in lines for f in ln.files]
        if files:
            views.table(pd.DataFrame([{t("line_no"): n, t("evidence_files"): f[0], "bytes": f[1], "SHA-256": f[2]}
                                      for n, f in files]))

# ----------------------------------------------------------------------------------- import
def import_file(company: str | None) -> None:
    """Import a filled template or a batch CSV; a refused file shows every problem and the Excel report."""
    st.caption(bi("导入前逐行校验；任何错误都会拒绝整个文件，登记簿保持不变。",
                  "Every row is checked first; any problem refuses the whole file and the register stays unchanged."))
    up = st.file_uploader(t("import_file"), type=["xlsx", "csv"], key="imp_file")
    if up is not None and st.button(t("import_button"), type="primary", disabled=not may(user, "assets.import"),
                                    key="imp_run"):
        try:
            outcome, report = store.import_upload(user, company, up.name, up.getvalue())
            st.session_state["imp_outcome"] = (outcome, report, up.name)
        except Exception as exc:
            session.show_error(exc)
    got: Any = st.session_state.get("imp_outcome")
    if got is not None:
        outcome, report, fname = got
        issues = getattr(outcome, "issues", None)
        if issues is not None:
            st.error(f"{t('import_refused')} — {md(fname)}: {len(issues)} {t('errors')}")
            views.table(pd.DataFrame([{t("sheet"): i.sheet, t("row"): i.row, t("column"): i.column or "",
                                       t("asset"): i.asset_id or "", t("message"): i.message} for i in issues]))
            if report:
                st.download_button(f"{t('download')} {t('error_report')} (.xlsx)", report,
                                   file_name=f"{fname}.errors.xlsx", key="imp_report",
                                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        else:
            st.success(f"{t('import_done')}: {md(outcome.file)} → {md(outcome.company)}: {outcome.rows} · "
                       f"{outcome.created} new · {outcome.changed} changed · {outcome.unchanged} unchanged"
                       + (f" · {t('engagement')} {md(outcome.engagement)}" if outcome.engagement else ""))

page_rows: list[dict[str, Any]] = []
with tab_list:
    if company is None:
        st.info(t("no_assets"))
    else:
        page_rows = asset_list(company)
with tab_new:
    if company is None:
        st.info(t("no_assets"))
    else:
        new_asset(company)
with tab_costs:
    if company is None or not page_rows:
        st.info(t("no_assets"))
    else:
        cost_lines(company, page_rows)
with tab_import:
    import_file(company)

session.ready_marker("register")
