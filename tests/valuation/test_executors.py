"""Executors of a batch: a real dask.distributed LocalCluster gives exactly the local result, and so does
every chunking (I/O chunks, memory pieces, threads). Repeated ids across chunks, errors by file row.

The cluster is started once for the module (2 worker processes, 1 thread each: separate interpreters,
so the equality below is across processes, not a shared-memory shortcut).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import date

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import valuation.batch as batch_module
from base.errors import InvalidInput
from bridges.data_files import load_adjustments, load_comparables
from cli.dask_executor import DaskExecutor
from cli.executors import make_executor
from valuation.batch import BATCH_METHODS, OUTPUT_EXTRAS, BatchJob, output_columns, value_chunk
from valuation.context import ValuationContext
from valuation.executors import LocalExecutor, RepeatTracker, split_table
from valuation.executors.base import in_order
from valuation.models import Method
from valuation.price_index import PriceIndex
from valuation.random import asset_keys
from valuation.runner import run_batch
from valuation.synthetic import synthetic_batch

VALUATION_DATE = date(2025, 12, 31)
MARKET = {"database": load_comparables(), "adjustments": load_adjustments()}


def hand_index() -> PriceIndex:
    """100 everywhere, 125 in the valuation month 2025-12 and 80 in 2023-06: factor 125/80 = 1.5625."""
    points = {f"{y}-{m:02d}": 100.0 for y in range(2015, 2026) for m in range(1, 13)}
    points.update({"2025-12": 125.0, "2023-06": 80.0})
    return PriceIndex(name="hand index", source="tests", points=points)


def ctx(n_draws: int = 64, seed: int = 11) -> ValuationContext:
    return ValuationContext(valuation_date=VALUATION_DATE, price_index=hand_index(), seed=seed, n_draws=n_draws)


def messy_batch(n: int = 240) -> pd.DataFrame:
    """Synthetic assets plus bad rows: text in a cost, weights summing to 0.9, a blank id, an id repeated
    far away (so it falls in another chunk), and one hand-made cost-only asset (row 1 of the data)."""
    t = synthetic_batch(n, seed=77, valuation_date=VALUATION_DATE).astype({"cost_planning": object})
    t.loc[5, "cost_planning"] = "abc"
    t.loc[5, ["w_cost", "w_income", "w_market"]] = [1.0, 0.0, 0.0]
    t.loc[9, ["w_cost", "w_income", "w_market"]] = [0.5, 0.4, 0.0]
    t.loc[12, "asset_id"] = " "
    t.loc[n - 3, "asset_id"] = t.loc[2, "asset_id"]
    hand = {
        "cost_planning": 100_000.0, "cost_construction": 300_000.0, "cost_operation": 60_000.0,
        "cost_indirect": 40_000.0, "cost_incurred_on": "2023-06-15", "cost_opportunity_rate": None,
        "cost_holding_years": None, "cost_tax_rate": None, "cost_delta_basis": "quality",
        "cost_elapsed_years": None, "cost_remaining_years": None,
        "w_cost": 1.0, "w_income": 0.0, "w_market": 0.0,
        "q_accuracy": 0.9, "q_consistency": 0.8, "q_completeness": 0.7, "q_conformance": 0.6,
        "q_timeliness": 0.5, "q_accessibility": 1.0,
    }
    for k, v in hand.items():
        t.loc[0, k] = v
    return t


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[DaskExecutor]:
    with DaskExecutor(n_workers=2, threads_per_worker=1, processes=True) as ex:
        yield ex


@pytest.fixture(scope="module")
def local_result() -> batch_module.BatchResult:
    return run_batch(messy_batch(), ctx(), market_kwargs=MARKET)


def _sorted(errors: list) -> list:
    return sorted((e.asset_id, e.rule, e.field or "", e.message) for e in errors)


def test_dask_local_cluster_gives_exactly_the_local_result(dask_executor, local_result) -> None:
    assert len(dask_executor.client.nthreads()) == 2  # two worker processes
    seen: list[tuple[int, int]] = []
    remote = run_batch(messy_batch(), ctx(), market_kwargs=MARKET, executor=dask_executor, chunk_rows=50,
                       progress=lambda done, total: seen.append((done, total)))
    assert_frame_equal(remote.table, local_result.table, check_exact=True)
    assert _sorted(remote.errors) == _sorted(local_result.errors)
    # progress after each of the 5 chunks (50, 50, 50, 50, 40 rows), in order
    assert seen == [(50, 240), (100, 240), (150, 240), (200, 240), (240, 240)]


def test_one_cluster_values_the_same_job_twice_in_a_row(dask_executor) -> None:
    """A long-lived cluster runs batch after batch. The job is scattered to the workers for each run;
    the same job used to hash to the same key, so the first run's release could delete the second
    run's copy ("lost dependencies"; seen with this pattern before the fix)."""
    table = synthetic_batch(2000, seed=3)
    job_ctx = ValuationContext(valuation_date=table["valuation_date"].iat[0], price_index=ctx().price_index,
                               seed=5, n_draws=20)
    alone = run_batch(table, job_ctx, market_kwargs=MARKET)
    for _ in range(2):
        run_batch(table.head(60), job_ctx, market_kwargs=MARKET, executor=dask_executor, chunk_rows=30)
        again = run_batch(table, job_ctx, market_kwargs=MARKET, executor=dask_executor, chunk_rows=500)
        assert_frame_equal(again.table, alone.table, check_exact=True)


