"""导出 Export page (the workbooks of ``dataval export``) and 用户 Users page (admin)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from app import services, store
from register import PermissionDenied, Role, User
from register.users import check_login
from tests.app.conftest import COMPANY_PARK, COMPANY_SELF, no_exception, texts


def test_books_workbook_for_the_period(page: Any, users: dict[Role, User]) -> None:
    ana = users[Role.ANALYST]
    at = page(ana, "export", company=COMPANY_SELF)
    no_exception(at)
    at.date_input(key="ex_start").set_value(date(2024, 1, 1))
    at.date_input(key="ex_end").set_value(date(2024, 12, 31))
    at.run()
    prep = next(b for b in at.button if b.key.startswith("prep_books_"))
    prep.click()
    at.run()
    no_exception(at)
    assert [b.label for b in at.get("download_button")] == [f"下载 {COMPANY_SELF}_2024-01-01_2024-12-31_books.xlsx"]
    data, _name = at.session_state[f"wb_books_{COMPANY_SELF}_2024-01-01_2024-12-31"]
    wb = load_workbook(io.BytesIO(data))
    assert {"封面 Cover", "凭证 Journal"} <= set(wb.sheetnames)
    # the journal sheet carries the 2024 impairment by hand: carrying 1,200,000 − 6 × 33,333.33 = 1,000,000.02,
    # recoverable 600,000.00 → 400,000.02
    amounts = {c for row in wb["凭证 Journal"].iter_rows(values_only=True) for c in row
               if isinstance(c, int | float | Decimal)}
    assert 400000.02 in amounts and 33333.33 in amounts


def test_valuation_workpapers_from_the_stored_run(users: dict[Role, User]) -> None:
    ana = users[Role.ANALYST]
    engs = store.engagements_with_results(ana, COMPANY_PARK)
    assert next(iter(engs.values())).startswith("EX-2025-PARK-01")
    case, result = store.stored_case_result(ana, next(iter(engs)))
    stored = store.valuation_results(ana, COMPANY_PARK)
    assert f"{result.valuations[0].conclusion.value:.2f}" == str(stored[-1].value)  # read back, not re-run
    data = services.export_workbook_bytes(ana, valuation=result, price_index=case.price_index,
                                          inputs=[("评估案例 valuation case", "register", case)])
    names = load_workbook(io.BytesIO(data), read_only=True).sheetnames
    assert {"成本法 Cost", "收益法 Income", "市场法 Market", "评估结论 Conclusion"} <= set(names)
    template = services.case_workbook_bytes(ana, case)
    assert "委托 Engagement" in load_workbook(io.BytesIO(template), read_only=True).sheetnames


def test_users_page_adds_a_user_who_can_sign_in(page: Any, users: dict[Role, User], sample_register: str) -> None:
    adm = users[Role.ADMIN]
    at = page(adm, "users")
    no_exception(at)
    at.text_input(key="ua_name").input("carol")
    at.text_input(key="ua_display").input("Carol 银行")
    at.selectbox(key="ua_role").select("bank")
    at.text_input(key="ua_password").input("carol-long-password")
    next(b for b in at.button if b.label == "添加用户").click()
    at.run()
    no_exception(at)
    assert "用户已添加: carol (bank)" in texts(at)
    from register import Register

    reg = Register(sample_register)
    with reg.session() as s:
        carol = check_login(s, "carol", "carol-long-password")
    reg.dispose()
    assert carol is not None and carol.role is Role.BANK
    with pytest.raises(PermissionDenied, match=r"users\.manage"):
        store.add_user(users[Role.FINANCE], "mallory", "mallory-password", "admin")


def test_complete_workpapers_hold_the_books_and_the_valuation_their_impairment_rests_on(
        page: Any, users: dict[Role, User]) -> None:
    from pydantic import TypeAdapter

    from accounting import DataResource, Event
    from ledger_export.checks import TITLE as CHECKS

    fin = users[Role.FINANCE]
    store.save_facts(fin, COMPANY_PARK, DataResource.model_validate({
        "asset_id": "PARK-001", "name": "城市公共停车泊位实时数据", "purpose": "internal_use", "formation": "purchased",
        "controlled": True, "separable": True, "benefits_probable": True, "cost_reliably_measurable": True,
        "useful_life": {"estimated_months": 60}}))
    kinds = {e.kind for e in store.recorded_events(fin, COMPANY_PARK, "PARK-001")}
    adapter = TypeAdapter(Event)
    if "purchase" not in kinds:
        store.record_event(fin, COMPANY_PARK, adapter.validate_python({
            "kind": "purchase", "asset_id": "PARK-001", "date": "2025-01-10",
            "cost_lines": [{"category": "purchase_price", "amount": "2400000.00"}]}))
    saved = next(v for v in store.valuation_results(fin, COMPANY_PARK) if v.asset_code == "PARK-001")
    if "impairment_test" not in kinds:
        raw = store.resolve_valuation_link(fin, {
            "kind": "impairment_test", "asset_id": "PARK-001", "date": "2025-12-31",
            "from_valuation": {"register_valuation": saved.id, "basis": "fair_value_less_costs_of_disposal",
                               "costs_of_disposal": "50000.00"}})
        store.record_event(fin, COMPANY_PARK, adapter.validate_python(raw))
    at = page(users[Role.ANALYST], "export", company=COMPANY_PARK)
    at.date_input(key="ex_start").set_value(date(2025, 1, 1))
    at.date_input(key="ex_end").set_value(date(2025, 12, 31))
    at.run()
    next(b for b in at.button if b.key.startswith("prep_all_")).click()
    at.run()
    no_exception(at)
    data, _name = at.session_state[f"wb_all_{COMPANY_PARK}_2025-01-01_2025-12-31"]
    wb = load_workbook(io.BytesIO(data))
    assert {"凭证 Journal", CHECKS} <= set(wb.sheetnames) and any("成本法" in n for n in wb.sheetnames)
    ties = [r for r in wb[CHECKS].iter_rows(values_only=True) if r[1] == "交叉引用 cross-reference"]
    # the impairment test's recoverable amount = the saved conclusion − 50,000.00 costs of disposal
    assert ties and ties[0][4] == "=PARK_001_V-PARK_001_recoverable" and ties[0][5] == 50000.0
