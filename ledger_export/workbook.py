"""The streaming workbook every export writes into: rows appended once, formulas that know their figure.

:class:`Book` wraps an openpyxl *write-only* workbook, so memory stays bounded however long the ledger:
each sheet is streamed to disk row by row. A sheet is a :class:`Sheet` that appends rows and knows the
number of the row it is on, so a formula can point at cells already written (and at rows about to be
written, whose numbers are computed ahead).

Cells of a row are given as:

- :class:`Formula` — a live formula with the engine's own figure it must show once a spreadsheet
  program calculates it (``expect``). The book records every formula with its figure when
  ``record=True``; the LibreOffice test recalculates the file and compares each of them to the fen.
- :class:`Styled` — a value with a number format, bold or fill.
- a plain value (:data:`ledger_export.cells.Plain`): numbers and dates get the column's default
  format; text is user text and is written inert (:func:`ledger_export.cells.inert`).

Key inputs and results get workbook-level defined names (:meth:`Book.define`); the tie checks
registered with :meth:`Book.check` become the 校验 Checks sheet (:mod:`ledger_export.checks`).

Temporary files: openpyxl spools every sheet to a temporary file (``openpyxl.*`` in the system temp
folder) and deletes them only after the save or at exit — a ``kill -9`` meanwhile would leave them in
``/tmp``. Inside :func:`temp_files_in` they are made in the destination's folder instead (hidden
``.openpyxl.*.tmp`` files, beside the ``<name>.tmp`` the workbook is written through and renamed
from), so nothing is ever left in the system temp folder.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink

from ledger_export.cells import Plain, inert, set_text_or_value
from ledger_export.style import (
    BACK_LINK,
    BOLD,
    DATE,
    HEADER_ALIGN,
    HEADER_FILL,
    INPUT_FILL,
    LINK_FONT,
    SECTION_FILL,
    TITLE_FONT,
    WRAP,
    finish_sheet,
    print_header_footer,
    sheet_index,
)

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    from ledger_export.style import HeaderFooterLayout, SheetLayout

Kind = Literal["money", "ratio", "text", "count"]
Expect: TypeAlias = Decimal | float | int | str | None
Fill = Literal["header", "section", "input"]
_StyleKey = tuple[str | None, bool, Fill | None, bool, bool]

_LETTERS = [get_column_letter(j) for j in range(1, 100)]


def col(j: int) -> str:
    """Column letter of column number ``j`` (1-based)."""
    return _LETTERS[j - 1] if j < 100 else get_column_letter(j)


@dataclass(frozen=True, slots=True)
class Formula:
    """A live formula (``text`` starts with ``=``) and the engine's figure it must evaluate to.

    ``kind`` says how the figure is compared after recalculation: ``money`` to the fen, ``ratio`` to
    1e-9 relative, ``text`` and ``count`` exactly.
    """

    text: str
    expect: Expect
    kind: Kind = "money"
    fmt: str | None = None
    bold: bool = False

    def __post_init__(self) -> None:
        if not self.text.startswith("="):
            raise ValueError(f"a formula starts with '=': {self.text!r}")


@dataclass(frozen=True, slots=True)
class Styled:
    """A value with its look: number format, bold, a fill (header, section, input) and wrapping."""

    value: Plain
    fmt: str | None = None
    bold: bool = False
    fill: Fill | None = None
    wrap: bool = False
    title: bool = False
    link: str | None = None  # a sheet of the workbook to link to (its A1), e.g. the cover's contents table


# A cell of a row given to :meth:`Sheet.append`: a live formula, a styled value or a plain value.
CellInput: TypeAlias = Formula | Styled | Plain
# Called with (sheet title, the row as plain values) for every row written.
Tee: TypeAlias = Callable[[str, list[Plain]], None]


@dataclass(frozen=True, slots=True)
class Expectation:
    """One formula cell of the workbook and the figure it must show (what the LibreOffice test checks)."""

    sheet: str
    cell: str
    formula: str
    expect: Expect
    kind: Kind


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One tie for the 校验 sheet: left and right side, tolerance, and the engine's own verdict."""

    section: str
    name_zh: str
    name_en: str
    left: CellInput
    right: CellInput
    expect_difference: float | Decimal
    tolerance: float = 0.005
    engine_ok: bool | None = None
    engine_name: str = ""


