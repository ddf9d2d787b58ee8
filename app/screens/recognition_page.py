"""入表判断 Recognition: enter an asset's accounting facts and see the decision change as they are entered —
the classification, the reasons in Chinese (English on the switch), the articles cited and the facts still
missing; evidence files kept with the facts; the decision for every asset on the books."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from accounting.facts import CRITERIA_NAMES, DataResource
from app import services, session, store, views
from app.auth import may
from app.i18n import bi, current_lang, t
from app.model_form import model_form
from app.safe import md
from base.messages import invalid
from register.errors import NotFound

user = session.guard_page("recognition")
st.title(t("page_recognition", both=True))
st.caption(bi("填写资产的入表事实，判断结论、理由、引用条款和缺少的事实随填写实时更新；保存后用于记账。",
              "Enter the asset's accounting facts; the decision, reasons, articles and missing facts update as "
              "you type; once saved they are used by the books."))
company = session.company()
assets: list[dict[str, Any]] = []
if company is not None:
    try:
        assets = store.asset_page(user, company, "", 0, 1000)[0]
    except Exception as exc:
        session.show_error(exc)
if company is None or not assets:
    st.info(t("no_assets"))
    session.ready_marker("recognition")
    st.stop()
assert company is not None
zh = current_lang() == "zh"
TOPICS = {"control": bi("控制", "control"), "rights": bi("权利", "rights"), "benefits": bi("经济利益", "benefits"),
          "renewal": bi("续期", "renewal"),
          **{f"criteria.{k}": bi(z, e) for k, (z, e) in CRITERIA_NAMES.items()}}
LONG = {"description", "control_evidence", "benefits_evidence", "indefinite_reasons", "evidence", "use_cases",
        "raw_data", "processing", "operation", "major_transactions", "lapse", "restrictions", "other"}


def _decision_panel(d: Any) -> None:
    st.markdown(f"### {bi(d.label_zh, d.label_en)}")
    missing = d.missing_facts_zh if zh and d.missing_facts_zh else d.missing_facts
    if missing:
        st.warning(f"{bi('缺少的事实', 'missing facts')}: " + "；".join(md(f) for f in missing))
    st.markdown(f"**{t('reasons')}**")
    for line in (d.rationale_zh if zh and d.rationale_zh else d.rationale):
        st.markdown(f"- {md(line)}")
    for note in (d.notes_zh if zh and d.notes_zh else d.notes):
        st.caption(md(note))
    st.markdown(f"**{t('citations')}**")
    for c in d.citations:
        st.markdown(f"- {md(c)}")
    if d.capitalization_start:
        st.markdown(f"**{t('capitalization_start')}**: {d.capitalization_start}")


by_code = {a["code"]: a for a in assets}
aid = st.selectbox(t("select_asset"), list(by_code), key="rec_asset",
                   format_func=lambda a: f"{a} {by_code[a]['name']}" + (" ✓" if by_code[a].get("on_books") else ""))
saved = store.asset_facts(user, company, aid)
can_edit = may(user, "books.edit")
start = saved.model_dump(mode="json") if saved is not None else {"asset_id": aid, "name": by_code[aid]["name"]}
left, right = st.columns([3, 2])
with left:
    st.subheader(bi("入表事实", "Accounting facts"))
    raw = model_form(DataResource, key=f"facts.{aid}", value=start, skip=frozenset({"asset_id"}),
                     disabled=not can_edit, long_text=lambda n: n in LONG)
raw["asset_id"] = aid
candidate: DataResource | None = None
try:
    candidate = DataResource.model_validate(raw)
except ValidationError as exc:
    problem = str(invalid(exc, f"{aid} 入表事实 accounting facts"))
with right:
    st.subheader(bi("判断结论（实时）", "Decision (live)"))
    if candidate is None:
        st.error(md(problem))
    else:
        _decision_panel(services.recognition(user, [candidate])[0])
        if can_edit:
            unsaved = saved is None or saved != candidate
            st.caption(bi("有未保存的修改", "unsaved changes") if unsaved else bi("已保存", "saved"))
            if st.button(bi("保存入表事实", "Save the facts"), type="primary", key="facts_save", disabled=not unsaved):
                try:
                    store.save_facts(user, company, candidate)
                    st.session_state["facts_saved"] = aid
                    st.rerun()
                except Exception as exc:
                    session.show_error(exc)
    if st.session_state.get("facts_saved") == aid:
        st.success(f"{bi('已保存入表事实', 'facts saved')}: {md(aid)}")
    st.markdown(f"**{bi('证据文件', 'Evidence files')}**")
    kept = store.fact_evidence(user, company, aid)
    if kept:
        views.table(pd.DataFrame([{bi("事实", "fact"): TOPICS.get(tp, tp), bi("文件", "file"): name,
                                   "SHA-256": sha[:16] + "…", bi("大小", "size"): f"{size:,} B"}
                                  for tp, name, sha, size in kept]))
    if can_edit:
        topic = st.selectbox(bi("证据对应的事实", "fact it supports"), list(TOPICS), key="ev_topic",
                             format_func=lambda k: TOPICS[k])
        up = st.file_uploader(bi("上传证据文件", "Upload evidence"), key=f"ev_file.{aid}",
                              type=["pdf", "png", "jpg", "jpeg", "xlsx", "csv", "txt", "docx"])
        if up is not None and st.button(bi("保存证据", "Keep the evidence"), key="ev_save"):
            try:
                sha = store.attach_fact_evidence(user, company, aid, topic, up.name, up.getvalue())
                st.success(f"{bi('已保存', 'kept')}: {md(up.name)} · SHA-256 {sha[:16]}…")
            except Exception as exc:
                session.show_error(exc)

st.divider()
st.subheader(t("summary_by_class", both=True))
resources: list[Any] = []
try:
    resources = list(store.books_case(user, company)[0].resources)
except NotFound:  # no asset on the books yet: nothing to summarize
    resources = []
if resources:
    decisions = services.recognition(user, resources)
    views.table(pd.DataFrame([
        {t("asset_id"): d.asset_id, t("name"): d.name, t("classification"): bi(d.label_zh, d.label_en),
         t("missing_facts"): "；".join(d.missing_facts_zh if zh and d.missing_facts_zh else d.missing_facts) or "—",
         t("capitalization_start"): str(d.capitalization_start or "—")}
        for d in decisions]))
else:
    st.info(t("no_books"))

session.ready_marker("recognition")
