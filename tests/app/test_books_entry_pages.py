"""Facts and events entered in the dashboard (AppTest): the recognition page decides live as facts are
entered and saves them; the ledger page previews an event's entries before saving it, lists it, and
cancels it by a reversing event. Figures by hand in each test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app import store
from register import Role, User
from tests.app.conftest import frames, no_exception, texts

CO = "CO-FORMS"


def _asset(fin: User, code: str, name: str) -> None:
    company_exists = any(c.code == CO for c in store.companies(fin))
    if not company_exists or not store.asset_page(fin, CO, code)[0]:
        store.add_asset(fin, CO, {"asset_id": code, "name": name, "source": "purchase", "rights": "holding"})


def _on_books(fin: User, code: str, name: str) -> None:
    """A purchased dataset for internal use with its facts saved, 60 months' life."""
    from accounting import DataResource

    _asset(fin, code, name)
    store.save_facts(fin, CO, DataResource.model_validate({
        "asset_id": code, "name": name, "purpose": "internal_use", "formation": "purchased",
        "controlled": True, "separable": True, "benefits_probable": True, "cost_reliably_measurable": True,
        "useful_life": {"estimated_months": 60}}))


def _set(at: Any, kind: str, key: str, value: Any) -> None:
    getattr(at, kind)(key=key).set_value(value)
    at.run()
    no_exception(at)


def test_facts_decide_live_and_are_saved(page: Any, users: dict[Role, User]) -> None:
    fin = users[Role.FINANCE]
    _asset(fin, "F-1", "会员画像 member profiles")
    at = page(fin, "recognition", company=CO)
    no_exception(at)
    at.selectbox(key="rec_asset").set_value("F-1")
    at.run()
    shown = texts(at)
    assert "无法判断（缺少事实）" in shown and "缺少的事实: 持有目的" in shown
    k = "facts.F-1"
    _set(at, "selectbox", f"{k}.purpose", "internal_use")
    _set(at, "selectbox", f"{k}.formation", "purchased")
    for fact in ("controlled", "benefits_probable", "cost_reliably_measurable", "separable"):
        _set(at, "radio", f"{k}.{fact}", True)
    shown = texts(at)
    assert "### 无形资产—数据资源" in shown and "缺少的事实: " not in shown
    assert "由企业控制" in shown and "CAS 6 art. 4" in shown
    next(b for b in at.button if b.key == "facts_save").click()
    at.run()
    no_exception(at)
    assert "已保存入表事实: F-1" in texts(at)
    saved = store.asset_facts(fin, CO, "F-1")
    assert saved is not None and saved.purpose is not None and saved.purpose.value == "internal_use"
    assert saved.controlled is True and saved.separable is True
    _set(at, "radio", f"{k}.controlled", False)  # live: not controlled → not an asset, before any save
    assert "### 不确认为资产（可自愿披露）" in texts(at)
    assert store.asset_facts(fin, CO, "F-1") == saved


def _opening_balance(at: Any, k: str, *, cost: str, accumulated: str) -> None:
    """Type F-2's opening balance at 2024-12-31 into the form ``k`` (cost and accumulated amortization as
    given, 48 months left, in use since 2023-01-01)."""
    _set(at, "date_input", f"{k}.date", date(2024, 12, 31))
    _set(at, "text_input", f"{k}.cost", cost)
    _set(at, "text_input", f"{k}.accumulated_amortization", accumulated)
    _set(at, "text_input", f"{k}.remaining_life_months", "48")
    _set(at, "date_input", f"{k}.ready_for_use_on", date(2023, 1, 1))
    _set(at, "text_input", f"{k}.source", "2024年审计报告 audited 2024 accounts")


def test_an_event_is_previewed_saved_listed_and_reversed(page: Any, users: dict[Role, User]) -> None:
    fin = users[Role.FINANCE]
    _on_books(fin, "F-2", "物流轨迹 logistics tracks")
    at = page(fin, "ledger", company=CO)
    no_exception(at)
    at.selectbox(key="ev_asset").set_value("F-2")
    at.selectbox(key="ev_kind").set_value("opening_balance")
    at.run()
    k = "ev.F-2.opening_balance"
    _opening_balance(at, k, cost="600,000.00", accumulated="120000")
    # preview: Dr 1701.01 600,000.00 / Cr 1702.01 120,000.00, Cr 4104 480,000.00 (600,000 − 120,000)
    journal = next(f for f in frames(at) if "借方" in f.columns)
    assert [d for d in journal["借方"] if d] == ["¥600,000.00"]
    assert sorted(c for c in journal["贷方"] if c) == ["¥120,000.00", "¥480,000.00"]
    assert store.recorded_events(fin, CO, "F-2") == []  # nothing saved by the preview
    next(b for b in at.button if b.key == "ev_save").click()
    at.run()
    no_exception(at)
    events = store.recorded_events(fin, CO, "F-2")
    assert len(events) == 1 and events[0].kind == "opening_balance"
    assert Decimal(events[0].payload["cost"]) == Decimal("600000.00")
    assert f"已记录事项: {events[0].code}" in texts(at)

    # the saved event's form comes back empty: a second click cannot record it again
    assert at.text_input(key=f"{k}.cost").value in ("", None)
    assert not any(b.key == "ev_save" and not b.disabled for b in at.button)
    # typed again, a second opening balance is refused by the rule (an opening balance comes first)
    _opening_balance(at, k, cost="600000", accumulated="120,000.00")
    assert any("opening balance must be the asset's first event" in e.value for e in at.error)
    assert next(b for b in at.button if b.key == "ev_save").disabled
    assert len(store.recorded_events(fin, CO, "F-2")) == 1

    # a wrong figure is corrected by a reversing event, never by an edit
    _set(at, "text_input", "rev_reason", "累计摊销录错 wrong accumulated amortization")
    next(b for b in at.button if b.key == "rev_go").click()
    at.run()
    no_exception(at)
    listed = store.recorded_events(fin, CO, "F-2")
    assert listed[0].reversed_by == listed[1].code and listed[1].payload["reverses"] == events[0].code
    status = next(f for f in frames(at) if "状态" in f.columns)
    assert list(status["状态"]) == [f"已被 {listed[1].code} 冲销", f"冲销 {events[0].code}"]


