"""What an edited grid (``st.data_editor``) changed, as plain values the store accepts.

The grid hands back a DataFrame in which empty cells are NaN / None / NaT, integers may be floats and
dates may be Timestamps; these helpers turn it into the dicts the register functions take, so the
pages hold no conversion code of their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

ASSET_EDITABLE = ("name", "field", "region", "source", "rights", "records", "rights_term_end")
LINE_COLUMNS = ("id", "category", "item", "amount", "incurred_on", "evidence", "restate")


def _empty(v: Any) -> bool:
    return v is None or (not isinstance(v, list | tuple | dict) and bool(pd.isna(v)))


def _as_date(v: Any) -> date | None:
    return None if _empty(v) else pd.Timestamp(v).date()


def _clean(column: str, v: Any) -> Any:
    if _empty(v):
        return None
    if column in ("records", "id"):
        return int(v)
    if column in ("rights_term_end", "incurred_on"):
        return _as_date(v)
    if column == "amount":  # typed as text in the grid: kept as typed, checked by register.costs.parse_amount
        return (v.strip() or None) if isinstance(v, str) else float(v)
    if column == "restate":
        return bool(v)
    return str(v)


def asset_changes(original: pd.DataFrame, edited: pd.DataFrame,
                  columns: Iterable[str] = ASSET_EDITABLE) -> dict[str, dict[str, Any]]:
    """Per asset code, the editable columns whose value changed (new values cleaned; blank = None)."""
    out: dict[str, dict[str, Any]] = {}
    for i in range(len(original)):
        before, after = original.iloc[i], edited.iloc[i]
        diff = {}
        for col in columns:
            a, b = _clean(col, before[col]), _clean(col, after[col])
            if a != b:
                diff[col] = b
        if diff:
            out[str(before["code"])] = diff
    return out


def cost_line_rows(edited: pd.DataFrame) -> list[dict[str, Any]]:
    """The edited cost-line table as one dict per line (``id`` None for a new line, ``restate`` default True)."""
    rows = []
    for rec in edited.to_dict("records"):
        row = {col: _clean(col, rec.get(col)) for col in LINE_COLUMNS}
        if row["restate"] is None:
            row["restate"] = True
        rows.append(row)
    return rows


def lines_changed(before: pd.DataFrame, after: list[dict[str, Any]]) -> bool:
    """True when the edited lines differ from the lines read (added, removed or changed)."""
    return cost_line_rows(before) != after
