"""Writing user text into cells safely: never as a formula, never with characters Excel rejects.

Every piece of text that came from a user (asset names, descriptions, memos, evidence, reasons, account
names of a company's chart) goes through :func:`set_text_or_value` (random-access sheets) or
:func:`inert` (streamed, write-only sheets). Both store strings as text (data type ``s``), so a string
starting with ``=`` is never a formula; text starting with a character a spreadsheet treats as the
start of a formula when retyped (``= + - @``, tab, carriage return) also gets the *quote prefix*
(Excel's leading apostrophe), so editing the cell keeps it text. Control characters XML cannot carry
become U+FFFD, and text longer than Excel's 32,767-character cell limit is cut with a marker.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypeVar

import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell, MergedCell

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767
TRUNCATED = "…〔截断 truncated〕"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What a cell holds: text, a number (bool is an int, so a bool is one too), a date or datetime, or nothing.
Plain: TypeAlias = str | int | float | Decimal | date | None
_C = TypeVar("_C", bound=Cell | MergedCell)


def clean_text(value: str) -> str:
    """``value`` with illegal control characters replaced and cut to the cell limit."""
    text = _ILLEGAL.sub("\ufffd", value)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - len(TRUNCATED)] + TRUNCATED
    return text


def is_plain_text(value: str) -> bool:
    """True when ``value`` can be written as it is: no formula leader, no illegal character, not too long."""
    return (not value.startswith(FORMULA_LEADERS) and len(value) <= MAX_CELL_TEXT
            and _ILLEGAL.search(value) is None)


def set_text_or_value(cell: _C, value: Plain) -> _C:
    """Put ``value`` in ``cell``; strings are always stored as text (data type 's').

    openpyxl turns any string starting with '=' into a formula; forcing the text type keeps the user's
    text literally (it round-trips unchanged) and a spreadsheet program shows it as inert text. Text
    starting with a formula leader also gets the quote prefix. Control characters Excel cannot store are
    replaced by U+FFFD; text beyond 32,767 characters is cut (Excel's limit) with a marker.
    """
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
        if value.startswith(FORMULA_LEADERS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def inert(ws: WriteOnlyWorksheet, value: str) -> str | Cell:
    """User text for a streamed row: the string itself when it is plain, else a text cell made safe.

    A plain string appended to a write-only sheet is stored as text by openpyxl; anything else is routed
    through :func:`set_text_or_value`.
    """
    if is_plain_text(value):
        return value
    return set_text_or_value(WriteOnlyCell(ws), value)


def csv_safe(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` for a CSV file: a text cell a spreadsheet would read as a formula (starting with
    one of :data:`FORMULA_LEADERS`) gets Excel's quote prefix ``'``, as the workbooks keep such text inert;
    numbers (a negative amount included) stay numbers."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_LEADERS) else v)
    return out