def test_the_same_event_typed_twice_is_saved_twice_only_when_confirmed(page: Any, users: dict[Role, User]) -> None:
    """Licence revenue may recur, so the rules accept the same one twice: the form warns and asks."""
    from accounting.events import OpeningBalance

    fin = users[Role.FINANCE]
    _on_books(fin, "F-5", "电商评论 e-commerce reviews")
    store.record_event(fin, CO, OpeningBalance(asset_id="F-5", date=date(2024, 12, 31), cost=Decimal("300000"),
                                               remaining_life_months=36, ready_for_use_on=date(2024, 1, 1),
                                               source="2024年审计报告"))
    at = page(fin, "ledger", company=CO)
    at.selectbox(key="ev_asset").set_value("F-5")
    at.selectbox(key="ev_kind").set_value("licence_revenue")
    at.run()
    k = "ev.F-5.licence_revenue"

    def type_it() -> None:
        _set(at, "date_input", f"{k}.date", date(2025, 1, 15))
        _set(at, "text_input", f"{k}.amount", "10,600.00")

    type_it()
    assert not at.warning
    next(b for b in at.button if b.key == "ev_save").click()
    at.run()
    no_exception(at)
    (first,) = [e for e in store.recorded_events(fin, CO, "F-5") if e.kind == "licence_revenue"]
    assert at.text_input(key=f"{k}.amount").value in ("", None)  # the form came back empty

    type_it()
    assert any(f"与已记录的事项 {first.code} 内容相同" in w.value for w in at.warning)
    assert next(b for b in at.button if b.key == "ev_save").disabled
    at.checkbox(key="ev_again").check()
    at.run()
    next(b for b in at.button if b.key == "ev_save").click()
    at.run()
    no_exception(at)
    assert len([e for e in store.recorded_events(fin, CO, "F-5") if e.kind == "licence_revenue"]) == 2


def test_an_invalid_event_is_refused_with_its_field_and_not_saved(page: Any, users: dict[Role, User]) -> None:
    fin = users[Role.FINANCE]
    _on_books(fin, "F-4", "门店客流 store footfall")
    at = page(fin, "ledger", company=CO)
    at.selectbox(key="ev_asset").set_value("F-4")
    at.selectbox(key="ev_kind").set_value("disposal")
    at.run()
    _set(at, "date_input", "ev.F-4.disposal.date", date(2025, 3, 31))
    _set(at, "text_input", "ev.F-4.disposal.proceeds", "-5000")
    errors = "\n".join(str(e.value) for e in at.error)
    assert "F-4" in errors and "proceeds" in errors
    assert not any(b.key == "ev_save" for b in at.button)


def test_a_purchase_with_two_cost_lines_is_previewed(page: Any, users: dict[Role, User]) -> None:
    fin = users[Role.FINANCE]
    _on_books(fin, "F-3", "气象格点 weather grid")
    at = page(fin, "ledger", company=CO)
    at.selectbox(key="ev_asset").set_value("F-3")
    at.selectbox(key="ev_kind").set_value("purchase")
    at.run()
    k = "ev.F-3.purchase"
    _set(at, "date_input", f"{k}.date", date(2025, 4, 1))
    _set(at, "text_input", f"{k}.cost_lines.0.amount", "80,000.00")
    next(b for b in at.button if b.key == f"{k}.cost_lines.add").click()
    at.run()
    _set(at, "selectbox", f"{k}.cost_lines.1.category", "rights_verification")
    _set(at, "text_input", f"{k}.cost_lines.1.amount", "5000")
    _set(at, "selectbox", f"{k}.cost_lines.0.category", "purchase_price")
    # both lines capitalized to 无形资产—数据资源 (1701.01), each against cash: 80,000.00 and 5,000.00
    journal = next(f for f in frames(at) if "借方" in f.columns)
    debits = [(a, d) for a, d in zip(journal["科目"], journal["借方"], strict=True) if d]
    assert [d for _, d in debits] == ["¥80,000.00", "¥5,000.00"] and all(a.startswith("1701.01") for a, _ in debits)
    assert [c for c in journal["贷方"] if c] == ["¥80,000.00", "¥5,000.00"]


