"""The whole chain on a fresh company, in a real browser (``streamlit run`` + Debian's Chromium via Playwright,
as test_browser.py): finance creates the company in the sidebar, registers a self-developed dataset, enters
its recognition facts and its lifecycle events; the appraiser values it by the cost method and saves the conclusion; finance records the
year-end impairment test against that valuation and posts 2025; the bank sizes a pledge on the saved
valuation and records it; the analyst downloads the books workbook, which LibreOffice recalculates.

Every figure asserted is derived by hand in the comments (docs/accounting.md, docs/valuation.md,
docs/pledge.md, data/bank_policy.json), never copied from the program's output.

What is not entered through the pages, and why:

- the cost lines the appraiser's cost method reads are seeded with ``app.store.save_cost_lines`` (the function
  the register page's cost grid saves with): the grid is a canvas whose rows, selectbox and date cells cannot
  be typed into reliably (test_browser.py does the same; the grid's save path is covered by the AppTest tests).

The impairment test names the saved valuation under 取自估值 (from_valuation → register_valuation) and leaves
可收回金额 empty: the form fills it from the valuation (``app.store.resolve_valuation_link``), and the
appraisal disclosure (评估信息披露) of 其他披露 is written from that valuation.

Hand figures (CNY):

- research 2025-02-14: 80,000.00, expensed (CAS 6 art. 8);
- development 2025-03-20, after the five criteria were all met on 2025-03-01: 900,000.00 + 300,000.00 =
  1,200,000.00 capitalized to 开发支出 (CAS 6 art. 9);
- ready for use 2025-07-10, 36 months straight line from July (当月增加当月摊销): 1,200,000.00 / 36 =
  33,333.333… → 33,333.33 a month; July..December = 6 × 33,333.33 = 199,999.98; carrying amount at
  2025-12-31 before the test 1,200,000.00 − 199,999.98 = 1,000,000.02;
- valuation 2025-12-31, cost method: C = 900,000.00 + 300,000.00 = 1,200,000.00 (restate: no),
  δ = δ_life = 3 / (1 + 3) = 0.75 → P = 1,200,000.00 × 0.75 = 900,000.00 (market value);
- impairment test 2025-12-31, fair value less costs of disposal: 900,000.00 − 20,000.00 = 880,000.00;
  loss = 1,000,000.02 − 880,000.00 = 120,000.02; carrying amount 880,000.00;
- pledge, asset class enterprise_data_product, cost method only: haircut 15 %, V = 900,000.00 × 0.85 =
  765,000.00; pledge-rate limit 0.30 × 765,000.00 = 229,500.00; liquidation value
  L = (765,000.00 × (1 − 0.40) × (1 − 0.05) − 50,000.00) / 1.05^(12/12) = 386,050.00 / 1.05 = 367,666.67;
  LTV limit 0.70 × 367,666.666… = 257,366.67; debt-service limit (term sheet and cash flow of the first
  bundled case, data/examples/pledges/logistics_12m_level.json: 2,400,000.00 a year, 4.5 %, 12 monthly level
  payments) 2,400,000.00 / 12 / 1.25 = 160,000.00 a month → 160,000.00 × (1 − 1.00375^−12) / 0.00375 =
  1,874,007.62.
"""

from __future__ import annotations

import re
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from register import Register
from register.models import Company
from tests.app.browser import (
    Server,
    after_run,
    browser_page,
    choose_option,
    click,
    download,
    go,
    log_in,
    metric,
    pick_company,
    see,
    set_date,
    shot,
    tab,
    text_of,
    user_named,
)
from tests.conftest import require
from tests.ledger_export.libreoffice import recalculate, soffice

PASSWORD = "browser-chain-pw"
CO = "CHAIN-CO"
CO_NAME = "链条测试数据科技有限公司"
A = "CH-001"
A_NAME = "链上客户画像 chain customer profiles"
CRITERIA = ("technical_feasibility", "intention", "benefit_demonstrated", "adequate_resources",
            "reliable_measurement")
