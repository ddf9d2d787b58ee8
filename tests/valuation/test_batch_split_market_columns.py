"""The case file's split base (income) and aggregation / rights valued (market), reached from the flat batch.

Income rows (valuation date 2025-12-31, end-of-period discounting, after-tax flows and rate):

- R1, 销售收入分成: revenue R_1 = 10,000,000 a year, flat, K = 5 %, 2 years at 10 %, 销售利润率 25 %:
  F_1 = F_2 = 10,000,000 × 0.05 = 500,000; P = 500,000 / 1.1 + 500,000 / 1.21
  = 454,545.45 + 413,223.14 = 867,768.60; implied profit share K / margin = 0.05 / 0.25 = 0.2.
- P1, 利润分成: profit (EBIT) P_1 = 2,000,000 a year growing 10 %, K = 25 %, decay 10 %, 2 years at
  12 %, margin 20 %: F_1 = 2,000,000 × 0.25 = 500,000; F_2 = 2,200,000 × 0.25 × 0.9 = 495,000;
  P = 500,000 / 1.12 + 495,000 / 1.2544 = 446,428.57 + 394,610.97 = 841,039.54; revenue royalty
  equivalent K × margin = 0.25 × 0.2 = 0.05.
- K = 25 % on revenue without income_split_rate_reason is refused, naming the row's asset and the
  column income_split_rate, as the case file refuses income.split_rate.

Market row (the hand grid of tests/valuation/market/test_grid.py: comparables C1, C2, C3, the target
of conftest.make_asset), median aggregation: P'_1 = 1,029,424.86, P'_2 = 198,214.29,
P'_3 = 435,127.75, so P = median = P'_3 = 435,127.75 (the mean would be 554,255.63).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.valuation.income import conftest as inc
from tests.valuation.market import conftest as mkt
from tests.valuation.market.test_grid import C1, C2, C3
from valuation.batch import output_columns
from valuation.income import value_income, value_income_batch
from valuation.market import MarketInputs, Selection, simulate_market, value_market, value_market_batch
from valuation.random import asset_keys
from valuation.runner import run_batch

MONEY = 0.005


# ---------------------------------------------------------------------------------------------- income
def income_row(asset_id: str, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "asset_id": asset_id,
        "name": "停车数据",
        "income_form": "split",
        "income_base_y1": 10_000_000.0,
        "income_growth": np.nan,
        "income_split_rate": 0.05,
        "income_split_base": "revenue",
        "income_split_rate_reason": None,
        "income_profit_margin": np.nan,
        "income_decay": np.nan,
        "income_economic_life": 2.0,
        "income_discount_rate": 0.10,
    }
    row.update(overrides)
    return row


R1 = income_row("R1", income_profit_margin=0.25)
P1 = income_row("P1", income_split_base="profit", income_base_y1=2_000_000.0, income_growth=0.1,
                income_split_rate=0.25, income_decay=0.1, income_discount_rate=0.12, income_profit_margin=0.2)
R1_VALUE = 500_000 / 1.1 + 500_000 / 1.21  # 867,768.60
P1_VALUE = 2_000_000 * 0.25 / 1.12 + 2_200_000 * 0.25 * 0.9 / 1.12**2  # 841,039.54


def run_income(rows: list[dict[str, Any]], n_draws: int = 0):
    table = pd.DataFrame(rows)
    return value_income_batch(table, inc.make_ctx(n_draws=n_draws, seed=4), asset_keys(table["asset_id"]))


def test_revenue_and_profit_split_rows_by_hand() -> None:
    assert round(R1_VALUE, 2) == 867_768.60 and round(P1_VALUE, 2) == 841_039.54
    out = run_income([R1, P1])
    assert out.errors == []
    assert out.values == pytest.approx([R1_VALUE, P1_VALUE], abs=MONEY)
    assert list(out.extra["income_split_base"]) == ["revenue", "profit"]
    assert out.extra["income_implied_profit_share"][0] == pytest.approx(0.05 / 0.25, rel=1e-12)
    assert np.isnan(out.extra["income_implied_profit_share"][1])
    assert out.extra["income_implied_revenue_rate"][1] == pytest.approx(0.25 * 0.2, rel=1e-12)
    assert np.isnan(out.extra["income_implied_revenue_rate"][0])
    assert out.extra["income_cash_flow_1"] == pytest.approx([500_000, 500_000])


def test_split_rows_equal_the_case_file_with_the_same_split() -> None:
    """The batch row is the flat form of a case's projection with split_base: the same value and draws."""
    out = run_income([R1, P1], n_draws=50)
    for k, (r, case) in enumerate([
        (R1, {"split_base": "revenue", "profit_margin": 0.25, "projection": {"base_y1": 10_000_000}}),
        (P1, {"split_base": "profit", "profit_margin": 0.2, "decay": 0.1,
              "projection": {"base_y1": 2_000_000, "growth": 0.1}}),
    ]):
        inputs = inc.make_inputs(form="split", split_rate=r["income_split_rate"], economic_life=2,
                                 discount_rate=inc.rate(r["income_discount_rate"]), **case)
        one = value_income(inc.make_asset(r["asset_id"]), inputs, inc.make_ctx())
        assert out.values[k] == pytest.approx(one.value, rel=1e-13)
        figures = {f.name: f.value for f in one.figures}
        key = "implied_profit_share" if case["split_base"] == "revenue" else "implied_revenue_rate"
        assert out.extra[f"income_{key}"][k] == pytest.approx(figures[key], rel=1e-12)


