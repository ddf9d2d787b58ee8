"""Entry point of the dashboard: ``streamlit run app/main.py`` (``bash scripts/run.sh`` does it for you).

Sign-in first; then ``st.navigation`` lists only the pages the user's role may use. A page's URL typed
by a role that may not use it is not routed (and the page script refuses it anyway).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` puts app/ on the path, not the repository
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import session  # noqa: E402
from app.auth import pages_for  # noqa: E402
from app.i18n import t  # noqa: E402

PAGE_DIR = Path(__file__).resolve().parent / "pages"
ICONS = {"register": ":material/inventory_2:", "recognition": ":material/fact_check:",
         "valuation": ":material/query_stats:", "ledger": ":material/menu_book:",
         "pledge": ":material/account_balance:", "export": ":material/download:",
         "users": ":material/group:"}

st.set_page_config(page_title="dataval", page_icon=":material/query_stats:", layout="wide")
session.language_switch()
user = session.login_form()
if user is None:
    st.stop()
assert user is not None
pages = [
    st.Page(PAGE_DIR / f"{key}_page.py", title=t(f"page_{key}", both=True), icon=ICONS[key], url_path=key)
    for key in pages_for(user)
]
nav = st.navigation(pages)
session.company_picker(user)
session.sidebar_user(user)
nav.run()
