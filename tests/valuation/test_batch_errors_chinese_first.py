"""Every batch error a reader sees is Chinese first: the row errors of each method and of the shared
columns, whatever wrote them (a rule's own words, the batch reader's wording, a method's exception)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from base.errors import AssetError
from bridges.data_files import load_adjustments, load_comparables, load_price_index
from valuation.context import ValuationContext
from valuation.errors import RULE_HEADINGS_ZH, chinese_first
from valuation.runner import run_batch

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "examples" / "batch_1000.csv"
SPOILED = {  # one bad cell per row, each a different path to an error
    0: ("cost_planning", "abc"),
    1: ("cost_planning", "-5"),
    2: ("income_discount_rate", "ten"),
    3: ("market_top_k", "2.5"),
    4: ("w_cost", "0.9"),
    5: ("rights_term_end", "garbage"),
    6: ("income_split_base", ""),
    7: ("market_rights_valued", "product_operation;holding;processing_use;owner"),
    8: ("asset_id", ""),
    9: ("records", "-1"),
}


def _first_is_chinese(text: str) -> bool:
    return bool(text) and unicodedata.east_asian_width(text[0]) == "W"


def test_every_row_error_is_chinese_first() -> None:
    table = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(len(SPOILED) + 2)
    weights = ["w_cost", "w_income", "w_market"]
    for row, used in ((0, "1,0,0"), (1, "1,0,0"), (2, "0,1,0"), (3, "0,0,1"), (6, "0,1,0"), (7, "0,0,1"), (9, "0,0,1")):
        table.loc[row, weights] = used.split(",")  # the method whose cell is spoiled is the one used
    table.loc[6, ["income_form", "income_split_rate"]] = ["split", "0.05"]
    for row, (column, value) in SPOILED.items():
        table.loc[row, column] = value
    ctx = ValuationContext(valuation_date=table["valuation_date"].iat[0], price_index=load_price_index(),
                           seed=2024, n_draws=20)
    result = run_batch(table, ctx, market_kwargs={"database": load_comparables(), "adjustments": load_adjustments()})
    failed = set(result.table.loc[result.table["status"] == "error", "asset_id"])
    assert len(failed) == len(SPOILED), result.table[["asset_id", "status", "error"]].to_string()
    assert result.errors and all(_first_is_chinese(e.message) for e in result.errors), \
        [e.message for e in result.errors if not _first_is_chinese(e.message)]


def test_a_message_without_chinese_is_led_by_its_rules_heading() -> None:
    e = chinese_first(AssetError("A-1", "too_few_comparables", "market", "2 comparables, at least 3 needed"))
    assert e.message == "可比案例不足 2 comparables, at least 3 needed"
    kept = AssetError("A-1", "invalid_input", "x", "金额不能为负数 — the amount must be ≥ 0")
    assert chinese_first(kept) is kept
    assert all(_first_is_chinese(h) for h in RULE_HEADINGS_ZH.values())