def test_figures_on_the_cluster_are_the_hand_figures(dask_executor) -> None:
    """Row 1: cost only, C = (100,000 + 300,000 + 60,000 + 40,000) × 125 / 80 = 781,250 CNY;
    δ = mean of the six scores (equal weights) = (0.9 + 0.8 + 0.7 + 0.6 + 0.5 + 1.0) / 6 = 0.75;
    P = 781,250 × 0.75 = 585,937.50 CNY."""
    out = run_batch(messy_batch(), ctx(n_draws=0), market_kwargs=MARKET, executor=dask_executor, chunk_rows=100)
    row = out.table.iloc[0]
    assert row["status"] == "ok"
    assert row["cost_C"] == pytest.approx(781_250.0, rel=1e-12)
    assert row["cost_delta"] == pytest.approx(0.75, rel=1e-12)
    assert row["value"] == pytest.approx(585_937.50, abs=0.005)
    ok = out.table["status"] == "ok"
    w = out.table.loc[ok, ["w_cost", "w_income", "w_market"]].to_numpy()
    v = out.table.loc[ok, ["value_cost", "value_income", "value_market"]].fillna(0).to_numpy()
    assert out.table.loc[ok, "value"].to_numpy() == pytest.approx((w * v).sum(axis=1), rel=1e-12)


def test_bad_rows_are_data_with_file_rows_on_every_engine(dask_executor, local_result) -> None:
    remote = run_batch(messy_batch(), ctx(), market_kwargs=MARKET, executor=dask_executor, chunk_rows=50)
    for result in (local_result, remote):
        status = dict(zip(result.table["asset_id"], result.table["status"], strict=True))
        t = messy_batch()
        assert status[t.loc[5, "asset_id"]] == "error" and status[t.loc[9, "asset_id"]] == "error"
        assert status["row 14"] == "error"  # blank id on data row 13 = file row 14 (header is row 1)
        repeated = [e for e in result.errors if "repeated" in e.message]
        # the id of data row 3 comes back on data row 238 = file row 239, in the last chunk
        assert [(e.asset_id, e.message) for e in repeated] == [
            (t.loc[2, "asset_id"], f"资产编号重复 asset_id {t.loc[2, 'asset_id']!r} is repeated (row 239)")
        ]
        assert result.n_failed == 4 and result.n_ok == 236


@pytest.mark.parametrize("chunk_rows", [1, 7, 64, 240])
def test_any_chunk_size_gives_identical_results(chunk_rows: int, local_result) -> None:
    table = messy_batch()
    if chunk_rows == 1:
        table = table.head(40)  # one task per row: keep it short
    expected = local_result if chunk_rows != 1 else run_batch(table, ctx(), market_kwargs=MARKET)
    got = run_batch(table, ctx(), market_kwargs=MARKET, chunk_rows=chunk_rows)
    assert_frame_equal(got.table, expected.table, check_exact=True)
    assert _sorted(got.errors) == _sorted(expected.errors)


def test_memory_pieces_and_threads_do_not_change_results(monkeypatch, local_result) -> None:
    monkeypatch.setattr(batch_module, "CHUNK_CELLS", 64 * 13)  # 13 rows per piece at 64 draws
    with LocalExecutor(threads=2) as ex:
        got = run_batch(messy_batch(), ctx(), market_kwargs=MARKET, executor=ex, chunk_rows=31)
    assert_frame_equal(got.table, local_result.table, check_exact=True)


