"""Baseline for the benchmark: the market method as a plain per-asset Python loop
(docs/valuation.md §Market method).

Same formulas, selection, screening and counter-based uniforms as valuation/market, written the
straightforward way: plain floats, the math module, one asset, one comparable and one draw at a time.
It reads the flat batch columns (MARKET_BATCH_COLUMNS and the shared ones), assumes good rows (a row
it cannot read gives NaN, no error report) and uses the batch defaults: equal weights, MAD screen
(k = 3), the default spreads of MarketUncertainty.

    P = (1/m) · Σ_k Q_k × X1_k × X2_k × X3_k × X4_k × X5_k
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.loops.scalar import apply
from valuation.context import ValuationContext
from valuation.market import STREAM_BASE, AdjustmentTable, Comparable, DeliveryForm, MarketUncertainty
from valuation.market.adjustments import Exclusivity
from valuation.models import QUALITY_DIMENSIONS, DataRight
from valuation.price_index import month_number
from valuation.random import asset_key, uniforms

SIMILARITY_WEIGHTS = (0.25, 0.15, 0.10, 0.10, 0.15, 0.10, 0.15)
MAD_K = 3.0


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _number(row: Mapping[Any, Any], column: str, default: float | None = None) -> float:
    value = row.get(column)
    if _blank(value):
        if default is None:
            raise ValueError(f"{column} is blank")
        return default
    return float(str(value))


def _flag(value: Any) -> bool:
    return not _blank(value) and str(value).strip().lower() in ("true", "1", "1.0", "yes", "y", "t", "是")


def _tier(table: AdjustmentTable, region: str) -> int:
    for i, tier in enumerate(table.region_tiers):
        if region in (r.strip().lower() for r in tier.regions):
            return i
    return [t.tier for t in table.region_tiers].index(table.default_region_tier)


def _band(table: AdjustmentTable, years: float | None) -> int:
    for i, band in enumerate(table.remaining_term):
        if band.max_years is None or (years is not None and years <= band.max_years):
            return i
    return len(table.remaining_term) - 1


def _median(values: list[float]) -> float:
    s = sorted(values)
    pos = 0.5 * (len(s) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def _one_asset(
    row: Mapping[Any, Any],
    ctx: ValuationContext,
    n_draws: int,
    database: Sequence[Comparable],
    table: AdjustmentTable,
    spreads: MarketUncertainty,
) -> tuple[float, list[float]]:
    field = str(row.get("field") or "general").strip().lower()
    region = str(row.get("region") or "national").strip().lower()
    rights = DataRight(str(row["rights"]).split(";")[0].strip())
    delivery = DeliveryForm.parse(str(row["delivery_form"]))
    exclusive = _flag(row.get("exclusivity"))
    records = _number(row, "records")
    quality = 0.0
    for dim in QUALITY_DIMENSIONS:
        quality += (1 / 6) * _number(row, f"q_{dim.value}")
    term_end = row.get("rights_term_end")
    years = (
        None
        if _blank(term_end)
        else (date.fromisoformat(str(term_end)[:10]) - ctx.valuation_date).days / 365.25
    )
    beta = _number(row, "market_beta", 0.5)
    x2 = _number(row, "market_x2", 1.0)
    top_k = int(_number(row, "market_top_k", 8))
    field_only = _flag(row.get("market_field_only"))
    valuation_month = month_number(ctx.valuation_date)
    t_tier = _tier(table, region)

    scored = []
    for pos, c in enumerate(database):
        c_field, c_region = c.field.strip().lower(), c.region.strip().lower()
        if c.date > ctx.valuation_date or (field_only and c_field != field):
            continue
        region_score = 1.0 if c_region == region else (0.5 if _tier(table, c_region) == t_tier else 0.0)
        parts = (
            1.0 if c_field == field else 0.0,
            1.0 if c.rights_type == rights else 0.0,
            region_score,
            1.0 if c.delivery_form == delivery else 0.0,
            min(1.0, max(0.0, 1.0 - abs(math.log10(records) - math.log10(c.records)) / 3.0)),
            min(1.0, max(0.0, 1.0 - (valuation_month - month_number(c.date)) / 48.0)),
            min(1.0, max(0.0, 1.0 - abs(quality - c.quality))),
        )
        scored.append((-sum(w * p for w, p in zip(SIMILARITY_WEIGHTS, parts, strict=True)), pos))
    chosen = sorted(pos for _, pos in sorted(scored)[:top_k])
    if len(chosen) < 3:
        raise ValueError("fewer than 3 comparables")

    level_valuation = ctx.price_index.level(ctx.valuation_date)
    t_band = _band(table, years)
    ex = {True: Exclusivity.EXCLUSIVE, False: Exclusivity.NON_EXCLUSIVE}
    grid = []  # (price × X1 × X3 × X5, records ratio)
    for pos in chosen:
        c = database[pos]
        x1 = quality / c.quality
        x3 = level_valuation / ctx.price_index.level(c.date)
        x5 = (
            table.rights_type[rights].coefficient
            / table.rights_type[c.rights_type].coefficient
            * table.exclusivity[ex[exclusive]].coefficient
            / table.exclusivity[ex[c.exclusivity]].coefficient
            * table.region_tiers[t_tier].coefficient
            / table.region_tiers[_tier(table, c.region.strip().lower())].coefficient
            * table.remaining_term[t_band].coefficient
            / table.remaining_term[_band(table, c.term_years)].coefficient
            * table.delivery_form[delivery].coefficient
            / table.delivery_form[c.delivery_form].coefficient
        )
        grid.append((c.price * x1 * x3 * x5, records / c.records))

    adjusted = [base * x2 * math.pow(ratio, beta) for base, ratio in grid]
    logs = [math.log(p) for p in adjusted]
    centre = _median(logs)
    mad = _median([abs(v - centre) for v in logs])
    half = MAD_K * 1.4826 * mad if mad > 0 else math.inf
    kept = [k for k, v in enumerate(logs) if centre - half <= v <= centre + half]
    if len(kept) < 3:
        raise ValueError("fewer than 3 comparables after screening")
    value = sum(adjusted[k] for k in kept) / len(kept)

    key = np.array([asset_key(str(row["asset_id"]))], dtype=np.uint64)
    draws = []
    if n_draws > 0:
        u_beta = uniforms(ctx.seed, key, STREAM_BASE, n_draws)[0].tolist()
        u_x2 = uniforms(ctx.seed, key, STREAM_BASE + 1, n_draws)[0].tolist()
        u_boot = [uniforms(ctx.seed, key, STREAM_BASE + 2 + j, n_draws)[0].tolist() for j in range(len(kept))]
    m = len(kept)
    for d in range(n_draws):
        beta_d = min(1.0, max(0.0, apply(spreads.beta, beta, u_beta[d])))
        x2_d = apply(spreads.x2, x2, u_x2[d])
        total = 0.0
        for j in range(m):
            base, ratio = grid[kept[min(math.floor(u_boot[j][d] * m), m - 1)]]
            total += base * x2_d * math.pow(ratio, beta_d)
        draws.append(total / m)
    return value, draws


def value_market_loop(
    table: pd.DataFrame,
    ctx: ValuationContext,
    n_draws: int,
    *,
    database: Sequence[Comparable],
    adjustments: AdjustmentTable,
    draws_out: list[list[float]] | None = None,
) -> list[float]:
    """Market value (CNY) of each row, one asset, one comparable and one draw at a time.

    ``n_draws`` Monte Carlo draws per asset are computed too (the benchmark times them); pass a list
    as ``draws_out`` to receive them, one list per row.
    """
    spreads = MarketUncertainty()
    values = []
    for row in table.to_dict("records"):
        try:
            value, draws = _one_asset(row, ctx, n_draws, database, adjustments, spreads)
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            value, draws = math.nan, [math.nan] * n_draws
        values.append(value)
        if draws_out is not None:
            draws_out.append(draws)
    return values
