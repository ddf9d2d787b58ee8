"""The vectorized batch: values by hand, mixed forms, row errors as data, identical draws alone or in a
batch, the per-asset loop baseline, synthetic columns, and the shared runner."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from benchmarks.loops.income_loop import value_income_loop
from valuation.income import (
    INCOME_BATCH_COLUMNS,
    IncomeInputs,
    simulate_income,
    synthetic_income_columns,
    value_income,
    value_income_batch,
)
from valuation.random import asset_keys

from .conftest import MONEY, make_asset, make_ctx

HEADER = (
    "asset_id,name,rights_term_end,income_form,income_base_y1,income_growth,income_split_rate,income_margin,"
    "income_contributory_rate,income_decay,income_economic_life,income_discount_rate,income_timing,"
    "income_first_period_years,income_tax_rate,income_cash_flow_basis,income_rate_basis"
)
SPLIT_REASON = "合同约定的分成率 the rate of the data licence contract"
GOOD = [
    # split: F_k = 10m × 1.05^(k−1) × 0.25 × 0.9^(k−1), 3 years at 12 %
    "A,split,,split,10000000,0.05,0.25,,,0.1,3,0.12,,,,,",
    # direct, pre-tax at 25 %, capped at 2.5 years by the rights term, mid-period
    "B,direct,2028-06-30,direct,2000000,,,0.4,,,5,0.10,mid,,0.25,pre_tax,after_tax",
    # excess earnings, charges 70 % of E, first period half a year, life 2 years
    "C,excess,,excess_earnings,6000000,,,,0.7,,2,0.10,end,0.5,,after_tax,",
    # incremental, flat, 2 years at 9 %
    "D,incremental,,incremental,1500000,,,,,,2,0.09,,,,,",
]
EXPECTED = {
    "A": sum(10_000_000 * 1.05 ** (k - 1) * 0.25 * 0.9 ** (k - 1) / 1.12**k for k in (1, 2, 3)),
    "B": 2_000_000 * 0.4 * 0.75 * (1 / 1.1**0.5 + 1 / 1.1**1.5 + 0.5 / 1.1**2.25),
    "C": 6_000_000 * 0.3 * (0.5 / 1.1**0.5 + 1 / 1.1**1.5 + 0.5 / 1.1**2),
    "D": 1_500_000 / 1.09 + 1_500_000 / 1.09**2,
}


def _csv(*rows: str) -> pd.DataFrame:
    """Rows read the way the runner reads a CSV: pandas' own dtypes, blanks as NaN. A split row's K is on
    revenue with a stated reason (``income_split_base``, ``income_split_rate_reason``), as a case needs."""
    table = pd.read_csv(io.StringIO("\n".join([HEADER, *rows])))
    split = table["income_form"] == "split"
    table["income_split_base"] = np.where(split, "revenue", None)
    table["income_split_rate_reason"] = np.where(split, SPLIT_REASON, None)
    return table


def _run(table: pd.DataFrame, n_draws: int = 0, **kwargs: Any):
    ctx = make_ctx(n_draws=n_draws, seed=4)
    return value_income_batch(table, ctx, asset_keys(table["asset_id"].astype(str)), **kwargs)


def test_columns_are_prefixed_and_described():
    names = [c.name for c in INCOME_BATCH_COLUMNS]
    assert all(n.startswith("income_") for n in names)
    assert names[:13] == [
        "income_form",
        "income_base_y1",
        "income_growth",
        "income_split_rate",
        "income_margin",
        "income_contributory_rate",
        "income_decay",
        "income_economic_life",
        "income_discount_rate",
        "income_timing",
        "income_first_period_years",
        "income_tax_rate",
        "income_cash_flow_basis",
    ]
    assert all(c.description for c in INCOME_BATCH_COLUMNS)
    assert {c.name for c in INCOME_BATCH_COLUMNS if c.required} == {
        "income_form",
        "income_base_y1",
        "income_economic_life",
        "income_discount_rate",
    }


def test_mixed_forms_valued_by_hand():
    out = _run(_csv(*GOOD))
    assert out.errors == []
    assert out.draws is None
    assert out.values == pytest.approx([EXPECTED[k] for k in "ABCD"], abs=MONEY)
    assert list(out.extra["income_binding_cap"]) == [
        "economic_life",
        "rights_term_end",
        "economic_life",
        "economic_life",
    ]
    assert out.extra["income_horizon_years"] == pytest.approx([3, 2.5, 2, 2])
    assert list(out.extra["income_periods"]) == [3, 3, 3, 2]
    assert out.extra["income_cash_flow_1"] == pytest.approx([2_500_000, 600_000, 900_000, 1_500_000])


def test_any_index_and_a_datetime_column():
    table = _csv(*GOOD).set_index(pd.Index([10, 3, 7, 1]))
    table["rights_term_end"] = pd.to_datetime(table["rights_term_end"])
    out = _run(table)
    assert out.values == pytest.approx([EXPECTED[k] for k in "ABCD"], abs=MONEY)


BAD = {
    "E1": ("E1,text rate,,split,1000000,,0.3,,,,3,ten percent,,,,,", "invalid_input", "income_discount_rate"),
    "E2": ("E2,no life,,split,1000000,,0.3,,,,,0.1,,,,,", "invalid_input", "income_economic_life"),
    "E3": ("E3,no K,,split,1000000,,,,,,3,0.1,,,,,", "invalid_input", "income_split_rate"),
    "E4": ("E4,K on direct,,direct,1000000,,0.3,0.5,,,3,0.1,,,,,", "invalid_input", "income_split_rate"),
    "E5": ("E5,unknown form,,royalty,1000000,,0.3,,,,3,0.1,,,,,", "invalid_input", "income_form"),
    "E6": ("E6,lapsed,2025-06-30,split,1000000,,0.3,,,,3,0.1,,,,,", "horizon", "rights_term_end"),
    "E7": ("E7,no tax rate,,split,1000000,,0.3,,,,3,0.1,,,,pre_tax,", "basis_mismatch", "income_tax_rate"),
    "E8": (
        "E8,pre-tax rate,,split,1000000,,0.3,,,,3,0.1,,,,after_tax,pre_tax",
        "basis_mismatch",
        "income_rate_basis",
    ),
    "E9": ("E9,bad timing,,split,1000000,,0.3,,,,3,0.1,quarterly,,,,", "invalid_input", "income_timing"),
    "E10": ("E10,bad date,next year,split,1000000,,0.3,,,,3,0.1,,,,,", "invalid_input", "rights_term_end"),
    "E11": (
        "E11,tax unused,,split,1000000,,0.3,,,,3,0.1,,,0.25,after_tax,",
        "invalid_input",
        "income_tax_rate",
    ),
    "E12": ("E12,negative revenue,,split,-5,,0.3,,,,3,0.1,,,,,", "invalid_input", "income_base_y1"),
    "E13": ("E13,growth -100%,,split,1000000,-1,0.3,,,,3,0.1,,,,,", "invalid_input", "income_growth"),
    "E14": (
        "E14,f too long,,split,1000000,,0.3,,,,3,0.1,,1.5,,,",
        "invalid_input",
        "income_first_period_years",
    ),
}


def test_bad_rows_become_errors_and_good_rows_are_still_valued():
    rows = [GOOD[0], *(row for row, _, _ in BAD.values()), GOOD[3]]
    out = _run(_csv(*rows), n_draws=50)
    assert out.values[0] == pytest.approx(EXPECTED["A"], abs=MONEY)
    assert out.values[-1] == pytest.approx(EXPECTED["D"], abs=MONEY)
    assert np.isnan(out.values[1:-1]).all()
    assert out.draws is not None
    assert np.isfinite(out.draws[[0, -1]]).all() and np.isnan(out.draws[1:-1]).all()
    found = {(e.asset_id, e.rule, e.field) for e in out.errors}
    for asset_id, (_, rule, column) in BAD.items():
        assert (asset_id, rule, column) in found, asset_id
    assert {e.asset_id for e in out.errors} == set(BAD)
    by_asset = {e.asset_id: e for e in out.errors}
    assert "'ten percent'" in by_asset["E1"].message
    assert "royalty" in by_asset["E5"].message
    assert "2025-06-30" in by_asset["E6"].message
    assert "'next year'" in by_asset["E10"].message


def _single(row: pd.Series) -> tuple[Any, IncomeInputs]:
    """The case-file equivalent of a batch row: a projection and the form's share, default spreads."""

    def given(col: str) -> bool:
        return not pd.isna(row[col])

    term = row["rights_term_end"]
    asset = make_asset(
        str(row["asset_id"]), rights_term_end=None if pd.isna(term) else date.fromisoformat(term)
    )
    fields: dict[str, Any] = {
        "form": row["income_form"],
        "projection": {
            "base_y1": float(row["income_base_y1"]),
            "growth": float(row["income_growth"]) if given("income_growth") else 0.0,
        },
        "decay": float(row["income_decay"]) if given("income_decay") else 0.0,
        "economic_life": float(row["income_economic_life"]),
        "discount_rate": {"wacc": float(row["income_discount_rate"]), "asset_premium": 0.0},
        "timing": row["income_timing"] if given("income_timing") else "end",
        "first_period_years": float(row["income_first_period_years"])
        if given("income_first_period_years")
        else 1,
    }
    for col, key in (
        ("income_split_rate", "split_rate"),
        ("income_margin", "margin"),
        ("income_contributory_rate", "contributory_rate"),
        ("income_tax_rate", "tax_rate"),
        ("income_cash_flow_basis", "cash_flow_basis"),
    ):
        if given(col):
            fields[key] = row[col]
    if fields["form"] == "split":
        fields["split_base"] = row["income_split_base"]
        fields["split_rate_reason"] = row["income_split_rate_reason"]
    return asset, IncomeInputs.model_validate(fields)


