"""Vectorized batch valuation of a flat table (one row per asset).

Each method's batch function values all the rows that weight it at once (numpy over assets and draws);
:func:`value_chunk` only validates the shared columns, cuts its rows into pieces that bound memory
(rows × draws cells per piece), combines the methods into the concluded value and its range, and keeps
per-asset errors as data: a bad row never stops the batch.

A batch is a sequence of chunks (:class:`BatchJob` + a slice of the table); an executor values the
chunks (``valuation.executors.LocalExecutor`` here, ``cli.dask_executor.DaskExecutor`` on a cluster) and
:func:`valuation.runner.run_batch` or the shell's streaming runner puts the results together. Draws are keyed by asset id, so the result does not depend on the
executor nor on how the batch was cut.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from base.errors import AssetError, InvalidInput
from base.ranges import latest_term_end
from valuation import compiled, cost, income, market
from valuation.batch_reader import RowReader, Wording
from valuation.batch_types import SHARED_COLUMNS, BatchColumn, BatchMethodOutput
from valuation.conclusion import combine, off_one
from valuation.context import ValuationContext
from valuation.errors import chinese_first
from valuation.models import Method
from valuation.random import asset_keys
from valuation.uncertainty import REPORT_PERCENTILES

CHUNK_CELLS = 4_000_000  # rows × draws valued at once (32 MB arrays): bounds the memory of the Monte Carlo

# The shared columns' errors; a weight's message shows the cell as given, whatever was wrong with it.
SHARED_WORDING = Wording(
    invalid=InvalidInput.rule,
    missing=InvalidInput.rule,
    not_number="{what} must be a number in [0, 1], got {raw!r}",
    out_of_range="{what} must be a number {bounds}, got {raw!r}",
    blank="{what} is blank",
)


DATE_WORDING = Wording(
    invalid=InvalidInput.rule,
    missing=InvalidInput.rule,
    not_number="{what} must be a number, got {raw!r}",
    out_of_range="{what} must be a number {bounds}, got {raw!r}",
    blank="{what} is blank",
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


def _weights(table: pd.DataFrame, ids: list[str], errors: list[tuple[int, AssetError]]) -> tuple[np.ndarray, np.ndarray]:
    """Method weights (n, 3) in Method order and a mask of rows whose weights are valid.

    Each weight is checked against :class:`~valuation.conclusion.MethodWeight`'s field (a blank is 0,
    the method not run); their sum by :func:`~valuation.conclusion.off_one`, the rule of a single case.
    A refused weight is shown clipped to [0, 1] (text as 0) in the result table.
    """
    reader = RowReader(table, SHARED_COLUMNS, SHARED_WORDING, ids=np.asarray(ids, dtype=object))
    n = len(table)
    w = np.zeros((n, len(Method)))
    for j, m in enumerate(Method):
        col = f"w_{m.value}"
        if col in table.columns:
            w[:, j] = np.clip(np.nan_to_num(reader.numbers(col, what="weight", required=False).number), 0, 1)
    errors.extend(zip(reader.error_rows, reader.errors, strict=True))
    ok = ~reader.bad
    total = w.sum(axis=1)
    off = ok & off_one(total)
    for i in map(int, np.flatnonzero(off)):
        errors.append(
            (i, AssetError(ids[i], "weights_sum", "w_cost/w_income/w_market",
                           f"method weights must sum to 1, got {total[i]:g}"))
        )
    return w, ok & ~off


def check_columns(table: pd.DataFrame) -> None:
    """Refuse a table without ``asset_id`` or with a column the batch format does not know."""
    if "asset_id" not in table.columns:
        raise InvalidInput("the batch table has no 'asset_id' column", field="asset_id")
    known = {c.name for c in batch_columns()}
    unknown = [str(c) for c in table.columns if c not in known]
    if unknown:
        raise InvalidInput(
            f"unknown columns {unknown}; the batch format is listed by `dataval schema --batch`",
            field=unknown[0],
        )


def _validate_shared(
    table: pd.DataFrame,
    errors: list[tuple[int, AssetError]],
    *,
    row_offset: int = 0,
    repeated: np.ndarray | None = None,
) -> tuple[list[str], np.ndarray]:
    check_columns(table)
    ids: list[str] = [str(a) for a in table["asset_id"].astype("string").fillna("").str.strip()]
    ok = np.ones(len(table), dtype=bool)
    for i, a in enumerate(ids):
        if not a:
            ids[i] = f"row {row_offset + i + 2}"
            errors.append((i, AssetError(ids[i], "invalid_input", "asset_id", "资产编号为空 asset_id is blank")))
            ok[i] = False
    dup = pd.Series(ids).duplicated(keep="first").to_numpy()
    if repeated is not None:
        dup = dup | np.asarray(repeated, dtype=bool)
    for i in map(int, np.flatnonzero(dup & ok)):
        errors.append((i, AssetError(ids[i], "invalid_input", "asset_id",
                                     f"资产编号重复 asset_id {ids[i]!r} is repeated (row {row_offset + i + 2})")))
    ok &= ~dup
    reader = RowReader(table, SHARED_COLUMNS, SHARED_WORDING, ids=np.asarray(ids, dtype=object))
    if "rights" in table.columns:  # ';'-separated values of DataAsset.rights, each checked once per spelling
        allowed = reader.rule("rights").choices
        codes, cells = pd.factorize(table["rights"].astype("string").fillna(""))
        unknown = [[p for p in (q.strip() for q in str(c).split(";")) if p and p not in allowed] for c in cells]
        bad_cells = np.array([bool(u) for u in unknown], dtype=bool)[codes]
        reader.fail(bad_cells, InvalidInput.rule, "rights",
                    [f"unknown right(s) {unknown[codes[i]]}; expected {sorted(allowed)}" for i in np.flatnonzero(bad_cells)])
    if "source" in table.columns:
        src = table["source"].astype("string").fillna("").str.strip()
        allowed = reader.rule("source").choices
        bad_src = ((src != "") & ~src.isin(allowed)).to_numpy()
        reader.fail(bad_src, InvalidInput.rule, "source",
                    [f"unknown source {v!r}; expected {sorted(allowed)}" for v in src.to_numpy(dtype=object)[bad_src]])
    errors.extend(zip(reader.error_rows, reader.errors, strict=True))
    ok &= ~reader.bad
    return ids, ok


def _dates_in_window(table: pd.DataFrame, ids: list[str], errors: list[tuple[int, AssetError]],
                     vdate: Any, row_offset: int) -> np.ndarray:
    """Rows whose shared dates are readable and in their window (base/ranges.py): ``valuation_date``
    is the batch's date (a cell that is no date, e.g. ``2025-02-30`` or ``garbage``, is refused, not
    read as the batch date); ``rights_term_end`` lies in 1990-01-01 … valuation date + 50 years.
    Each refusal names the file row (header = row 1) and the column."""
    reader = RowReader(table, SHARED_COLUMNS, DATE_WORDING, ids=np.asarray(ids, dtype=object))
    day = np.datetime64(vdate, "D")
    if "valuation_date" in table.columns:
        values, blank = reader.dates("valuation_date", what="valuation_date", first_row=row_offset + 2)
        other = ~blank & ~np.isnat(values) & (values != day)
        reader.fail(other, InvalidInput.rule, "valuation_date",
                    [f"row {row_offset + 2 + i}: a batch has one valuation date {vdate}, got {values[i]}"
                     for i in np.flatnonzero(other)])
    if "rights_term_end" in table.columns:
        latest = latest_term_end(vdate)
        values, blank = reader.dates("rights_term_end", what="rights_term_end", first_row=row_offset + 2,
                                     latest=latest)
    errors.extend(zip(reader.error_rows, reader.errors, strict=True))
    return ~reader.bad


# Intermediate columns each method adds to the tidy table, in output order. Declared here so that every
# chunk of a streamed batch has the same columns (tests/valuation/test_executors.py checks them against
# what the methods return). "str" columns hold text or None; the others are float64.
OUTPUT_EXTRAS: tuple[tuple[str, str], ...] = (
    ("cost_index_factor", "float"),
    ("cost_C", "float"),
    ("cost_opportunity", "float"),
    ("cost_taxes", "float"),
    ("cost_delta_quality", "float"),
    ("cost_delta_life", "float"),
    ("cost_remaining_years_used", "float"),
    ("cost_delta", "float"),
    ("income_horizon_years", "float"),
    ("income_periods", "float"),
    ("income_binding_cap", "str"),
    ("income_cash_flow_1", "float"),
    ("income_tax_factor", "float"),
    ("income_split_base", "str"),
    ("income_implied_profit_share", "float"),
    ("income_implied_revenue_rate", "float"),
    ("market_pool", "float"),
    ("market_selected", "float"),
    ("market_kept", "float"),
    ("market_target_quality", "float"),
    ("market_similarity_mean", "float"),
    ("market_adjusted_min", "float"),
    ("market_adjusted_max", "float"),
    ("market_comparables", "str"),
    ("market_aggregation", "str"),
    ("market_rights_valued", "str"),
)


def output_columns() -> tuple[tuple[str, str], ...]:
    """(name, "str" | "float") of every column of the tidy result table, in order."""
    cols: list[tuple[str, str]] = [("asset_id", "str"), ("name", "str")]
    for m in Method:
        cols += [(f"w_{m.value}", "float"), (f"value_{m.value}", "float")]
        cols += [(f"{m.value}_{p}", "float") for p in ("p5", "p50", "p95")]
    cols += [("value", "float"), ("p5", "float"), ("p50", "float"), ("p95", "float")]
    cols += [("status", "str"), ("error", "str")]
    return tuple(cols) + OUTPUT_EXTRAS


@dataclass(frozen=True)
class BatchJob:
    """What every chunk of a batch shares: the valuation context and each method's options.

    Picklable (pydantic models, tuples and plain values), so a distributed executor ships it to its
    workers once.
    """

    ctx: ValuationContext
    market_kwargs: Mapping[str, Any] = field(default_factory=dict)
    cost_kwargs: Mapping[str, Any] = field(default_factory=dict)
    income_kwargs: Mapping[str, Any] = field(default_factory=dict)

    def kwargs(self, method: Method) -> Mapping[str, Any]:
        return {Method.COST: self.cost_kwargs, Method.INCOME: self.income_kwargs,
                Method.MARKET: self.market_kwargs}[method]


def memory_chunk_rows(n_draws: int) -> int:
    """Rows valued at once inside a chunk: rows × draws ≤ :data:`CHUNK_CELLS`."""
    return max(1, CHUNK_CELLS // max(1, n_draws))


def value_chunk(
    job: BatchJob,
    table: pd.DataFrame,
    *,
    row_offset: int = 0,
    repeated: np.ndarray | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Value one chunk of a batch: the unit of work of every executor.

    ``row_offset`` is the number of data rows before this chunk in the whole batch (so errors name
    the file's row, header = row 1); ``repeated`` (n,) marks rows whose asset id already appeared in
    an earlier chunk. An asset's figures depend only on its own row, the job and its id (draws are
    keyed by id, valuation/random.py), so any partition of a batch gives the same table.
    """
    errors: list[tuple[int, AssetError]] = []  # (row in the chunk, error)
    table = table.reset_index(drop=True)
    ids, ok = _validate_shared(table, errors, row_offset=row_offset, repeated=repeated)
    weights, w_ok = _weights(table, ids, errors)
    ok &= w_ok
    ok &= _dates_in_window(table, ids, errors, job.ctx.valuation_date, row_offset)
    table = table.assign(asset_id=ids)
    keys = asset_keys(ids)
    n = len(table)
    ctx = job.ctx
    n_draws = ctx.n_draws
    chunk = memory_chunk_rows(n_draws)

    values = np.full((n, len(Method)), np.nan)
    pct = np.full((n, len(Method), 3), np.nan)
    concluded_pct = np.full((n, 3), np.nan)
    extras: dict[str, np.ndarray] = {}

    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        rows = np.arange(start, stop)
        combined = np.zeros((stop - start, n_draws)) if n_draws else None
        runnable = ok[rows]  # every method runs on every valid row, so all of a row's problems are reported
        for j, m in enumerate(Method):
            sel = rows[runnable & (weights[rows, j] > 0)]
            if sel.size == 0:
                continue
            out = BATCH_METHODS[m].run(table.iloc[sel], ctx, keys[sel], **job.kwargs(m))
            values[sel, j] = out.values
            row_of = {ids[r]: int(r) for r in sel}  # ids of valid rows are unique
            errors.extend((row_of.get(e.asset_id, n), e) for e in out.errors)
            failed = sel[np.isnan(out.values)]
            ok[failed] = False
            for name, arr in out.extra.items():
                arr = np.asarray(arr)
                if name not in extras:
                    extras[name] = np.full(n, np.nan) if arr.dtype.kind in "fiub" else np.full(n, None, dtype=object)
                extras[name][sel] = arr
            if out.draws is not None and combined is not None:
                pct[sel, j, :] = percentiles_of_rows(out.draws)
                combine([weights[sel, j]], [out.draws], nan_to_num=True, into=combined, rows=sel - start)
        if combined is not None:
            good = ok[rows]
            concluded_pct[rows[good]] = percentiles_of_rows(combined[good])
        if progress is not None:
            progress(stop, n)

    concluded = np.where(ok, combine(list(weights.T), list(values.T), nan_to_num=True), np.nan)
    errors.sort(key=lambda pair: pair[0])  # row order; a row's own errors keep their order
    errors = [(i, chinese_first(e)) for i, e in errors]  # every message a reader sees, Chinese first
    message: dict[int, list[str]] = {}
    for i, e in errors:
        message.setdefault(i, []).append(f"{e.field}: {e.message}" if e.field else e.message)
    out_cols: dict[str, Any] = {"asset_id": np.array(ids, dtype=object)}
    out_cols["name"] = _text_column(table["name"]) if "name" in table.columns else np.full(n, None, dtype=object)
    for j, m in enumerate(Method):
        out_cols[f"w_{m.value}"] = weights[:, j]
        out_cols[f"value_{m.value}"] = values[:, j]
        for k, p in enumerate(("p5", "p50", "p95")):
            out_cols[f"{m.value}_{p}"] = pct[:, j, k]
    out_cols["value"] = concluded
    for k, p in enumerate(("p5", "p50", "p95")):
        out_cols[p] = concluded_pct[:, k]
    out_cols["status"] = np.where(ok, "ok", "error").astype(object)
    out_cols["error"] = np.array(["; ".join(message.get(i, [])) for i in range(n)], dtype=object)
    for name, kind in OUTPUT_EXTRAS:
        if name in extras:
            arr = extras.pop(name)
            out_cols[name] = arr.astype(np.float64) if kind == "float" else arr
        else:
            out_cols[name] = np.full(n, np.nan) if kind == "float" else np.full(n, None, dtype=object)
    out_cols.update(extras)  # an intermediate a method added after OUTPUT_EXTRAS was written
    text = {name for name, kind in output_columns() if kind == "str"}
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") if k in text else v for k, v in out_cols.items()})
    return BatchResult(frame, [e for _, e in errors])


