"""Vectorized batch valuation of a flat table (one row per asset).

Each method's batch function values all the rows that weight it at once (numpy over assets and draws);
the runner only validates the shared columns, cuts the table into chunks that bound memory
(rows × draws cells per chunk), combines the methods into the concluded value and its range, and keeps
per-asset errors as data: a bad row never stops the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dataval.errors import AssetError, InvalidInput
from valuation import cost, income, market
from valuation.batch_types import BatchColumn, BatchMethodOutput
from valuation.context import ValuationContext
from valuation.models import QUALITY_DIMENSIONS, DataRight, DataSource, Method
from valuation.random import asset_keys
from valuation.uncertainty import REPORT_PERCENTILES

CHUNK_CELLS = 1_000_000  # rows × draws per chunk: bounds the memory of the Monte Carlo
WEIGHT_TOLERANCE = 1e-9

SHARED_COLUMNS: tuple[BatchColumn, ...] = (
    BatchColumn("asset_id", "str", True, "", "资产编号 unique asset id"),
    BatchColumn("name", "str", False, "", "资产名称 asset name"),
    BatchColumn("field", "str", False, "", "应用领域 field of application"),
    BatchColumn("region", "str", False, "", "地区 region"),
    BatchColumn("rights", "str", False, "", "权利类型 ';'-separated: holding;processing_use;product_operation"),
    BatchColumn("source", "str", False, "", "来源 own_collection / purchase / licence / authorized_operation"),
    BatchColumn("records", "int", False, "count", "记录数 number of records"),
    BatchColumn("exclusivity", "bool", False, "", "独家 exclusive rights"),
    BatchColumn("delivery_form", "str", False, "", "交付方式 API / file / data_service / sandbox"),
    BatchColumn("update_frequency", "str", False, "", "更新频率"),
    *(
        BatchColumn(f"q_{d.value}", "float", False, "score", f"质量评分 {d.value} in [0, 1]")
        for d in QUALITY_DIMENSIONS
    ),
    BatchColumn("rights_term_end", "date", False, "", "权利期限届满日 end of the rights term"),
    BatchColumn("valuation_date", "date", False, "", "评估基准日 (one date for the whole batch; or --valuation-date)"),
    BatchColumn("w_cost", "float", False, "weight", "成本法权重 weight of the cost method (0 = not run)"),
    BatchColumn("w_income", "float", False, "weight", "收益法权重 weight of the income method"),
    BatchColumn("w_market", "float", False, "weight", "市场法权重 weight of the market method"),
)


@dataclass(frozen=True)
class _BatchFn:
    run: Callable[..., BatchMethodOutput]
    columns: tuple[BatchColumn, ...]


BATCH_METHODS: dict[Method, _BatchFn] = {
    Method.COST: _BatchFn(cost.value_cost_batch, cost.COST_BATCH_COLUMNS),
    Method.INCOME: _BatchFn(income.value_income_batch, income.INCOME_BATCH_COLUMNS),
    Method.MARKET: _BatchFn(market.value_market_batch, market.MARKET_BATCH_COLUMNS),
}


def batch_columns() -> tuple[BatchColumn, ...]:
    """Every column of the flat batch format: shared, then cost, income, market."""
    return SHARED_COLUMNS + tuple(c for fn in BATCH_METHODS.values() for c in fn.columns)


@dataclass
class BatchResult:
    """Tidy results (one row per asset) and the per-asset errors."""

    table: pd.DataFrame
    errors: list[AssetError] = field(default_factory=list)

    @property
    def n_ok(self) -> int:
        return int((self.table["status"] == "ok").sum())

    @property
    def n_failed(self) -> int:
        return int((self.table["status"] != "ok").sum())


def _weights(table: pd.DataFrame, ids: list[str], errors: list[AssetError]) -> tuple[np.ndarray, np.ndarray]:
    """Method weights (n, 3) in Method order and a mask of rows whose weights are valid."""
    n = len(table)
    w = np.zeros((n, len(Method)))
    ok = np.ones(n, dtype=bool)
    for j, m in enumerate(Method):
        col = f"w_{m.value}"
        if col not in table.columns:
            continue
        raw = table[col]
        num = pd.to_numeric(raw, errors="coerce")
        text = num.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
        bad = text | (num < 0) | (num > 1)
        for i in map(int, np.flatnonzero(bad.to_numpy())):
            errors.append(AssetError(ids[i], "invalid_input", col, f"weight must be a number in [0, 1], got {raw.iat[i]!r}"))
        ok &= ~bad.to_numpy()
        w[:, j] = num.fillna(0.0).clip(0, 1).to_numpy()
    total = w.sum(axis=1)
    off = ok & (np.abs(total - 1.0) > WEIGHT_TOLERANCE)
    for i in map(int, np.flatnonzero(off)):
        errors.append(
            AssetError(ids[i], "weights_sum", "w_cost/w_income/w_market",
                       f"method weights must sum to 1, got {total[i]:g}")
        )
    return w, ok & ~off


def _validate_shared(table: pd.DataFrame, errors: list[AssetError]) -> tuple[list[str], np.ndarray]:
    if "asset_id" not in table.columns:
        raise InvalidInput("the batch table has no 'asset_id' column", field="asset_id")
    known = {c.name for c in batch_columns()}
    unknown = [c for c in table.columns if c not in known]
    if unknown:
        raise InvalidInput(
            f"unknown columns {unknown}; the batch format is listed by `dataval schema --batch`",
            field=unknown[0],
        )
    ids: list[str] = [str(a) for a in table["asset_id"].astype("string").fillna("").str.strip()]
    ok = np.ones(len(table), dtype=bool)
    for i, a in enumerate(ids):
        if not a:
            ids[i] = f"row {i + 2}"
            errors.append(AssetError(ids[i], "invalid_input", "asset_id", "asset_id is blank"))
            ok[i] = False
    dup = pd.Series(ids).duplicated(keep="first").to_numpy()
    for i in map(int, np.flatnonzero(dup & ok)):
        errors.append(AssetError(ids[i], "invalid_input", "asset_id", f"asset_id {ids[i]!r} is repeated (row {i + 2})"))
    ok &= ~dup
    allowed_rights = {r.value for r in DataRight}
    if "rights" in table.columns:
        rights = table["rights"].astype("string").fillna("")
        for i, text in enumerate(rights):
            parts = [p.strip() for p in text.split(";") if p.strip()]
            bad = [p for p in parts if p not in allowed_rights]
            if bad:
                errors.append(AssetError(ids[i], "invalid_input", "rights", f"unknown right(s) {bad}; expected {sorted(allowed_rights)}"))
                ok[i] = False
    if "source" in table.columns:
        allowed = {s.value for s in DataSource}
        src = table["source"].astype("string").fillna("").str.strip()
        for i in map(int, np.flatnonzero(((src != "") & ~src.isin(allowed)).to_numpy())):
            errors.append(AssetError(ids[i], "invalid_input", "source", f"unknown source {src.iat[i]!r}; expected {sorted(allowed)}"))
            ok[i] = False
    return ids, ok


def run_batch(
    table: pd.DataFrame,
    ctx: ValuationContext,
    *,
    market_kwargs: Mapping[str, Any] | None = None,
    cost_kwargs: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Value every row of a flat batch table; see :data:`SHARED_COLUMNS` and each method's columns.

    Returns a tidy table: per-method values and P5/P50/P95, method weights, concluded value
    V = Σ w_m V_m with its P5/P50/P95, status and error text.
    """
    errors: list[AssetError] = []
    table = table.reset_index(drop=True)
    ids, ok = _validate_shared(table, errors)
    weights, w_ok = _weights(table, ids, errors)
    ok &= w_ok
    table = table.assign(asset_id=ids)
    keys = asset_keys(ids)
    n = len(table)
    n_draws = ctx.n_draws
    chunk = max(1, CHUNK_CELLS // max(1, n_draws)) if n_draws else max(1, CHUNK_CELLS)
    method_kwargs: dict[Method, Mapping[str, Any]] = {
        Method.COST: cost_kwargs or {},
        Method.MARKET: market_kwargs or {},
        Method.INCOME: {},
    }

    values = np.full((n, len(Method)), np.nan)
    pct = np.full((n, len(Method), 3), np.nan)
    concluded_pct = np.full((n, 3), np.nan)
    extras: dict[str, np.ndarray] = {}

    runnable = ok.copy()  # every method runs on every valid row, so all of a row's problems are reported
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        rows = np.arange(start, stop)
        combined = np.zeros((stop - start, n_draws)) if n_draws else None
        for j, m in enumerate(Method):
            sel = rows[runnable[rows] & (weights[rows, j] > 0)]
            if sel.size == 0:
                continue
            out = BATCH_METHODS[m].run(table.iloc[sel], ctx, keys[sel], **method_kwargs[m])
            values[sel, j] = out.values
            for e in out.errors:
                errors.append(e)
            failed = sel[np.isnan(out.values)]
            ok[failed] = False
            for name, arr in out.extra.items():
                arr = np.asarray(arr)
                if name not in extras:
                    extras[name] = np.full(n, np.nan) if arr.dtype.kind in "fiub" else np.full(n, None, dtype=object)
                extras[name][sel] = arr
            if out.draws is not None and combined is not None:
                pct[sel, j, :] = np.percentile(out.draws, REPORT_PERCENTILES, axis=1).T
                combined[sel - start] += weights[sel, j][:, None] * np.nan_to_num(out.draws)
        if combined is not None:
            good = ok[rows]
            concluded_pct[rows[good]] = np.percentile(combined[good], REPORT_PERCENTILES, axis=1).T
        if progress is not None:
            progress(stop, n)

    concluded = np.where(ok, np.nansum(np.nan_to_num(values) * weights, axis=1), np.nan)
    message: dict[str, list[str]] = {}
    for e in errors:
        message.setdefault(e.asset_id, []).append(f"{e.field}: {e.message}" if e.field else e.message)
    out_cols: dict[str, Any] = {"asset_id": np.array(ids, dtype=object)}
    if "name" in table.columns:
        out_cols["name"] = table["name"].to_numpy()
    for j, m in enumerate(Method):
        out_cols[f"w_{m.value}"] = weights[:, j]
        out_cols[f"value_{m.value}"] = values[:, j]
        for k, p in enumerate(("p5", "p50", "p95")):
            out_cols[f"{m.value}_{p}"] = pct[:, j, k]
    out_cols["value"] = concluded
    for k, p in enumerate(("p5", "p50", "p95")):
        out_cols[p] = concluded_pct[:, k]
    out_cols["status"] = np.where(ok, "ok", "error")
    out_cols["error"] = ["; ".join(message.get(a, [])) for a in ids]
    out_cols.update(extras)
    return BatchResult(pd.DataFrame(out_cols), errors)