def test_a_loss_on_the_profit_base_is_valued_not_refused() -> None:
    # 利润分成 on a loss: F_1 = F_2 = −400,000 × 0.25 = −100,000; P = −100,000 / 1.1 − 100,000 / 1.21
    out = run_income([income_row("L1", income_split_base="profit", income_base_y1=-400_000.0,
                                 income_split_rate=0.25)])
    assert out.errors == []
    assert out.values[0] == pytest.approx(-100_000 / 1.1 - 100_000 / 1.21, abs=MONEY)  # −173,553.72


def test_a_profit_split_rate_on_revenue_is_refused_naming_row_and_column() -> None:
    high = income_row("K25", income_split_rate=0.25)
    reasoned = income_row("K25R", income_split_rate=0.25,
                          income_split_rate_reason="独家授权，可比许可合同销售收入分成率 20%–30%")
    out = run_income([R1, high, reasoned])
    assert [(e.asset_id, e.field, e.rule) for e in out.errors] == [("K25", "income_split_rate", "invalid_input")]
    message = out.errors[0].message
    assert "income_split_rate_reason" in message and "K = 25.00%" in message and "15%" in message
    assert np.isnan(out.values[1])
    # with a reason: 10,000,000 × 0.25 = 2,500,000 a year → 2,500,000 / 1.1 + 2,500,000 / 1.21
    assert out.values[2] == pytest.approx(2_500_000 / 1.1 + 2_500_000 / 1.21, abs=MONEY)
    assert out.values[0] == pytest.approx(R1_VALUE, abs=MONEY)


def test_the_refusal_in_the_batch_result_names_the_row() -> None:
    table = pd.DataFrame([R1, income_row("K25", income_split_rate=0.25)]).assign(
        w_cost=0.0, w_income=1.0, w_market=0.0)
    result = run_batch(table, inc.make_ctx(n_draws=0))
    t = result.table
    assert list(t["status"]) == ["ok", "error"]
    assert t["error"][1].startswith("income_split_rate: 以销售收入为分成基数时分成率 K = 25.00%")
    assert [(e.asset_id, e.field) for e in result.errors] == [("K25", "income_split_rate")]
    assert t["income_split_base"][0] == "revenue" and pd.isna(t["income_split_base"][1])
    assert t["income_implied_profit_share"][0] == pytest.approx(0.2, rel=1e-12)
    assert t["value_income"][0] == pytest.approx(R1_VALUE, abs=MONEY)
    assert ("income_split_base", "str") in output_columns()