def test_an_asset_gets_identical_draws_alone_or_in_a_batch():
    table = _csv(*GOOD, "F,long life split,2031-03-15,split,30000000,0.08,0.2,,,0.05,12,0.13,mid,0.75,,,")
    ctx = make_ctx(n_draws=300, seed=4)
    out = _run(table, n_draws=300, draw_chunk_cells=3_000)  # small chunks: several steps, padded widths
    assert out.draws is not None and out.errors == []
    for k in range(len(table)):
        asset, inputs = _single(table.iloc[k])
        assert np.array_equal(simulate_income(asset, inputs, ctx), out.draws[k]), table.iloc[k]["asset_id"]
        assert value_income(asset, inputs, ctx).value == out.values[k]


def test_the_loop_baseline_agrees_with_the_batch():
    table = _csv(*GOOD, "F,long life split,2031-03-15,split,30000000,0.08,0.2,,,0.05,12,0.13,mid,0.75,,,")
    ctx = make_ctx(n_draws=40, seed=4)
    draws_out: list[list[float]] = []
    loop = value_income_loop(table, ctx, 40, draws_out=draws_out)
    out = _run(table, n_draws=40)
    assert out.draws is not None
    np.testing.assert_allclose(loop, out.values, rtol=1e-6)
    np.testing.assert_allclose(np.array(draws_out), out.draws, rtol=1e-6)


