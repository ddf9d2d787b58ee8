"""The Dask executor: chunks valued on a dask.distributed cluster.

``DaskExecutor("tcp://host:8786")`` connects to a running scheduler (its workers must have dataval
installed: they import :mod:`valuation`); ``DaskExecutor()`` starts a LocalCluster on this machine
(``n_workers`` processes of ``threads_per_worker`` threads, no dashboard). The job (context, comparables,
adjustment table) is sent to every worker once; chunks are submitted as they are read, at most
``max_in_flight`` at a time, and their results come back in chunk order, so a batch larger than memory
streams through. The draws of an asset are keyed by its id, so the results equal the local executor's
bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from base.errors import DatavalError
from valuation.batch import BatchJob, BatchResult, check_columns, value_chunk
from valuation.executors.base import WORKER_MALLOC_ENV, Chunk, Executor, Progress, in_order


def value_on_worker(job: BatchJob, table: pd.DataFrame, row_offset: int, repeated: np.ndarray | None) -> BatchResult:
    """The task a worker runs: one chunk (module-level, so workers import it by name)."""
    return value_chunk(job, table, row_offset=row_offset, repeated=repeated)


class DaskExecutor(Executor):
    """Chunks valued on dask.distributed workers (a scheduler at ``address``, or a LocalCluster)."""

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        *,
        n_workers: int = 2,
        threads_per_worker: int = 1,
        processes: bool = True,
        max_in_flight: int | None = None,
        memory_limit: str | int = "auto",
        connect_timeout: str = "20s",
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask is a dependency
            raise DatavalError(
                "缺少 dask.distributed the dask engine needs dask.distributed: pip install 'dask[distributed]'"
            ) from exc
        self.address = address
        self._cluster: Any = None
        if address:
            try:
                self.client: Any = Client(address, timeout=connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise DatavalError(f"无法连接 Dask 调度器 cannot reach the Dask scheduler at {address}: {exc}") from None
        else:
            import dask

            # Dask's default MALLOC_TRIM_THRESHOLD_ switches glibc's adaptive mmap threshold off: the
            # workers get the settings of valuation.executors.base.tune_malloc instead
            environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **WORKER_MALLOC_ENV}
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
                self._cluster = LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=threads_per_worker,
                    processes=processes,
                    dashboard_address=None,
                    memory_limit=memory_limit,
                )
            self.client = Client(self._cluster)
        self.max_in_flight = max_in_flight

    def n_threads(self) -> int:
        """Worker threads of the cluster (at least 1)."""
        return max(1, sum(self.client.nthreads().values()))

    def parallelism(self) -> int:
        return self.n_threads()

    def describe(self) -> str:
        where = self.address or f"LocalCluster ({len(self.client.nthreads())} workers)"
        return f"dask {where}, {self.n_threads()} threads"

    def map(
        self,
        job: BatchJob,
        chunks: Iterable[Chunk],
        *,
        progress: Progress | None = None,
        total_rows: int | None = None,
    ) -> Iterator[BatchResult]:
        # a fresh key per run: hashed, the same job got the same key twice in a row, and the first run's
        # release could delete the second run's copy on the workers ("lost dependencies")
        job_on_workers = self.client.scatter(job, broadcast=True, hash=False)

        def submit(chunk: Chunk) -> Any:
            check_columns(chunk.table)  # refused here, not in a worker's log
            return self.client.submit(
                value_on_worker, job_on_workers, chunk.table, chunk.row_offset, chunk.repeated, pure=False
            )

        yield from in_order(submit, chunks, in_flight=self._in_flight(), size=len, progress=progress,
                            total=total_rows)

    def map_calls(
        self,
        fn: Callable[[Any], Any],
        items: Iterable[Any],
        *,
        progress: Progress | None = None,
        total: int | None = None,
        size: Callable[[Any], int] = lambda item: 1,
    ) -> Iterator[Any]:
        yield from in_order(lambda item: self.client.submit(fn, item, pure=False), items,
                            in_flight=self._in_flight(), size=size, progress=progress, total=total)

    def _in_flight(self) -> int:
        """Tasks held at once: ``max_in_flight``, or two per worker thread."""
        return self.max_in_flight or 2 * self.n_threads()

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