def test_split_columns_are_checked_like_the_case_file() -> None:
    rows = [
        income_row("B1", income_split_base="ebit"),
        income_row("B2", income_form="direct", income_split_rate=np.nan, income_margin=0.4),  # base on direct
        income_row("B3", income_profit_margin=1.5),
        income_row("B4", income_form="direct", income_split_rate=np.nan, income_split_base=None, income_margin=0.4,
                   income_profit_margin=0.3),
        income_row("B5", income_base_y1=-5.0),  # revenue below 0
    ]
    out = run_income(rows)
    found = {(e.asset_id, e.field) for e in out.errors}
    assert found == {("B1", "income_split_base"), ("B2", "income_split_base"), ("B3", "income_profit_margin"),
                     ("B4", "income_profit_margin"), ("B5", "income_base_y1")}
    assert np.isnan(out.values).all()
    messages = {e.asset_id: e.message for e in out.errors}
    assert "'ebit'" in messages["B1"] and "only used by form split" in messages["B2"]


def test_a_blank_split_base_is_refused_like_the_case_file() -> None:
    """A split row must name its base, as a case file must name split_base (the 15 % rule needs it)."""
    from valuation.income.inputs import split_base_unnamed

    out = run_income([income_row("U1", income_split_base=None, income_split_rate=0.25), R1])
    assert [(e.asset_id, e.field, e.rule) for e in out.errors] == [("U1", "income_split_base", "invalid_input")]
    assert out.errors[0].message == split_base_unnamed("income_split_base")
    assert out.errors[0].message.startswith("分成基数未指明")
    assert np.isnan(out.values[0]) and out.values[1] == pytest.approx(R1_VALUE, abs=MONEY)


# ---------------------------------------------------------------------------------------------- market
def market_row(asset_id: str, **overrides: Any) -> dict[str, Any]:
    """The target of tests/valuation/market/conftest.make_asset as a batch row, top 3 comparables."""
    row: dict[str, Any] = {
        "asset_id": asset_id,
        "field": "logistics",
        "region": "Zhejiang",
        "rights": "processing_use",
        "records": 4_000_000.0,
        "exclusivity": False,
        "delivery_form": "API",
        **{f"q_{k}": v for k, v in mkt.SCORES.items()},
        "rights_term_end": None,
        "market_top_k": 3.0,
        "market_aggregation": None,
        "market_rights_valued": None,
    }
    row.update(overrides)
    return row


# The hand grid (X5 items: rights, exclusivity, region tier, remaining term, delivery, target / comparable).
P_1 = 500_000 * (0.8 / 0.64) * 1.0 * (135 / 117) * (4e6 / 1e6) ** 0.5 * (
    (1.00 / 1.28) * (1.00 / 1.35) * (1.11 / 1.11) * (1.11 / 1.00) * (1.00 / 0.90))
P_2 = 300_000 * (0.8 / 0.8) * 1.0 * (135 / 126) * (4e6 / 16e6) ** 0.5 * (
    (1.00 / 1.00) * (1.00 / 1.00) * (1.11 / 0.90) * (1.11 / 1.11) * (1.00 / 1.00))
P_3 = 200_000 * (0.8 / 0.5) * 1.0 * (135 / 108) * (4e6 / 4e6) ** 0.5 * (
    (1.00 / 1.13) * (1.00 / 1.00) * (1.11 / 1.05) * (1.11 / 0.86) * (1.00 / 1.11))
HOLDING = 1.28  # rights-type coefficient of holding (data/market_adjustments.json), processing_use 1.00


def run_market(rows: list[dict[str, Any]], n_draws: int = 0, **kwargs: Any):
    table = pd.DataFrame(rows)
    return value_market_batch(table, mkt.make_ctx(n_draws=n_draws, seed=5), asset_keys(table["asset_id"]),
                              database=(C1, C2, C3), adjustments=mkt.adjustments(), **kwargs)


