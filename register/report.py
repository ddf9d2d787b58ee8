"""The import error report: every problem by sheet, row, column, as an Excel workbook (atomic write)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ledger_export.cells import set_text_or_value
from ledger_export.style import finish_sheet, header_row
from register.errors import ImportIssue

SHEET = "错误 Errors"
HEADERS = ["工作表 Sheet", "行 Row", "列 Column", "资产编号 Asset", "问题 Problem"]


def write_issue_report(issues: Sequence[ImportIssue], path: Path, *, source: str) -> Path:
    """Write ``issues`` to ``path`` (.xlsx): one row per problem, in the order found."""
    wb = Workbook()
    ws: Any = wb.active
    ws.title = SHEET
    set_text_or_value(ws.cell(1, 1), f"导入错误报告 import error report — {source}: {len(issues)} problem(s); "
                                     "nothing was written to the register")
    header_row(ws, 2, HEADERS)
    for i, issue in enumerate(issues, start=3):
        set_text_or_value(ws.cell(i, 1), issue.sheet)
        if issue.row is not None:
            ws.cell(i, 2, issue.row)
        set_text_or_value(ws.cell(i, 3), issue.column or "")
        set_text_or_value(ws.cell(i, 4), issue.asset_id or "")
        set_text_or_value(ws.cell(i, 5), issue.message)
    finish_sheet(ws, {"A": 24, "B": 8, "C": 28, "D": 18, "E": 90}, freeze="A3")
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path
