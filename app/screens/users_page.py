"""用户 Users (admin): the register's users and roles; add a user, disable or enable one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import session, store, views
from app.i18n import t
from app.safe import md
from register.users import Role

user = session.guard_page("users")
st.title(t("page_users", both=True))
st.caption(t("users_intro"))

people = store.users(user)
views.table(pd.DataFrame([{t("username"): u.username, t("display_name"): u.display_name,
                           t("role"): f"{t('role_' + u.role.value)} ({u.role.value})", t("active"): "✓" if u.active else "✗"}
                          for u in people]))

with st.form("user_add", clear_on_submit=True):
    st.subheader(t("add_user"))
    c1, c2, c3 = st.columns(3)
    name = c1.text_input(t("username"), key="ua_name")
    display = c2.text_input(t("display_name"), key="ua_display")
    role = c3.selectbox(t("role"), [r.value for r in Role], format_func=lambda r: f"{t('role_' + r)} ({r})",
                        key="ua_role")
    password = st.text_input(t("password"), type="password", key="ua_password")
    if st.form_submit_button(t("add_user"), type="primary"):
        try:
            added = store.add_user(user, name.strip(), password, role, display.strip())
            st.success(f"{t('user_added')}: {md(added.username)} ({added.role.value})")
        except Exception as exc:
            session.show_error(exc)

others = [u.username for u in people if u.username != user.username]
if others:
    c1, c2 = st.columns([2, 1])
    who = c1.selectbox(t("toggle_user"), others, key="ua_toggle_who")
    target = next(u for u in people if u.username == who)
    c2.markdown("&nbsp;")
    if c2.button(t("disable") if target.active else t("enable"), key="ua_toggle"):
        try:
            store.set_active(user, who, not target.active)
            st.rerun()
        except Exception as exc:
            session.show_error(exc)

session.ready_marker("users")
