"""Streaming batches: read a flat batch table in chunks, value them on an executor, append the results.

A batch of millions of assets never sits in memory: the input is read ``chunk_rows`` rows at a time
(Parquet — a file or a folder of files — row group by row group with ``ParquetFile.iter_batches``;
CSV through pandas' ``chunksize``), each chunk goes to the executor (valuation/executors: local or Dask), and each result
chunk is appended to the output (a Parquet row group, or CSV rows) as soon as it comes back, in order.
Memory is bounded by the chunks in flight, not by the batch.

Writes are atomic like every output of the shell: the results go to ``<name>.tmp`` and are renamed
when the whole batch is done; if the batch is refused half way (a second valuation date, a column the
format does not know), the temporary file is removed and nothing is written.

Checks that span chunks: the batch's single valuation date (``--valuation-date`` or the first chunk's,
then every chunk is compared with it) and repeated asset ids (valuation/executors/base.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from base.errors import AssetError, InvalidInput
from cli.io import BLANK_ONLY, check_table_output, fen_fields, write_csv
from valuation.batch import BatchJob, BatchResult, output_columns
from valuation.executors import Executor, plan_chunks

STREAM_SUFFIXES = {".csv", ".parquet", ".pq"}
DEFAULT_CHUNK_ROWS = 50_000
MAX_ERRORS_KEPT = 100_000  # errors kept in memory for the report; every row's error text is in the output
_COUNT_BLOCK = 1 << 24


def can_stream(path: Path) -> bool:
    """CSV and Parquet files, and directories of Parquet files, are read in chunks."""
    return path.is_dir() or path.suffix.lower() in STREAM_SUFFIXES


# ------------------------------------------------------------------------------------------- input


@dataclass
class BatchSource:
    """A batch table read in chunks of about ``chunk_rows`` rows.

    ``total_rows`` is exact for Parquet (file metadata) and an estimate for CSV (lines − 1; a quoted
    line break inside a cell makes it high), or None when unknown; it only feeds the progress bar.
    """

    path: Path
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    total_rows: int | None = None

    def __post_init__(self) -> None:
        if self.chunk_rows < 1:
            raise InvalidInput(f"每块行数应至少为 1 chunk rows must be >= 1, got {self.chunk_rows}", field="chunk_rows")
        if not self.path.exists():
            raise InvalidInput(f"文件不存在 file not found: {self.path}")
        if not can_stream(self.path):
            raise InvalidInput(f"文件格式不符 {self.path.name}: streamed batches are .csv or .parquet (or a folder of .parquet)")
        self.total_rows = self._count()

    @property
    def is_parquet(self) -> bool:
        return self.path.is_dir() or self.path.suffix.lower() in (".parquet", ".pq")

    def _files(self) -> list[Path]:
        """The Parquet files: the file itself, or a folder's ``*.parquet`` / ``*.pq`` files by name."""
        if not self.path.is_dir():
            return [self.path]
        files = sorted(p for p in self.path.rglob("*") if p.suffix.lower() in (".parquet", ".pq"))
        if not files:
            raise InvalidInput(f"文件夹中没有 .parquet 文件 {self.path.name}: no .parquet file in the folder")
        return files

    def _parquet_file(self, path: Path) -> Any:
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(str(path))
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"无法读取 Parquet 数据 {path.name}: cannot read the Parquet data ({type(exc).__name__}: {exc})") from None

    def _count(self) -> int | None:
        if self.is_parquet:
            return sum(int(self._parquet_file(p).metadata.num_rows) for p in self._files())
        lines = 0
        last = b"\n"
        with self.path.open("rb") as f:
            while block := f.read(_COUNT_BLOCK):
                lines += block.count(b"\n")
                last = block[-1:]
        if last != b"\n":
            lines += 1
        return max(lines - 1, 0)

    def tables(self) -> Iterator[pd.DataFrame]:
        """The chunks, as DataFrames read the way :func:`cli.io.read_batch` reads a whole table."""
        yield from (self._parquet() if self.is_parquet else self._csv())

    def _csv(self) -> Iterator[pd.DataFrame]:
        try:
            reader = pd.read_csv(self.path, dtype={"asset_id": str}, encoding="utf-8", chunksize=self.chunk_rows,
                                 **BLANK_ONLY)
            with reader:
                yield from reader
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"无法读取表格 {self.path.name}: cannot read the table ({type(exc).__name__}: {exc})") from None

    def _parquet(self) -> Iterator[pd.DataFrame]:
        """Row group by row group (``ParquetFile.iter_batches``): memory holds about one row group."""
        import pyarrow as pa

        pending: list[Any] = []
        rows = 0
        for path in self._files():
            try:
                for batch in self._parquet_file(path).iter_batches(batch_size=self.chunk_rows):
                    if batch.num_rows == 0:
                        continue
                    pending.append(batch)
                    rows += batch.num_rows
                    if rows >= self.chunk_rows:
                        yield pa.Table.from_batches(pending).to_pandas()
                        pending, rows = [], 0
            except (OSError, ValueError) as exc:
                raise InvalidInput(f"无法读取 Parquet 数据 {path.name}: cannot read the Parquet data ({type(exc).__name__}: {exc})") from None
        if pending:
            yield pa.Table.from_batches(pending).to_pandas()