def _shared(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "asset_id": [f"S{k:03d}" for k in range(n)],
            "records": np.where(np.arange(n) % 5 == 0, np.nan, 1e6 * (1 + np.arange(n))),
            "rights_term_end": [None if k % 3 else f"{2027 + k % 4}-06-30" for k in range(n)],
        }
    )


def test_synthetic_columns_are_valid_and_realistic():
    table = _shared(300)
    cols = synthetic_income_columns(np.random.default_rng(1), table)
    assert list(cols.columns) == [c.name for c in INCOME_BATCH_COLUMNS]
    assert cols.index.equals(table.index)
    out = _run(pd.concat([table, cols], axis=1), n_draws=20)
    assert out.errors == []
    assert np.isfinite(out.values).all() and (out.values > 0).all()
    assert set(cols["income_form"]) == {"direct", "split", "excess_earnings", "incremental"}
    assert 1e5 < np.median(out.values) < 1e8  # plausible magnitude: single data assets ~ ¥0.1 m to ¥100 m
    assert cols["income_discount_rate"].between(0.08, 0.16).all()


def test_the_runner_takes_the_income_columns():
    from valuation.runner import run_batch

    table = _csv(*GOOD).assign(w_cost=0.0, w_income=1.0, w_market=0.0)
    result = run_batch(table, make_ctx(n_draws=30, seed=4))
    assert result.n_ok == 4
    assert result.table["value_income"].to_numpy() == pytest.approx([EXPECTED[k] for k in "ABCD"], abs=MONEY)
    assert list(result.table["income_binding_cap"])[1] == "rights_term_end"
