"""Roles: what each role sees, sign-in, and every dashboard action refused server-side outside its role."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from app import services, store
from app.auth import PAGE_TASK, pages_for
from register import PermissionDenied, Role, User
from tests.app.conftest import PASSWORD, no_exception, texts

# Every action of the dashboard and the register task it needs (written out here, not read from the code).
ACTIONS: dict[str, str] = {
    "services.read_case_upload": "valuation.run",
    "services.read_batch_upload": "valuation.run",
    "services.value_engagement": "valuation.run",
    "services.simulated_values": "valuation.run",
    "services.appraisal_disclosure": "valuation.run",
    "services.value_batch": "valuation.run",
    "services.batch_table_bytes": "valuation.run",
    "services.case_from_dict": "valuation.run",
    "services.case_workbook_bytes": "workpapers.download",
    "services.recognition": "ledger.view",
    "services.book_period": "ledger.view",
    "services.pledge_case": "pledge.assess",
    "services.assess_pledge": "pledge.assess",
    "services.credit_memo_bytes": "workpapers.download",
    "services.credit_memo_html_bytes": "workpapers.download",
    "services.export_workbook_bytes": "workpapers.download",
    "store.companies": "assets.view",
    "store.add_company": "assets.edit",
    "store.books_case": "ledger.view",
    "store.post_period": "ledger.post",
    "store.close_period": "ledger.post",
    "store.periods": "ledger.view",
    "store.posted_entries": "ledger.view",
    "store.users": "users.manage",
    "store.add_user": "users.manage",
    "store.set_active": "users.manage",
    "store.pledge_choices": "pledge.assess",
    "store.pledge_template": "pledge.assess",
    "store.record_pledge": "pledge.assess",
    "store.engagement_choices": "valuation.run",
    "store.load_engagement": "valuation.run",
    "store.asset_case_dict": "valuation.run",
    "store.save_valuation": "valuation.run",
    "store.free_case_id": "valuation.run",
    "store.valuation_results": "valuation.view",
    "store.valuation_result": "valuation.view",
    "store.asset_page": "assets.view",
    "store.asset_detail": "assets.view",
    "store.validate_asset_row": "assets.view",
    "store.add_asset": "assets.edit",
    "store.update_asset": "assets.edit",
    "store.save_cost_lines": "assets.edit",
    "store.attach_evidence": "assets.edit",
    "store.import_upload": "assets.import",
    "store.stored_case_result": "valuation.view",
    "store.engagements_with_results": "valuation.view",
    "store.pledges": "workpapers.download",
    "store.engagement_of_result": "valuation.view",
    "store.pledge_record": "workpapers.download",
    "store.asset_facts": "ledger.view",
    "store.save_facts": "books.edit",
    "store.preview_event": "ledger.view",
    "store.resolve_valuation_link": "ledger.view",
    "store.record_event": "books.edit",
    "store.reverse_event": "books.edit",
    "store.recorded_events": "ledger.view",
    "store.same_events_in_force": "ledger.view",
    "store.attach_fact_evidence": "books.edit",
    "store.fact_evidence": "ledger.view",
}
NOT_ACTIONS = {"services.pledge_text",
               "store.cost_line_problems"}  # labels and pure validation

# who may do each task (docs/dashboard.md §Sign-in and roles; admin may do everything)
ALLOWED: dict[str, set[Role]] = {
    "assets.view": set(Role),
    "assets.edit": {Role.FINANCE, Role.ADMIN},
    "assets.import": {Role.FINANCE, Role.ADMIN},
    "ledger.view": {Role.FINANCE, Role.ANALYST, Role.ADMIN},
    "ledger.post": {Role.FINANCE, Role.ADMIN},
    "books.edit": {Role.FINANCE, Role.ADMIN},
    "valuation.run": {Role.APPRAISER, Role.ADMIN},
    "valuation.view": {Role.APPRAISER, Role.FINANCE, Role.BANK, Role.ANALYST, Role.ADMIN},
    "pledge.assess": {Role.BANK, Role.ADMIN},
    "workpapers.download": {Role.ANALYST, Role.FINANCE, Role.APPRAISER, Role.BANK, Role.ADMIN},
    "users.manage": {Role.ADMIN},
}


def _fn(name: str) -> Callable[..., Any]:
    mod, _, attr = name.partition(".")
    return getattr({"services": services, "store": store}[mod], attr)


def _user(role: Role) -> User:
    return User(id=0, username=f"someone-{role.value}", role=role)


def test_every_public_function_is_a_listed_action() -> None:
    found = {f"{m.__name__.split('.')[-1]}.{n}" for m in (services, store)
             for n, f in inspect.getmembers(m, inspect.isfunction) if f.__module__ == m.__name__ and not n.startswith("_")}
    assert found - NOT_ACTIONS == set(ACTIONS), "a new action needs its role check and a line in ACTIONS"


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_action_refused_outside_its_roles(action: str) -> None:
    fn = _fn(action)
    n_args = sum(1 for p in inspect.signature(fn).parameters.values()
                 if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    kw = {p.name: None for p in inspect.signature(fn).parameters.values()
          if p.default is inspect.Parameter.empty and p.kind is p.KEYWORD_ONLY}
    refused = set(Role) - ALLOWED[ACTIONS[action]]
    for role in refused:
        with pytest.raises(PermissionDenied, match="not allowed"):
            fn(_user(role), *([None] * (n_args - 1)), **kw)
    with pytest.raises(PermissionDenied):  # nobody signed in
        fn(None, *([None] * (n_args - 1)), **kw)


def test_pages_each_role_sees() -> None:
    expected = {
        Role.FINANCE: ["register", "recognition", "ledger", "export"],
        Role.APPRAISER: ["valuation", "export"],
        Role.BANK: ["pledge", "export"],
        Role.ANALYST: ["recognition", "ledger", "export"],
        Role.ADMIN: ["register", "recognition", "valuation", "ledger", "pledge", "export", "users"],
    }
    for role, pages in expected.items():
        assert pages_for(_user(role)) == pages
    assert pages_for(User(id=0, username="off", role=Role.ADMIN, active=False)) == []
    assert set(PAGE_TASK) == set(expected[Role.ADMIN])


def test_sign_in_with_the_register_password(page: Any, users: dict[Role, User]) -> None:
    at = page(None)
    no_exception(at)
    assert "数据资产估值与入表" in at.title[0].value
    at.text_input(key="login_username").input("finance1")
    at.text_input(key="login_password").input("wrong password")
    at.button[0].click()
    at.run()
    assert "用户名或密码错误" in texts(at)
    assert "user" not in at.session_state
    at.text_input(key="login_username").input("finance1")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click()
    at.run()
    no_exception(at)
    assert at.session_state["user"].role is Role.FINANCE
    assert at.title[0].value == "资产登记 Register"  # finance's first page


@pytest.mark.parametrize(("role", "page_name"), [
    (Role.BANK, "ledger"), (Role.BANK, "valuation"), (Role.FINANCE, "pledge"), (Role.APPRAISER, "register"),
    (Role.ANALYST, "users"), (Role.FINANCE, "users"),
])
def test_page_script_refuses_a_role(page: Any, users: dict[Role, User], role: Role, page_name: str) -> None:
    """Even run directly (not through the navigation), a page stops with a refusal before it reads anything."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP

    at = AppTest.from_file(str(APP.parent / "screens" / f"{page_name}_page.py"), default_timeout=60)
    at.session_state["user"] = users[role]
    at.run()
    no_exception(at)
    assert [e.value for e in at.error] == [f"当前角色无权使用此页面 ({ {'ledger': '账务 Ledger', 'valuation': '估值 Valuation', 'pledge': '质押 Pledge', 'register': '资产登记 Register', 'users': '用户 Users'}[page_name]})"]
    assert not at.metric and not at.dataframe and not at.table and not at.button


