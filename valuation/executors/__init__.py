"""Executors of a valuation batch: where the chunks of a batch are valued.

- :class:`LocalExecutor`: in this process, vectorized numpy (optionally a few threads);
- the Dask executor lives with the shell (``cli.dask_executor``): it needs dask.distributed, which no
  pure package imports.

An executor takes a :class:`~valuation.batch.BatchJob` and an iterable of :class:`Chunk` and yields the
chunk results in order; :func:`valuation.runner.run_batch` and the shell's streaming runner
(``cli.stream``) sit on top. Results are identical whatever the executor and the chunking (draws keyed
by asset id).
"""

from valuation.executors.base import Chunk, Executor, RepeatTracker, plan_chunks, split_table
from valuation.executors.local import LocalExecutor

__all__ = ["Chunk", "Executor", "LocalExecutor", "RepeatTracker", "plan_chunks", "split_table"]
