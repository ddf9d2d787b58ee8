"""估值 Valuation: one engagement with a tab per method, charts, conclusion; batch upload with progress."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import streamlit as st

from app import charts, services, session, store, views
from app.i18n import bi, cny, pct, t
from app.safe import defang, md
from base import DEFAULT_SEED
from valuation.cost.inputs import BASIS_LABELS, DeltaBasis
from valuation.models import LABELS_ZH, Purpose, ValueType, english


def _label(value: object) -> str:
    """An engagement choice (purpose, value type) as the reader sees it: its label, never the code."""
    code = str(value)
    return bi(LABELS_ZH.get(code, code), english(code))


user = session.guard_page("valuation")
st.title(t("page_valuation", both=True))
st.caption(t("valuation_intro"))

single, batch = st.tabs([t("engagement", both=True), t("batch", both=True)])

# ----------------------------------------------------------------------------------- one engagement
with single:
    company = session.company()
    choices = store.engagement_choices(user, company)
    source = st.radio(t("engagement"), ["register", "assets", "upload"], horizontal=True, key="val_source",
                      format_func=lambda k: {"register": bi("登记簿中的委托", "engagement in the register"),
                                             "assets": bi("登记簿资产（成本法）", "register assets (cost method)"),
                                             "upload": bi("上传案例文件", "upload a case file")}[k])
    picked = upload = None
    asset_codes: list[str] = []
    if source == "register":
        picked = st.selectbox(t("choose_engagement"), options=list(choices), format_func=lambda k: choices[k],
                              index=0 if choices else None, key="val_engagement")
    elif source == "upload":
        upload = st.file_uploader(t("or_upload_case"), type=["json", "xlsx"], key="val_upload")
    elif company is not None:
        search = st.text_input(t("search"), key="val_asset_search")
        found, total = store.asset_page(user, company, search, 0, 100)
        names = {r["code"]: r["name"] for r in found}
        asset_codes = st.multiselect(f"{t('select_asset')} ({len(found)} / {total:,})", list(names),
                                     format_func=lambda c: f"{c} {names[c]}", key="val_assets")
        a1, a2, a3, a4 = st.columns(4)
        vdate = a1.date_input(t("valuation_date"), value=date(date.today().year - 1, 12, 31), key="val_vdate")
        purpose = a2.selectbox(t("purpose"), [p.value for p in Purpose], key="val_purpose",
                               format_func=_label)
        vtype = a3.selectbox(t("value_type"), [v.value for v in ValueType], key="val_vtype",
                             format_func=_label)
        basis = a4.selectbox(bi("调整系数 δ 依据", "δ basis"), [b.value for b in DeltaBasis], key="val_basis",
                             format_func=lambda v: bi(*BASIS_LABELS[DeltaBasis(v)]))
        d1, d2, d3 = st.columns(3)
        elapsed = d1.number_input(bi("已使用年限", "elapsed years"), min_value=0.0, value=1.0, step=0.5, key="val_el")
        remaining = d2.number_input(bi("剩余经济寿命（年）", "remaining years"), min_value=0.0, value=3.0, step=0.5,
                                    key="val_rem")
        # the default id is a free one (…-2, -3 when taken): a second valuation never replaces the first
        case_id = d3.text_input(bi("委托编号", "case id"), key="val_case_id",
                                value=store.free_case_id(user, company, f"{company}-{vdate:%Y%m%d}"))
    if st.button(t("run_valuation"), type="primary", key="val_run"):
        for k in ("val_result", "val_case", "val_saved"):  # a refused run leaves no earlier result on screen
            st.session_state.pop(k, None)
        try:
            if upload is not None:
                new_case, load_errors = services.read_case_upload(user, upload.name, upload.getvalue())
            elif picked is not None:
                new_case, load_errors = store.load_engagement(user, picked), []
            elif asset_codes and company is not None:
                delta: dict[str, Any] = {"basis": basis}
                if basis in ("life", "both"):
                    delta.update({"elapsed_years": float(elapsed), "remaining_years": float(remaining)})
                raw = store.asset_case_dict(user, company, asset_codes, case_id=case_id, valuation_date=vdate,
                                            purpose=purpose, value_type=vtype, delta=delta)
                new_case, load_errors = services.case_from_dict(user, raw, source=case_id)
            else:
                st.stop()
            st.session_state["val_result"] = services.value_engagement(user, new_case, prior_errors=load_errors)
            st.session_state["val_case"] = new_case
            st.session_state.pop("val_saved", None)
        except Exception as exc:  # an engine or input refusal: shown, never a traceback
            session.show_error(exc)

    result: Any = st.session_state.get("val_result")
    case: Any = st.session_state.get("val_case")
    if result is not None and case is not None:
        eng = result.engagement
        st.markdown(f"**{md(eng.case_id)}** · {md(eng.client)} · {t('valuation_date')} {eng.valuation_date} · "
                    f"{t('purpose')} {bi(LABELS_ZH[eng.purpose.value], eng.purpose.value)} · "
                    f"{t('value_type')} {bi(LABELS_ZH[eng.value_type.value], eng.value_type.value)} · "
                    f"{t('seed')} {result.seed} · {t('draws')} {result.n_draws:,}")
        for e in result.errors:
            st.error(f"{md(e.asset_id)} {md(e.field or '')}: {md(session.asset_error_text(e))}")
        if result.valuations:
            ids = [v.asset.asset_id for v in result.valuations]
            aid = st.selectbox(t("asset"), ids, key="val_asset",
                               format_func=lambda a: f"{a} {next(v.asset.name for v in result.valuations if v.asset.asset_id == a)}")
            v = next(x for x in result.valuations if x.asset.asset_id == aid)
            c = v.conclusion
            m1, m2, m3 = st.columns(3)
            m1.metric(t("concluded_value", both=True), cny(c.value))
            if c.value_range is not None:
                m2.metric("P5", cny(c.value_range.p5))
                m3.metric("P95", cny(c.value_range.p95))
            method_tabs = [(r.method.value, r) for r in v.method_results()]
            tabs = st.tabs([t(f"{m}_method", both=True) for m, _ in method_tabs]
                           + [t("conclusion", both=True), t("tornado", both=True), t("simulation", both=True),
                              t("disclosure", both=True)])
            for (m, r), tab in zip(method_tabs, tabs, strict=False):
                with tab:
                    st.metric(t(f"{m}_method"), cny(r.value))
                    st.caption(md(r.formula))
                    if m == "cost":
                        st.altair_chart(charts.cost_buildup(r), width="stretch")
                        views.table(views.category_totals_df(r))
                        views.table(views.cost_lines_df(r))
                    elif m == "income":
                        st.altair_chart(charts.income_pv(r), width="stretch")
                        views.table(views.schedule_df(r))
                    else:
                        st.altair_chart(charts.market_grid(r), width="stretch")
                        views.table(views.grid_df(r))
                    with st.expander(t("figures", both=True)):
                        views.table(views.figures_df(r.figures))
                        for line in (*r.assumptions, *r.notes):
                            st.markdown(f"- {md(line)}")
            concl_tab, tornado_tab, sim_tab, disc_tab = tabs[len(method_tabs):]
            with concl_tab:
                st.altair_chart(charts.method_comparison(c), width="stretch")
                views.table(views.comparison_df(c))
                st.markdown(f"**{t('analysis')}** · {md(c.formula)}")
                for line in c.analysis:
                    st.markdown(f"- {md(line)}")
                if c.spread is not None:
                    st.caption(f"{bi('方法差异', 'spread')} max/min − 1 = {pct(c.spread, 1)}")
                if company is not None and st.button(t("save_conclusion"), key="val_save"):
                    try:
                        store.save_valuation(user, company or result.engagement.case_id, case, result)
                        st.session_state["val_saved"] = True
                    except Exception as exc:
                        session.show_error(exc)
                if st.session_state.get("val_saved"):
                    st.success(t("conclusion_saved"))
            with tornado_tab:
                if c.tornado:
                    st.altair_chart(charts.tornado(c), width="stretch")
                    views.table(views.tornado_df(c))
            with sim_tab:
                if result.n_draws > 0:
                    draws = services.simulated_values(user, result, aid)
                    st.altair_chart(charts.histogram(draws, c.value_range, c.value), width="stretch")
                    if c.value_range is not None:
                        st.caption(f"P5 {cny(c.value_range.p5)} · P50 {cny(c.value_range.p50)} · "
                                   f"P95 {cny(c.value_range.p95)} · n = {c.value_range.n_draws:,}")
            with disc_tab:
                st.markdown(defang(services.appraisal_disclosure(user, result, v)))

# ----------------------------------------------------------------------------------- batch
with batch:
    up = st.file_uploader(t("batch_upload"), type=["csv", "parquet", "xlsx"], key="batch_upload")
    b1, b2 = st.columns(2)
    seed = b1.number_input(t("seed"), min_value=0, value=DEFAULT_SEED, step=1, key="batch_seed")
    n_draws = b2.number_input(t("draws"), min_value=0, max_value=100_000, value=1000, step=100, key="batch_draws")
    if up is not None and st.button(t("batch_run"), type="primary", key="batch_run"):
        bar = st.progress(0.0, text=t("batch"))

        def _progress(done: int, total: int) -> None:
            bar.progress(min(1.0, done / max(total, 1)), text=f"{t('batch')} {done:,} / {total:,}")

        st.session_state.pop("batch_result", None)  # a refused batch leaves no earlier results on screen
        try:
            table = services.read_batch_upload(user, up.name, up.getvalue())
            st.session_state["batch_result"] = services.value_batch(
                user, table, seed=int(seed), n_draws=int(n_draws), source=up.name, progress=_progress)
            bar.progress(1.0, text=t("batch_done"))
        except Exception as exc:
            bar.empty()
            session.show_error(exc)
    res: Any = st.session_state.get("batch_result")
    if res is not None:
        tidy = res.table
        raw_text = {e.message for e in res.errors if not session.is_engine_rule(e.rule)}
        if raw_text and "error" in tidy.columns:  # a library's text is logged, never shown
            generic = session.asset_error_text(next(e for e in res.errors if not session.is_engine_rule(e.rule)))
            tidy = tidy.assign(error=[
                "; ".join(generic if part in raw_text else part for part in str(v).split("; ")) if v else v
                for v in tidy["error"]])
        ok = tidy["status"] == "ok"
        k1, k2, k3 = st.columns(3)
        k1.metric(t("valued"), f"{int(ok.sum()):,}")
        k2.metric(t("failed"), f"{int((~ok).sum()):,}")
        k3.metric(t("total"), cny(float(tidy.loc[ok, "value"].sum())))
        cols = [c for c in ("asset_id", "name", "value_cost", "value_income", "value_market", "value", "p5", "p50",
                            "p95", "status", "error") if c in tidy.columns]
        st.dataframe(tidy[cols], hide_index=True, width="stretch", height=360, placeholder="—",
                     column_config={c: st.column_config.NumberColumn(c, format="%.2f")
                                    for c in ("value_cost", "value_income", "value_market", "value", "p5", "p50", "p95")})
        if res.errors:
            with st.expander(f"{t('asset_errors')} ({len(res.errors):,})"):
                import pandas as pd

                views.table(pd.DataFrame([{t("asset"): e.asset_id, t("field"): e.field or "",
                                           t("message"): session.asset_error_text(e)}
                                          for e in res.errors]))
        d1, d2 = st.columns(2)
        d1.download_button(f"{t('download')} CSV", partial(services.batch_table_bytes, user, tidy, ".csv"),
                           file_name="batch_results.csv", mime="text/csv", key="batch_csv")
        d2.download_button(f"{t('download')} Parquet", partial(services.batch_table_bytes, user, tidy, ".parquet"),
                           file_name="batch_results.parquet", mime="application/octet-stream", key="batch_pq")

session.ready_marker("valuation")
