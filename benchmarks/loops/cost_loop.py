"""Baseline for the benchmark: the cost method as a plain per-asset Python loop
(docs/valuation.md §Cost method).

Same formulas and the same counter-based uniforms as valuation/cost, written the straightforward way:
plain floats, the math module, one asset and one draw at a time, dateutil.relativedelta for year
fractions. It reads the flat batch columns (COST_BATCH_COLUMNS) and assumes good rows (a row it
cannot read gives NaN); it does not report errors. Uses the default spreads of CostUncertainty.

    P = C × δ,  C = 前期 + 直接—建设 + 直接—运维 + 间接 + 机会成本 + 相关税费
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from benchmarks.loops.scalar import ppf
from valuation.context import ValuationContext
from valuation.cost import STREAM_BASE, CostUncertainty
from valuation.models import QUALITY_DIMENSIONS
from valuation.random import asset_key, uniforms
from valuation.uncertainty import Spread

DRIVERS = (
    "planning",
    "direct_construction",
    "direct_operation",
    "indirect",
    "opportunity",
    "taxes",
    "opportunity_rate",
    "holding_years",
    "tax_rate",
    "delta",
)
AMOUNTS = ("cost_planning", "cost_construction", "cost_operation", "cost_indirect")


def _number(row: Mapping[Any, Any], column: str) -> float | None:
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return None
    return float(value)


def _date(value: Any) -> date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return None
    return date.fromisoformat(str(value)[:10])


def _years(start: date, end: date) -> float:
    rd = relativedelta(end, start)
    return rd.years + rd.months / 12 + rd.days / 365


def _value(d: dict[str, float]) -> float:
    capital = d["planning"] + d["direct_construction"] + d["direct_operation"] + d["indirect"]
    opportunity = d["opportunity"] + d["opportunity_rate"] * capital * d["holding_years"]
    taxes = d["taxes"] + d["tax_rate"] * capital  # default base: no tax on 机会成本 (imputed return)
    return (capital + opportunity + taxes) * d["delta"]


def _one_asset(
    row: Mapping[Any, Any],
    ctx: ValuationContext,
    n_draws: int,
    weights: list[float],
    spreads: CostUncertainty,
) -> tuple[float, list[float]]:
    incurred = _date(row.get("cost_incurred_on"))
    assert incurred is not None
    factor = ctx.price_index.level(ctx.valuation_date) / ctx.price_index.level(incurred)
    amounts = [_number(row, c) for c in AMOUNTS]
    base = {name: 0.0 for name in DRIVERS}
    for name, amount in zip(DRIVERS[:4], amounts, strict=True):
        base[name] = 0.0 if amount is None else amount * factor
    rate = _number(row, "cost_opportunity_rate")
    if rate is not None:
        base["opportunity_rate"] = rate
        base["holding_years"] = _number(row, "cost_holding_years") or 0.0
    tax_rate = _number(row, "cost_tax_rate")
    if tax_rate is not None:
        base["tax_rate"] = tax_rate

    basis = str(row["cost_delta_basis"]).strip().lower()
    delta = 1.0
    if basis in ("quality", "both"):
        delta_q = 0.0
        for w, dim in zip(weights, QUALITY_DIMENSIONS, strict=True):
            score = _number(row, f"q_{dim.value}")
            assert score is not None
            delta_q += w * score
        delta *= delta_q
    if basis in ("life", "both"):
        elapsed = _number(row, "cost_elapsed_years") or 0.0
        remaining = _number(row, "cost_remaining_years") or 0.0
        term_end = _date(row.get("rights_term_end"))
        if term_end is not None:
            left = _years(ctx.valuation_date, term_end) if term_end >= ctx.valuation_date else 0.0
            remaining = min(remaining, left)
        delta *= remaining / (elapsed + remaining)
    base["delta"] = delta
    value = _value(base)

    in_use = {
        "planning": amounts[0] is not None,
        "direct_construction": amounts[1] is not None,
        "direct_operation": amounts[2] is not None,
        "indirect": amounts[3] is not None,
        "opportunity_rate": rate is not None,
        "holding_years": rate is not None,
        "tax_rate": tax_rate is not None,
        "delta": True,
    }
    key = np.array([asset_key(str(row["asset_id"]))], dtype=np.uint64)
    moving: dict[str, tuple[Spread, list[float]]] = {}
    for i, name in enumerate(DRIVERS):
        spread = getattr(spreads, name)
        if spread is not None and in_use.get(name, False) and n_draws > 0:
            moving[name] = (spread, uniforms(ctx.seed, key, STREAM_BASE + i, n_draws)[0].tolist())
    bounds = {"opportunity_rate": 1.0, "tax_rate": 1.0, "delta": 1.0}
    draws = []
    for k in range(n_draws):
        drawn = dict(base)
        for name, (spread, us) in moving.items():
            f = ppf(spread, us[k])
            x = base[name] * f if spread.shift == "multiply" else base[name] + f
            drawn[name] = min(max(x, 0.0), bounds.get(name, math.inf))
        draws.append(_value(drawn))
    return value, draws


def value_cost_loop(
    table: pd.DataFrame,
    ctx: ValuationContext,
    n_draws: int,
    *,
    quality_weights: dict[str, float] | None = None,
    draws_out: list[list[float]] | None = None,
) -> list[float]:
    """Cost value (CNY) of each row, computed one asset and one draw at a time.

    ``n_draws`` Monte Carlo draws per asset are computed too (the benchmark times them); pass a list
    as ``draws_out`` to receive them, one list per row.
    """
    weights = [
        1.0 / 6 if quality_weights is None else float(quality_weights[d.value]) for d in QUALITY_DIMENSIONS
    ]
    spreads = CostUncertainty()
    values = []
    for row in table.to_dict("records"):
        try:
            value, draws = _one_asset(row, ctx, n_draws, weights, spreads)
        except (AssertionError, KeyError, TypeError, ValueError, ZeroDivisionError):
            value, draws = math.nan, [math.nan] * n_draws
        values.append(value)
        if draws_out is not None:
            draws_out.append(draws)
    return values
