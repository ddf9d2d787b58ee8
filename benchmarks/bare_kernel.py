"""The practical limit for benchmark (a): the batch's formulas as bare numpy, no framework around them.

Same formulas and the same counter-based draws (valuation.random.uniforms) as the engine, written as
one straight numpy function per method over whole arrays: columns are taken as they are (the benchmark's
synthetic rows are all valid, so there is no parsing, validation, error bookkeeping, chunking or
intermediate columns), each formula is one numpy expression, and the three methods are reconciled into
V = Σ w_m V_m with P5 / P50 / P95. The market method's comparable selection and adjustment grid
(similarity matrix, top-k, X1..X5, MAD screen) come from the engine's grid functions — they run once
per asset, not per draw — and its Monte Carlo (β, X2, bootstrap) is written out here.

Defaults as in the batch: equal quality weights, the default spreads of CostUncertainty,
IncomeUncertainty and MarketUncertainty, equal comparable weights, MAD screen k = 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from valuation.context import ValuationContext
from valuation.dates import years_between
from valuation.market import grid as g
from valuation.market import kernel as mk
from valuation.market.adjustments import AdjustmentTable
from valuation.market.comparables import (
    DELIVERY_ORDER,
    RIGHTS_ORDER,
    Comparable,
    ComparableColumns,
    DeliveryForm,
)
from valuation.market.inputs import QualityWeights, Selection
from valuation.models import QUALITY_DIMENSIONS
from valuation.price_index import month_number
from valuation.random import asset_keys, uniforms

PCT = (5.0, 50.0, 95.0)


def _tri(u: np.ndarray, lo: float, hi: float, centre: float) -> np.ndarray:
    """Inverse CDF of triangular(lo, centre, hi)."""
    c = (centre - lo) / (hi - lo)
    left = lo + np.sqrt(u * (hi - lo) * (centre - lo))
    right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - centre))
    return np.where(u < c, left, right)


def _num(t: pd.DataFrame, col: str) -> np.ndarray:
    return pd.to_numeric(t[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


@dataclass
class BareResult:
    value: np.ndarray  # (n,) concluded value
    pct: np.ndarray  # (n, 3) P5, P50, P95 of the concluded value
    values: dict[str, np.ndarray]  # per method (n,), NaN where the method has weight 0


def bare_cost(t: pd.DataFrame, ctx: ValuationContext, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cost method P = C × δ and its draws (n, D)."""
    n, draws = len(t), ctx.n_draws
    idx = ctx.price_index
    inc = pd.to_datetime(t["cost_incurred_on"]).to_numpy().astype("datetime64[M]").astype(np.int64) + 1970 * 12
    factor = idx.level(ctx.valuation_date) / idx.levels(inc)
    amounts = [_num(t, c) for c in ("cost_planning", "cost_construction", "cost_operation", "cost_indirect")]
    given = [~np.isnan(a) for a in amounts]
    base = [np.where(gv, a, 0.0) * factor for a, gv in zip(amounts, given, strict=True)]
    rate = _num(t, "cost_opportunity_rate")
    has_rate = ~np.isnan(rate)
    rate = np.where(has_rate, rate, 0.0)
    years = np.where(has_rate, np.nan_to_num(_num(t, "cost_holding_years")), 0.0)
    tax = np.nan_to_num(_num(t, "cost_tax_rate"))
    basis = t["cost_delta_basis"].astype(str).to_numpy()
    use_q, use_l = np.isin(basis, ["quality", "both"]), np.isin(basis, ["life", "both"])
    scores = np.column_stack([np.nan_to_num(_num(t, f"q_{d.value}")) for d in QUALITY_DIMENSIONS])
    dq = np.sum(np.full(6, 1.0 / 6) * scores, axis=-1)
    term = pd.to_datetime(t["rights_term_end"]).to_numpy().astype("datetime64[D]")
    left = np.maximum(years_between(np.full(n, np.datetime64(ctx.valuation_date, "D")), term), 0.0)
    remaining = np.fmin(np.nan_to_num(_num(t, "cost_remaining_years")), left)
    elapsed = np.nan_to_num(_num(t, "cost_elapsed_years"))
    with np.errstate(divide="ignore", invalid="ignore"):
        dl = remaining / (elapsed + remaining)
    delta = np.where(use_q, dq, 1.0) * np.where(use_l, dl, 1.0)

    def build(p: Any, c: Any, o: Any, i: Any, r: Any, y: Any, x: Any, d: Any) -> Any:
        capital = p + c + o + i
        opportunity = 0.0 + r * capital * y
        taxes = 0.0 + x * (p + c + o + i + opportunity)
        return (capital + opportunity + taxes) * d

    value = build(base[0], base[1], base[2], base[3], rate, years, tax, delta)
    k = keys
    col = (slice(None), None)
    drawn = []
    for j, (b, gv) in enumerate(zip(base, given, strict=True)):  # the four amounts, ×triangular(0.9, 1, 1.1)
        x = np.clip(b[col] * _tri(uniforms(ctx.seed, k, 100 + j, draws), 0.9, 1.1, 1.0), 0.0, np.inf)
        drawn.append(np.where(gv[col], x, b[col]))
    r = np.where(has_rate[col], np.clip(rate[col] + _tri(uniforms(ctx.seed, k, 106, draws), -0.01, 0.01, 0.0),
                                        0.0, 1.0), rate[col])
    d = np.clip(delta[col] * _tri(uniforms(ctx.seed, k, 109, draws), 0.9, 1.1, 1.0), 0.0, 1.0)
    return value, build(drawn[0], drawn[1], drawn[2], drawn[3], r, years[col], tax[col], d)