# ------------------------------------------------------------------------------------------- output


class TableSink:
    """Appends result chunks to a .csv or .parquet file, atomically (temp file, renamed on commit).

    Every chunk is cast to the fixed schema of :func:`valuation.batch.output_columns` (text columns
    as strings, the others float64), so the file's columns do not depend on what a chunk held.
    """

    def __init__(self, path: Path) -> None:
        check_table_output(path)
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.parquet = path.suffix.lower() != ".csv"
        self.columns = output_columns()
        self._writer: Any = None
        self._started = False
        self.rows = 0

    def _conform(self, df: pd.DataFrame) -> pd.DataFrame:
        out = {}
        for name, kind in self.columns:
            col = df[name] if name in df.columns else pd.Series([None] * len(df), dtype=object)
            out[name] = col.to_numpy(dtype=object) if kind == "str" else col.to_numpy(dtype=np.float64)
        return pd.DataFrame(out)

    def write(self, df: pd.DataFrame) -> None:
        df = self._conform(df)
        if self.parquet:
            import pyarrow as pa
            import pyarrow.parquet as pq

            schema = pa.schema([(n, pa.string() if k == "str" else pa.float64()) for n, k in self.columns])
            if self._writer is None:
                self._writer = pq.ParquetWriter(str(self.tmp), schema)
            self._writer.write_table(pa.Table.from_pandas(df, schema=schema, preserve_index=False))
        else:
            write_csv(df, self.tmp, append=self._started)
        self._started = True
        self.rows += len(df)

    def commit(self) -> None:
        """Close and move the file into place (an empty batch still gets its header / schema)."""
        if not self._started:
            self.write(pd.DataFrame({n: [] for n, _ in self.columns}))
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.tmp.replace(self.path)

    def abort(self) -> None:
        """Close and remove the temporary file: nothing is written."""
        if self._writer is not None:
            try:
                self._writer.close()
            finally:
                self._writer = None
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> TableSink:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


# ------------------------------------------------------------------------------------------- run


SUMMARY_COLUMNS = ("asset_id", "name", "value_cost", "value_income", "value_market", "w_cost", "w_income",
                   "w_market", "value", "p5", "p50", "p95", "status", "error")


