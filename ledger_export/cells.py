"""Writing user text into cells safely: never as a formula, never with characters Excel rejects."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def set_text_or_value(cell: Cell | MergedCell, value: Any) -> Cell | MergedCell:
    """Put ``value`` in ``cell``; strings are always stored as text (data type 's').

    openpyxl turns any string starting with '=' into a formula; forcing the text type keeps the user's
    text literally (it round-trips unchanged) and a spreadsheet program shows it as inert text. Control
    characters Excel cannot store are replaced by U+FFFD.
    """
    if isinstance(value, str):
        cell.value = _ILLEGAL.sub("\ufffd", value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell
