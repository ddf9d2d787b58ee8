"""Run a whole batch table: cut it into chunks and value them on an executor.

:func:`run_batch` is the one entry point for an in-memory batch (the dashboard, ``dataval value`` on a
small table, notebooks); the shell's streaming runner (``cli.stream``) does the same chunk by chunk for
tables larger than memory. The result is the same whatever the executor and the chunking (draws keyed
by asset id).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from valuation.batch import BatchJob, BatchResult, merge_results
from valuation.context import ValuationContext
from valuation.executors import Executor, LocalExecutor, split_table


def run_batch(
    table: pd.DataFrame,
    ctx: ValuationContext,
    *,
    market_kwargs: Mapping[str, Any] | None = None,
    cost_kwargs: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    chunk_rows: int | None = None,
) -> BatchResult:
    """Value every row of a flat batch table; see :data:`SHARED_COLUMNS` and each method's columns.

    Returns a tidy table (:func:`output_columns`): per-method values and P5/P50/P95, method weights,
    concluded value V = Σ w_m V_m with its P5/P50/P95, status and error text, and each method's
    intermediate figures. ``executor`` runs the chunks (default: in this process,
    :class:`valuation.executors.LocalExecutor`); ``chunk_rows`` rows go to each task (default: the
    whole table on one thread; two chunks per thread or worker thread when the executor values several
    at once). The table is the same whatever the executor and chunking.
    """
    job = BatchJob(ctx, dict(market_kwargs or {}), dict(cost_kwargs or {}))
    own = executor is None
    ex = executor if executor is not None else LocalExecutor()
    try:
        if chunk_rows is None:  # every thread busy, and a second chunk each to even out the finish
            chunk_rows = max(1, -(-len(table) // (2 * ex.parallelism())))
        chunks = split_table(table, chunk_rows)
        return merge_results(ex.map(job, chunks, progress=progress, total_rows=len(table)))
    finally:
        if own:
            ex.close()