@dataclass
class StreamSummary:
    """What a streamed batch leaves in memory: counts, the total, the errors (up to a cap)."""

    valuation_date: date
    n_assets: int = 0
    n_ok: int = 0
    n_failed: int = 0
    chunks: int = 0
    n_errors: int = 0
    errors: list[AssetError] = field(default_factory=list)
    chunk_totals: list[float] = field(default_factory=list)
    records: list[dict[str, Any]] | None = None

    @property
    def total_concluded_value(self) -> float:
        """Σ of the concluded values of the assets valued (CNY), exact sum per chunk then across."""
        return math.fsum(self.chunk_totals)

    def add(self, result: BatchResult, *, keep_records: bool) -> None:
        tidy = result.table
        ok = (tidy["status"] == "ok").to_numpy()
        self.n_assets += len(tidy)
        self.n_ok += int(ok.sum())
        self.n_failed += int((~ok).sum())
        self.chunks += 1
        self.chunk_totals.append(math.fsum(tidy["value"].to_numpy()[ok]))
        self.n_errors += len(result.errors)
        room = MAX_ERRORS_KEPT - len(self.errors)
        if room > 0:
            self.errors.extend(result.errors[:room])
        if keep_records:
            self.records = (self.records or []) + records_of(tidy)


def records_of(tidy: pd.DataFrame) -> list[dict[str, Any]]:
    """The per-asset summary rows printed by ``dataval value --json`` (money rounded to the fen)."""
    import json

    cols = [c for c in SUMMARY_COLUMNS if c in tidy.columns]
    return list(fen_fields(json.loads(tidy[cols].to_json(orient="records", force_ascii=False, double_precision=15))))


def _one_date(table: pd.DataFrame, offset: int, source: str, expected: date | None) -> date | None:
    """The chunk's valuation date, checked against ``expected`` (the batch has one date)."""
    if "valuation_date" not in table.columns:
        return expected
    parsed = pd.to_datetime(table["valuation_date"], errors="coerce", format="ISO8601")
    found = sorted({d.date() for d in parsed.dropna()})
    if expected is None:
        if len(found) > 1:
            raise InvalidInput(f"评估基准日不唯一 {source}: a batch has one valuation date; found {[str(d) for d in found]}",
                               field="valuation_date")
        return found[0] if found else None
    other = [d for d in found if d != expected]
    if other:
        row = offset + 2 + int(np.flatnonzero((parsed.dt.date == other[0]).to_numpy())[0])
        raise InvalidInput(
            f"评估基准日不唯一 {source}: a batch has one valuation date; row {row} has {other[0]}, the batch {expected}",
            field="valuation_date",
        )
    return expected


def value_stream(
    source: BatchSource,
    make_job: Callable[[date], BatchJob],
    executor: Executor,
    *,
    sink: TableSink | None = None,
    valuation_date: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_records: bool = False,
) -> StreamSummary:
    """Value a batch chunk by chunk on ``executor``, appending the results to ``sink``.

    ``make_job(valuation_date)`` builds the job once the date is known (``valuation_date``, else the
    first chunk's ``valuation_date`` column). Raises :class:`InvalidInput` for a batch without a date,
    with two dates, or with a column the format does not know; the caller's sink then writes nothing.
    """
    name = source.path.name
    tables = source.tables()
    first = next(tables, None)
    if first is None:
        first = pd.DataFrame({"asset_id": pd.Series(dtype=object)})
    vdate = _one_date(first, 0, name, valuation_date)
    if vdate is None:
        raise InvalidInput(f"缺少评估基准日 {name}: give --valuation-date or a 'valuation_date' column", field="valuation_date")

    def checked() -> Iterator[pd.DataFrame]:
        offset = 0
        for t in _chain(first, tables):
            _one_date(t, offset, name, vdate)
            offset += len(t)
            yield t

    job = make_job(vdate)
    summary = StreamSummary(valuation_date=vdate)
    for result in executor.map(job, plan_chunks(checked()), progress=progress, total_rows=source.total_rows):
        summary.add(result, keep_records=keep_records)
        if sink is not None:
            sink.write(result.table)
    if progress is not None and summary.n_assets and source.total_rows != summary.n_assets:
        progress(summary.n_assets, summary.n_assets)  # the CSV estimate was off: close the bar at 100 %
    return summary


def _chain(first: pd.DataFrame, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    yield first
    yield from rest
