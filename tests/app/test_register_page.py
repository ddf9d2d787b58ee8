"""资产登记 Register page: enter an asset, inline validation, cost lines, evidence upload, template import."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from app import store
from register import ConcurrentEdit, Register, Role, User
from register.models import AuditLog, CostLine, DataAsset, EvidenceFile
from tests.app.conftest import frames, no_exception, register_env, texts

CO = "TEST-REG-CO"


def _count(url: str, model: Any) -> int:
    reg = Register(url)
    try:
        with reg.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        reg.dispose()


@pytest.fixture(scope="module")
def company(sample_register: str, users: dict[Role, User]) -> str:
    """A company with one asset, made through the same form path the page uses."""
    with register_env(sample_register):
        store.add_asset(users[Role.FINANCE], CO, {"asset_id": "R-001", "name": "登记测试数据集 register test dataset",
                                                  "source": "own_collection", "rights": "holding;processing_use"})
    return CO


def test_enter_an_asset_in_the_form(page: Any, users: dict[Role, User], company: str, sample_register: str) -> None:
    at = page(users[Role.FINANCE], "register", company=company)
    no_exception(at)
    at.text_input(key="new_code").input("R-002")
    at.text_input(key="new_name").input("城市客流数据 city footfall data")
    at.selectbox(key="new_source").select("purchase")
    at.multiselect(key="new_rights").select("processing_use")
    at.number_input(key="new_records").set_value(120000)
    for dim, score in zip(("accuracy", "consistency", "completeness", "conformance", "timeliness", "accessibility"),
                          ("0.9", "0.8", "0.95", "0.85", "0.7", "0.75"), strict=True):
        at.text_input(key=f"new_q_{dim}").input(score)
    next(b for b in at.button if b.label == "添加资产").click()
    at.run()
    no_exception(at)
    assert "资产已添加: R-002 (1 new, 0 unchanged)" in texts(at)
    detail = store.asset_detail(users[Role.FINANCE], company, "R-002")
    assert (detail["name"], detail["source"], detail["rights"], detail["records"]) == (
        "城市客流数据 city footfall data", "purchase", "holding;processing_use", 120000)
    assert detail["attributes"]["q_timeliness"] == "0.7"
    reg = Register(sample_register)
    with reg.session() as s:  # audited as the signed-in user
        rows = s.scalars(select(AuditLog).where(AuditLog.table_name == "data_assets",
                                                AuditLog.action == "insert")).all()
        actors = [a.actor for a in rows if (a.after or {}).get("code") == "R-002"]
    reg.dispose()
    assert actors == ["finance1"]


def test_bad_form_is_refused_by_column_and_nothing_written(page: Any, users: dict[Role, User], company: str,
                                                           sample_register: str) -> None:
    before = _count(sample_register, DataAsset)
    at = page(users[Role.FINANCE], "register", company=company)
    at.text_input(key="new_code").input("R-BAD")
    at.text_input(key="new_name").input("坏数据 bad row")
    at.text_input(key="new_q_accuracy").input("1.5")
    at.text_input(key="new_q_timeliness").input("high")
    next(b for b in at.button if b.label == "添加资产").click()
    at.run()
    no_exception(at)
    shown = texts(at)
    assert "校验未通过，未保存" in shown
    assert "R-BAD 列 q_accuracy: expected a number in [0, 1], got 1.5" in shown
    assert "R-BAD 列 q_timeliness:" in shown and "'high'" in shown
    assert _count(sample_register, DataAsset) == before


def test_edit_asset_validated_then_saved_with_its_version(users: dict[Role, User], company: str) -> None:
    fin = users[Role.FINANCE]
    d = store.asset_detail(fin, company, "R-001")
    with pytest.raises(Exception, match="unknown source 'stolen'") as bad:
        store.update_asset(fin, company, "R-001", {"source": "stolen"}, expected_version=d["version"])
    assert [i.column for i in bad.value.issues] == ["source"]  # type: ignore[attr-defined]
    store.update_asset(fin, company, "R-001", {"region": "Zhejiang", "records": 5000}, expected_version=d["version"])
    after = store.asset_detail(fin, company, "R-001")
    assert (after["region"], after["records"], after["version"]) == ("Zhejiang", 5000, d["version"] + 1)
    assert after["attributes"]["region"] == "Zhejiang"  # the imported row kept in step
    with pytest.raises(ConcurrentEdit, match="since you read it at version"):
        store.update_asset(fin, company, "R-001", {"region": "Jiangsu"}, expected_version=d["version"])


def test_cost_lines_fen_exact_validated_and_locked(page: Any, users: dict[Role, User], company: str) -> None:
    fin = users[Role.FINANCE]
    lines = [
        {"category": "planning", "item": "规划咨询", "amount": 100000.005, "incurred_on": date(2025, 3, 1),
         "evidence": "合同 C-1", "restate": True},
        {"category": "direct_construction", "item": "采集系统", "amount": 250000.10, "incurred_on": date(2025, 6, 30),
         "evidence": "验收单", "restate": True},
    ]
    bad = [{**lines[0], "amount": -5.0}, {**lines[1], "category": "bribes"}]
    with pytest.raises(Exception, match="cost lines not saved") as refused:
        store.save_cost_lines(fin, company, "R-001", bad, {})
    msg = str(refused.value)
    assert "R-001 cost line 1 amount: " in msg and "R-001 cost line 2 category: " in msg
    assert store.asset_detail(fin, company, "R-001")["cost_lines"] == []
    assert store.save_cost_lines(fin, company, "R-001", lines, {}) == (2, 0, 0)
    stored = store.asset_detail(fin, company, "R-001")["cost_lines"]
    # 100,000.005 rounds half-up to 100,000.01; 250,000.10 stays; total 350,000.11
    assert [ln.amount for ln in stored] == [Decimal("100000.01"), Decimal("250000.10")]
    at = page(fin, "register", company=company)
    no_exception(at)
    at.selectbox(key="cost_asset").select("R-001")
    at.run()
    assert "合计 ¥350,000.11" in texts(at)
    # someone else changes line 1 after we read it: our save is refused, nothing written
    read = {ln.id: ln.version for ln in stored}
    edited = [{"id": ln.id, "category": ln.category, "item": ln.item, "amount": float(ln.amount),
               "incurred_on": ln.incurred_on, "evidence": ln.evidence, "restate": ln.restate} for ln in stored]
    store.save_cost_lines(fin, company, "R-001", [{**edited[0], "item": "规划咨询（修订）"}, edited[1]], read)
    with pytest.raises(ConcurrentEdit):
        store.save_cost_lines(fin, company, "R-001", [edited[1]], read)
    assert len(store.asset_detail(fin, company, "R-001")["cost_lines"]) == 2


def test_evidence_upload_keeps_the_file_and_its_hash(page: Any, users: dict[Role, User], company: str,
                                                     sample_register: str) -> None:
    fin = users[Role.FINANCE]
    line = store.asset_detail(fin, company, "R-001")["cost_lines"][0]
    content = "发票 invoice No. 0001 金额 100,000.01\n".encode()
    at = page(fin, "register", company=company)
    at.selectbox(key="cost_asset").select("R-001")
    at.run()
    at.file_uploader(key=f"ev_file_{line.id}").set_value(("invoice-0001.txt", content, "text/plain"))
    at.run()
    next(b for b in at.button if b.key == "ev_save").click()
    at.run()
    no_exception(at)
    digest = hashlib.sha256(content).hexdigest()
    assert f"证据文件已保存: invoice-0001.txt · SHA-256 {digest[:16]}…" in texts(at)
    reg = Register(sample_register)
    with reg.session() as s:
        ev = s.scalars(select(EvidenceFile).where(EvidenceFile.cost_line_id == line.id)).one()
        assert (ev.file_name, ev.sha256, ev.size_bytes, ev.content) == ("invoice-0001.txt", digest, len(content), content)
    reg.dispose()


def test_bad_csv_import_shows_every_problem_and_changes_nothing(page: Any, users: dict[Role, User], company: str,
                                                               sample_register: str) -> None:
    csv_text = ("asset_id,name,source,records\n"
                "R-101,好行 good row,purchase,100\n"
                "R-102,,licence,abc\n"
                "R-101,重复 duplicate,purchase,5\n")
    before = (_count(sample_register, DataAsset), _count(sample_register, CostLine))
    at = page(users[Role.FINANCE], "register", company=company)
    at.file_uploader(key="imp_file").set_value(("bad.csv", csv_text.encode(), "text/csv"))
    at.run()
    next(b for b in at.button if b.key == "imp_run").click()
    at.run()
    no_exception(at)
    assert "导入被拒绝，登记簿未作任何修改 — bad.csv: 3 错误" in texts(at)
    issues = next(f for f in frames(at) if "列" in f.columns)
    assert list(zip(issues["行"], issues["列"], strict=True)) == [(3, "records"), (3, "name"), (4, "asset_id")]
    assert "错误报告" in " ".join(b.label for b in at.get("download_button"))
    assert (_count(sample_register, DataAsset), _count(sample_register, CostLine)) == before


def test_template_import_creates_the_engagement(page: Any, users: dict[Role, User], company: str,
                                                tmp_path: Any) -> None:
    from bridges.data_files import data_dir
    from cli.io import read_case
    from ledger_export.case_template import write_case_workbook

    case, _ = read_case(data_dir() / "examples" / "logistics_data_product.json")
    case = case.model_copy(update={"engagement": case.engagement.model_copy(update={"case_id": "IMP-TEST-01"})})
    write_case_workbook(case, tmp_path / "case.xlsx")
    at = page(users[Role.FINANCE], "register", company=company)
    at.file_uploader(key="imp_file").set_value(("case.xlsx", (tmp_path / "case.xlsx").read_bytes(),
                                                "application/octet-stream"))
    at.run()
    next(b for b in at.button if b.key == "imp_run").click()
    at.run()
    no_exception(at)
    assert f"导入完成: case.xlsx → {company}: 1 · 1 new · 0 changed · 0 unchanged · 评估委托 IMP-TEST-01" in texts(at)
    codes = [r["code"] for r in store.asset_page(users[Role.FINANCE], company, "LOGI", 0, 10)[0]]
    assert codes == ["LOGI-001"]


def test_analyst_and_bank_may_not_edit(users: dict[Role, User], company: str) -> None:
    from register import PermissionDenied

    for role in (Role.ANALYST, Role.BANK, Role.APPRAISER):
        with pytest.raises(PermissionDenied):
            store.add_asset(users[role], company, {"asset_id": "X", "name": "x"})
        with pytest.raises(PermissionDenied):
            store.import_upload(users[role], company, "x.csv", b"asset_id,name\nX,x\n")