def test_english_switch(page: Any, users: dict[Role, User]) -> None:
    at = page(users[Role.FINANCE], "ledger", company="BOOK-SELF-01", lang="en")
    no_exception(at)
    assert at.title[0].value == "Ledger"
    assert "Post the period" in [b.label for b in at.button]


def test_single_sign_on_takes_the_register_users_role(page: Any, sample_register: str) -> None:
    """With ``[auth]`` configured, an OIDC identity (st.login) signs in as the register user of that e-mail."""
    from streamlit.testing.v1 import AppTest

    from register import Register, add_user
    from tests.app.conftest import APP

    reg = Register(sample_register)
    with reg.session(actor="tests") as s:
        add_user(s, "sso.finance@example.com", "unused-long-password", Role.FINANCE)
    reg.dispose()
    auth = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
            "client_id": "dataval", "client_secret": "x", "server_metadata_url": "https://idp.example/.well-known"}

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = auth
    at.user = {"is_logged_in": True, "email": "sso.finance@example.com"}
    at.run()
    no_exception(at)
    assert at.session_state["user"].username == "sso.finance@example.com"
    assert at.title[0].value == "资产登记 Register"

    stranger = AppTest.from_file(str(APP), default_timeout=60)
    stranger.secrets["auth"] = auth
    stranger.user = {"is_logged_in": True, "email": "nobody@example.com"}
    stranger.run()
    no_exception(stranger)
    assert "user" not in stranger.session_state
    assert "单点登录账户未在登记簿中开通" in texts(stranger)
    assert "单点登录" in [b.label for b in stranger.button]