@dataclass
class Book:
    """A write-only workbook with its formula expectations, defined names and registered checks."""

    record: bool = False
    wb: Workbook = field(default_factory=lambda: Workbook(write_only=True))
    expectations: list[Expectation] = field(default_factory=list)
    checks: list[CheckRow] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # name -> reference
    sheets: list[Sheet] = field(default_factory=list)
    n_formulas: int = 0
    tee: Tee | None = None  # sees each row as plain values (the benchmark's baseline)
    home: str | None = None  # the cover: every sheet made after it links back to it (beside its first row)
    _prefixes: dict[str, str] = field(default_factory=dict)
    _styles: dict[_StyleKey, StyleArray] = field(default_factory=dict)

    def sheet(self, title: str, widths: dict[str, float], *, freeze: str | None = "A2",
              landscape: bool = False, title_rows: str | None = "1:1",
              formats: dict[int, str] | None = None) -> Sheet:
        """A new streamed sheet with its widths, frozen panes, print set-up and default column formats."""
        if len(title) > 31:
            raise ValueError(f"sheet title {title!r} is longer than Excel's 31 characters")
        ws = self.wb.create_sheet(title)
        n_cols = max((column_index_from_string(c) for c in widths), default=1)
        if self.home is not None:  # the back link's column, right of the sheet's own (outside the print area)
            widths = {**widths, col(n_cols + 1): 20}
        finish_sheet(ws, widths, freeze=freeze, landscape=landscape, title_rows=title_rows)
        s = Sheet(self, ws, title, formats or {})
        s.max_col = n_cols
        self.sheets.append(s)
        return s

    # ------------------------------------------------------------------ names
    def define(self, name: str, sheet: Sheet, column: int, row: int) -> str:
        """Give the cell a workbook-level defined name; returns the name (must be new)."""
        if not _NAME.fullmatch(name) or _CELL_LIKE.fullmatch(name):
            raise ValueError(f"not a usable defined name: {name!r}")
        if name.lower() in {n.lower() for n in self.names}:
            raise ValueError(f"defined name {name!r} is used twice")
        ref = f"{quote(sheet.title)}!${col(column)}${row}"
        self.names[name] = ref
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)
        return name

    def prefix(self, asset_id: str) -> str:
        """A defined-name prefix for an asset: letters, digits and '_' only, unique in the workbook."""
        if asset_id in self._prefixes:
            return self._prefixes[asset_id]
        base = re.sub(r"[^A-Za-z0-9_]", "_", asset_id).strip("_") or "asset"
        if not base[0].isalpha():
            base = "a_" + base
        p, k = base, 2
        taken = {v.lower() for v in self._prefixes.values()}
        while p.lower() in taken:
            p, k = f"{base}_{k}", k + 1
        self._prefixes[asset_id] = p
        return p

    # ------------------------------------------------------------------ checks
    def check(self, section: str, name_zh: str, name_en: str, left: CellInput, right: CellInput, *,
              expect_difference: float | Decimal = 0, tolerance: float = 0.005, engine_ok: bool | None = None,
              engine_name: str = "") -> None:
        """Register a tie for the 校验 sheet (written last, when every referenced cell exists)."""
        self.checks.append(CheckRow(section, name_zh, name_en, left, right, expect_difference, tolerance,
                                    engine_ok, engine_name))

    # ------------------------------------------------------------------ styles
    def _style(self, ws: WriteOnlyWorksheet, fmt: str | None, bold: bool, fill: Fill | None, wrap: bool,
               title: bool) -> StyleArray:
        key: _StyleKey = (fmt, bold, fill, wrap, title)
        arr = self._styles.get(key)
        if arr is None:
            probe = WriteOnlyCell(ws)
            if fmt:
                probe.number_format = fmt
            if title:
                probe.font = TITLE_FONT
            elif bold or fill == "header":
                probe.font = BOLD
            if fill:
                probe.fill = _FILLS[fill]
            if fill == "header":
                probe.alignment = HEADER_ALIGN
            elif wrap:
                probe.alignment = WRAP
            arr = cast(_HasStyleArray, probe)._style or StyleArray()
            self._styles[key] = arr
        return arr

    def set_expect(self, sheet: str, cell: str, value: Expect) -> None:
        """Fill in the figure of a formula written before it was known (e.g. the cover's check summary)."""
        for i, e in enumerate(self.expectations):
            if e.sheet == sheet and e.cell == cell:
                self.expectations[i] = Expectation(e.sheet, e.cell, e.formula, value, e.kind)

    def print_ready(self, company: str) -> None:
        """Make every sheet ready to print and file: the workpaper header (被审计单位, sheet name, 索引号
        A-00, A-01, … in sheet order) and footer (编制人 / 复核人 with dates, 第 &P 页 共 &N 页), a print area
        over the sheet's columns and rows (and chart) and repeated title rows (the first row where the
        sheet set none). Call once, after the last row and before :meth:`save`."""
        for k, sh in enumerate(self.sheets):
            ws = sh.ws
            print_header_footer(cast("HeaderFooterLayout", ws), company, sheet_index(k))
            last = max(sh.max_col, _chart_last_column(ws))
            ws.print_area = f"A1:{col(last)}{max(sh.row, 1)}"
            if ws.print_title_rows is None and sh.row >= 1:
                ws.print_title_rows = "1:1"

    def save(self, path: Path) -> None:
        """Write the workbook atomically (temporary file, then rename)."""
        tmp = path.with_name(path.name + ".tmp")
        try:
            self.wb.save(tmp)
            tmp.replace(path)
        finally:
            if tmp.exists():
                tmp.unlink()


