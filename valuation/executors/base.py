"""The executor interface: how the chunks of a batch are valued (in this process, on a cluster ...).

A batch is cut into :class:`Chunk` s (consecutive rows of the flat table, with their offset in the
whole batch); an :class:`Executor` values each with :func:`valuation.batch.value_chunk` and yields the
results **in chunk order**, whatever order they finish in. Memory stays bounded: an executor keeps
at most a few chunks in flight.

The figures of an asset depend only on its row, the :class:`~valuation.batch.BatchJob` and its id
(counter-based draws, valuation/random.py), so every executor and every partition give the same
table. The one thing that spans chunks, a repeated asset id, is found before the chunks are handed
out (:class:`RepeatTracker`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd

from valuation.batch import BatchJob, BatchResult

Progress = Callable[[int, int], None]
T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

# glibc malloc for batch work: arrays up to 32 MiB from the heap, kept unless 128 MiB are free at its
# top. The Monte Carlo allocates and frees many arrays of a few MiB; left to mmap, each costs page
# faults (measured on 100,000 assets × 100 draws: 0.8 s of system time → 0.2 s here, and in Dask
# workers, whose default MALLOC_TRIM_THRESHOLD_ switches glibc's adaptive threshold off, 4.1 s → 0.3 s).
MALLOC_MMAP_THRESHOLD = 33_554_432
MALLOC_TRIM_THRESHOLD = 134_217_728
WORKER_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": MALLOC_MMAP_THRESHOLD, "MALLOC_TRIM_THRESHOLD_": MALLOC_TRIM_THRESHOLD}
_malloc_tuned = False


def tune_malloc() -> bool:
    """Apply the malloc settings above to this process (glibc; elsewhere nothing). True if applied.

    Only speed and how soon freed memory goes back to the system change; no figure does.
    """
    global _malloc_tuned
    if _malloc_tuned:
        return True
    import ctypes
    import ctypes.util

    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    _malloc_tuned = bool(mallopt(m_mmap_threshold, MALLOC_MMAP_THRESHOLD) == 1
                         and mallopt(m_trim_threshold, MALLOC_TRIM_THRESHOLD) == 1)
    return _malloc_tuned


@dataclass(frozen=True)
class Chunk:
    """Consecutive rows of a batch.

    ``row_offset`` data rows come before it in the batch (errors name the file's row: header = 1);
    ``repeated`` (n,) marks rows whose asset id appeared in an earlier chunk (None: none did).
    """

    table: pd.DataFrame
    row_offset: int
    repeated: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.table)


class RepeatTracker:
    """Remembers the asset ids of the chunks seen so far, as 64-bit hashes (8 bytes an asset).

    Ids are normalised as the runner does (text, stripped; blanks are not tracked). Two different
    ids could share a hash with probability about n²/2⁶⁵ (3·10⁻⁶ for 10 million assets); the row would
    then be reported as repeated.
    """

    def __init__(self) -> None:
        self._seen = np.empty(0, dtype=np.uint64)

    @staticmethod
    def hashes(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
        """(hash per row, mask of non-blank ids), or None when the table has no asset_id column."""
        if "asset_id" not in table.columns:
            return None
        ids = table["asset_id"].astype("string").fillna("").str.strip()
        hashed = pd.util.hash_array(ids.to_numpy(dtype=object))
        return hashed, (ids != "").to_numpy()

    def mark(self, table: pd.DataFrame) -> np.ndarray | None:
        """Rows of ``table`` whose id was in an earlier chunk; then remember this chunk's ids."""
        got = self.hashes(table)
        if got is None:
            return None
        hashed, given = got
        repeated = given & np.isin(hashed, self._seen, assume_unique=False)
        new = np.unique(hashed[given])
        if new.size:
            # both parts sorted: the stable sort merges two runs in linear time
            self._seen = np.sort(np.concatenate([self._seen, new]), kind="stable")
            self._seen = self._seen[np.concatenate([[True], self._seen[1:] != self._seen[:-1]])]
        return repeated if repeated.any() else None


def plan_chunks(tables: Iterable[pd.DataFrame]) -> Iterator[Chunk]:
    """Chunks of consecutive tables: row offsets counted, ids repeated across tables marked."""
    tracker = RepeatTracker()
    offset = 0
    for t in tables:
        t = t.reset_index(drop=True)
        yield Chunk(t, offset, tracker.mark(t))
        offset += len(t)


def split_table(table: pd.DataFrame, chunk_rows: int) -> Iterator[Chunk]:
    """The chunks of ``chunk_rows`` rows (the last may be shorter) of a table held in memory."""
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be >= 1, got {chunk_rows}")
    n = len(table)
    if n == 0:
        yield Chunk(table.reset_index(drop=True), 0)
        return
    yield from plan_chunks(table.iloc[s : s + chunk_rows] for s in range(0, n, chunk_rows))


class Executor(ABC):
    """Values the chunks of a batch and yields their results in chunk order."""

    name: str = "executor"

    @abstractmethod
    def map(
        self,
        job: BatchJob,
        chunks: Iterable[Chunk],
        *,
        progress: Progress | None = None,
        total_rows: int | None = None,
    ) -> Iterator[BatchResult]:
        """Results of ``chunks`` in order; ``progress(done_rows, total_rows)`` after each chunk.

        ``total_rows`` may be an estimate or None (unknown); the total reported never falls below
        the rows done.
        """

    def map_calls(
        self,
        fn: Callable[[Any], Any],
        items: Iterable[Any],
        *,
        progress: Progress | None = None,
        total: int | None = None,
        size: Callable[[Any], int] = lambda item: 1,
    ) -> Iterator[Any]:
        """``fn(item)`` for each item, results in order: other work than batch chunks (e.g. the parts
        of a loan book). ``fn`` must be a module-level function (a Dask worker imports it by name);
        ``progress(done, total)`` counts ``size(item)`` per item. Here: one after the other."""
        done = 0
        for item in items:
            result = fn(item)
            done += size(item)
            report(progress, done, total)
            yield result

    def parallelism(self) -> int:
        """How many chunks it values at once (threads or worker threads); 1 by default."""
        return 1

    def close(self) -> None:
        """Release what the executor holds (threads, a cluster); nothing by default."""
        return None

    def describe(self) -> str:
        """One line for logs and reports."""
        return self.name

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def report(progress: Progress | None, done: int, total: int | None) -> None:
    """Call ``progress`` with a total that is never below what is done."""
    if progress is not None:
        progress(done, max(done, total or 0))


class Pending(Protocol[R_co]):
    """A submitted task: a ``concurrent.futures.Future`` or a ``distributed.Future``."""

    def result(self) -> R_co: ...

    def cancel(self) -> Any: ...


def in_order(
    submit: Callable[[T], Pending[R]],
    items: Iterable[T],
    *,
    in_flight: int,
    size: Callable[[T], int],
    progress: Progress | None = None,
    total: int | None = None,
) -> Generator[R, None, None]:
    """Results of ``submit(item)`` for each item, in item order, at most ``in_flight`` tasks held at once.

    Items are submitted as they are read; once ``in_flight`` tasks are waiting, the oldest is awaited
    and yielded before the next item is read, so memory is bounded by the window, not the input.
    ``progress(done, total)`` counts ``size(item)`` per result yielded (see :func:`report`). An error
    of a task (or of ``submit`` or ``items``) is raised here; then, or when the caller stops early,
    the tasks still waiting are cancelled.
    """
    if in_flight < 1:
        raise ValueError(f"in_flight must be >= 1, got {in_flight}")
    window: deque[tuple[Pending[R], int]] = deque()
    done = 0

    def oldest() -> R:
        nonlocal done
        task, n = window.popleft()
        result = task.result()
        done += n
        report(progress, done, total)
        return result

    try:
        for item in items:
            window.append((submit(item), size(item)))
            if len(window) >= in_flight:
                yield oldest()
        while window:
            yield oldest()
    finally:
        for task, _ in window:
            task.cancel()
        window.clear()