def test_voluntary_items_entered_with_the_facts_are_disclosed(page: Any, users: dict[Role, User]) -> None:
    fin = users[Role.FINANCE]
    _on_books(fin, "F-5", "电力负荷 power load")
    at = page(fin, "recognition", company=CO)
    at.selectbox(key="rec_asset").set_value("F-5")
    at.run()
    _set(at, "text_area", "facts.F-5.voluntary.use_cases", "用于电网负荷预测，降低备用容量成本 grid load forecasting")
    next(b for b in at.button if b.key == "facts_save").click()
    at.run()
    no_exception(at)
    saved = store.asset_facts(fin, CO, "F-5")
    assert saved is not None and saved.voluntary.use_cases.startswith("用于电网负荷预测")
    led = page(fin, "ledger", company=CO)
    no_exception(led)
    item = next(f for f in frames(led) if "项目" in f.columns and "披露内容" in f.columns
                and any("电网负荷" in str(x) for x in f["披露内容"]))
    assert next(iter(item["披露内容"])).startswith("用于电网负荷预测")
    assert list(item["披露内容"])[1:] == ["未披露"] * 7  # the other seven items were not recorded: not invented


def test_an_impairment_test_takes_its_recoverable_amount_from_a_saved_valuation(page: Any,
                                                                               users: dict[Role, User]) -> None:
    from pydantic import TypeAdapter

    from accounting import DataResource, Event
    from tests.app.conftest import COMPANY_PARK

    fin = users[Role.FINANCE]
    store.save_facts(fin, COMPANY_PARK, DataResource.model_validate({
        "asset_id": "PARK-001", "name": "城市公共停车泊位实时数据", "purpose": "internal_use", "formation": "purchased",
        "controlled": True, "separable": True, "benefits_probable": True, "cost_reliably_measurable": True,
        "useful_life": {"estimated_months": 60}}))
    if not store.recorded_events(fin, COMPANY_PARK, "PARK-001"):
        store.record_event(fin, COMPANY_PARK, TypeAdapter(Event).validate_python({
            "kind": "purchase", "asset_id": "PARK-001", "date": "2025-01-10",
            "cost_lines": [{"category": "purchase_price", "amount": "2400000.00"}]}))
    saved = next(v for v in store.valuation_results(fin, COMPANY_PARK) if v.asset_code == "PARK-001")
    at = page(fin, "ledger", company=COMPANY_PARK)
    at.selectbox(key="ev_asset").set_value("PARK-001")
    at.selectbox(key="ev_kind").set_value("impairment_test")
    at.run()
    k = "ev.PARK-001.impairment_test"
    _set(at, "date_input", f"{k}.date", date(2025, 12, 31))
    _set(at, "checkbox", f"{k}.from_valuation.on", True)
    _set(at, "selectbox", f"{k}.from_valuation.register_valuation", saved.id)
    _set(at, "selectbox", f"{k}.from_valuation.basis", "fair_value_less_costs_of_disposal")
    _set(at, "text_input", f"{k}.from_valuation.costs_of_disposal", "50,000.00")
    # 2,400,000.00 / 60 = 40,000.00 a month, January–December: carrying 1,920,000.00; recoverable = the saved
    # conclusion less 50,000.00 costs of disposal; loss = 1,920,000.00 − recoverable
    recoverable = (saved.value - Decimal("50000.00")).quantize(Decimal("0.01"))
    loss = Decimal("1920000.00") - recoverable
    journal = next(f for f in frames(at) if "借方" in f.columns)
    assert [d for d in journal["借方"] if d] == [f"¥{loss:,.2f}"]
    assert any(str(a).startswith("1703") for a in journal["科目"])  # 无形资产减值准备


def test_finance_creates_a_company_in_the_sidebar(page: Any, users: dict[Role, User]) -> None:
    fin = users[Role.FINANCE]
    at = page(fin, "register")
    at.text_input(key="new_company_code").set_value("NEW-CO")  # a form: the values go in with the submit
    at.text_input(key="new_company_name").set_value("新设数据公司 New data company")
    next(b for b in at.button if "创建" in str(b.label)).click()
    at.run()
    no_exception(at)
    assert any(c.code == "NEW-CO" for c in store.companies(fin)) and at.session_state["company"] == "NEW-CO"
    at.text_input(key="new_company_code").set_value("NEW-CO")
    at.text_input(key="new_company_name").set_value("again")
    next(b for b in at.button if "创建" in str(b.label)).click()
    at.run()
    assert "公司代码 NEW-CO 已存在" in "\n".join(str(e.value) for e in at.error)
    ana = page(users[Role.ANALYST], "ledger")
    assert not any(k == "new_company_code" for k in (w.key for w in ana.text_input))  # finance only
