"""No raw enum value and no untranslated library message on the dashboard's pages (AppTest, the sample
register): headings, text, metrics, every table cell and header, every choice shown."""

from __future__ import annotations

from typing import Any

import pytest

from register import Role, User
from tests.app.conftest import COMPANY_PARK, COMPANY_SELF, frames, no_exception, texts
from tests.raw_values import offending, raw_values

PAGES = [
    (Role.FINANCE, "register", COMPANY_SELF),
    (Role.FINANCE, "recognition", COMPANY_SELF),
    (Role.FINANCE, "ledger", COMPANY_SELF),
    (Role.ANALYST, "ledger", "BOOK-INV-01"),
    (Role.APPRAISER, "valuation", COMPANY_PARK),
    (Role.BANK, "pledge", COMPANY_PARK),
    (Role.ANALYST, "export", COMPANY_SELF),
    (Role.ADMIN, "users", None),
]


def _shown(at: Any) -> list[str]:
    out = [texts(at)]
    for f in frames(at):
        out += [str(c) for c in f.columns] + [str(v) for v in f.to_numpy().ravel().tolist()]
    for kind in ("selectbox", "radio", "multiselect"):
        for w in getattr(at, kind):
            out.append(str(w.label))
            try:
                out += [str(o) for o in w.options]  # the labels the reader sees (format_func applied)
            except Exception:  # a widget without options
                continue
    return out


def _policy_codes() -> frozenset[str]:
    """The bundled bank policy's asset classes: configuration codes a reader must not see either."""
    from bridges.data_files import load_bank_policy

    return frozenset(r.asset_class for r in load_bank_policy().pledge_rates if "_" in r.asset_class)


def _second_view(at: Any, name: str, user: User, company: str | None) -> bool:
    """Open the part of the page a first view hides (the valuation form for register assets, the pledge
    terms of a saved valuation); False when the page has none."""
    if name == "valuation":
        at.radio(key="val_source").set_value("assets").run()
        return True
    if name == "pledge" and company is not None:
        from app import store

        stored = store.valuation_results(user, company)
        assert stored, "the first start stores the parking engagement's valuation"
        at.selectbox(key="pl_case").select(f"val:{stored[0].id}").run()
        return True
    return False


@pytest.mark.parametrize(("role", "name", "company"), PAGES, ids=lambda x: getattr(x, "value", x))
def test_page_shows_no_raw_value(page: Any, users: dict[Role, User], role: Role, name: str,
                                 company: str | None) -> None:
    # Chinese, the default. (In English, AppTest formats a kept choice outside the session, so in Chinese,
    # and then cannot find it among the English options: an AppTest artifact, not what a browser shows.)
    at = page(users[role], name, company=company)
    no_exception(at)
    values = raw_values() | _policy_codes()
    assert offending(_shown(at), values) == []
    if _second_view(at, name, users[role], company):
        no_exception(at)
        assert offending(_shown(at), values) == []