def test_an_asset_gets_the_same_figures_alone_and_in_any_batch(local_result) -> None:
    table = messy_batch()
    alone = run_batch(table.iloc[[150]], ctx(), market_kwargs=MARKET).table.iloc[0]
    in_batch = local_result.table.iloc[150]
    assert_frame_equal(alone.to_frame().T.reset_index(drop=True),
                       in_batch.to_frame().T.reset_index(drop=True), check_exact=True)


def test_declared_extras_are_what_the_methods_return() -> None:
    table = synthetic_batch(30, seed=5, valuation_date=VALUATION_DATE)
    keys = asset_keys(table["asset_id"])
    returned: list[str] = []
    for m in Method:
        kwargs = MARKET if m is Method.MARKET else {}
        returned += list(BATCH_METHODS[m].run(table, ctx(n_draws=0), keys, **kwargs).extra)
    assert returned == [name for name, _ in OUTPUT_EXTRAS]
    got = run_batch(table, ctx(n_draws=0), market_kwargs=MARKET)
    assert list(got.table.columns) == [name for name, _ in output_columns()]


def test_a_chunk_without_a_method_still_has_every_column() -> None:
    table = synthetic_batch(10, seed=5, valuation_date=VALUATION_DATE)
    table[["w_cost", "w_income", "w_market"]] = [1.0, 0.0, 0.0]
    out = value_chunk(BatchJob(ctx(), MARKET), table)
    assert list(out.table.columns) == [name for name, _ in output_columns()]
    assert out.table["market_comparables"].isna().all() and out.table["income_periods"].isna().all()


def test_repeat_tracker_marks_ids_of_earlier_chunks_only() -> None:
    tracker = RepeatTracker()
    first = pd.DataFrame({"asset_id": ["A", "B", " ", "A"]})  # a repeat inside a chunk is the runner's job
    second = pd.DataFrame({"asset_id": ["C", " B ", "", None]})
    assert tracker.mark(first) is None
    assert list(tracker.mark(second)) == [False, True, False, False]  # " B " is B once stripped
    chunks = list(split_table(pd.concat([first, second], ignore_index=True), 3))
    assert [(c.row_offset, len(c)) for c in chunks] == [(0, 3), (3, 3), (6, 2)]
    assert chunks[1].repeated is not None and list(chunks[1].repeated) == [True, False, True]


def test_unknown_engine_and_bad_columns_are_refused(dask_executor) -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        make_executor("spark")
    bad = synthetic_batch(4, seed=1, valuation_date=VALUATION_DATE).assign(colour="red")
    for ex in (LocalExecutor(), dask_executor):
        with pytest.raises(InvalidInput, match="unknown columns \\['colour'\\]"):
            run_batch(bad, ctx(), market_kwargs=MARKET, executor=ex)


def test_empty_batch_gives_an_empty_table_with_every_column() -> None:
    empty = synthetic_batch(3, seed=1, valuation_date=VALUATION_DATE).head(0)
    out = run_batch(empty, ctx(), market_kwargs=MARKET)
    assert len(out.table) == 0 and list(out.table.columns) == [n for n, _ in output_columns()]
    assert np.isnan(out.table["value"].to_numpy()).all()


def test_local_progress_moves_piece_by_piece_inside_a_chunk(monkeypatch) -> None:
    """64 draws and 64 × 25 cells a piece: 25 rows a piece; chunks of 60 rows → 25, 50, 60, 85, 110, 120 …"""
    monkeypatch.setattr(batch_module, "CHUNK_CELLS", 64 * 25)
    seen: list[tuple[int, int]] = []
    run_batch(messy_batch(120), ctx(), market_kwargs=MARKET, chunk_rows=60,
              progress=lambda done, total: seen.append((done, total)))
    assert seen == [(25, 120), (50, 120), (60, 120), (85, 120), (110, 120), (120, 120)]


def test_map_calls_runs_any_function_in_order_on_both_engines(dask_executor) -> None:
    seen: list[tuple[int, int]] = []
    for ex in (LocalExecutor(), dask_executor):
        seen.clear()
        out = list(ex.map_calls(np.cumsum, ([1, 2], [3], [4, 5, 6]), progress=lambda d, t: seen.append((d, t)),
                                total=6, size=len))
        assert [list(o) for o in out] == [[1, 3], [3], [4, 9, 15]]
        assert seen == [(2, 6), (3, 6), (6, 6)]


