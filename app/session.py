"""Session glue: the signed-in user, the language switch, the company picker, page guards and markers.

- Sign-in with a register user (argon2 hash checked by ``register.users.check_login``), or with
  OpenID Connect through ``st.login`` when the deployment configures ``[auth]`` in
  ``.streamlit/secrets.toml``; an OIDC identity is let in only when a register user of that name
  (its e-mail) exists and is active, and takes that user's role. The register is :mod:`app.db`'s.
- :func:`guard_page` — first line of every page: stops with a refusal when the role may not use it.
- :func:`ready_marker` — last line of every page: an element the browser tests wait for, so the
  time from navigation to a usable page is measured.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

import streamlit as st

from app import store
from app.auth import User, current, may, may_open
from app.db import transaction
from app.i18n import bi, t
from app.safe import md
from base.errors import DatavalError
from register.users import check_login, list_users

log = logging.getLogger("dataval.app")

USER_KEY = "user"
LANG_KEY = "lang"


def current_user() -> User | None:
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None


def language_switch() -> None:
    """中文 / English in the sidebar; Chinese is the default. The choice is kept in ``lang``."""
    st.session_state.setdefault(LANG_KEY, "zh")

    def _changed() -> None:
        value = st.session_state.get("lang_switch")
        if value in ("zh", "en"):  # a click on the selected option clears the control: keep the language
            st.session_state[LANG_KEY] = value

    st.sidebar.segmented_control(
        t("language"), options=["zh", "en"], format_func=lambda x: "中文" if x == "zh" else "English",
        key="lang_switch", default=st.session_state[LANG_KEY], selection_mode="single", on_change=_changed,
    )


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file
        return False


def _oidc_user() -> User | None:
    """The register user matching the OIDC identity (by e-mail), when st.login signed someone in."""
    try:
        info = st.user
        if not info.get("is_logged_in"):
            return None
        email = str(info.get("email") or "")
    except Exception:
        return None
    if not email:
        return None
    with transaction(f"oidc:{email}") as s:
        found = [u for u in list_users(s) if u.username == email and u.active]
    return found[0] if found else None


def login_form() -> User | None:
    """The sign-in form; returns the user once signed in (kept in the session).

    A signed-in session's user is read again from the register on every run (:func:`app.auth.current`):
    a role changed since takes effect at once, and a disabled or removed account is signed out here.
    """
    user = current_user()
    if user is not None:
        fresh = current(user)
        if fresh is not None and fresh.active:
            st.session_state[USER_KEY] = fresh
            return fresh
        st.session_state.pop(USER_KEY, None)
        st.error(bi("账户已停用或不存在，已退出登录；请联系管理员", "the account is disabled or no longer exists; "
                    "you have been signed out — ask an administrator"))
    if _oidc_configured():
        sso = _oidc_user()
        if sso is not None:
            st.session_state[USER_KEY] = sso
            return sso
    st.title(t("app_title", both=True))
    with st.form("login", border=True):
        st.subheader(t("login"))
        name = st.text_input(t("username"), key="login_username")
        password = st.text_input(t("password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login"), type="primary")
    if submitted:
        with transaction(f"login:{name}") as s:
            found = check_login(s, name.strip(), password)
        if found is None:
            st.error(t("bad_login"))
        else:
            st.session_state[USER_KEY] = found
            st.rerun()
    if _oidc_configured():
        if st.button(t("login_sso")):
            st.login()
        try:
            if st.user.get("is_logged_in"):
                st.warning(t("no_sso_user"))
        except Exception:
            pass
    return None


def logout() -> None:
    st.session_state.pop(USER_KEY, None)
    if _oidc_configured():
        try:
            if st.user.get("is_logged_in"):
                st.logout()
        except Exception:
            pass


def sidebar_user(user: User) -> None:
    st.sidebar.caption(f"{t('signed_in_as')}: **{md(user.display_name or user.username)}** · "
                       f"{t('role')}: {t('role_' + user.role.value)}")
    if st.sidebar.button(t("logout"), key="logout"):
        logout()
        st.rerun()


def guard_page(page: str) -> User:
    """The signed-in user when their role may use ``page``; else a refusal and the script stops."""
    user = current_user()
    if user is None or not may_open(user, page):
        st.error(f"{t('page_not_allowed')} ({t('page_' + page, both=True)})")
        st.stop()
        raise AssertionError("unreachable")  # st.stop() ends the script run
    return user


def ready_marker(page: str) -> None:
    """The element the browser tests wait for: the page has rendered everything it shows.

    It carries the session's run number (``st-key-run_no_<n>``), so a test can wait for the run that
    follows its click rather than see the previous run's marker.
    """
    n = int(st.session_state.get("_run_no", 0)) + 1
    st.session_state["_run_no"] = n
    with st.container(key=f"page_ready_{page}"), st.container(key=f"run_no_{n}"):
        st.caption(" ")


# The engine's own refusals carry a snake_case rule ("invalid_input", "rate_above_growth" ...); a library
# exception caught per asset carries its class name ("ValueError", "LinAlgError") and its raw text.
_ENGINE_RULE = re.compile(r"^[a-z][a-z0-9_]*$")
GENERIC_ERROR = ("操作未完成：计算或读取时发生内部错误，详情已记入服务器日志（编号 {ref}）。请检查输入（数值范围、日期、"
                 "必填项）后重试；如仍失败，请联系管理员并提供此编号",
                 "the action did not complete: an internal error occurred and was logged (reference {ref}). Check "
                 "the inputs (ranges, dates, required fields) and try again; if it fails again, give the reference "
                 "to an administrator")


def generic_error(ref: str) -> str:
    """The message shown for an error that is not a refusal of the register or the engine (Chinese first)."""
    zh, en = GENERIC_ERROR
    return f"{zh.format(ref=ref)} — {en.format(ref=ref)}"


def is_engine_rule(rule: str | None) -> bool:
    """True when a per-asset error was raised by the engine on purpose (its message is for the user)."""
    return bool(_ENGINE_RULE.match(rule or ""))


def error_text(exc: BaseException) -> str:
    """What the user is told about ``exc``: the refusal of the register or the engine (which names what to
    change), an input's validation problems one by one — and for anything else (a library's exception,
    a bug) a generic message with a reference; the exception itself goes to the server log, not the screen."""
    from pydantic import ValidationError

    if isinstance(exc, DatavalError):
        return str(exc)
    if isinstance(exc, ValidationError):
        from base.messages import describe

        return "; ".join(f"{'.'.join(map(str, e['loc'])) or '—'}: {describe(dict(e))}" for e in exc.errors())
    ref = uuid.uuid4().hex[:8]
    log.error("dashboard action failed (reference %s)", ref, exc_info=exc)
    return generic_error(ref)


def asset_error_text(err: Any) -> str:
    """One asset's failure of a valuation (``ErrorRecord``/``AssetError``): its message when the engine
    refused the input, else the generic message (the library's text is logged)."""
    if is_engine_rule(getattr(err, "rule", None)):
        return str(err.message)
    ref = uuid.uuid4().hex[:8]
    log.error("valuation of %s failed (reference %s): %s: %s", getattr(err, "asset_id", "?"), ref,
              getattr(err, "rule", "?"), getattr(err, "message", ""))
    return generic_error(ref)


def show_error(exc: BaseException) -> None:
    """An engine or register refusal, as a message (never a traceback, never a library's raw text)."""
    st.error(f"{t('error')}: {md(error_text(exc))}")


def _new_company_form(user: User) -> None:
    """新建公司 in the sidebar (finance): a company code and name; the new company becomes the one picked."""
    if not may(user, "assets.edit"):
        return
    with st.sidebar.expander(bi("新建公司", "New company")), st.form("new_company", border=False):
        code = st.text_input(bi("公司代码", "company code"), key="new_company_code",
                             help=bi("如统一社会信用代码或内部简称；创建后不能修改", "e.g. the unified social credit code "
                                     "or a short name; fixed once created"))
        name = st.text_input(bi("公司名称", "company name"), key="new_company_name")
        if st.form_submit_button(bi("创建", "Create")):
            try:
                made = store.add_company(user, code, name)
                st.session_state["company"] = made.code
                st.session_state.pop("company_switch", None)
                st.rerun()
            except Exception as exc:
                show_error(exc)


def company_picker(user: User) -> str | None:
    """The company the pages work on (sidebar), kept in ``company`` across pages. None when there is none."""
    comps = store.companies(user)
    _new_company_form(user)
    if not comps:
        return None
    names = {c.code: c.name for c in comps}
    codes = list(names)
    if st.session_state.get("company") not in names:
        st.session_state["company"] = codes[0]

    def _changed() -> None:
        st.session_state["company"] = st.session_state.get("company_switch") or st.session_state["company"]

    st.sidebar.selectbox(t("company"), codes, index=codes.index(st.session_state["company"]),
                         format_func=lambda c: names[c] if names[c] == c else f"{names[c]} · {c}",
                         key="company_switch", on_change=_changed)
    return str(st.session_state["company"])


def company() -> str | None:
    """The company picked in the sidebar."""
    value = st.session_state.get("company")
    return str(value) if value else None
