"""Profiling files for data quality: the shell's chunked readers around :mod:`valuation.quality`.

Readers (each yields DataFrames of text columns, in record order, never the whole file at once):

- CSV (UTF-8, header row): ``pyarrow.csv.open_csv``, a streaming reader that parses blocks of
  ``block_bytes`` (default 8 MiB); only the columns the rules use are converted. Quoted values may
  hold commas and line breaks;
- Parquet: ``pyarrow.parquet.ParquetFile.iter_batches`` of ``chunk_rows`` records;
- Excel (.xlsx): openpyxl in read-only mode, the first sheet (or ``sheet``), header in row 1, cached
  values of formulas; wholly empty rows are skipped (as a CSV reader skips blank lines).

Records are numbered from 1 = the first data row (a CSV line or sheet row after the header).

Cells become text the same way for every format (a CSV gives text already): integers as digits,
integral floats without ".0", other floats in shortest round-trip form, booleans "true"/"false", dates
"YYYY-MM-DD", date-times "YYYY-MM-DD HH:MM:SS" (seconds; "YYYY-MM-DD" at midnight). An empty cell is
missing.

Duplicate keys are counted with :class:`SpillingKeyCounter`: key hashes go to partition files in a
temporary folder (16 bytes a record on disk), so memory stays bounded whatever the table size.
Reference tables (foreign keys, reference values) are read whole; their paths are relative to the
rules file.

A valuation case may name a profile instead of typed scores (``"quality": {"profile": "x.json"}``);
:func:`resolve_quality_reference` turns it into the six scores with the counts as evidence.
"""

from __future__ import annotations

import csv
import hashlib
import math
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from base.errors import InvalidInput
from base.messages import describe, dotted
from cli.files import read_json
from valuation.quality import (
    DEFAULT_CHUNK_ROWS,
    InvalidQualityRules,
    Profiler,
    QualityProfile,
    QualityRules,
    SourceInfo,
    count_duplicates,
    quality_scores,
)
from valuation.quality.result import MAX_EXAMPLES

PROFILE_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}
DEFAULT_BLOCK_BYTES = 8 << 20
KEY_PARTITIONS = 64

Progress = Callable[[int, int], None]


# ---------------------------------------------------------------------------------------------------
# cells as text


def cell_text(value: Any) -> str | None:
    """One spreadsheet cell as the text a CSV would hold (None = missing)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _arrow_text(table: Any, source: str) -> pd.DataFrame:
    """An Arrow table's columns as text (see the module docstring), as a DataFrame of str columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out: dict[str, Any] = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        t = col.type
        try:
            if pa.types.is_string(t) or pa.types.is_large_string(t):
                text = col
            elif pa.types.is_timestamp(t):
                secs = pc.cast(col, pa.timestamp("s", tz=t.tz), safe=False)
                text = pc.replace_substring_regex(pc.strftime(secs, format="%Y-%m-%d %H:%M:%S"), r" 00:00:00$", "")
            elif (pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_date(t) or pa.types.is_decimal(t)
                  or pa.types.is_dictionary(t) or pa.types.is_time(t) or pa.types.is_binary(t)):
                text = pc.cast(col, pa.string())
            elif pa.types.is_null(t):
                text = pa.chunked_array([pa.nulls(len(col), pa.string())])
            else:
                raise InvalidInput(f"列类型不支持 {source}: column {name!r} has type {t}; profiling reads flat columns "
                                   "(text, numbers, dates, booleans)", field=name)
        except pa.ArrowException as exc:
            raise InvalidInput(f"列无法读取为文本 {source}: column {name!r} ({t}) cannot be read as text: {exc}", field=name) from None
        out[name] = pd.Series(text.to_pandas(), dtype="str")
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------------------
# readers


