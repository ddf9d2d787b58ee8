"""入表判断 Recognition: the decision per asset with its reasons and missing facts; the five-criteria checklist."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app import services, session, store, views
from app.i18n import bi, t
from app.safe import md
from register.errors import NotFound

user = session.guard_page("recognition")
st.title(t("page_recognition", both=True))
st.caption(t("recognition_intro"))
company = session.company()

resources: list[Any] = []
if company is not None:
    try:
        resources = list(store.books_case(user, company)[0].resources)
    except NotFound:  # the company keeps no books here: nothing to decide
        pass
    except Exception as exc:
        session.show_error(exc)
if not resources:
    st.info(t("no_books"))
    session.ready_marker("recognition")
    st.stop()

decisions = services.recognition(user, resources)
by_id = {d.asset_id: d for d in decisions}
res_by_id = {r.asset_id: r for r in resources}

summary = pd.DataFrame([{"classification": d.classification.value, "label": bi(d.label_zh, d.label_en)}
                        for d in decisions]).groupby(["classification", "label"]).size().reset_index(name="n")
st.subheader(t("summary_by_class", both=True))
views.table(summary.rename(columns={"label": t("classification"), "n": t("count")})[[t("classification"), t("count")]])

views.table(pd.DataFrame([
    {t("asset_id"): d.asset_id, t("name"): d.name, t("classification"): bi(d.label_zh, d.label_en),
     t("missing_facts"): ", ".join(d.missing_facts) or "—",
     t("capitalization_start"): str(d.capitalization_start or "—")}
    for d in decisions]))

aid = st.selectbox(t("select_asset"), list(by_id), key="rec_asset",
                   format_func=lambda a: f"{a} {by_id[a].name}")
d = by_id[aid]
r = res_by_id[aid]
st.subheader(f"{md(d.asset_id)} · {md(d.name)}")
st.markdown(f"### {bi(d.label_zh, d.label_en)}")
if d.missing_facts:
    st.warning(f"{t('missing_facts')}: " + ", ".join(md(f) for f in d.missing_facts))
c1, c2 = st.columns([3, 2])
with c1:
    st.markdown(f"**{t('reasons')}**")
    for line in d.rationale:
        st.markdown(f"- {md(line)}")
    for note in d.notes:
        st.caption(md(note))
with c2:
    st.markdown(f"**{t('citations')}**")
    for c in d.citations:
        st.markdown(f"- {md(c)}")
    if d.capitalization_start:
        st.markdown(f"**{t('capitalization_start')}**: {d.capitalization_start}")

st.markdown(f"**{t('five_criteria', both=True)}**")
from accounting.facts import CRITERIA_NAMES  # noqa: E402

rows = []
for key, (zh, en) in CRITERIA_NAMES.items():
    crit = getattr(r.criteria, key)
    rows.append({t("criterion"): bi(zh, en), t("met"): "—" if crit is None else ("✓" if crit.met else "✗"),
                 t("evidence"): "" if crit is None else crit.evidence,
                 t("date_met"): "" if crit is None or crit.date_met is None else str(crit.date_met),
                 bi("未证明", "unproven"): "✗" if key in d.unproven_criteria else ""})
views.table(pd.DataFrame(rows))

session.ready_marker("recognition")
