"""Baseline for the benchmark: the income method as a plain per-asset Python loop
(docs/valuation.md §Income method).

Same formulas and the same counter-based uniforms as valuation/income, written the straightforward
way: plain floats, the math module, one asset, one draw and one period at a time,
dateutil.relativedelta for the rights term. It reads the flat batch columns (INCOME_BATCH_COLUMNS)
and assumes good rows (a row it cannot read gives NaN); it does not report errors. Uses the default
spreads of IncomeUncertainty.

    P = Σ_k F_k (1 + i)^(−t_k),  F_k = B_1 (1 + g)^(k−1) len_k × S × (1 − d)^(k−1) × τ × c_k
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from benchmarks.loops.scalar import ppf
from valuation.context import ValuationContext
from valuation.income import STREAM_BASE, IncomeUncertainty
from valuation.random import asset_key, uniforms

DRIVERS = ("base", "share", "discount_rate", "decay")  # stream STREAM_BASE + position
DECAY_RANGE = (-0.5, 0.95)
EPSILON = 1e-7


def _number(row: Mapping[Hashable, Any], column: str, default: float | None = None) -> float | None:
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return default
    return float(value)


def _text(row: Mapping[Hashable, Any], column: str, default: str) -> str:
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return default
    return str(value).strip().lower()


def _date(value: Any) -> date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return None
    return date.fromisoformat(str(value)[:10])


def _years(start: date, end: date) -> float:
    rd = relativedelta(end, start)
    return rd.years + rd.months / 12 + rd.days / 365


def _value(
    b1: float, g: float, share: float, decay: float, tax: float, rate: float, f: float, n: float, mid: bool
) -> float:
    """Σ over the periods that reach the horizon n, with a first period of f years."""
    total = 0.0
    k = 0
    while True:
        start = 0.0 if k == 0 else f + k - 1
        if start >= n - EPSILON:
            return total
        end = f + k
        covered_end = min(end, n)
        coverage = (covered_end - start) / (end - start)
        base = b1 * (1.0 + g) ** k * (end - start)
        flow = base * share * (1.0 - decay) ** k * tax * coverage
        t = 0.5 * (start + covered_end) if mid else covered_end
        total += flow * (1.0 + rate) ** (-t)
        k += 1


def _one_asset(
    row: Mapping[Hashable, Any], ctx: ValuationContext, n_draws: int, spreads: IncomeUncertainty
) -> tuple[float, list[float]]:
    form = _text(row, "income_form", "")
    b1 = _number(row, "income_base_y1")
    assert b1 is not None
    g = _number(row, "income_growth", 0.0) or 0.0
    if form == "direct":
        share = _number(row, "income_margin")
    elif form == "split":
        share = _number(row, "income_split_rate")
    elif form == "excess_earnings":
        rate_c = _number(row, "income_contributory_rate")
        assert rate_c is not None
        share = 1.0 - rate_c
    else:
        assert form == "incremental"
        share = 1.0
    assert share is not None
    decay = _number(row, "income_decay", 0.0) or 0.0
    life = _number(row, "income_economic_life")
    rate = _number(row, "income_discount_rate")
    assert life is not None and rate is not None
    mid = _text(row, "income_timing", "end") == "mid"
    f = _number(row, "income_first_period_years", 1.0) or 1.0
    convert = (
        _text(row, "income_cash_flow_basis", "after_tax") == "pre_tax"
        and _text(row, "income_rate_basis", "after_tax") == "after_tax"
    )
    tax = 1.0 - (_number(row, "income_tax_rate", 0.0) or 0.0) if convert else 1.0
    n = life
    term_end = _date(row.get("rights_term_end"))
    if term_end is not None:
        n = min(n, _years(ctx.valuation_date, term_end))
    value = _value(b1, g, share, decay, tax, rate, f, n, mid)

    key = np.array([asset_key(str(row["asset_id"]))], dtype=np.uint64)
    streams = {
        name: uniforms(ctx.seed, key, STREAM_BASE + j, n_draws)[0].tolist() for j, name in enumerate(DRIVERS)
    }
    draws = []
    for k in range(n_draws):
        b1_k = b1 * ppf(spreads.base, streams["base"][k]) if spreads.base else b1
        if form in ("direct", "split"):
            b1_k = max(b1_k, 0.0)
        share_k = share
        if spreads.share is not None and form != "incremental":
            share_k = share * ppf(spreads.share, streams["share"][k])
        rate_k = (
            rate + ppf(spreads.discount_rate, streams["discount_rate"][k]) if spreads.discount_rate else rate
        )
        rate_k = max(rate_k, 0.0)
        decay_k = decay + ppf(spreads.decay, streams["decay"][k]) if spreads.decay else decay
        decay_k = min(max(decay_k, DECAY_RANGE[0]), DECAY_RANGE[1])
        draws.append(_value(b1_k, g, share_k, decay_k, tax, rate_k, f, n, mid))
    return value, draws


def value_income_loop(
    table: pd.DataFrame,
    ctx: ValuationContext,
    n_draws: int,
    *,
    draws_out: list[list[float]] | None = None,
) -> list[float]:
    """Income value (CNY) of each row, computed one asset, one draw and one period at a time.

    ``n_draws`` Monte Carlo draws per asset are computed too (the benchmark times them); pass a list
    as ``draws_out`` to receive them, one list per row.
    """
    spreads = IncomeUncertainty()
    values = []
    for row in table.to_dict("records"):
        try:
            value, draws = _one_asset(row, ctx, n_draws, spreads)
        except (AssertionError, KeyError, TypeError, ValueError, ZeroDivisionError):
            value, draws = math.nan, [math.nan] * n_draws
        values.append(value)
        if draws_out is not None:
            draws_out.append(draws)
    return values
