"""What the grids hand back (NaN, NaT, floats for integers, Timestamps) turned into the store's values."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from app.editing import asset_changes, cost_line_rows, lines_changed


def _assets() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["A-1", "A-2", "A-3"], "name": ["一", "二", "三"], "field": ["retail", None, "energy"],
        "region": [None, None, "Zhejiang"], "source": ["purchase", "licence", None],
        "rights": ["holding", None, None], "records": [100, None, 5],
        "rights_term_end": [date(2027, 6, 30), None, None],
    })


def test_asset_changes_only_what_moved() -> None:
    original = _assets()
    edited = original.copy()
    assert asset_changes(original, edited) == {}
    # as the grid returns it: NaN for blanks, floats for integers, a Timestamp for a picked date
    edited = edited.astype(object)
    edited.loc[1, "field"] = np.nan
    edited.loc[0, "records"] = 100.0               # same value as a float: no change
    edited.loc[1, "records"] = 2500.0
    edited.loc[0, "rights_term_end"] = pd.Timestamp("2028-12-31")
    edited.loc[2, "region"] = None                  # cleared
    edited.loc[2, "name"] = "三（更正）"
    assert asset_changes(original, edited) == {
        "A-1": {"rights_term_end": date(2028, 12, 31)},
        "A-2": {"records": 2500},
        "A-3": {"name": "三（更正）", "region": None},
    }


def test_cost_line_rows_new_lines_and_defaults() -> None:
    before = pd.DataFrame({"id": [11], "category": ["planning"], "item": ["规划"], "amount": [1000.0],
                           "incurred_on": [date(2025, 3, 1)], "evidence": ["合同"], "restate": [True], "files": [""]})
    assert cost_line_rows(before) == [{"id": 11, "category": "planning", "item": "规划", "amount": 1000.0,
                                       "incurred_on": date(2025, 3, 1), "evidence": "合同", "restate": True}]
    assert not lines_changed(before, cost_line_rows(before))
    after = pd.concat([before, pd.DataFrame({
        "id": [np.nan], "category": ["indirect"], "item": ["分摊"], "amount": [250.5],
        "incurred_on": [pd.Timestamp("2025-06-30")], "evidence": [np.nan], "restate": [None], "files": [np.nan]})],
        ignore_index=True)
    rows = cost_line_rows(after)
    assert rows[1] == {"id": None, "category": "indirect", "item": "分摊", "amount": 250.5,
                       "incurred_on": date(2025, 6, 30), "evidence": None, "restate": True}
    assert rows[0]["id"] == 11 and isinstance(rows[0]["id"], int)  # float64 column after the NaN row
    assert lines_changed(before, rows)