def _text_column(col: pd.Series) -> np.ndarray:
    """Text cells as str, blanks as None (a column that is blank in one chunk is not float there)."""
    arr = col.to_numpy(dtype=object)
    blank = pd.isna(col).to_numpy()
    out = np.array([None if b else str(v) for v, b in zip(arr, blank, strict=True)], dtype=object)
    return out


_LOW63 = np.int64(0x7FFFFFFFFFFFFFFF)
PERCENTILE_BLOCK_ROWS = 64  # rows partitioned at once (64 × 1,000 draws = 512 KiB: in cache)


def percentiles_of_rows(draws: np.ndarray) -> np.ndarray:
    """P5, P50, P95 of each row of ``draws`` (n, D), shape (n, 3): exactly ``np.percentile(draws,
    REPORT_PERCENTILES, axis=1).T`` (linear interpolation, NaN for a row holding a NaN), faster.

    numpy moves the axis and partitions the columns of a strided copy; here each block of rows is
    partitioned along the row, on integer keys that order like the floats (the sign bit flips the
    other bits of a negative number), and the two neighbours of each virtual index are interpolated
    with numpy's formula: a + (b − a)·γ, or b − (b − a)·(1 − γ) when γ ≥ 0.5.
    """
    x = np.asarray(draws, dtype=np.float64)
    n, d = x.shape
    if n == 0 or d == 0:
        return np.percentile(x, REPORT_PERCENTILES, axis=1).T if d else np.full((n, 3), np.nan)
    q = np.asarray(REPORT_PERCENTILES, dtype=np.float64) / 100
    virtual = (d - 1) * q
    below = np.floor(virtual)
    last = virtual >= d - 1
    lo = np.where(last, d - 1, below).astype(np.intp)
    hi = np.where(last, d - 1, below + 1).astype(np.intp)
    gamma = virtual - below
    upper = gamma >= 0.5
    if compiled.use(n * d):  # the same figures, one compiled loop (valuation.compiled.percentiles)
        from valuation.compiled.percentiles import percentile_rows

        return percentile_rows(x, lo, hi, gamma)
    kth = np.unique(np.concatenate([lo, hi]))
    out = np.empty((n, len(q)))
    for start in range(0, n, PERCENTILE_BLOCK_ROWS):
        block = x[start : start + PERCENTILE_BLOCK_ROWS]
        keys = np.ascontiguousarray(block).view(np.int64).copy()
        keys ^= (keys >> 63) & _LOW63
        keys.partition(kth, axis=1)
        a = keys[:, lo]
        b = keys[:, hi]
        a ^= (a >> 63) & _LOW63
        b ^= (b >> 63) & _LOW63
        av, bv = a.view(np.float64), b.view(np.float64)
        with np.errstate(invalid="ignore"):  # ∞ − ∞ gives NaN, as in numpy
            diff = bv - av
            res = av + diff * gamma
            res[:, upper] = (bv - diff * (1 - gamma))[:, upper]
        res[np.isnan(block).any(axis=1)] = np.nan
        out[start : start + len(block)] = res
    return out


def merge_results(parts: Iterable[BatchResult]) -> BatchResult:
    """One result from the results of consecutive chunks."""
    parts = list(parts)
    if not parts:
        return BatchResult(pd.DataFrame({c: pd.Series(dtype="str" if k == "str" else np.float64)
                                         for c, k in output_columns()}), [])
    table = pd.concat([p.table for p in parts], ignore_index=True) if len(parts) > 1 else parts[0].table
    return BatchResult(table, [e for p in parts for e in p.errors])
