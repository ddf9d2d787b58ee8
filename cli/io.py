"""Reading cases and batch tables from files, and writing results: the shell's file edge."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from base.errors import AssetError, DatavalError, InvalidInput
from base.messages import asset_errors, invalid
from cli.files import check_size, read_json
from valuation.case import AssetCase, ValuationCase

if TYPE_CHECKING:  # pandas, the profiler and the workbook cells load where used: reading a case needs none
    import pandas as pd

BATCH_SUFFIXES = {".csv", ".parquet", ".pq", ".xlsx"}

BLANK_ONLY: dict[str, Any] = {"keep_default_na": False, "na_values": [""]}
"""pandas reading options: only an empty cell is blank. pandas' default would read the text ``NaN``,
``NA``, ``null``, ``N/A`` ... as blank too — a cell saying NaN is refused as not a number, never
taken as blank (nor a name ``NA`` as missing)."""


def case_from_dict(
    raw: Any, *, source: str = "case", base_dir: Path | None = None
) -> tuple[ValuationCase, list[AssetError]]:
    """Validate a case dict asset by asset: bad assets become errors, the good ones form the case.

    An asset's ``quality`` may be ``{"profile": "report.json"}`` (a ``dataval profile`` report, its
    path relative to ``base_dir``): it is replaced by the profile's six scores first
    (:func:`cli.profiling.resolve_quality_reference`).
    """
    if not isinstance(raw, dict):
        raise InvalidInput(f"案例格式不符 {source}: a case is a JSON object with 'engagement' and 'assets'")
    assets_raw = raw.get("assets")
    if not isinstance(assets_raw, list) or not assets_raw:
        raise InvalidInput(f"缺少资产 {source}: 'assets' must be a non-empty list", field="assets")
    good: list[AssetCase] = []
    errors: list[AssetError] = []
    for i, a in enumerate(assets_raw):
        head = a.get("asset") if isinstance(a, dict) else None
        asset_id = str(head.get("asset_id") or f"assets[{i}]") if isinstance(head, dict) else f"assets[{i}]"
        try:
            if (isinstance(a, dict) and isinstance(a.get("asset"), dict) and isinstance(a["asset"].get("quality"), dict)
                    and "profile" in a["asset"]["quality"]):  # only a profile reference is resolved
                from cli.profiling import resolve_quality_reference

                a = resolve_quality_reference(a, base_dir=base_dir)
            good.append(AssetCase.model_validate(a))
        except ValidationError as exc:
            errors.extend(asset_errors(exc, asset_id, prefix=("assets", i)))
        except DatavalError as exc:
            errors.append(AssetError.from_exception(asset_id, exc))
    if not good:
        lines = "\n".join(f"  {e.asset_id} {e.field or ''}: {e.message}" for e in errors)
        raise InvalidInput(f"没有可读取的资产 {source}: no asset could be read:\n{lines}")
    try:
        case = ValuationCase.model_validate({**raw, "assets": good})
    except ValidationError as exc:
        raise invalid(exc, f"{source}: 评估案例 the case") from None
    return case, errors


UNREADABLE_WORKBOOK = (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError, TypeError, IndexError,
                       SyntaxError)
"""What openpyxl raises on an empty, truncated or foreign file named .xlsx (``SyntaxError``: lxml's and
ElementTree's parse errors, a zip whose XML parts are malformed — found by the long hostile run)."""


def unreadable_workbook(path: Path, exc: BaseException) -> InvalidInput:
    """The refusal of an .xlsx that is not a readable workbook (empty, truncated, not Excel)."""
    what = "empty file" if path.exists() and path.stat().st_size == 0 else f"{type(exc).__name__}: {exc}"
    return InvalidInput(f"无法读取工作簿 {path.name} is not a readable Excel workbook ({what}); "
                        "save it again from Excel as .xlsx")


def read_case(path: Path) -> tuple[ValuationCase, list[AssetError]]:
    """A case from JSON or from the Excel template."""
    check_size(path)
    if path.suffix.lower() == ".xlsx":
        from ledger_export.case_template import read_case_workbook

        try:
            raw = read_case_workbook(path)
        except DatavalError:
            raise
        except UNREADABLE_WORKBOOK as exc:
            raise unreadable_workbook(path, exc) from None
        return case_from_dict(raw, source=path.name)
    return case_from_dict(read_json(path), source=path.name, base_dir=path.parent)


def is_case_file(path: Path) -> bool:
    """JSON files and workbooks made from the case template are cases; other tables are batches."""
    if path.suffix.lower() == ".json":
        return True
    if path.suffix.lower() == ".xlsx":
        from ledger_export.case_template import is_case_workbook

        check_size(path)
        try:
            return is_case_workbook(path)
        except DatavalError:
            raise
        except UNREADABLE_WORKBOOK as exc:
            raise unreadable_workbook(path, exc) from None
    return False


def read_batch(path: Path) -> pd.DataFrame:
    """A flat batch table from CSV, Parquet or Excel (first sheet)."""
    import pandas as pd

    check_size(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype={"asset_id": str}, encoding="utf-8", **BLANK_ONLY)
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix == ".xlsx":
            return pd.read_excel(path, sheet_name=0, dtype={"asset_id": str}, engine="openpyxl", **BLANK_ONLY)
    except (*UNREADABLE_WORKBOOK, UnicodeDecodeError) as exc:
        raise InvalidInput(f"无法读取表格 {path.name}: cannot read the table ({type(exc).__name__}: {exc})") from None
    raise InvalidInput(f"文件格式不符 {path.name}: batch tables are .csv, .parquet or .xlsx, got {suffix!r}")


def batch_valuation_date(table: pd.DataFrame, given: date | None, *, source: str) -> date:
    """The batch's one valuation date: --valuation-date, else the single value of its column."""
    import pandas as pd

    if given is not None:
        return given
    if "valuation_date" not in table.columns:
        raise InvalidInput(f"缺少评估基准日 {source}: give --valuation-date or a 'valuation_date' column", field="valuation_date")
    values = pd.to_datetime(table["valuation_date"], errors="coerce").dropna().dt.date.unique()
    if len(values) != 1:
        raise InvalidInput(
            f"评估基准日不唯一 {source}: a batch has one valuation date; found {sorted(map(str, values)) or 'none'}",
            field="valuation_date",
        )
    return date.fromisoformat(str(values[0]))


TABLE_SUFFIXES = (".csv", ".parquet", ".pq")


def check_table_output(path: Path) -> None:
    """Refuse a results-table path whose suffix :func:`write_table` (and the streaming sink) cannot write."""
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise InvalidInput(f"输出格式不符 results are written as .csv or .parquet, got {path.name}")


def check_destination(path: Path) -> None:
    """Refuse an output file that could not be written: it is a folder, or its folder is missing or read-only.

    Outputs are written to ``<name>.tmp`` beside the target and renamed, so the folder is what must be
    writable. Commands call this before any work, so a bad ``-o`` costs nothing.
    """
    folder = path.parent
    if path.is_dir():
        raise InvalidInput(f"输出路径是文件夹 -o {path} is a folder: give a file name")
    if not folder.is_dir():
        raise InvalidInput(f"输出文件夹不存在 -o {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(f"输出文件夹不可写 -o {path}: the folder {folder} is not writable")


# ------------------------------------------------------------------------------ CSV for Excel users

CSV_ENCODING = "utf-8-sig"
"""Every CSV the CLI writes is UTF-8 with a byte-order mark: Excel on Windows opens a CSV without one in
the ANSI code page (GBK) and garbles the Chinese names."""

RATIO_DECIMALS = 6
"""Decimals of a float column that is not money in a CSV (weights, rates, factors, scores, probabilities)."""

MONEY_NAMES = frozenset({
    "value", "amount", "p5", "p50", "p95", "requested", "headroom", "exposure", "interest", "principal",
    "payment", "fee", "ead", "collateral_c", "values_by_method", "cost_C", "cost_opportunity", "cost_taxes",
})
MONEY_PREFIXES = ("value_", "el_", "income_cash_flow_", "market_adjusted_")
MONEY_SUFFIXES = ("amount", "_value", "_p5", "_p50", "_p95", "_shortfall", "_balance", "_payment", "_outflow",
                  "_interest", "_fees", "_costs", "_proceeds", "_part", "_exposure")
NOT_MONEY_PREFIXES = ("w_", "prob_", "n_")


def is_money(name: str) -> bool:
    """Whether a column (or JSON field) named ``name`` holds CNY amounts, rounded to the fen on output.

    The one rule of the CLI's outputs, by name: the batch results' ``value``, ``value_<method>``, the
    ``p5``/``p50``/``p95`` of a value, the cost and income figures in CNY (``cost_C``, ``cost_taxes``,
    ``income_cash_flow_1``, ``market_adjusted_min`` ...); the pledge and loan-book figures (``amount``,
    ``*_value``, ``*_shortfall``, ``el_*``, schedule balances, payments, fees ...). Weights (``w_*``),
    probabilities (``prob_*``) and counts (``n_*``) never are.
    """
    if name.startswith(NOT_MONEY_PREFIXES):
        return False
    return name in MONEY_NAMES or name.startswith(MONEY_PREFIXES) or name.endswith(MONEY_SUFFIXES)


def _fen(x: float) -> Any:
    """A float amount → ``Decimal`` to the fen by :func:`base.money.money` (half-up; ``-0.00`` → ``0.00``);
    blank stays blank (None), ±inf as it is."""
    from base.money import ZERO, money

    if x != x:  # NaN
        return None
    try:
        d = money(x)
    except ValueError:  # ±inf, or beyond the decimal context: not an amount to round
        return x
    return d if d else ZERO


def fen_columns(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for a CSV: money columns (:func:`is_money`) as ``Decimal`` to the fen (written
    exactly, never through a float's repr), other float columns to :data:`RATIO_DECIMALS` decimals."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_float_dtype(out[col]):
            continue
        if is_money(str(col)):
            out[col] = pd.Series([_fen(x) for x in out[col].tolist()], index=out.index, dtype=object)
        else:
            out[col] = out[col].round(RATIO_DECIMALS)
    return out


def fen_fields(obj: Any, money: bool = False) -> Any:
    """JSON data (from ``model_dump(mode="json")``) with every float amount (:func:`is_money`, by its
    key; everything inside a money key such as ``values_by_method``) rounded half-up to the fen."""
    if isinstance(obj, dict):
        return {k: fen_fields(v, money or is_money(str(k))) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [fen_fields(v, money) for v in obj]
    if money and isinstance(obj, float):
        rounded = _fen(obj)
        return float(rounded) if rounded is not None else obj
    return obj


def write_csv(df: pd.DataFrame, path: Path, *, append: bool = False) -> None:
    """Write ``df`` as CSV for a spreadsheet: UTF-8 with BOM (:data:`CSV_ENCODING`), money to the fen and
    other floats to :data:`RATIO_DECIMALS` decimals (:func:`fen_columns`), formula-like text made inert
    (:func:`ledger_export.cells.csv_safe`). ``append`` adds rows without a header (nor a second BOM)."""
    from ledger_export.cells import csv_safe

    csv_safe(fen_columns(df)).to_csv(path, mode="a" if append else "w", header=not append, index=False,
                                     encoding="utf-8" if append else CSV_ENCODING)


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write a tidy table as CSV (:func:`write_csv`) or Parquet (full precision), by suffix (atomically:
    temp file, then rename)."""
    check_table_output(path)
    tmp = path.with_name(path.name + ".tmp")
    if path.suffix.lower() == ".csv":
        write_csv(df, tmp)
    else:
        df.to_parquet(tmp, index=False)
    tmp.replace(path)


def write_text(text: str, path: Path) -> None:
    """Write text atomically."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