def test_map_calls_raises_the_error_of_a_call_on_both_engines(dask_executor) -> None:
    for ex in (LocalExecutor(), dask_executor):
        with pytest.raises(ValueError, match="math domain error"):
            list(ex.map_calls(math.sqrt, (4.0, -1.0, 9.0)))


def test_threaded_local_progress_moves_chunk_by_chunk() -> None:
    """Two threads, 120 rows in chunks of 50: progress after each chunk, in order: 50, 100, 120 of 120."""
    seen: list[tuple[int, int]] = []
    with LocalExecutor(threads=2) as ex:
        run_batch(messy_batch(120), ctx(), market_kwargs=MARKET, executor=ex, chunk_rows=50,
                  progress=lambda done, total: seen.append((done, total)))
    assert seen == [(50, 120), (100, 120), (120, 120)]


def test_threads_get_two_chunks_each_by_default(local_result) -> None:
    """No chunk_rows with two threads: 240 rows in ⌈240 / (2 × 2)⌉ = 60-row chunks, progress after each;
    one thread: the whole table at once. Same table either way."""
    seen: list[tuple[int, int]] = []
    with LocalExecutor(threads=2) as ex:
        out = run_batch(messy_batch(), ctx(), market_kwargs=MARKET, executor=ex,
                        progress=lambda done, total: seen.append((done, total)))
    assert seen == [(60, 240), (120, 240), (180, 240), (240, 240)]
    assert_frame_equal(out.table, local_result.table, check_exact=True)
    assert LocalExecutor().parallelism() == 1


class _Task:
    """A submitted task that logs when it is awaited or cancelled (in_order's view of a future)."""

    def __init__(self, log: list[tuple[str, int]], item: int, fail: bool = False) -> None:
        self.log, self.item, self.fail = log, item, fail

    def result(self) -> int:
        self.log.append(("wait", self.item))
        if self.fail:
            raise RuntimeError(f"task {self.item} failed")
        return 10 * self.item

    def cancel(self) -> bool:
        self.log.append(("cancel", self.item))
        return True


def _submitter(log: list[tuple[str, int]], failing: int | None = None) -> Callable[[int], _Task]:
    def submit(item: int) -> _Task:
        log.append(("submit", item))
        return _Task(log, item, fail=item == failing)

    return submit


def test_in_order_holds_a_window_and_yields_in_item_order() -> None:
    """Window of 2: item k+2 is submitted only after item k's result is taken. Sizes 1..4 → done 1, 3, 6, 10;
    the total (8) is an underestimate, so the last report says 10 of 10."""
    log: list[tuple[str, int]] = []
    seen: list[tuple[int, int]] = []
    for r in in_order(_submitter(log), [1, 2, 3, 4], in_flight=2, size=lambda i: i,
                      progress=lambda d, t: seen.append((d, t)), total=8):
        log.append(("got", r))
    assert log == [("submit", 1), ("submit", 2), ("wait", 1), ("got", 10), ("submit", 3), ("wait", 2), ("got", 20),
                   ("submit", 4), ("wait", 3), ("got", 30), ("wait", 4), ("got", 40)]
    assert seen == [(1, 8), (3, 8), (6, 8), (10, 10)]


def test_in_order_raises_a_task_error_and_cancels_the_rest() -> None:
    """Window of 3, task 2 fails: its error comes out when its turn comes; 3 and 4, still held, are
    cancelled, and 5 is never submitted."""
    log: list[tuple[str, int]] = []
    got: list[int] = []
    with pytest.raises(RuntimeError, match="task 2 failed"):
        for r in in_order(_submitter(log, failing=2), [1, 2, 3, 4, 5], in_flight=3, size=lambda i: 1):
            got.append(r)
    assert got == [10]
    assert log == [("submit", 1), ("submit", 2), ("submit", 3), ("wait", 1), ("submit", 4), ("wait", 2),
                   ("cancel", 3), ("cancel", 4)]


def test_in_order_cancels_what_is_held_when_the_caller_stops() -> None:
    log: list[tuple[str, int]] = []
    results = in_order(_submitter(log), [1, 2, 3, 4], in_flight=3, size=lambda i: 1)
    assert next(results) == 10
    results.close()
    assert log == [("submit", 1), ("submit", 2), ("submit", 3), ("wait", 1), ("cancel", 2), ("cancel", 3)]
    with pytest.raises(ValueError, match="in_flight must be >= 1, got 0"):
        next(in_order(_submitter(log), [1], in_flight=0, size=lambda i: 1))
