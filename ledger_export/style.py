"""Shared look of the workbooks: header style, CNY, ratio and date formats, widths, print set-up."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

if TYPE_CHECKING:
    from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder
    from openpyxl.worksheet.header_footer import HeaderFooterItem
    from openpyxl.worksheet.page import PrintOptions, PrintPageSetup
    from openpyxl.worksheet.properties import WorksheetProperties

CNY = '#,##0.00;[Red]-#,##0.00'
RATIO = "0.00%"
FACTOR = "0.0000"
FACTOR_LONG = "0.000000"
YEARS = "0.0000"
INTEGER = "0"
DATE = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # key inputs (defined names)
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
LINK_FONT = Font(color="0563C1", underline="single")
BACK_LINK = "← 返回封面 Cover"
# Printed on every page (Excel header/footer codes: &P page, &N pages, &A the sheet's name, && a literal &).
HEADER_COMPANY = "被审计单位 Entity："
HEADER_INDEX = "索引号 Index："
FOOTER_PREPARED = "编制人 Prepared by：__________  日期 Date：__________"
FOOTER_PAGES = "第 &P 页 共 &N 页"
FOOTER_REVIEWED = "复核人 Reviewed by：__________  日期 Date：__________"
_HF_COMPANY_MAX = 80  # Excel allows 255 characters for a whole header


class SheetLayout(Protocol):
    """What :func:`finish_sheet` sets: widths, frozen panes, print titles and page set-up.

    A random-access ``Worksheet`` has all of it; so has a write-only sheet at run time (openpyxl sets
    both up alike), although the openpyxl stubs declare none of it on ``WriteOnlyWorksheet``.
    """

    column_dimensions: DimensionHolder[str, ColumnDimension]
    page_setup: PrintPageSetup
    print_options: PrintOptions
    sheet_properties: WorksheetProperties

    @property
    def freeze_panes(self) -> str | None: ...
    @freeze_panes.setter
    def freeze_panes(self, top_left_cell: str | None) -> None: ...
    @property
    def print_title_rows(self) -> str | None: ...
    @print_title_rows.setter
    def print_title_rows(self, rows: str | None) -> None: ...


class HeaderFooterLayout(Protocol):
    """The page header and footer of a sheet (random-access or write-only: the openpyxl stubs declare
    them on ``Worksheet`` only)."""

    @property
    def oddHeader(self) -> HeaderFooterItem: ...
    @property
    def oddFooter(self) -> HeaderFooterItem: ...


def header_row(ws: Worksheet, row: int, labels: list[str]) -> None:
    """Bold shaded headers on ``row`` (random-access sheets)."""
    for j, label in enumerate(labels, start=1):
        cell = ws.cell(row, j, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGN


def finish_sheet(ws: SheetLayout, widths: dict[str, float], *, freeze: str | None = None, landscape: bool = False,
                 title_rows: str | None = None) -> None:
    """Column widths, frozen panes and print set-up (fit to one page wide, header rows repeated).

    On a write-only sheet this must be called before the first row is appended.
    """
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    if freeze:
        ws.freeze_panes = freeze
    if title_rows:
        ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.gridLines = False


def sheet_index(position: int) -> str:
    """The workpaper index (索引号) of the sheet at ``position`` in the workbook: the cover is A-00, the
    sheets of its contents table A-01, A-02, … in order."""
    return f"A-{position:02d}"


def header_text(text: str) -> str:
    """User text made safe for a header or footer section: no control characters, ``&`` doubled (a single
    ``&`` starts a header code), at most 80 characters."""
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()
    if len(text) > _HF_COMPANY_MAX:
        text = text[: _HF_COMPANY_MAX - 1] + "…"
    return text.replace("&", "&&")


def print_header_footer(ws: HeaderFooterLayout, company: str, index: str) -> None:
    """The workpaper header (被审计单位 / sheet name / 索引号) and footer (编制人 and 复核人 with dates to fill
    in by hand, 第 &P 页 共 &N 页) printed on every page; written when the workbook is saved, so a
    write-only sheet may get it at any time before."""
    ws.oddHeader.left.text = HEADER_COMPANY + header_text(company)
    ws.oddHeader.center.text = "&A"
    ws.oddHeader.right.text = HEADER_INDEX + header_text(index)
    ws.oddFooter.left.text = FOOTER_PREPARED
    ws.oddFooter.center.text = FOOTER_PAGES
    ws.oddFooter.right.text = FOOTER_REVIEWED


def first_sheet(wb: Workbook, title: str) -> Worksheet:
    """The new workbook's first sheet, renamed ``title``."""
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = title
    return ws