CRITERIA_ZH = {"technical_feasibility": "技术上具有可行性", "intention": "具有完成并使用或出售的意图",
               "benefit_demonstrated": "能够证明产生经济利益的方式", "adequate_resources": "有足够的技术、财务和其他资源",
               "reliable_measurement": "开发阶段支出能够可靠计量"}


# ----------------------------------------------------------------------------------- driving the forms
def _log_in(page: Any, server: Server, username: str, first_page: str) -> None:
    """Sign in through the form (log_in); on a busy machine a submit can be lost while the page is still
    loading: the form is then submitted once more."""
    try:
        log_in(page, server.url, username, PASSWORD, first_page)
    except AssertionError:
        if not page.get_by_label("用户名").is_visible():
            raise
        log_in(page, server.url, username, PASSWORD, first_page)


def _k(key: str) -> str:
    """The CSS class Streamlit gives the container of widget ``key`` (other characters than [A-Za-z0-9_-]
    become "-": ``facts.CH-001.purpose`` → ``st-key-facts-CH-001-purpose``)."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key)


def _el(page: Any, key: str) -> Any:
    return page.locator(f".st-key-{_k(key)}").first


def _expand(page: Any, label: str) -> None:
    """Open the expander titled ``label`` when it is closed (no rerun)."""
    summary = page.locator("[data-testid=stExpander] summary").filter(has=page.get_by_text(label, exact=True)).first
    summary.wait_for(timeout=60_000)
    if not summary.evaluate("el => el.parentElement.open"):
        summary.click()
        time.sleep(0.3)


def _pick(page: Any, key: str, option: str, *, exact: bool = True) -> None:
    """Open the selectbox of widget ``key`` and click ``option``. Unlike ``choose_option`` no Escape follows
    the click: in the combo box still focused, Escape clears the choice (the box then shows no option)."""
    for attempt in range(4):
        _el(page, key).locator("[role=combobox]").first.click()
        try:
            page.get_by_role("option", name=option, exact=exact).first.click(timeout=4000)
            return
        except Exception:
            page.keyboard.press("Escape")
            if attempt == 3:
                raise
            time.sleep(0.5)


def _select(page: Any, name: str, key: str, option: str, *, exact: bool = True) -> None:
    """Pick ``option`` in the selectbox of widget ``key``; wait for the rerun. A pick lost while the page
    re-rendered (the box still shows the old choice) is made again."""
    box = _el(page, key).locator("[role=combobox]").first
    for attempt in range(3):
        current = box.input_value()
        if (current == option) if exact else (option in current):
            return
        if attempt:
            time.sleep(1.0)
        after_run(page, name, lambda: _pick(page, key, option, exact=exact))
    current = box.input_value()
    assert ((current == option) if exact else (option in current)), f"{key}: {current!r} instead of {option!r}"


def _type(page: Any, name: str, key: str, text: str) -> None:
    """Type ``text`` into the text input / text area of widget ``key`` and commit it (blur); wait for the rerun."""
    box = _el(page, key).locator("input, textarea").first

    def act() -> None:
        box.fill(text)
        box.press("Tab")

    for attempt in range(3):
        if box.input_value() == text:
            return
        if attempt:
            time.sleep(1.0)
        after_run(page, name, act)
    assert box.input_value() == text, f"{key}: {box.input_value()!r} instead of {text!r}"


def _check(page: Any, name: str, key: str) -> None:
    """Tick the checkbox of widget ``key`` (when not ticked yet); wait for the rerun."""
    box = _el(page, key).locator("input[type=checkbox]")
    for attempt in range(3):
        if box.is_checked():
            return
        if attempt:
            time.sleep(1.0)
        after_run(page, name, lambda: _el(page, key).locator("label").first.click())
    assert box.is_checked(), f"{key}: not ticked"


def _yes(page: Any, name: str, key: str) -> None:
    """Answer 是 on the yes / no / not answered radio of widget ``key``; wait for the rerun."""
    chosen = _el(page, key).locator("label:has(input:checked)")
    for attempt in range(3):
        if chosen.count() and chosen.first.inner_text().strip() == "是":
            return
        if attempt:
            time.sleep(1.0)
        after_run(page, name, lambda: _el(page, key).get_by_text("是", exact=True).click())
    assert chosen.first.inner_text().strip() == "是", f"{key}: not answered 是"


def _date(page: Any, name: str, key: str, value: str) -> None:
    set_date(page, _k(key), value, name)


def _button(page: Any, name: str, key: str) -> None:
    after_run(page, name, lambda: _el(page, key).locator("button").first.click())


TABLES_JS = """() => [...document.querySelectorAll("[data-testid=stMain] table")].filter(t => t.offsetParent !== null)
  .map(t => [...t.querySelectorAll("tr")].map(tr => [...tr.querySelectorAll("th,td")].map(c => c.innerText.trim())))"""


def _tables(page: Any) -> list[list[list[str]]]:
    """The visible tables of the main area (st.table), each as rows of cell texts (header row first)."""
    return [t for t in page.evaluate(TABLES_JS) if t]


def _records(page: Any, header: str) -> list[dict[str, str]]:
    """The rows, as {column: text}, of the first visible table with a column ``header``."""
    for t in _tables(page):
        head = t[0]
        if header in head:
            return [dict(zip(head, row, strict=False)) for row in t[1:]]
    raise AssertionError(f"no visible table with a column {header!r}; the page shows:\n{text_of(page)[-2000:]}")


def _journal(page: Any) -> list[tuple[str, str, str]]:
    """The previewed entries' lines: (account code, debit, credit)."""
    return [(r["科目"].split(" ")[0], r["借方"], r["贷方"]) for r in _records(page, "借方")]


