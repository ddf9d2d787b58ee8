"""Layout of the exported workbook: sheets in Chinese with English, live formulas where the arithmetic is,
key inputs as defined names, CNY formats, frozen headers, widths and print set-up, every engine tie on
the 校验 sheet, the cover's fingerprints; and the writer streams (write-only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from ledger_export.style import CNY, DATE
from ledger_export.workbook import Book, Formula
from tests.ledger_export.conftest import Exported

BOOK_SHEETS = ["凭证 Journal", "总账 General ledger", "明细账 Subledger", "科目余额表 Trial balance",
               "资产负债表摘录 Balance sheet", "附注表A Table A", "附注表B Table B", "附注 Notes"]
PLEDGE_SHEETS = ["授信摘要 Summary", "还款计划 Schedule", "押品路径 Path", "预警与压力 Covenants"]


@pytest.fixture(scope="module")
def full(workbooks: dict[str, Exported]) -> tuple[Any, Exported]:
    w = workbooks["full-2"]  # self-developed books; parking valuation (cost, income, market); bullet-loan pledge
    return load_workbook(w.path), w


def _formula(wb: Any, name: str) -> str:
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    value = wb[sheet][ref.replace("$", "")].value
    return str(value)


def test_sheets_in_order_chinese_first(full: tuple[Any, Exported]) -> None:
    wb, _ = full
    names = wb.sheetnames
    assert names[0] == "封面 Cover" and names[-1] == "校验 Checks"
    assert names[1:9] == BOOK_SHEETS
    assert names[9:14] == ["成本法 Cost", "收益法 Income", "市场法 Market", "评估结论 Conclusion", "敏感性与模拟 Sensitivity"]
    assert names[14:18] == PLEDGE_SHEETS
    for n in names:
        assert re.match(r"[\u4e00-\u9fff]+\S* [A-Z]", n), n  # Chinese first, English beside


def test_layout_formats_and_print_setup(full: tuple[Any, Exported]) -> None:
    wb, _ = full
    j = wb["凭证 Journal"]
    assert j.freeze_panes == "C2" and j.print_title_rows == "$1:$1"
    assert j.page_setup.orientation == "landscape" and j.page_setup.fitToWidth == 1
    assert j.sheet_properties.pageSetUpPr.fitToPage
    assert j.column_dimensions["H"].width == 36
    assert j["A1"].font.bold and j["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    amounts = [c for c in j["L"][1:] if isinstance(c.value, int | float)]
    assert amounts and all(c.number_format == CNY for c in amounts)
    assert all(c.number_format == DATE for c in j["B"][1:] if c.value is not None and not isinstance(c.value, str))
    tb = wb["科目余额表 Trial balance"]
    assert tb.freeze_panes == "D3" and tb.print_title_rows == "$1:$2"
    for ws in wb.worksheets:
        assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.column_dimensions["A"].width, ws.title


def test_live_formulas_where_the_arithmetic_is(full: tuple[Any, Exported]) -> None:
    wb, w = full
    assert _formula(wb, "journal_total_debit").startswith("=SUM($L$2:$L$")
    assert _formula(wb, "journal_period_debit").startswith("=SUMIFS(")
    assert _formula(wb, "tb_closing_debit").startswith("=SUM(I")
    assert _formula(wb, "bs_intangible_data").startswith("=('科目余额表 Trial balance'!$I$")
    p = "PARK_001"
    assert _formula(wb, f"{p}_C").startswith("=SUM(H")  # C = Σ categories
    assert _formula(wb, f"{p}_P_cost") == f"={p}_C*{p}_delta"  # P = C × δ
    assert _formula(wb, f"{p}_delta_q").startswith("=SUMPRODUCT(")  # δ = Σ w·s
    assert _formula(wb, f"{p}_i").startswith("=SUM(C")  # i = Σ components
    assert _formula(wb, f"{p}_V").startswith("=SUMPRODUCT(")  # V = Σ w_m V_m
    texts = [e.formula for e in w.report.expectations]
    assert any(f"=(1+{p}_i)^(-M" in t for t in texts)  # DF = (1 + i)^(−t)
    assert any(re.fullmatch(r"=L\d+\*N\d+", t) for t in texts)  # PV = F × DF
    assert any(re.fullmatch(r"=E(\d+)\*F\1\*G\1\*H\1\*I\1\*O\1", t) for t in texts)  # P' = Q × X1…X5
    assert any(re.fullmatch(r"=PRODUCT\(J(\d+):N\1\)", t) for t in texts)  # X5 = Π items
    assert any(t.startswith("=MIN(") for t in texts) and any("MAX(0," in t for t in texts)  # memo
    assert sum(1 for t in texts if re.fullmatch(r"=I\d+\+G\d+-H\d+", t)) > 5  # subledger running balance


def test_key_inputs_are_defined_names(full: tuple[Any, Exported]) -> None:
    wb, _ = full
    names = set(wb.defined_names)
    assert {"as_of", "period_start", "checks_result", "max_loan", "collateral_value", "liquidation_value",
            "requested"} <= names
    p = "PARK_001"
    assert {f"{p}_{k}" for k in ("I_val", "r_opp", "hold_years", "tax_rate", "delta_q", "delta", "C", "P_cost", "i",
                                 "T", "tau", "d", "P_income", "P_market", "V", "w_cost", "w_income", "w_market")} <= names
    ((sheet, _ref),) = list(wb.defined_names[f"{p}_i"].destinations)
    assert sheet == "收益法 Income"


def test_every_engine_tie_is_on_the_check_sheet(full: tuple[Any, Exported]) -> None:
    wb, w = full
    books = w.source["books"][2]
    listed = {r[10] for r in wb["校验 Checks"].iter_rows(min_row=2, values_only=True) if r[10]}
    engine = {t.name for t in books.table_a.ties} | {t.name for t in books.table_b.ties} | {c.name for c in books.checks
                                                                                         if "Table" not in c.name}
    assert engine <= listed
    rows = [r for r in wb["校验 Checks"].iter_rows(min_row=2) if r[8].value is not None]
    assert all(str(r[8].value).startswith("=IF(ABS(G") for r in rows if isinstance(r[0].value, int))


def test_cover(full: tuple[Any, Exported]) -> None:
    wb, w = full
    cover = {r[0]: r[1:] for r in wb["封面 Cover"].iter_rows(values_only=True) if r and r[0]}
    assert cover["引擎版本 engine version"][0].startswith("dataval ")
    assert cover["编制人 preparer"][0] == "测试 tester"
    assert cover["校验结论 checks"][0] == "=checks_result"
    hashes = [r[2] for r in wb["封面 Cover"].iter_rows(values_only=True) if r and isinstance(r[2], str)
              and re.fullmatch(r"[0-9a-f]{64}", r[2])]
    assert len(hashes) == 3  # accounting case, valuation case, pledge case
    assert w.source["valuation"][2].inputs_fingerprint in hashes


def test_the_writer_streams(tmp_path: Path) -> None:
    book = Book()
    assert book.wb.write_only
    sh = book.sheet("测试 Test", {"A": 10})
    assert sh.append([1, Formula("=A1*2", 2)]) == 1
    with pytest.raises(ValueError, match="starts with '='"):
        Formula("SUM(A1)", 0)
    with pytest.raises(ValueError, match="31"):
        book.sheet("很长的工作表名称 A sheet title far too long", {})
    assert book.prefix("PARK-001") == "PARK_001" and book.prefix("PARK_001") == "PARK_001_2"
    assert book.prefix("2024数据") == "a_2024"
    book.save(tmp_path / "t.xlsx")  # a streamed sheet is finished when the workbook is saved
    assert not (tmp_path / "t.xlsx.tmp").exists()
    assert load_workbook(tmp_path / "t.xlsx")["测试 Test"]["B1"].value == "=A1*2"
