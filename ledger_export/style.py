"""Shared look of the workbooks: header style, CNY and ratio number formats, widths, print set-up."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

CNY = '#,##0.00;[Red]-#,##0.00'
RATIO = "0.00%"
FACTOR = "0.0000"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)


def header_row(ws: Worksheet, row: int, labels: list[str]) -> None:
    """Bold shaded headers on ``row``."""
    for j, label in enumerate(labels, start=1):
        cell = ws.cell(row, j, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def finish_sheet(ws: Worksheet, widths: dict[str, float], *, freeze: str | None = None, landscape: bool = False) -> None:
    """Column widths, frozen panes and print set-up (fit to one page wide)."""
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    if freeze:
        ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False


def first_sheet(wb: Workbook, title: str) -> Worksheet:
    """The new workbook's first sheet, renamed ``title``."""
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = title
    return ws