@dataclass
class TableFile:
    """A table on disk: its format, header and a chunk iterator over chosen columns."""

    path: Path
    format: str
    columns: tuple[str, ...]
    sheet: str | None = None
    estimated_records: int = 0
    block_bytes: int = DEFAULT_BLOCK_BYTES

    @property
    def name(self) -> str:
        return self.path.name + (f" [{self.sheet}]" if self.sheet else "")

    def chunks(self, columns: Sequence[str], chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """DataFrames of text columns ``columns`` (a subset of the header), in record order."""
        import zipfile
        import zlib

        import pyarrow as pa

        reader = {"csv": self._csv, "parquet": self._parquet, "xlsx": self._xlsx}[self.format]
        done = 0
        try:
            for frame in reader(list(columns), chunk_rows):
                done += len(frame)
                yield frame
        except InvalidInput:
            raise
        except (pa.ArrowException, OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error,
                SyntaxError) as exc:
            # a parser error mid-way (an xlsx sheet's XML is parsed as it is read: lxml's and ElementTree's
            # parse errors are SyntaxErrors): say where reading stopped (nothing has been written)
            raise InvalidInput(
                f"无法读取表格 {self.name}: cannot read the table after record {done:,} ({type(exc).__name__}: {_first_line(exc)})"
            ) from None

    def _csv(self, columns: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        convert = pacsv.ConvertOptions(
            include_columns=columns,
            column_types={c: pa.string() for c in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        reader = pacsv.open_csv(
            self.path,
            read_options=pacsv.ReadOptions(block_size=self.block_bytes),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=convert,
        )
        for batch in reader:
            if batch.num_rows:
                yield _arrow_text(pa.Table.from_batches([batch]), self.name)

    def _parquet(self, columns: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        with pq.ParquetFile(self.path) as pf:
            for batch in pf.iter_batches(batch_size=chunk_rows, columns=columns):
                yield _arrow_text(pa.Table.from_batches([batch]), self.name)

    def _xlsx(self, columns: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
        from openpyxl import load_workbook

        wb = load_workbook(self.path, read_only=True, data_only=True)
        try:
            ws = wb[self.sheet] if self.sheet else wb.worksheets[0]
            index = [self.columns.index(c) for c in columns]
            rows: list[list[str | None]] = []
            for values in ws.iter_rows(min_row=2, values_only=True):
                if all(v is None for v in values):
                    continue  # an empty row is no record (as a blank line in a CSV)
                rows.append([cell_text(values[i]) if i < len(values) else None for i in index])
                if len(rows) >= chunk_rows:
                    yield _text_frame(rows, columns)
                    rows = []
            if rows:
                yield _text_frame(rows, columns)
        finally:
            wb.close()


def _text_frame(rows: list[list[str | None]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return frame.astype("str")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 300 else line[:297] + "..."


def _check_header(names: Sequence[Any], source: str) -> tuple[str, ...]:
    cols = tuple("" if n is None else str(n) for n in names)  # kept as written: rules name them so
    while cols and cols[-1].strip() == "":
        cols = cols[:-1]
    if not cols:
        raise InvalidInput(f"缺少表头行 {source}: no header row (the first row must name the columns)")
    blank = [i + 1 for i, c in enumerate(cols) if c.strip() == ""]
    if blank:
        raise InvalidInput(f"表头列名为空 {source}: header column {blank[0]} has no name (every column needs one)")
    repeated = sorted({c for c in cols if cols.count(c) > 1})
    if repeated:
        raise InvalidInput(f"表头列名重复 {source}: the header repeats column names {repeated} (each name must be unique)")
    return cols


def open_table(path: Path, *, sheet: str | None = None, block_bytes: int = DEFAULT_BLOCK_BYTES) -> TableFile:
    """Open a CSV, Parquet or Excel table and read its header (the rest is read in chunks later)."""
    if not path.exists():
        raise InvalidInput(f"文件不存在 file not found: {path}")
    if not path.is_file():
        raise InvalidInput(f"不是文件 {path}: not a file")
    fmt = PROFILE_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInput(f"文件格式不符 {path.name}: profiling reads .csv, .parquet or .xlsx files, got {path.suffix or 'no suffix'!r}")
    if sheet is not None and fmt != "xlsx":
        raise InvalidInput(f"参数冲突 {path.name}: --sheet is for .xlsx workbooks")
    size = path.stat().st_size
    if fmt == "csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                first_row = next(csv.reader(f), None)
                sample = f.read(1 << 16)
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"不是 UTF-8 文本 {path.name}: not UTF-8 text (byte {exc.start} of the first lines); save it as UTF-8") from None
        except (OSError, csv.Error) as exc:
            raise InvalidInput(f"无法读取表头 {path.name}: cannot read the header ({exc})") from None
        if first_row is None:
            raise InvalidInput(f"文件为空 {path.name}: the file is empty (expected a header row)")
        lines = max(1, sample.count("\n"))
        estimate = int(size / max(1.0, len(sample.encode("utf-8")) / lines)) if sample else 0
        return TableFile(path, fmt, _check_header(first_row, path.name), estimated_records=estimate,
                         block_bytes=block_bytes)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            with pq.ParquetFile(path) as pf:
                names = pf.schema_arrow.names
                n = pf.metadata.num_rows
        except Exception as exc:
            raise InvalidInput(f"无法读取 Parquet 文件 {path.name}: not a readable Parquet file ({_first_line(exc)})") from None
        return TableFile(path, fmt, _check_header(names, path.name), estimated_records=n)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput(f"无法读取工作簿 {path.name}: not a readable .xlsx workbook ({type(exc).__name__}: {_first_line(exc)})") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InvalidInput(f"工作表不存在 {path.name}: no sheet {sheet!r}; its sheets are {wb.sheetnames}")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        first = next(ws.iter_rows(max_row=1, values_only=True), ())
        header = _check_header(first, f"{path.name} sheet {ws.title!r}")
        estimate = max(0, (ws.max_row or 1) - 1)
        return TableFile(path, fmt, header, sheet=ws.title, estimated_records=estimate)
    finally:
        wb.close()


def read_reference_table(path: Path) -> pd.DataFrame:
    """A whole reference table, every column as text."""
    table = open_table(path)
    frames = list(table.chunks(table.columns))
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in table.columns})
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------------
# duplicate keys on disk


class SpillingKeyCounter:
    """Key hashes partitioned by their top bits into files of a temporary folder (bounded memory).

    Pairs are buffered up to ``buffer_pairs`` (16 bytes each) and then appended to the partition
    files; at the end each partition is counted alone, so memory holds one buffer or one partition
    (about records × 16 / partitions bytes), never all keys.
    """

    def __init__(self, folder: Path, partitions: int = KEY_PARTITIONS, buffer_pairs: int = 1 << 20) -> None:
        if partitions < 1 or partitions & (partitions - 1):
            raise ValueError("partitions must be a power of two")
        self.folder = folder
        self.partitions = partitions
        self.buffer_pairs = buffer_pairs
        self._shift = np.uint64(64 - int(math.log2(partitions))) if partitions > 1 else None
        self._used: set[int] = set()
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_n = 0

    def _paths(self, p: int) -> tuple[Path, Path]:
        return self.folder / f"keys-{p:03d}.u64", self.folder / f"records-{p:03d}.i64"

    def add(self, hashes: np.ndarray, records: np.ndarray) -> None:
        if len(hashes) == 0:
            return
        self._pending.append((np.asarray(hashes, dtype=np.uint64), np.asarray(records, dtype=np.int64)))
        self._pending_n += len(hashes)
        if self._pending_n >= self.buffer_pairs:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        hashes = np.concatenate([h for h, _ in self._pending])
        records = np.concatenate([r for _, r in self._pending])
        self._pending, self._pending_n = [], 0
        if self._shift is None:
            part = np.zeros(hashes.size, dtype=np.int64)
        else:
            part = (hashes >> self._shift).astype(np.int64)
        order = np.argsort(part, kind="stable")  # stable: records stay in order within a partition
        bounds = np.searchsorted(part[order], np.arange(self.partitions + 1))
        for p in range(self.partitions):
            lo, hi = bounds[p], bounds[p + 1]
            if lo == hi:
                continue
            idx = order[lo:hi]
            kpath, rpath = self._paths(p)
            with kpath.open("ab") as fk, rpath.open("ab") as fr:
                hashes[idx].tofile(fk)
                records[idx].tofile(fr)
            self._used.add(p)

    def duplicates(self) -> tuple[int, tuple[int, ...]]:
        self._flush()
        total = 0
        first: list[int] = []
        for p in sorted(self._used):
            kpath, rpath = self._paths(p)
            n, examples = count_duplicates(np.fromfile(kpath, dtype=np.uint64), np.fromfile(rpath, dtype=np.int64))
            total += n
            first.extend(int(r) for r in examples)
        return total, tuple(sorted(first)[:MAX_EXAMPLES])


# ---------------------------------------------------------------------------------------------------
# rules, profiling, reports


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_rules(path: Path) -> QualityRules:
    """A rules file, validated; every problem is listed with its dotted path."""
    raw = read_json(path)
    try:
        return QualityRules.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        lines = "\n".join(f"  {dotted(e['loc']) or '(顶层 top level)'}: {_rule_message(dict(e))}" for e in errors)
        raise InvalidQualityRules(
            f"质量规则无效 {path.name}: the quality rules are not valid:\n{lines}", field=dotted(errors[0]["loc"]) or None
        ) from None


def _rule_message(err: dict[str, Any]) -> str:
    if err.get("type") == "extra_forbidden":
        return "未知的键 (unknown key: see docs/quality.md for the rules format)"
    if err.get("type") == "value_error":  # the rule's own message, already saying what is expected
        return str(err.get("msg", "")).removeprefix("Value error, ")
    return describe(err)


def profile_file(
    data: Path,
    rules_path: Path,
    *,
    as_of: date | None = None,
    sheet: str | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    progress: Progress | None = None,
) -> QualityProfile:
    """Profile ``data`` with the rules in ``rules_path``; nothing is written.

    Raises :class:`InvalidInput` (unreadable file, bad header), :class:`InvalidQualityRules`
    (bad rules), :class:`MissingColumn` (a rule on a column the table lacks) before any record is
    checked, and :class:`InvalidInput` naming the record reached if the file breaks mid-way.
    """
    rules = read_rules(rules_path)
    table = open_table(data, sheet=sheet, block_bytes=block_bytes)
    references: dict[str, pd.DataFrame] = {}
    for name in rules.tables():
        ref_path = (rules_path.parent / name).resolve()
        try:
            references[name] = read_reference_table(ref_path)
        except InvalidInput as exc:
            raise InvalidInput(f"参照表 reference table {name!r} of {rules_path.name}: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="dataval-keys-") as tmp:
        profiler = Profiler(
            rules,
            columns=table.columns,
            source_name=table.name,
            as_of=as_of,
            references=references,
            key_counter=SpillingKeyCounter(Path(tmp)),
        )
        total = table.estimated_records
        for frame in table.chunks(profiler.needed, chunk_rows):
            profiler.add(frame)
            if progress is not None:
                total = max(total, profiler.records)
                progress(profiler.records, total)
        if progress is not None:
            progress(profiler.records, profiler.records)
        source = SourceInfo(name=data.name, format=table.format, sheet=table.sheet, sha256=sha256_of(data),
                            size_bytes=data.stat().st_size)
        return profiler.finish(source, rules_source=rules_path.name, rules_sha256=sha256_of(rules_path))


def load_profile(path: Path) -> QualityProfile:
    """A profile report written by ``dataval profile -o report.json`` (its arithmetic re-checked)."""
    raw = read_json(path)
    try:
        return QualityProfile.model_validate(raw)
    except ValidationError as exc:
        lines = "\n".join(f"  {dotted(e['loc']) or '(顶层 top level)'}: {_rule_message(dict(e))}" for e in exc.errors()[:10])
        raise InvalidInput(f"不是有效的质量评价报告 {path.name}: not a valid dataval quality profile report:\n{lines}") from None


def resolve_quality_reference(asset_case: Any, *, base_dir: Path | None = None) -> Any:
    """Replace ``asset.quality = {"profile": "report.json"}`` by the profile's six scores.

    The path is relative to ``base_dir`` (the case file's folder). The evidence cites the report, the
    file and every dimension's counts. When the profile carries given or AHP weights and a method
    does not state its own — ``cost.delta`` (basis quality / both) without ``quality_weights`` and
    ``ahp_matrix``, ``market`` without ``quality_weights`` and ``target_quality`` — the profile's
    weights are filled in, so δ_quality and the market target quality equal the profile's Q.
    Anything else is returned unchanged (the case model validates it).
    """
    if not isinstance(asset_case, dict):
        return asset_case
    asset = asset_case.get("asset")
    if not isinstance(asset, dict):
        return asset_case
    ref = asset.get("quality")
    if not isinstance(ref, dict) or "profile" not in ref:
        return asset_case
    asset_id = str(asset.get("asset_id") or "") or None
    extra = sorted(set(ref) - {"profile"})
    if extra:
        raise InvalidInput(f"质量评价引用只能有 profile 键 a profile reference has only the key 'profile', got also {extra}",
                           asset_id=asset_id, field="asset.quality")
    if not isinstance(ref["profile"], str) or not ref["profile"].strip():
        raise InvalidInput("应为质量评价报告的路径 expected the path of a profile report (dataval profile -o report.json)",
                           asset_id=asset_id, field="asset.quality.profile")
    path = Path(ref["profile"])
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    try:
        profile = load_profile(path)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, asset_id=asset_id, field="asset.quality.profile") from None
    scores = quality_scores(profile, report=path.name, asset_id=asset_id)
    out = {**asset_case, "asset": {**asset, "quality": scores.model_dump(mode="json")}}
    w = profile.weighting
    if w.source.value == "equal":
        return out
    note = f"权重取自质量画像 weights from quality profile {path.name} ({w.source.value})"
    cost = out.get("cost")
    if isinstance(cost, dict) and isinstance(cost.get("delta"), dict):
        delta = cost["delta"]
        if delta.get("basis") in ("quality", "both") and "quality_weights" not in delta and "ahp_matrix" not in delta:
            filled = {"ahp_matrix": [list(r) for r in w.ahp.matrix]} if w.ahp is not None else {"quality_weights": w.as_dict()}
            evidence = "; ".join(x for x in (str(delta.get("evidence") or ""), note) if x)
            out["cost"] = {**cost, "delta": {**delta, **filled, "evidence": evidence}}
    market = out.get("market")
    if isinstance(market, dict) and "quality_weights" not in market and "target_quality" not in market:
        out["market"] = {**market, "quality_weights": w.as_dict()}
    return out
