"""The batch reader takes its rules from the input models; one combine function for V = Σ w_m·V_m."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from valuation.batch import batch_columns
from valuation.batch_reader import RowReader, Wording, column_rule, field_rule
from valuation.batch_types import Bounds, ModelField
from valuation.conclusion import combine
from valuation.cost.inputs import DeltaSpec
from valuation.income import IncomeInputs
from valuation.market import Selection

WORDING = Wording(invalid="invalid_input", missing="missing_input", not_number="{what} text {raw!r}",
                  out_of_range="{what} {integer}{bounds} {value:g}", blank="{what} blank")


def test_rules_are_read_off_the_model_fields() -> None:
    life = field_rule(ModelField(IncomeInputs, "economic_life"))
    assert life.bounds == Bounds(0.0, 100.0, low_open=True) and life.finite and life.required
    years = field_rule(ModelField(DeltaSpec, "elapsed_years"))  # Years | None: bounds inside the union
    assert years.bounds == Bounds(0.0, math.inf) and not years.required
    top_k = field_rule(ModelField(Selection, "top_k"))
    assert top_k.integer and top_k.bounds == Bounds(3.0, 100.0) and top_k.default == 8
    assert field_rule(ModelField(IncomeInputs, "timing")).choices == ("end", "mid")


def test_every_number_column_has_a_rule() -> None:
    for c in batch_columns():
        if c.dtype in ("float", "int"):
            assert c.feeds is not None or c.batch_bounds is not None, c.name
            rule = column_rule(c)
            assert rule.bounds != Bounds() or c.name == "income_base_y1", c.name


def test_every_problem_of_a_row_is_reported_with_its_column() -> None:
    table = pd.DataFrame({"asset_id": ["A", "B", "C"], "market_top_k": ["x", 4.5, None],
                          "market_beta": [2.0, float("inf"), None]})
    from valuation.market import MARKET_BATCH_COLUMNS

    rows = RowReader(table, MARKET_BATCH_COLUMNS, WORDING)
    top_k = rows.numbers("market_top_k", what="top_k")
    beta = rows.numbers("market_beta", what="β")
    assert [(e.asset_id, e.field) for e in rows.errors] == [
        ("A", "market_top_k"), ("B", "market_top_k"), ("A", "market_beta"), ("B", "market_beta")]
    assert rows.errors[1].message == "top_k an integer in [3, 100] 4.5"
    assert rows.errors[3].message == "β in (0, 1] inf"
    assert list(rows.bad) == [True, True, False]
    assert top_k.value[2] == 8 and beta.value[2] == 0.5  # blank: the model's default


def test_combine_keeps_each_callers_sum() -> None:
    assert combine([0.25, 0.75], [4.0, 8.0]) == 0 + 0.25 * 4.0 + 0.75 * 8.0
    d1, d2 = np.array([1.0, 2.0]), np.array([3.0, 5.0])
    assert np.array_equal(combine([0.5, 0.5], [d1, d2]), 0.5 * d1 + 0.5 * d2)
    total = np.zeros((3, 2))
    draws = np.array([[1.0, np.nan], [np.inf, 2.0]])
    combine([np.array([0.5, 1.0])], [draws], nan_to_num=True, into=total, rows=np.array([0, 2]))
    assert np.array_equal(total, [[0.5, 0.0], [0.0, 0.0], [np.finfo(np.float64).max, 2.0]])
