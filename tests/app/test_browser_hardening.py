"""The hardening in a real browser (``streamlit run`` + Debian's Chromium via Playwright, as test_browser.py):
an add over an existing asset code is refused; ``-5000``, ``1e20`` and ``abc`` typed into the cost grid are
refused with the line and the field named; a disabled user's next action is refused; a Markdown /
formula-like asset name is shown as plain text, with no live link, on the register and the bank's pledge page.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from app import services, store
from tests.app.browser import (
    Server,
    after_run,
    browser_page,
    choose,
    log_in,
    pick_company,
    run_no,
    see,
    shot,
    shows,
    tab,
    text_of,
    user_named,
    wait_ready,
)

PASSWORD = "browser-test-pw"
SELF = "BOOK-SELF-01"
NASTY = '[点我](http://evil.example/a) =HYPERLINK("http://evil.example/b","点我领取")'
LINES = [
    {"category": "direct_construction", "item": "采集与清洗", "amount": 400000.0, "incurred_on": date(2025, 12, 5),
     "evidence": "合同 HB-1", "restate": True},
]


def _live_links(page: Any) -> int:
    return int(page.locator("a[href*='evil.example']").count())


def test_browser_add_over_an_existing_code_is_refused(server: Server, pw: Any) -> None:
    fin = user_named(server, "finance1")
    with browser_page(pw) as page:
        log_in(page, server.url, "finance1", PASSWORD, "register")
        pick_company(page, SELF, "register")
        tab(page, "新增资产 New asset")
        for attempt, name in enumerate(("第一次 first", "覆盖 overwrite")):
            page.locator(".st-key-new_code input").fill("HB-001")
            page.locator(".st-key-new_name input").fill(name)
            after_run(page, "register", lambda: page.get_by_role("button", name="添加资产").click())
            if attempt == 0:
                see(page, "资产已添加: HB-001 (1 new, 0 unchanged)")
        see(page, "资产编号 HB-001 已存在")
        assert "资产已添加: HB-001 (0 new" not in text_of(page)
        shot(page, "hardening_overwrite_refused")
    assert store.asset_detail(fin, SELF, "HB-001")["name"] == "第一次 first"


def _type_in_cost_grid(page: Any, row: int, col: int, text: str, expect: str) -> None:
    """Type ``text`` into cell (row, col) of the cost grid (a canvas: click the row's first data cell, move
    with the arrow keys, open the editor, fill it, Enter) and wait for the rerun the edit causes, until the page
    shows ``expect``. The grid redraws after each rerun, so a click landing during the redraw is retried;
    an edit whose rerun came late is not typed again (the same value again would cause no rerun)."""
    grid = page.locator("[data-testid=stDataFrame]").last
    grid.scroll_into_view_if_needed()
    time.sleep(1.0)  # let the grid settle after the previous rerun
    editor = page.locator("textarea.gdg-input, input.gdg-input").first
    for attempt in range(4):
        if shows(page, expect):
            return  # the previous attempt's edit arrived after its wait
        box = grid.bounding_box()
        assert box is not None
        page.keyboard.press("Escape")
        page.mouse.click(box["x"] + 60, box["y"] + 35 + 35 * row + 17)  # the first data column (after the marker)
        time.sleep(0.3)
        for _ in range(col):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")  # open the cell editor
        try:  # a click during a redraw selects nothing and no editor opens: try again
            editor.wait_for(state="visible", timeout=5_000)
        except Exception:
            if attempt == 3:
                raise
            time.sleep(1.0)
            continue
        # typed at once, the keys could reach the grid before the editor had focus: the unchanged value was
        # then committed and no rerun came. fill() focuses the editor and sets its text; checked, then Enter.
        editor.fill(text)
        if editor.input_value() != text:
            page.keyboard.press("Escape")
            continue
        n = run_no(page)
        editor.press("Enter")
        try:
            wait_ready(page, "register", after=n, timeout_ms=30_000 if attempt < 3 else 60_000)
            return
        except AssertionError:
            if shows(page, expect):
                return
            if attempt == 3:
                raise


def _open_cost_grid(page: Any, url: str) -> None:
    """Sign in as finance, find HB-001 and open its cost lines (the grid shows one line of 400,000.00)."""
    log_in(page, url, "finance1", PASSWORD, "register")
    pick_company(page, SELF, "register")
    tab(page, "资产清单 Asset list")

    def search() -> None:
        page.locator(".st-key-reg_search input").fill("HB-001")
        page.keyboard.press("Enter")

    try:  # a search typed while the page was still re-rendering can be dropped: type it once more
        after_run(page, "register", search, timeout_ms=30_000)
    except AssertionError:
        after_run(page, "register", search)
    tab(page, "成本明细 Cost lines")
    choose(page, "register", "cost_asset", "HB-001", exact=False)
    see(page, "合计 ¥400,000.00")


def test_browser_cost_grid_refuses_typed_amounts(server: Server, pw: Any) -> None:
    fin = user_named(server, "finance1")
    codes = {r["code"] for r in store.asset_page(fin, SELF, "HB-001")[0]}
    if "HB-001" not in codes:
        store.add_asset(fin, SELF, {"asset_id": "HB-001", "name": "第一次 first", "source": "purchase",
                                    "rights": "holding"})
    if not store.asset_detail(fin, SELF, "HB-001")["cost_lines"]:
        store.save_cost_lines(fin, SELF, "HB-001", LINES, {})
    # each value in a fresh session: after an edit the grid keeps its own selection (on the add-row line),
    # and a second edit typed into the same grid was sometimes never committed
    for typed, message in (("-5000", "HB-001 cost line 1 amount: 金额不能为负数"),
                           ("1e20", "HB-001 cost line 1 amount: 金额 '1e20' 不是有效数字"),
                           ("abc", "HB-001 cost line 1 amount: 金额 'abc' 不是有效数字")):
        with browser_page(pw) as page:
            _open_cost_grid(page, server.url)
            _type_in_cost_grid(page, 0, 3, typed, message)
            see(page, message)
            shot(page, f"hardening_cost_grid_{typed.replace('-', 'minus')}")
            assert page.locator(".st-key-cost_save button").count() == 0 or \
                page.locator(".st-key-cost_save button").first.is_disabled()
    assert [ln.amount for ln in store.asset_detail(fin, SELF, "HB-001")["cost_lines"]] == [400000]


def test_browser_disabled_users_next_action_is_refused(server: Server, pw: Any) -> None:
    admin = user_named(server, "admin1")
    store.add_user(admin, "eve", "eve-long-password", "finance", "Eve")
    with browser_page(pw) as page:
        log_in(page, server.url, "eve", "eve-long-password", "register")
        pick_company(page, SELF, "register")
        store.set_active(admin, "eve", False)
        page.locator(".st-key-reg_search input").fill("anything")
        page.keyboard.press("Enter")  # the session's next action
        see(page, "账户已停用或不存在")
        page.get_by_label("用户名").wait_for(timeout=60_000)  # signed out: the sign-in form again
        shot(page, "hardening_disabled_user")


def test_browser_markdown_and_formula_name_shown_as_plain_text(server: Server, pw: Any) -> None:
    fin, app = user_named(server, "finance1"), user_named(server, "appraiser1")
    store.add_asset(fin, SELF, {"asset_id": "HB-MD", "name": NASTY, "source": "purchase", "rights": "holding"})
    store.save_cost_lines(fin, SELF, "HB-MD", LINES, {})
    raw = store.asset_case_dict(app, SELF, ["HB-MD"], case_id="HB-MD-CASE", valuation_date=date(2025, 12, 31),
                                purpose="pledge", value_type="market_value",
                                delta={"basis": "life", "elapsed_years": 1.0, "remaining_years": 3.0}, n_draws=200)
    case, errors = services.case_from_dict(app, raw, source="HB-MD-CASE")
    store.save_valuation(app, SELF, case, services.value_engagement(app, case, prior_errors=errors))
    with browser_page(pw) as page:
        log_in(page, server.url, "finance1", PASSWORD, "register")
        pick_company(page, SELF, "register")
        tab(page, "资产清单 Asset list")
        after_run(page, "register", lambda: (page.locator(".st-key-reg_search input").fill("HB-MD"),
                                             page.keyboard.press("Enter")))
        tab(page, "成本明细 Cost lines")
        choose(page, "register", "cost_asset", "HB-MD", exact=False)
        see(page, NASTY)  # the text as typed, brackets, parentheses and all
        assert _live_links(page) == 0
        shot(page, "hardening_plain_text_register")
    with browser_page(pw) as page:
        log_in(page, server.url, "bank1", PASSWORD, "pledge")
        pick_company(page, SELF, "pledge")
        choose(page, "pledge", "pl_case", "HB-MD", exact=False)
        wait_ready(page, "pledge")
        see(page, NASTY)
        assert _live_links(page) == 0
        shot(page, "hardening_plain_text_pledge")


def test_browser_signed_out_sidebar_lists_no_page_and_sign_in_returns_to_the_page_asked(server: Server,
                                                                                        pw: Any) -> None:
    with browser_page(pw) as page:
        page.goto(f"{server.url}/ledger")  # a bookmarked page, opened while signed out
        page.get_by_label("用户名").wait_for(timeout=60_000)
        shot(page, "signin_signed_out")
        assert page.locator("[data-testid=stSidebarNav]").count() == 0  # no page listed before sign-in
        assert "账务" not in page.locator("[data-testid=stMain]").inner_text()  # and no page script ran
        page.get_by_label("用户名").fill("finance1")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        wait_ready(page, "ledger")  # the page asked for, not the first page of the role
        assert page.url.rstrip("/").endswith("/ledger")
        assert page.locator("[data-testid=stSidebarNav]").count() == 1
        shot(page, "signin_returned_to_ledger")
