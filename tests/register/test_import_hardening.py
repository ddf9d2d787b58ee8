"""`db import` refuses, never reinterprets (defect 5): a negative count, a NUL in an id, true as an
amount, a cached #VALUE! as a name, an amount beyond the stated range — each located by sheet, row
and column, the register untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from ledger_export.case_template import ASSETS
from register import Register
from tests.register.test_import import _refused, _rows, _template, _write_csv
from tests.register.test_import import filled as filled  # the fixture


def _set(good: Path, out: Path, sheet: str, key: str, value: object, row: int = 3) -> tuple[Path, str]:
    wb = load_workbook(good)
    ws = wb[sheet]
    keys = [c.value for c in ws[1]]
    col = keys.index(key) + 1
    ws.cell(row, col).value = value
    wb.save(out)
    return out, f"{ws.cell(row, col).column_letter} ({key})"


@pytest.mark.parametrize(("sheet", "key", "value", "expected"), [
    (ASSETS, "asset.records", -5, "greater than or equal to 0"),
    (ASSETS, "asset.asset_id", "PARK\x7f001", "含控制字符"),  # openpyxl cannot even write a NUL
    (ASSETS, "asset.name", "#VALUE!", "单元格为 Excel 错误值"),
    ("表 cost.lines", "amount", True, "true/false is not a number"),
    ("表 cost.lines", "amount", 1e308, "金额超出范围"),
], ids=["negative-records", "control-char-in-id", "cached-value-error", "true-amount", "huge-amount"])
def test_db_import_template_refuses_bad_cells(sheet: str, key: str, value: object, expected: str,
                                              filled: Register, tmp_path: Path) -> None:
    good = _template(tmp_path / "good.xlsx")
    path, where = _set(good, tmp_path / "bad.xlsx", sheet, key, value)
    issues = _refused(filled, path)
    hits = [i for i in issues if i[0] == sheet and i[1] == 3 and i[2] is not None and i[2].startswith(where)]
    assert hits and expected in hits[0][3], issues


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("records", "-5", "计数超出范围 records out of range"),
    ("asset_id", "DA\x00X", "含控制字符"),
    ("name", "#VALUE!", "单元格为 Excel 错误值"),
    ("cost_planning", "true", "expected a number for this amount (CNY)"),
    ("cost_planning", "1e308", "金额超出范围 cost_planning out of range"),
    ("rights_term_end", "2300-01-01", "日期超出范围"),
], ids=["negative-records", "nul-in-id", "cached-value-error", "true-amount", "huge-amount", "far-date"])
def test_db_import_csv_refuses_bad_cells(column: str, value: str, expected: str, filled: Register,
                                         tmp_path: Path) -> None:
    header, rows = _rows(3)
    rows[1][header.index(column)] = value
    issues = _refused(filled, _write_csv(tmp_path / "bad.csv", header, rows))
    assert any(row == 3 and col == column and expected in msg for _, row, col, msg in issues), issues


def test_db_import_template_with_a_damaged_sheet_is_refused_naming_the_sheet(filled: Register,
                                                                             tmp_path: Path) -> None:
    """The workbook opens; its assets sheet's XML is cut short: refused naming the sheet, not an internal error."""
    from tests.xlsx_damage import cut_sheet

    path = cut_sheet(_template(tmp_path / "good.xlsx"), tmp_path / "damaged.xlsx", ASSETS)
    issues = _refused(filled, path)
    assert [(s, r, c) for s, r, c, _ in issues] == [(ASSETS, None, None)]
    assert issues[0][3].startswith("工作表内容已损坏，无法读取 the sheet cannot be read")
