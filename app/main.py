"""Entry point of the dashboard: ``streamlit run app/main.py`` (``bash scripts/run.sh`` does it for you).

Sign-in first — before it the sidebar lists no page and no page script runs; a page's URL opened while
signed out opens that page once the visitor has signed in (when their role may use it). Then
``st.navigation`` lists only the pages the user's role may use. A page's URL typed by a role that may not
use it is not routed (and the page script refuses it anyway).
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` puts app/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import session  # noqa: E402
from app.auth import pages_for  # noqa: E402
from app.i18n import t  # noqa: E402

PAGE_DIR = Path(__file__).resolve().parent / "screens"  # not "pages/": Streamlit would list that folder itself
ICONS = {"register": ":material/inventory_2:", "recognition": ":material/fact_check:",
         "valuation": ":material/query_stats:", "ledger": ":material/menu_book:",
         "pledge": ":material/account_balance:", "export": ":material/download:",
         "users": ":material/group:"}

AFTER_LOGIN = "after_login"  # the page a signed-out visitor asked for, opened once they sign in


def _requested_page() -> str | None:
    """The page key in the URL the visitor opened (``…/ledger`` → ``ledger``), if it names a page."""
    try:
        path = urlparse(st.context.url or "").path.rstrip("/").rsplit("/", 1)[-1]
    except Exception:  # no URL in this context (e.g. a script test): nothing asked for
        return None
    return path if path in ICONS else None


def _signed_out() -> None:
    """The only page before sign-in: the sidebar lists no page, no page script runs."""


st.set_page_config(page_title="dataval", page_icon=":material/query_stats:", layout="wide")
session.language_switch()
asked = _requested_page()
user = session.login_form()
if user is None:
    if asked is not None:
        st.session_state[AFTER_LOGIN] = asked
    # every page's URL resolves (to the sign-in form): no "page not found", the address bar keeps the page
    st.navigation([st.Page(_signed_out, title=t("login"), url_path="login", default=True),
                   *(st.Page(_signed_out, title=key, url_path=key) for key in ICONS)], position="hidden")
    st.stop()
assert user is not None
pages = {key: st.Page(PAGE_DIR / f"{key}_page.py", title=t(f"page_{key}", both=True), icon=ICONS[key],
                      url_path=key) for key in pages_for(user)}
nav = st.navigation(list(pages.values()))
wanted = st.session_state.pop(AFTER_LOGIN, None)
if wanted in pages and wanted != asked:
    st.switch_page(pages[wanted])
session.company_picker(user)
session.sidebar_user(user)
nav.run()