def _line(page: Any, label: str) -> dict[str, str]:
    """The balance-sheet line that starts with ``label`` (开发支出 / 无形资产), on the 资产负债表项目 tab."""
    return next(r for r in _records(page, "项目") if r["项目"].startswith(label))


# ----------------------------------------------------------------------------------- the chain
def test_the_whole_chain_on_a_fresh_company(server: Server, pw: Any, tmp_path: Path) -> None:
    t_start = time.perf_counter()
    # ---- 1. finance registers the self-developed dataset on 资产登记
    with browser_page(pw) as page:
        _log_in(page, server, "finance1", "register")
        page.locator("[data-testid=stSidebar] summary", has_text="新建公司").click()  # the sidebar's form
        page.locator(".st-key-new_company_code input").fill(CO)
        page.locator(".st-key-new_company_name input").fill(CO_NAME)
        after_run(page, "register", lambda: page.get_by_role("button", name="创建").click())
        with Register(server.db_url).session() as s:  # created in the register
            assert (s.scalar(select(Company.name).where(Company.code == CO))) == CO_NAME
        pick_company(page, CO, "register")
        tab(page, "新增资产 New asset")
        page.locator(".st-key-new_code input").fill(A)
        page.locator(".st-key-new_name input").fill(A_NAME)
        page.locator(".st-key-new_field input").fill("finance")
        _pick(page, "new_source", "自行采集", exact=False)  # inside the form: no rerun
        after_run(page, "register", lambda: page.get_by_role("button", name="添加资产").click())
        see(page, f"资产已添加: {A} (1 new, 0 unchanged)")
        shot(page, "chain_1_register")

        # ---- 2. its facts on 入表判断, the decision live, saved
        go(page, "recognition")
        _select(page, "recognition", "rec_asset", f"{A} {A_NAME}")
        k = f"facts.{A}"
        _select(page, "recognition", f"{k}.purpose", "企业内部使用")
        _select(page, "recognition", f"{k}.formation", "自行开发")
        for fact in ("controlled", "benefits_probable", "cost_reliably_measurable", "separable"):
            _yes(page, "recognition", f"{k}.{fact}")
        _date(page, "recognition", f"{k}.research_start", "2025-01-06")
        _date(page, "recognition", f"{k}.development_start", "2025-03-01")
        _expand(page, "资本化五项条件")
        for name in CRITERIA:  # each criterion met, with its evidence and the date it was met
            c = f"{k}.criteria.{name}"
            _expand(page, CRITERIA_ZH[name])
            _check(page, "recognition", f"{c}.on")
            _expand(page, CRITERIA_ZH[name])
            _check(page, "recognition", f"{c}.met")
            _type(page, "recognition", f"{c}.evidence", f"立项评审纪要 {name} 2025-03-01")
            _date(page, "recognition", f"{c}.date_met", "2025-03-01")
        _expand(page, "使用寿命")
        _check(page, "recognition", f"{k}.useful_life.on")
        _expand(page, "使用寿命")
        _type(page, "recognition", f"{k}.useful_life.estimated_months", "36")
        # internal R&D, capitalized from the date the last of the five criteria was met: 2025-03-01
        see(page, "内部研发（开发支出—数据资源，达到预定用途后转入无形资产）")
        see(page, "2025-03-01")
        assert "缺少的事实: " not in text_of(page)
        _button(page, "recognition", "facts_save")
        see(page, f"已保存入表事实: {A}")
        shot(page, "chain_2_recognition")

        # ---- 3. the events on 账务 → 事项录入, each previewed before it is saved
        go(page, "ledger")
        _date(page, "ledger", "ledger_start", "2025-01-01")
        _date(page, "ledger", "ledger_end", "2025-12-31")
        tab(page, "事项录入")
        _select(page, "ledger", "ev_asset", f"{A} {A_NAME}")
        _select(page, "ledger", "ev_kind", "研发支出")
        e = f"ev.{A}.rd_spend"
        _date(page, "ledger", f"{e}.date", "2025-02-14")
        _select(page, "ledger", f"{e}.phase", "研究阶段支出")
        _select(page, "ledger", f"{e}.cost_lines.0.category", "职工薪酬")
        _type(page, "ledger", f"{e}.cost_lines.0.amount", "80000.00")
        # research is expensed: Dr 研发支出—费用化支出 5301.01 / Cr 银行存款 1002 80,000.00, then
        # Dr 研发费用 6602.01 / Cr 5301.01 80,000.00
        see(page, "将生成的分录（预览）")
        assert _journal(page) == [("5301.01", "¥80,000.00", ""), ("1002", "", "¥80,000.00"),
                                  ("6602.01", "¥80,000.00", ""), ("5301.01", "", "¥80,000.00")]
        _button(page, "ledger", "ev_save")
        see(page, "已记录事项: EV-00001")

        _date(page, "ledger", f"{e}.date", "2025-03-20")
        _select(page, "ledger", f"{e}.phase", "开发阶段支出")
        _type(page, "ledger", f"{e}.cost_lines.0.amount", "900000.00")
        _button(page, "ledger", f"{e}.cost_lines.add")
        _select(page, "ledger", f"{e}.cost_lines.1.category", "清洗")
        _type(page, "ledger", f"{e}.cost_lines.1.amount", "300000.00")
        # development after 2025-03-01: both lines capitalized to 研发支出—资本化支出 5301.02 against cash
        see(page, "将生成的分录（预览）")
        assert _journal(page) == [("5301.02", "¥900,000.00", ""), ("1002", "", "¥900,000.00"),
                                  ("5301.02", "¥300,000.00", ""), ("1002", "", "¥300,000.00")]
        shot(page, "chain_3_event_development")
        _button(page, "ledger", "ev_save")
        see(page, "已记录事项: EV-00002")

        _select(page, "ledger", "ev_kind", "达到预定用途")
        _date(page, "ledger", f"ev.{A}.ready_for_use.date", "2025-07-10")
        # 900,000.00 + 300,000.00 = 1,200,000.00 moves from 开发支出 to 无形资产
        see(page, "将生成的分录（预览）")
        assert _journal(page) == [("1701.01", "¥1,200,000.00", ""), ("5301.02", "", "¥1,200,000.00")]
        _button(page, "ledger", "ev_save")
        see(page, "已记录事项: EV-00003")

        # a month end before ready for use: 开发支出—其中：数据资源 = 1,200,000.00, no 无形资产 yet
        _date(page, "ledger", "ledger_end", "2025-05-31")
        tab(page, "资产负债表项目 Balance-sheet lines")
        assert _line(page, "开发支出")["期末"] == "¥1,200,000.00"
        assert _line(page, "无形资产")["期末"] == "¥0.00"
        shot(page, "chain_3_balance_sheet_2025-05")
        # the year end: 1,200,000.00 − 6 × 33,333.33 = 1,000,000.02 of 无形资产; 开发支出 emptied
        _date(page, "ledger", "ledger_end", "2025-12-31")
        tab(page, "资产负债表项目 Balance-sheet lines")
        assert _line(page, "无形资产")["期末"] == "¥1,000,000.02"
        assert _line(page, "开发支出")["期末"] == "¥0.00"
        shot(page, "chain_3_balance_sheet_2025-12")

    # ---- 4. the cost lines the cost method reads (seeded, see the module doc); the appraiser values and saves
    from app import store

    fin = user_named(server, "finance1")
    store.save_cost_lines(fin, CO, A, [
        {"category": "direct_construction", "item": "开发人员薪酬 development staff", "amount": 900000.0,
         "incurred_on": date(2025, 3, 20), "evidence": "工资表 2025-03", "restate": False},
        {"category": "direct_construction", "item": "数据清洗 cleaning", "amount": 300000.0,
         "incurred_on": date(2025, 3, 20), "evidence": "合同 CL-2025-07", "restate": False},
    ], {})
    with browser_page(pw) as page:
        _log_in(page, server, "appraiser1", "valuation")
        pick_company(page, CO, "valuation")
        after_run(page, "valuation", lambda: page.get_by_text("登记簿资产（成本法）").click())
        after_run(page, "valuation", lambda: choose_option(page, "val_assets", f"{A} {A_NAME}"))  # a multiselect
        set_date(page, "val_vdate", "2025-12-31", "valuation")
        _select(page, "valuation", "val_vtype", "市场价值", exact=False)
        _select(page, "valuation", "val_basis", "剩余经济寿命")
        assert page.locator(".st-key-val_el input").input_value() == "1.00"  # elapsed 1 year
        assert page.locator(".st-key-val_rem input").input_value() == "3.00"  # 3 years left
        click(page, "valuation", "val_run")
        # C = 900,000.00 + 300,000.00 = 1,200,000.00; δ_life = 3 / (1 + 3) = 0.75; P = 900,000.00
        assert metric(page, "评估值 Concluded value") == "¥900,000.00"
        shot(page, "chain_4_valuation")
        tab(page, "评估结论 Conclusion")
        click(page, "valuation", "val_save")
        see(page, "评估结论已保存到登记簿")
    (saved,) = store.valuation_results(user_named(server, "appraiser1"), CO)
    assert saved.asset_code == A and saved.value == Decimal("900000.00")
    assert saved.case_id == f"{CO}-20251231"

    # ---- 5. finance: the year-end impairment test against that valuation, posted with 过账
    with browser_page(pw) as page:
        _log_in(page, server, "finance1", "register")
        pick_company(page, CO, "register")
        tab(page, "成本明细 Cost lines")
        see(page, "合计 ¥1,200,000.00")  # the seeded lines as the register shows them
        go(page, "ledger")
        _date(page, "ledger", "ledger_start", "2025-01-01")
        _date(page, "ledger", "ledger_end", "2025-12-31")
        tab(page, "事项录入")
        _select(page, "ledger", "ev_kind", "减值测试")
        e = f"ev.{A}.impairment_test"
        _date(page, "ledger", f"{e}.date", "2025-12-31")
        _expand(page, "取自估值")
        _check(page, "ledger", f"{e}.from_valuation.on")
        _expand(page, "取自估值")
        _select(page, "ledger", f"{e}.from_valuation.register_valuation",
                f"#{saved.id} {CO}-20251231 · {A} · 2025-12-31 · ¥900,000.00")
        _select(page, "ledger", f"{e}.from_valuation.basis", "公允价值减去处置费用后的净额")
        _type(page, "ledger", f"{e}.from_valuation.costs_of_disposal", "20000.00")
        assert _el(page, f"{e}.recoverable_amount").locator("input").input_value() == ""  # left to the link
        # recoverable amount from the saved valuation: 900,000.00 − 20,000.00 = 880,000.00;
        # loss 1,000,000.02 − 880,000.00 = 120,000.02: Dr 资产减值损失 6701 / Cr 无形资产减值准备 1703.01
        see(page, "将生成的分录（预览）")
        assert _journal(page) == [("6701", "¥120,000.02", ""), ("1703.01", "", "¥120,000.02")]
        shot(page, "chain_5_impairment_preview")
        _button(page, "ledger", "ev_save")
        see(page, "已记录事项: EV-00004")
        # entries of 2025: research 2 (incurred, moved to 研发费用) + development 1 + transfer 1
        # + amortization July..December 6 + impairment 1 = 11, none posted before
        assert metric(page, "记账凭证") == "11"
        click(page, "ledger", "ledger_post")
        see(page, "已过账: 11 笔凭证已过账 · 冲销 0 · 未变 0")
        # balance sheet: 1,200,000.00 − 199,999.98 − 120,000.02 = 880,000.00
        tab(page, "资产负债表项目 Balance-sheet lines")
        assert _line(page, "无形资产")["期末"] == "¥880,000.00"
        shot(page, "chain_5_balance_sheet")
        tab(page, "表A 确认为无形资产的数据资源 Table A: data resources recognized as intangible assets")
        rows = next(r for r in _tables(page) if r and "自行开发" in r[0])
        labels = [r[0] for r in rows]
        amort, impair, carrying = (labels.index(x) for x in ("二、累计摊销", "三、减值准备", "四、账面价值"))
        by = {"cost": rows[1:amort], "amort": rows[amort:impair], "impair": rows[impair:carrying],
              "carrying": rows[carrying:]}

        def cell(block: str, label: str, col: int) -> str:
            return next(r for r in by[block] if r[0] == label)[col]

        # columns: item, 外购, 自行开发, 其他方式取得, 合计 — all of it in 自行开发
        assert cell("cost", "内部研发", 2) == cell("cost", "内部研发", 4) == "1,200,000.00"
        assert cell("cost", "期末余额", 4) == "1,200,000.00"
        assert cell("amort", "其中：计提", 2) == "199,999.98"  # 6 × 33,333.33
        assert cell("impair", "其中：计提", 2) == "120,000.02"
        assert cell("carrying", "期末", 2) == cell("carrying", "期末", 4) == "880,000.00"
        see(page, "勾稽关系全部成立")
        shot(page, "chain_5_table_a")
        tab(page, "其他披露 Other disclosures")
        (imp,) = _records(page, "减值损失")
        assert (imp["减值前账面价值"], imp["可收回金额"], imp["减值损失"]) == ("1,000,000.02", "880,000.00", "120,000.02")
        assert "900,000.00 − 20,000.00 = 880,000.00" in imp["依据"]
        see(page, "费用化 ¥80,000.00 · 资本化 ¥1,200,000.00")
        # the appraisal disclosure, written from the saved valuation the test took its figure from
        _expand(page, f"评估信息披露 {A} (impairment test (recoverable amount))")
        for part in (f"评估报告{CO}-20251231", "评估基准日2025-12-31", "价值类型市场价值 (market value)",
                     "评估结论900000.00元",  # P = 1,200,000.00 × 0.75
                     "评估方法：成本法 (cost approach)",
                     "重置成本 C（成本法）=1,200,000.00 元",  # 900,000.00 + 300,000.00, as given
                     "价值调整系数 δ（成本法）=0.7500"):  # 3 / (1 + 3)
            see(page, part)
        shot(page, "chain_5_disclosures")

    # ---- 6. the bank sizes a pledge on the saved valuation and records it
    with browser_page(pw) as page:
        _log_in(page, server, "bank1", "pledge")
        pick_company(page, CO, "pledge")
        _select(page, "pledge", "pl_case", f"{A} {A_NAME} · ¥900,000.00", exact=False)
        _select(page, "pledge", "pl_class", "企业数据产品")
        assert page.locator(".st-key-pl_life input").input_value() == "36"
        see(page, "评估值 ¥900,000.00")
        assert metric(page, "押品价值") == "¥765,000.00"  # 900,000.00 × (1 − 0.15)
        assert metric(page, "清算价值 Liquidation value") == "¥367,666.67"
        limits = {r["四项额度约束"]: r for r in _records(page, "四项额度约束")}
        assert limits["质押率上限"]["金额"] == "¥229,500.00"  # 0.30 × 765,000.00
        assert limits["清算价值抵质押率上限"]["金额"] == "¥257,366.67"  # 0.70 × 367,666.67
        assert limits["偿债覆盖率"]["金额"] == "¥1,874,007.62"
        # the fourth limit (shortfall probability ≤ 5 %) is simulated: not a hand figure. The maximum loan is
        # the lowest of the four and names it; so it is at most the 229,500.00 of the pledge rate
        binding = next(r for r in limits.values() if r["约束条件"] == "◀")
        assert metric(page, "最高可贷额度 Maximum loan") == binding["金额"]
        assert float(binding["金额"].lstrip("¥").replace(",", "")) <= 229_500.00
        # the form's widgets are keyed by the case, class and life chosen (a stale one may linger in the DOM)
        amount = page.locator(f".st-key-pl_amount_val_{saved.id}_enterprise_data_product_36 input")
        amount.fill("150000")
        amount.press("Tab")
        assert float(amount.input_value().replace(",", "")) == 150000
        after_run(page, "pledge", lambda: page.get_by_role("button", name="测算").click())
        see(page, "在额度内", timeout_s=60)
        shot(page, "chain_6_pledge")
        click(page, "pledge", "pl_record")
        see(page, "质押已登记")
        shot(page, "chain_6_pledge_recorded")

    # ---- 7. the analyst downloads the books of 2025; LibreOffice recalculates the workbook
    with browser_page(pw) as page:
        _log_in(page, server, "analyst1", "recognition")
        pick_company(page, CO, "recognition")
        go(page, "export")
        set_date(page, "ex_start", "2025-01-01", "export")
        set_date(page, "ex_end", "2025-12-31", "export")
        click(page, "export", f"prep_books_{CO}_2025-01-01_2025-12-31")
        data = download(page, f"dl_books_{CO}_2025-01-01_2025-12-31")
        shot(page, "chain_7_export")
    require(soffice() is not None, "LibreOffice")
    src = tmp_path / "chain_books.xlsx"
    src.write_bytes(data)
    (out,) = recalculate([src], tmp_path / "recalculated")
    wb = load_workbook(out, data_only=True)

    def named(name: str) -> Any:
        ((sheet, ref),) = list(wb.defined_names[name].destinations)
        return wb[sheet][ref.replace("$", "")].value

    assert named("bs_intangible_data") == pytest.approx(880_000.00, abs=0.005)  # 1,200,000 − 199,999.98 − 120,000.02
    assert named("bs_development_data") == pytest.approx(0, abs=0.005)
    assert named(f"{A.replace('-', '_')}_recoverable") == pytest.approx(880_000.00, abs=0.005)
    ta = [r for r in wb["附注表A Table A"].iter_rows(values_only=True)]
    first = [r[0] for r in ta]
    amort, impair, carrying = (first.index(x) for x in ("二、累计摊销", "三、减值准备", "四、账面价值"))
    closing_cost = next(r for r in ta[:amort] if r[0] == "期末余额")
    closing_amort = next(r for r in ta[amort:impair] if r[0] == "期末余额")
    closing_impair = next(r for r in ta[impair:carrying] if r[0] == "期末余额")
    closing_carrying = next(r for r in ta[carrying:] if r[0] == "期末")
    assert closing_cost[5] == pytest.approx(1_200_000.00, abs=0.005)  # 合计 = 900,000 + 300,000
    assert closing_amort[5] == pytest.approx(6 * 33_333.33, abs=0.005)  # 199,999.98
    assert closing_impair[5] == pytest.approx(1_000_000.02 - 880_000.00, abs=0.005)  # 120,000.02
    assert closing_carrying[3] == closing_carrying[5] == pytest.approx(880_000.00, abs=0.005)  # 自行开发 = 合计
    assert named("checks_result") == "全部通过 ALL PASS"
    print(f"chain: {time.perf_counter() - t_start:.0f} s")