_SPOOL: ContextVar[Path | None] = ContextVar("dataval_openpyxl_spool", default=None)


def _route_openpyxl_temp_files() -> None:
    """Wrap openpyxl's ``create_temporary_file`` (looked up at each call by its sheet writer) so that
    it creates the file in the folder of :func:`temp_files_in` when one is set; once per process."""
    import openpyxl.worksheet._writer as writer

    original = writer.create_temporary_file
    if getattr(original, "dataval_routed", False):
        return

    def create_temporary_file(suffix: str = "") -> str:
        folder = _SPOOL.get()
        if folder is None:
            return cast(str, original(suffix))
        fd, name = tempfile.mkstemp(suffix=f"{suffix}.tmp", prefix=".openpyxl.", dir=folder)
        os.close(fd)
        writer.ALL_TEMP_FILES.append(name)  # removed after the save (or at exit), as openpyxl's own
        return name

    create_temporary_file.dataval_routed = True  # type: ignore[attr-defined]
    writer.create_temporary_file = create_temporary_file


@contextmanager
def temp_files_in(folder: Path) -> Iterator[None]:
    """openpyxl's temporary sheet files are made in ``folder`` (the destination's) while inside."""
    _route_openpyxl_temp_files()
    token = _SPOOL.set(Path(folder))
    try:
        yield
    finally:
        _SPOOL.reset(token)


_FILLS: dict[Fill, PatternFill] = {"header": HEADER_FILL, "section": SECTION_FILL, "input": INPUT_FILL}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_CELL_LIKE = re.compile(r"(?i)[a-z]{1,3}[0-9]+|r[0-9]*c[0-9]*|true|false")


def quote(title: str) -> str:
    """A sheet title as it appears in a formula: 'title' with quotes doubled."""
    return "'" + title.replace("'", "''") + "'"


