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

import streamlit as st

from app import store
from app.auth import User, may_open
from app.db import transaction
from app.i18n import t
from register.users import check_login, list_users

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
    """The sign-in form; returns the user once signed in (kept in the session)."""
    user = current_user()
    if user is not None:
        return user
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
    st.sidebar.caption(f"{t('signed_in_as')}: **{user.display_name or user.username}** · "
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


def show_error(exc: BaseException) -> None:
    """An engine or register refusal, as a message (never a traceback)."""
    st.error(f"{t('error')}: {exc}")


def company_picker(user: User) -> str | None:
    """The company the pages work on (sidebar), kept in ``company`` across pages. None when there is none."""
    comps = store.companies(user)
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
