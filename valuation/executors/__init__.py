"""Executors of a valuation batch: where the chunks of a batch are valued.

- :class:`LocalExecutor` — in this process, vectorized numpy (optionally a few threads);
- :class:`DaskExecutor` — on a dask.distributed cluster (a scheduler address, or a LocalCluster).

Both take a :class:`~valuation.batch.BatchJob` and an iterable of :class:`Chunk` and yield the chunk
results in order; :func:`valuation.batch.run_batch` and the shell's streaming runner (dataval/stream.py)
sit on top. Results are identical whatever the executor and the chunking (draws keyed by asset id).
"""

from __future__ import annotations

from typing import Any

from valuation.executors.base import Chunk, Executor, RepeatTracker, plan_chunks, split_table
from valuation.executors.local import LocalExecutor

ENGINES = ("local", "dask")

__all__ = [
    "ENGINES",
    "Chunk",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "RepeatTracker",
    "make_executor",
    "plan_chunks",
    "split_table",
]


def make_executor(engine: str = "local", **options: Any) -> Executor:
    """An executor by name: ``local`` (options: threads) or ``dask`` (address, n_workers, ...)."""
    if engine == "local":
        return LocalExecutor(**options)
    if engine == "dask":
        from valuation.executors.dask_executor import DaskExecutor

        return DaskExecutor(**options)
    raise ValueError(f"unknown engine {engine!r}; expected one of {ENGINES}")


def __getattr__(name: str) -> Any:
    if name == "DaskExecutor":  # imported lazily: dask.distributed is heavy to import
        from valuation.executors.dask_executor import DaskExecutor

        return DaskExecutor
    raise AttributeError(name)