class Sheet:
    """A streamed sheet: append rows, know the current row number, reference cells."""

    def __init__(self, book: Book, ws: WriteOnlyWorksheet, title: str, formats: dict[int, str]) -> None:
        self.book = book
        self.ws = ws
        self.title = title
        self.row = 0
        self.formats = formats
        self.max_col = 1  # the widest of the sheet's columns and rows (its print area)

    def ref(self, column: int, row: int, *, absolute: bool = True, external: bool = True) -> str:
        """A reference to a cell of this sheet, e.g. ``'凭证 Journal'!$L$5``."""
        c = f"${col(column)}${row}" if absolute else f"{col(column)}{row}"
        return f"{quote(self.title)}!{c}" if external else c

    def area(self, column: int, first: int, last: int, *, external: bool = True) -> str:
        """``'sheet'!$L$2:$L$9`` (a column range)."""
        c = f"${col(column)}${first}:${col(column)}${last}"
        return f"{quote(self.title)}!{c}" if external else c

    def _cell(self, value: CellInput, j: int, bold: bool = False) -> Cell | Plain:
        ws = self.ws
        if value is None:
            return None
        if isinstance(value, Formula):
            cell = WriteOnlyCell(ws, value=value.text)
            fmt = value.fmt or self.formats.get(j)
            if fmt or value.bold or bold:
                _restyle(cell, self.book._style(ws, fmt, value.bold or bold, None, False, False))
            self.book.n_formulas += 1
            if self.book.record:
                self.book.expectations.append(Expectation(self.title, f"{col(j)}{self.row}", value.text,
                                                          value.expect, value.kind))
            return cell
        if isinstance(value, Styled):
            styled = set_text_or_value(WriteOnlyCell(ws), _plain(value.value))
            fmt = value.fmt or (self.formats.get(j) if not isinstance(value.value, str) else None)
            if isinstance(value.value, date) and not fmt:
                fmt = DATE
            _restyle(styled, self.book._style(ws, fmt, value.bold or bold, value.fill, value.wrap, value.title))
            if value.link is not None:
                styled.hyperlink = Hyperlink(ref="", location=f"{quote(value.link)}!A1")
                styled.font = LINK_FONT
            return styled
        if isinstance(value, str):
            if bold:
                return self._cell(Styled(value, bold=True), j)
            return inert(ws, value)
        if isinstance(value, bool):
            return value
        fmt = self.formats.get(j)
        if isinstance(value, date | datetime):
            fmt = fmt or DATE
        if fmt or bold:
            cell = WriteOnlyCell(ws)
            cell.value = value  # set after construction: the stubs' WriteOnlyCell takes no Decimal
            _restyle(cell, self.book._style(ws, fmt, bold, None, False, False))
            return cell
        return value

    def append(self, values: Sequence[CellInput] = (), *, bold: bool = False) -> int:
        """Append one row; returns its number."""
        self.row += 1
        cells = [self._cell(v, j, bold) for j, v in enumerate(values, start=1)]
        self.max_col = max(self.max_col, len(cells))
        home = self.book.home
        if self.row == 1 and home is not None and home != self.title:  # the link back to the cover
            cells += [None] * (self.max_col - len(cells))
            cells.append(self._cell(Styled(BACK_LINK, link=home), self.max_col + 1))
        self.ws.append(cells)
        if self.book.tee is not None:
            self.book.tee(self.title, [plain_value(v) for v in values])
        return self.row

    def header(self, labels: Iterable[str]) -> int:
        """A shaded bold header row."""
        return self.append([Styled(label, fill="header") for label in labels])

    def section(self, text: str, width: int = 1) -> int:
        """A shaded section heading (user text allowed)."""
        return self.append([Styled(text, bold=True, fill="section")] + [Styled("", fill="section")] * (width - 1))

    def title_row(self, text: str) -> int:
        return self.append([Styled(text, title=True)])

    def blank(self) -> int:
        return self.append([])

    def kv(self, label: str, value: CellInput, note: CellInput = None) -> int:
        """A label / value (/ note) row."""
        return self.append([label, value] + ([note] if note is not None else []))


def plain_value(v: CellInput) -> Plain:
    """What a cell holds, without its look: a formula's text, a styled cell's value."""
    if isinstance(v, Formula):
        return v.text
    if isinstance(v, Styled):
        return _plain(v.value)
    return v


def _chart_last_column(ws: WriteOnlyWorksheet) -> int:
    """The last column a chart of the sheet reaches (0 without one), from its anchor cell and width (cm)
    over the sheet's column widths."""
    last = 0
    dims = cast("SheetLayout", ws).column_dimensions
    for chart in getattr(ws, "_charts", []):
        anchor = chart.anchor if isinstance(chart.anchor, str) else "A1"
        j = column_index_from_string(re.sub(r"\d+", "", anchor))
        left = chart.width  # cm still to cover, from the anchor column on
        while left > 0:
            width = dims[col(j)].width if col(j) in dims else None
            left -= ((width or 8.43) * 7 + 5) / 96 * 2.54  # characters -> pixels -> cm
            j += 1
        last = max(last, j - 1)
    return last


class _HasStyleArray(Protocol):
    """A cell's style array: a slot of every openpyxl cell that the openpyxl stubs do not declare."""

    _style: StyleArray


def _restyle(cell: Cell, style: StyleArray) -> None:
    """Give a write-only cell a cached style (a copy of the style array: cells never share one)."""
    cast(_HasStyleArray, cell)._style = copy(style)


def _plain(v: Plain) -> Plain:
    """Enums as their value, so a cell never holds a Python object."""
    value = getattr(v, "value", v)
    return value if isinstance(value, str | int | float | Decimal | date | datetime | bool) or value is None \
        else str(value)
