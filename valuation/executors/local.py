"""The local executor: chunks valued in this process, vectorized numpy, optionally on a few threads.

numpy releases the GIL inside its array loops, so ``threads=2`` values two chunks at once on two
cores; results are yielded in chunk order and are bit-identical to ``threads=1``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from valuation.batch import BatchJob, BatchResult, value_chunk
from valuation.executors.base import Chunk, Executor, Progress, in_order, report, tune_malloc


def _value(job: BatchJob, chunk: Chunk, within: Progress | None = None) -> BatchResult:
    return value_chunk(job, chunk.table, row_offset=chunk.row_offset, repeated=chunk.repeated, progress=within)


class LocalExecutor(Executor):
    """Chunks valued here, one after the other (``threads=1``) or ``threads`` at a time."""

    name = "local"

    def __init__(self, threads: int = 1) -> None:
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        self.threads = threads
        tune_malloc()
        self._pool: ThreadPoolExecutor | None = None

    def parallelism(self) -> int:
        return self.threads

    def describe(self) -> str:
        return f"local ({self.threads} thread{'s' if self.threads > 1 else ''})"

    def map(
        self,
        job: BatchJob,
        chunks: Iterable[Chunk],
        *,
        progress: Progress | None = None,
        total_rows: int | None = None,
    ) -> Iterator[BatchResult]:
        done = 0
        if self.threads == 1:
            for chunk in chunks:
                before = done

                def within(rows_done: int, _rows: int, before: int = before) -> None:
                    report(progress, before + rows_done, total_rows)  # piece by piece inside a chunk

                result = _value(job, chunk, within if progress is not None else None)
                done += len(chunk)
                yield result
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="dataval-batch")
        pool = self._pool
        # bounded: at most threads + 1 chunks held (one waiting for a free thread)
        yield from in_order(lambda chunk: pool.submit(_value, job, chunk), chunks, in_flight=self.threads + 1,
                            size=len, progress=progress, total=total_rows)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