def test_median_row_by_hand() -> None:
    assert (round(P_1, 2), round(P_2, 2), round(P_3, 2)) == (1_029_424.86, 198_214.29, 435_127.75)
    out = run_market([market_row("M1", market_aggregation="median"), market_row("A1")])
    assert out.errors == []
    assert out.values[0] == pytest.approx(P_3, abs=MONEY)  # the middle of 198,214.29 < 435,127.75 < 1,029,424.86
    assert out.values[1] == pytest.approx((P_1 + P_2 + P_3) / 3, abs=MONEY)  # blank: the mean, 554,255.63
    assert list(out.extra["market_aggregation"]) == ["median", "mean"]
    assert list(out.extra["market_rights_valued"]) == ["processing_use", "processing_use"]


def test_aggregations_equal_the_case_file_value_and_draws() -> None:
    rows = [market_row("M1", market_aggregation="median"), market_row("S1", market_aggregation="similarity_weighted"),
            market_row("A1", market_aggregation="mean")]
    out = run_market(rows, n_draws=40)
    assert out.draws is not None
    for k, agg in enumerate(["median", "similarity_weighted", "mean"]):
        inputs = MarketInputs(aggregation=agg, selection=Selection(top_k=3))
        asset = mkt.make_asset(rows[k]["asset_id"])
        ctx = mkt.make_ctx(n_draws=40, seed=5)
        one = value_market(asset, inputs, ctx, database=(C1, C2, C3), adjustments=mkt.adjustments())
        assert out.values[k] == one.value
        drawn = simulate_market(asset, inputs, ctx, database=(C1, C2, C3), adjustments=mkt.adjustments())
        assert np.array_equal(out.draws[k], drawn)


def test_weighting_option_is_the_default_of_a_blank_aggregation() -> None:
    from valuation.market import Weighting

    out = run_market([market_row("S1"), market_row("M1", market_aggregation="median")],
                     weighting=Weighting.SIMILARITY)
    assert list(out.extra["market_aggregation"]) == ["similarity_weighted", "median"]
    assert out.values[1] == pytest.approx(P_3, abs=MONEY)


def test_rights_valued_by_hand() -> None:
    rows = [
        market_row("H0", rights="holding;processing_use", market_aggregation="median",
                   market_rights_valued="holding"),
        market_row("H1", rights="holding;processing_use", market_aggregation="median",
                   market_rights_valued="processing_use"),
        market_row("H2", rights="holding;processing_use", market_aggregation="median",
                   market_rights_valued="processing_use;holding"),  # a bundle: its strongest right, holding
        market_row("N1", market_rights_valued="product_operation"),  # not held
        market_row("N2", market_rights_valued="owner"),
        market_row("N3", rights="holding;processing_use"),  # several held, none named: refused as in a case
    ]
    out = run_market(rows)
    # holding (1.28) for processing_use (1.00) scales every P' by 1.28: the median is 1.28 × P'_3
    assert out.values[0] == pytest.approx(HOLDING * P_3, abs=MONEY)  # 556,963.51
    assert out.values[1] == pytest.approx(P_3, abs=MONEY)
    assert out.values[2] == pytest.approx(HOLDING * P_3, abs=MONEY)
    assert list(out.extra["market_rights_valued"][:3]) == ["holding", "processing_use", "holding"]
    assert np.isnan(out.values[3:]).all()
    found = [(e.asset_id, e.field, e.rule) for e in out.errors]
    assert found == [("N1", "market_rights_valued", "rights_not_held"), ("N2", "market_rights_valued", "invalid_input"),
                     ("N3", "market_rights_valued", "missing_input")]
    assert "product_operation" in out.errors[0].message and "'owner'" in out.errors[1].message
    assert out.errors[2].message.startswith("资产持有多项权利，须在 market_rights_valued 中列明本次评估的权利")
    assert math.isclose(HOLDING * P_3, 556_963.51, abs_tol=0.005)


def test_a_bad_aggregation_is_refused() -> None:
    out = run_market([market_row("X1", market_aggregation="trimmed_mean"), market_row("A1")])
    assert [(e.asset_id, e.field) for e in out.errors] == [("X1", "market_aggregation")]
    assert "'trimmed_mean'" in out.errors[0].message and "median" in out.errors[0].message
    assert np.isnan(out.values[0]) and out.values[1] == pytest.approx((P_1 + P_2 + P_3) / 3, abs=MONEY)