def bare_income(t: pd.DataFrame, ctx: ValuationContext, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Income method P = Σ F_k (1 + i)^−t_k and its draws (n, D)."""
    n, draws = len(t), ctx.n_draws
    form = t["income_form"].astype(str).to_numpy()
    share = np.select(
        [form == "direct", form == "split", form == "excess_earnings"],
        [_num(t, "income_margin"), _num(t, "income_split_rate"), 1.0 - _num(t, "income_contributory_rate")],
        1.0,
    )
    pre = t["income_cash_flow_basis"].astype(str).to_numpy() == "pre_tax"
    tax = np.where(pre, 1.0 - np.nan_to_num(_num(t, "income_tax_rate")), 1.0)
    vday = np.datetime64(ctx.valuation_date, "D")
    term = pd.to_datetime(t["rights_term_end"]).to_numpy().astype("datetime64[D]")
    term_years = np.where(np.isnat(term), np.inf, years_between(np.full(n, vday), term))
    horizon = np.minimum(_num(t, "income_economic_life"), term_years)
    f = _num(t, "income_first_period_years")
    periods = 1 + np.ceil(np.maximum(horizon - f - 1e-7, 0.0)).astype(np.int64)
    kk = np.arange(int(periods.max()), dtype=np.float64)
    end = f[:, None] + kk
    start = np.where(kk == 0, 0.0, end - 1.0)
    length = end - start
    covered_end = np.clip(np.minimum(end, horizon[:, None]), start, None)
    covered = covered_end - start
    coverage = np.where(covered > 1e-7, covered / length, 0.0)
    covered_end = np.where(covered > 1e-7, covered_end, start)
    mid = (t["income_timing"].astype(str).to_numpy() == "mid")[:, None]
    times = np.where(mid, 0.5 * (start + covered_end), covered_end)
    base = _num(t, "income_base_y1")[:, None] * (1.0 + _num(t, "income_growth"))[:, None] ** kk * length
    rate, decay = _num(t, "income_discount_rate"), _num(t, "income_decay")

    def value_of(b: Any, s: Any, dec: Any, i: Any, tau: Any, cov: Any, tm: Any) -> Any:
        flows = b * s * (1.0 - dec)[..., None] ** kk * (tau[..., None] * cov)
        pv = flows * (1.0 + i)[..., None] ** (-tm)
        total = pv[..., 0].copy()
        for p in range(1, pv.shape[-1]):  # first to last, as the engine adds periods
            total += pv[..., p]
        return total

    value = value_of(base, share[:, None], decay, rate, tax, coverage, times)
    u = {name: uniforms(ctx.seed, keys, 200 + j, draws) for j, name in enumerate(("base", "share", "rate", "decay"))}
    b = base[:, None, :] * np.exp(0.15 * special.ndtri(u["base"]))[..., None]
    b = np.where(np.isin(form, ["direct", "split"])[:, None, None], np.maximum(b, 0.0), b)
    s = share[:, None, None] * np.where((form != "incremental")[:, None], _tri(u["share"], 0.8, 1.2, 1.0), 1.0)[..., None]
    i = np.maximum(rate[:, None] + 0.01 * special.ndtri(u["rate"]), 0.0)
    dec = np.clip(decay[:, None] + _tri(u["decay"], -0.05, 0.05, 0.0), -0.5, 0.95)
    return value, value_of(b, s, dec, i, tax[:, None], coverage[:, None, :], times[:, None, :])


def bare_market(
    t: pd.DataFrame, ctx: ValuationContext, keys: np.ndarray, database: Sequence[Comparable],
    adjustments: AdjustmentTable,
) -> tuple[np.ndarray, np.ndarray]:
    """Market method: mean of the adjusted prices of the kept comparables, and its bootstrap draws (n, D)."""
    n, draws = len(t), ctx.n_draws
    comps = ComparableColumns.of(database)
    scores6 = np.column_stack([_num(t, f"q_{d.value}") for d in QUALITY_DIMENSIONS])
    rights = t["rights"].astype(str).str.split(";").str[0].str.strip().to_numpy()
    term = pd.to_datetime(t["rights_term_end"])
    targets = g.Targets(
        field_key=t["field"].astype(str).str.strip().str.lower().to_numpy(dtype=object),
        region_key=t["region"].astype(str).str.strip().str.lower().to_numpy(dtype=object),
        rights=np.array([[r.value for r in RIGHTS_ORDER].index(x) for x in rights]),
        delivery=np.array([DELIVERY_ORDER.index(DeliveryForm.parse(x)) for x in t["delivery_form"]]),
        exclusivity=t["exclusivity"].astype(bool).to_numpy(),
        records=_num(t, "records"),
        quality=mk.target_quality(scores6, QualityWeights().vector()),
        term_years=(term.dt.normalize() - pd.Timestamp(ctx.valuation_date)).dt.days.to_numpy(
            dtype=np.float64, na_value=np.nan) / 365.0,
        beta=_num(t, "market_beta"),
        x2=_num(t, "market_x2"),
        top_k=_num(t, "market_top_k").astype(np.int64),
        field_only=t["market_field_only"].astype(bool).to_numpy(),
    )
    sc = g.score(targets, comps, adjustments, month_number(ctx.valuation_date), Selection().weights.vector())
    pool = g.eligible(targets, comps, sc, ctx.valuation_date.toordinal())
    index, valid = mk.select_top_k(sc.score, pool, targets.top_k)
    comp_levels = g.comparable_levels(ctx.price_index, comps.month)
    grid = g.build_grid(targets, comps, index, valid, sc, adjustments, ctx.price_index.level(ctx.valuation_date),
                        comp_levels)
    kept = mk.screen_outliers(np.log(grid.adjusted), valid, mk.OutlierRule.MAD, 3.0)[0]
    m = kept.sum(axis=1)
    value = np.where(kept, grid.adjusted, 0.0).sum(axis=1) / m

    # Monte Carlo: β + triangular(−0.2, 0.2) clipped to [0, 1], X2 × triangular(0.9, 1.1), bootstrap of m.
    beta = np.clip(targets.beta[:, None] + _tri(uniforms(ctx.seed, keys, 300, draws), -0.2, 0.2, 0.0), 0.0, 1.0)
    x2 = grid.x2[:, :, None] * _tri(uniforms(ctx.seed, keys, 301, draws), 0.9, 1.1, 1.0)[:, None, :]
    x4 = np.power(*np.broadcast_arrays(grid.records_ratio[:, :, None], beta[:, None, :]))
    adjusted = grid.price[:, :, None] * grid.x1[:, :, None] * x2 * grid.x3[:, :, None] * x4 * grid.x5[:, :, None]
    order = np.argsort(~kept, axis=1, kind="stable")  # kept comparables first
    rows = np.arange(n)[:, None]
    total = np.zeros((n, draws))
    for j in range(int(m.max())):
        pick = np.minimum(np.floor(uniforms(ctx.seed, keys, 302 + j, draws) * m[:, None]).astype(np.int64),
                          m[:, None] - 1)
        slot = order[rows, pick]
        total += np.where((j < m)[:, None], adjusted[rows, slot, np.arange(draws)[None, :]], 0.0)
    return value, total / m[:, None]


def bare_batch(table: pd.DataFrame, ctx: ValuationContext, database: Sequence[Comparable],
               adjustments: AdjustmentTable, *, block_rows: int | None = None) -> BareResult:
    """All three methods on the rows that weight them, reconciled: V and its P5 / P50 / P95.

    ``block_rows`` None: whole arrays at once; else the same function on consecutive blocks of rows
    (smaller arrays stay in cache — the one trick a numpy programmer adds without a framework).
    """
    if block_rows is not None and block_rows < len(table):
        parts = [bare_batch(table.iloc[s : s + block_rows], ctx, database, adjustments)
                 for s in range(0, len(table), block_rows)]
        return BareResult(np.concatenate([p.value for p in parts]), np.concatenate([p.pct for p in parts]),
                          {k: np.concatenate([p.values[k] for p in parts]) for k in parts[0].values})
    n = len(table)
    keys = asset_keys(table["asset_id"].astype(str))
    weights = table[["w_cost", "w_income", "w_market"]].to_numpy(dtype=np.float64)
    value = np.zeros(n)
    combined = np.zeros((n, ctx.n_draws))
    values = {}
    for j, (name, fn) in enumerate((("cost", bare_cost), ("income", bare_income), ("market", bare_market))):
        rows = np.flatnonzero(weights[:, j] > 0)
        part = table.iloc[rows].reset_index(drop=True)
        extra = (database, adjustments) if name == "market" else ()
        v, d = fn(part, ctx, keys[rows], *extra)  # type: ignore[operator]
        values[name] = np.full(n, np.nan)
        values[name][rows] = v
        np.percentile(d, PCT, axis=1)  # each method's range, as the engine reports it
        value[rows] += weights[rows, j] * v
        combined[rows] += weights[rows, j][:, None] * d
    return BareResult(value, np.percentile(combined, PCT, axis=1).T, values)
