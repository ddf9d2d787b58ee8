"""Hardening of the dashboard: each test is named after the defect it pins down.

1 an add with an existing asset code overwrote the asset; 2 the cost grid coerced what was typed;
3 a default engagement id replaced an earlier engagement; 4 a refused batch left old results, partial
quality scores were accepted; 5 a disabled user's open session kept working; 6 user text rendered as
Markdown (live links); 7 raw library errors on screen; 8 formula-like text in CSV downloads.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from app import editing, services, session, store
from app.safe import md
from ledger_export.cells import csv_safe
from register import ConcurrentEdit, PermissionDenied, Register, Role, User
from register.errors import ImportRefused, RegisterError
from register.models import AuditLog
from tests.app.conftest import no_exception, register_env, texts

CO = "TEST-HARDEN-CO"
QUALITY = {"q_accuracy": "0.9", "q_consistency": "0.8", "q_completeness": "0.95", "q_conformance": "0.85",
           "q_timeliness": "0.7", "q_accessibility": "0.75"}
LINES = [
    {"category": "direct_construction", "item": "采集与清洗", "amount": 400000.0, "incurred_on": date(2025, 12, 5),
     "evidence": "合同 H-1", "restate": True},
    {"category": "direct_operation", "item": "存储与安全", "amount": 600000.0, "incurred_on": date(2025, 12, 20),
     "evidence": "账单 H-2", "restate": True},
]


def _audit(url: str, table: str, action: str) -> list[AuditLog]:
    reg = Register(url)
    try:
        with reg.session() as s:
            rows = list(s.scalars(select(AuditLog).where(AuditLog.table_name == table, AuditLog.action == action)
                                  .order_by(AuditLog.id)))
            s.expunge_all()
            return rows
    finally:
        reg.dispose()


@pytest.fixture(scope="module")
def company(sample_register: str, users: dict[Role, User]) -> str:
    """H-001: quality scores, two cost lines, an evidence file on the first."""
    with register_env(sample_register):
        fin = users[Role.FINANCE]
        store.add_asset(fin, CO, {"asset_id": "H-001", "name": "加固测试数据集 hardening dataset", "field": "logistics",
                                  "region": "Zhejiang", "source": "own_collection", "rights": "holding;processing_use",
                                  "records": 120000, **QUALITY})
        store.save_cost_lines(fin, CO, "H-001", LINES, {})
        line = store.asset_detail(fin, CO, "H-001")["cost_lines"][0]
        store.attach_evidence(fin, line.id, "invoice-h1.txt", b"invoice H-1")
    return CO


# ------------------------------------------------------------------------------------------ 1 overwrite
def test_add_with_an_existing_code_is_refused_and_the_asset_is_untouched(
        page: Any, users: dict[Role, User], company: str, sample_register: str) -> None:
    fin = users[Role.FINANCE]
    before = store.asset_detail(fin, company, "H-001")
    audits = len(_audit(sample_register, "data_assets", "update")) + len(_audit(sample_register, "cost_lines", "delete"))
    with pytest.raises(ImportRefused) as refused:
        store.add_asset(fin, company, {"asset_id": "H-001", "name": "覆盖 overwrite", "source": "purchase",
                                       "rights": "holding"})
    assert "资产编号 H-001 已存在" in refused.value.issues[0].message
    at = page(fin, "register", company=company)
    at.text_input(key="new_code").input("H-001")
    at.text_input(key="new_name").input("覆盖 overwrite")
    next(b for b in at.button if b.label == "添加资产").click()
    at.run()
    no_exception(at)
    shown = texts(at)
    assert "资产编号 H-001 已存在" in shown and "资产已添加" not in shown
    after = store.asset_detail(fin, company, "H-001")
    assert after == before  # name, records, field, region, quality scores, cost lines and evidence as they were
    assert after["attributes"]["q_accuracy"] == "0.9" and after["cost_lines"][0].files
    assert len(_audit(sample_register, "data_assets", "update")) + len(
        _audit(sample_register, "cost_lines", "delete")) == audits


def test_edit_is_an_audited_update_under_optimistic_locking(users: dict[Role, User], company: str,
                                                             sample_register: str) -> None:
    fin = users[Role.FINANCE]
    d = store.asset_detail(fin, company, "H-001")
    store.update_asset(fin, company, "H-001", {"name": "加固测试数据集（更名）renamed"}, expected_version=d["version"])
    upd = [a for a in _audit(sample_register, "data_assets", "update")
           if (a.after or {}).get("code") == "H-001" and a.before.get("name") != a.after.get("name")]
    assert upd[-1].before["name"] == "加固测试数据集 hardening dataset"
    assert upd[-1].after["name"] == "加固测试数据集（更名）renamed" and upd[-1].actor == "finance1"
    assert not [a for a in _audit(sample_register, "data_assets", "delete") if (a.before or {}).get("code") == "H-001"]
    with pytest.raises(ConcurrentEdit, match="since you read it at version"):  # a stale edit is refused
        store.update_asset(fin, company, "H-001", {"name": "stale"}, expected_version=d["version"])
    assert store.asset_detail(fin, company, "H-001")["name"] == "加固测试数据集（更名）renamed"


def test_removed_cost_line_and_its_evidence_are_audited(users: dict[Role, User], company: str,
                                                        sample_register: str) -> None:
    fin = users[Role.FINANCE]
    store.add_asset(fin, company, {"asset_id": "H-DEL", "name": "删除审计 delete audit", "source": "purchase",
                                   "rights": "holding"})
    store.save_cost_lines(fin, company, "H-DEL", LINES, {})
    lines = store.asset_detail(fin, company, "H-DEL")["cost_lines"]
    store.attach_evidence(fin, lines[0].id, "to-be-removed.txt", b"evidence")
    lines = store.asset_detail(fin, company, "H-DEL")["cost_lines"]
    keep = [{"id": ln.id, "category": ln.category, "item": ln.item, "amount": str(ln.amount),
             "incurred_on": ln.incurred_on, "evidence": ln.evidence, "restate": ln.restate} for ln in lines[1:]]
    assert store.save_cost_lines(fin, company, "H-DEL", keep, {ln.id: ln.version for ln in lines}) == (0, 0, 1)
    gone = [a for a in _audit(sample_register, "cost_lines", "delete") if a.row_id == str(lines[0].id)]
    assert len(gone) == 1 and gone[0].before["item"] == "采集与清洗" and gone[0].actor == "finance1"
    ev = [a for a in _audit(sample_register, "evidence_files", "delete") if a.before["file_name"] == "to-be-removed.txt"]
    assert len(ev) == 1 and ev[0].before["cost_line_id"] == lines[0].id


# ------------------------------------------------------------------------------------------ 2 cost grid
def test_cost_grid_refuses_negative_exponent_text_amounts_and_out_of_range_dates(users: dict[Role, User],
                                                                                 company: str) -> None:
    # what the grid hands back: the amount column is text, kept as typed
    grid = pd.DataFrame({"id": [None] * 5, "category": ["planning"] * 5, "item": ["a", "b", "c", "d", "e"],
                         "amount": ["-5000", "1e20", "abc", "1,250.50", "5000"],
                         "incurred_on": [date(2025, 1, 1)] * 3 + [pd.Timestamp("1900-01-01"), date(2099, 12, 31)],
                         "evidence": [""] * 5, "restate": [True] * 5})
    rows = editing.cost_line_rows(grid)
    assert [r["amount"] for r in rows] == ["-5000", "1e20", "abc", "1,250.50", "5000"]
    problems = store.cost_line_problems("H-001", rows)
    text = "\n".join(problems)
    assert "H-001 cost line 1 amount: 金额不能为负数" in text
    assert "H-001 cost line 2 amount: 金额 '1e20' 不是有效数字" in text
    assert "H-001 cost line 3 amount: 金额 'abc' 不是有效数字" in text
    assert "H-001 cost line 4 incurred_on: 日期早于 1990-01-01" in text
    assert "H-001 cost line 5 incurred_on: 日期晚于" in text
    assert "cost line 4 amount" not in text  # 1,250.50 is a plain amount
    assert store.cost_line_problems("H-001", [{**LINES[0], "amount": 1e16}])[0].startswith(
        "H-001 cost line 1 amount: 金额超过上限 10^15 元")
    assert store.cost_line_problems("H-001", [{**LINES[0], "amount": "1000000000000000"}]) == []
    assert store.cost_line_problems("H-001", [{**LINES[0], "incurred_on": date.today() + timedelta(days=1)}])
    fin = users[Role.FINANCE]
    before = store.asset_detail(fin, company, "H-001")["cost_lines"]
    for bad in ("-5000", "1e20", "abc"):
        with pytest.raises(Exception, match="cost lines not saved"):
            store.save_cost_lines(fin, company, "H-001", [{**LINES[0], "amount": bad}], {ln.id: ln.version for ln in before})
    assert store.asset_detail(fin, company, "H-001")["cost_lines"] == before
    # a plain amount typed as text is stored to the fen, not through a float
    store.add_asset(fin, company, {"asset_id": "H-BIG", "name": "大额 large", "source": "purchase", "rights": "holding"})
    store.save_cost_lines(fin, company, "H-BIG", [{**LINES[0], "amount": "999,999,999,999,999.99"}], {})
    assert store.asset_detail(fin, company, "H-BIG")["cost_lines"][0].amount == Decimal("999999999999999.99")


def test_cost_grid_holds_amounts_as_typed_text(page: Any, users: dict[Role, User], company: str) -> None:
    at = page(users[Role.FINANCE], "register", company=company)
    at.selectbox(key="cost_asset").select("H-001")
    at.run()
    no_exception(at)
    grid = next(d.value for d in at.dataframe if "amount" in d.value.columns)
    # the cost grid holds the amounts as text (a number column would coerce what is typed)
    assert list(grid["amount"]) == ["400000.00", "600000.00"]
    assert "amount" in editing.LINE_COLUMNS


# ------------------------------------------------------------------------------------------ 3 engagement ids
def _run(user: User, codes: list[str], case_id: str, elapsed: float) -> tuple[Any, Any]:
    raw = store.asset_case_dict(user, CO, codes, case_id=case_id, valuation_date=date(2025, 12, 31),
                                purpose="financial_reporting", value_type="value_in_use",
                                delta={"basis": "life", "elapsed_years": elapsed, "remaining_years": 3.0}, n_draws=200)
    case, errors = services.case_from_dict(user, raw, source=case_id)
    return case, services.value_engagement(user, case, prior_errors=errors)


def test_default_engagement_id_is_unique_and_an_id_is_never_replaced(users: dict[Role, User], company: str) -> None:
    app = users[Role.APPRAISER]
    base = f"{CO}-20251231"
    first = store.free_case_id(app, CO, base)
    assert first == base
    case, result = _run(app, ["H-001"], first, 1.0)
    store.save_valuation(app, CO, case, result)
    assert store.free_case_id(app, CO, base) == f"{base}-2"  # the next default replaces nothing
    # another valuation (other inputs) under the used id: refused, the first stays in the workpapers
    case2, result2 = _run(app, ["H-001"], first, 2.0)
    with pytest.raises(RegisterError, match=f"委托编号 {first} 已被另一组输入使用") as refused:
        store.save_valuation(app, CO, case2, result2)
    assert f"{base}-2" in str(refused.value)
    engs = store.engagements_with_results(app, CO)
    key = next(k for k, v in engs.items() if v.startswith(first + " "))
    _stored_case, stored = store.stored_case_result(app, key)
    assert stored.valuations[0].conclusion.value == pytest.approx(result.valuations[0].conclusion.value)
    # the same run saved again adds nothing; under the new id it is stored beside the first
    assert store.save_valuation(app, CO, case, result) == []
    case3, result3 = _run(app, ["H-001"], store.free_case_id(app, CO, base), 2.0)
    assert store.save_valuation(app, CO, case3, result3)
    assert {v.split(" · ")[0] for v in store.engagements_with_results(app, CO).values()} >= {base, f"{base}-2"}


def test_valuation_page_default_case_id_is_free(page: Any, users: dict[Role, User], company: str) -> None:
    at = page(users[Role.APPRAISER], "valuation", company=CO)
    at.radio(key="val_source").set_value("assets")
    at.run()
    at.date_input(key="val_vdate").set_value(date(2025, 12, 31))
    at.run()
    no_exception(at)
    assert at.text_input(key="val_case_id").value == store.free_case_id(users[Role.APPRAISER], CO, f"{CO}-20251231")
    assert at.text_input(key="val_case_id").value != f"{CO}-20251231"  # taken by the test above


# ------------------------------------------------------------------------------------------ 4 refusals at entry
GOOD_BATCH = (
    "asset_id,name,source,rights,w_cost,cost_planning,cost_construction,cost_operation,cost_indirect,"
    "cost_incurred_on,cost_delta_basis,cost_elapsed_years,cost_remaining_years,valuation_date\n"
    "B-1,批量一 batch one,purchase,holding,1,100000,300000,,,2025-12-10,life,1,3,2025-12-31\n"
)


def test_refused_batch_leaves_no_earlier_results(page: Any, users: dict[Role, User]) -> None:
    at = page(users[Role.APPRAISER], "valuation", company=CO)
    at.file_uploader(key="batch_upload").set_value(("good.csv", GOOD_BATCH.encode(), "text/csv"))
    at.run()
    next(b for b in at.button if b.key == "batch_run").click()
    at.run()
    no_exception(at)
    assert {m.label for m in at.metric} >= {"已估值", "失败"}
    at.file_uploader(key="batch_upload").set_value(("bad.csv", b"no,such\ncolumns,here\n", "text/csv"))
    at.run()
    next(b for b in at.button if b.key == "batch_run").click()
    at.run()
    no_exception(at)
    assert at.error, "the refusal is shown"
    assert not [m for m in at.metric if m.label in ("已估值", "失败")]
    assert not at.get("download_button") and "batch_result" not in at.session_state


def test_partial_quality_scores_are_refused_at_entry(page: Any, users: dict[Role, User], company: str) -> None:
    fin = users[Role.FINANCE]
    with pytest.raises(ImportRefused) as refused:
        store.add_asset(fin, company, {"asset_id": "H-Q", "name": "部分评分 partial", "source": "purchase",
                                       "rights": "holding", "q_accuracy": "0.9", "q_timeliness": "0.7"})
    assert sorted(i.column for i in refused.value.issues) == sorted(
        ["q_consistency", "q_completeness", "q_conformance", "q_accessibility"])
    at = page(fin, "register", company=company)
    at.text_input(key="new_code").input("H-Q")
    at.text_input(key="new_name").input("部分评分 partial")
    at.text_input(key="new_q_accuracy").input("0.9")
    next(b for b in at.button if b.label == "添加资产").click()
    at.run()
    no_exception(at)
    assert "质量评分须六项全填或全空" in texts(at)
    with pytest.raises(Exception, match="no data asset"):
        store.asset_detail(fin, company, "H-Q")


# ------------------------------------------------------------------------------------------ 5 disabled users
def test_disabled_users_next_action_is_refused(page: Any, users: dict[Role, User]) -> None:
    admin = users[Role.ADMIN]
    dora = store.add_user(admin, "dora", "dora-long-password", "finance", "Dora")
    assert store.companies(dora)  # works while active
    at = page(dora, "register", company=CO)
    no_exception(at)
    store.set_active(admin, "dora", False)
    with pytest.raises(PermissionDenied, match="已停用"):
        store.companies(dora)  # the session's copy still says active: the register decides
    with pytest.raises(PermissionDenied):
        store.add_asset(dora, CO, {"asset_id": "H-DORA", "name": "x", "source": "purchase", "rights": "holding"})
    at.run()  # the open session's next run
    no_exception(at)
    assert "账户已停用或不存在" in texts(at) and "user" not in at.session_state
    # a changed role takes effect at once too
    store.set_active(admin, "dora", True)
    stale_bank = User(id=dora.id, username="dora", role=Role.BANK)
    assert store.companies(stale_bank)
    with pytest.raises(PermissionDenied):
        services.pledge_case(stale_bank, {})  # dora is finance in the register, whatever the session says


# ------------------------------------------------------------------------------------------ 6 text as text
NASTY = '=HYPERLINK("http://evil.example/x","点我领取") [x](http://evil.example) **b** :red[r] a@b.cn www.evil.cn'


def test_markdown_and_formula_like_user_text_is_shown_as_text(page: Any, users: dict[Role, User],
                                                              company: str) -> None:
    shown = md(NASTY)
    import re

    for live in (r"\]\(", r"http://", r"\*\*", r":red\[", r"a@b", r"www\.e"):
        assert not re.search(r"(?<!\\)" + live, shown), live  # each opener of a link or format is escaped
    assert md("R-001 q_accuracy: expected a number in [0, 1]") == "R-001 q_accuracy: expected a number in [0, 1]"
    fin = users[Role.FINANCE]
    store.add_asset(fin, company, {"asset_id": "H-MD", "name": NASTY[:190], "source": "purchase",
                                   "rights": "holding"})
    at = page(fin, "register", company=company)
    at.selectbox(key="cost_asset").select("H-MD")
    at.run()
    no_exception(at)
    caption = next(c.value for c in at.caption if "HYPERLINK" in c.value)
    assert caption.startswith(md(NASTY[:190]))
    assert "http://" not in caption and "\\](" in caption


def test_tables_escape_markdown_in_cells() -> None:
    from app.safe import md_frame

    df = md_frame(pd.DataFrame({"名称": ["[x](http://e.cn)", "plain_name"], "n": [1, 2]}))
    assert list(df["名称"]) == ["[x\\](http:\u2060//e.cn)", "plain_name"] and list(df["n"]) == [1, 2]


# ------------------------------------------------------------------------------------------ 7 engine errors
def test_library_errors_never_reach_the_screen(page: Any, users: dict[Role, User], company: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    raw = "f(a) and f(b) must have different signs"
    shown = session.error_text(ValueError(raw))
    assert raw not in shown and shown.startswith("操作未完成") and "编号" in shown
    assert session.error_text(RegisterError("委托编号 X 已被使用")) == "委托编号 X 已被使用"  # a refusal is kept

    class Rec:
        asset_id, rule, field, message = "A-1", "ValueError", None, raw

    assert raw not in session.asset_error_text(Rec())
    Rec.rule, Rec.message = "rate_above_growth", "折现率须高于增长率"
    assert session.asset_error_text(Rec()) == "折现率须高于增长率"

    def boom(*_a: Any, **_k: Any) -> Any:
        raise ValueError(raw)

    monkeypatch.setattr(services, "value_engagement", boom)
    at = page(users[Role.APPRAISER], "valuation", company=CO)
    at.radio(key="val_source").set_value("assets")
    at.run()
    at.multiselect(key="val_assets").select("H-001")
    at.run()
    next(b for b in at.button if b.key == "val_run").click()
    at.run()
    no_exception(at)
    errors = " ".join(e.value for e in at.error)
    assert "操作未完成" in errors and raw not in errors


# ------------------------------------------------------------------------------------------ 8 CSV downloads
def test_csv_download_escapes_formula_like_cells(users: dict[Role, User]) -> None:
    from ledger_export.cells import FORMULA_LEADERS

    names = [f"{lead}HYPERLINK(\"http://e\")" for lead in FORMULA_LEADERS] + ["plain", "a=b"]
    table = pd.DataFrame({"asset_id": [f"A{i}" for i in range(len(names))], "name": names,
                          "value": [-5000.0] + [1.0] * (len(names) - 1)})
    out = pd.read_csv(io.BytesIO(services.batch_table_bytes(users[Role.APPRAISER], table, ".csv")), encoding="utf-8-sig",
                      keep_default_na=False)
    assert list(out["name"][:len(FORMULA_LEADERS)]) == [f"'{n}" for n in names[:len(FORMULA_LEADERS)]]
    assert list(out["name"][-2:]) == ["plain", "a=b"]
    assert out["value"][0] == -5000.0  # numbers stay numbers
    assert csv_safe(table)["name"].tolist()[0] == "'" + names[0]
