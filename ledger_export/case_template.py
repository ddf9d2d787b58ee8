"""The engagement (case) file as an Excel workbook: write it, read it back, the same case.

Layout (Chinese first): each sheet has a key row (row 1, machine names) and a label row (row 2);
data starts on row 3.

- 说明 README: how to fill the workbook;
- 委托 Engagement: the engagement and simulation settings, one path and value per row;
- 资产 Assets: one row per data asset (dotted columns such as ``asset.quality.accuracy``);
- 方法 Methods: per asset, the methods run, their weights and reasons;
- 参数 Parameters: per asset, every scalar method input (``cost.delta.basis`` ...), one per row;
- 表 <path>: per asset, each list of rows of a method (``表 cost.lines`` ...), one sheet per list;
- 价格指数 PriceIndex: the case's own monthly index, when it has one.

Lists of plain values and small mappings are stored as JSON text in one cell. Text is always stored as
text, never as a formula (formula injection).
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from base.errors import InvalidInput
from ledger_export.cells import Plain, set_text_or_value
from ledger_export.style import first_sheet

if TYPE_CHECKING:
    from valuation.case import ValuationCase

# A JSON object as ``model_dump(mode="json")`` gives it and the reader rebuilds it: its values are
# nested objects, lists and scalars of any shape (the case model validates them, not this module).
JsonObject: TypeAlias = dict[str, Any]


class RowSource(Protocol):
    """A sheet read row by row: the read-only sheets of :func:`read_case_workbook` (a Worksheet has the same)."""

    def iter_rows(self, min_row: int | None = None, max_row: int | None = None, min_col: int | None = None,
                  max_col: int | None = None, *, values_only: Literal[True]) -> Iterator[tuple[object, ...]]: ...

README, ENGAGEMENT, ASSETS, METHODS, PARAMETERS, PRICE_INDEX = (
    "说明 README",
    "委托 Engagement",
    "资产 Assets",
    "方法 Methods",
    "参数 Parameters",
    "价格指数 PriceIndex",
)
TABLE_PREFIX = "表 "
METHOD_KEYS = ("cost", "income", "market")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

README_LINES = (
    "dataval 数据资产评估委托书模板 — valuation engagement template",
    "第1行为字段键（勿改），第2行为说明，从第3行起填写数据。Row 1 holds keys (do not edit), row 2 labels; data from row 3.",
    "每个资产一行（资产表）；方法表列出评估方法、权重（合计为1）及理由。Weights per asset must sum to 1, each with its reason.",
    "参数表：每行一个参数（资产编号、路径、取值）。列表或映射以 JSON 文本填写，例如 [\"holding\", \"processing_use\"]。",
    "表 xxx：方法的明细行（如成本明细 cost.lines），每行注明所属资产编号 asset_id。",
    "日期格式 YYYY-MM-DD；金额单位：人民币元 CNY；费率为小数（0.08 = 8%）。",
    "检查字段与格式：dataval schema；读取本文件：dataval value case.xlsx",
)


# ---------------------------------------------------------------- flatten / unflatten
def _cell_value(v: Any) -> Plain:
    """A JSON value as a cell: lists and objects as JSON text, scalars (text, number, bool, null) as they are."""
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)
    scalar: Plain = v
    return scalar


def _split(obj: JsonObject, prefix: str, scalars: dict[str, Plain], tables: dict[str, list[dict[str, Plain]]]) -> None:
    for k, v in obj.items():
        path = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and v:
            _split(v, path, scalars, tables)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            tables[path] = [_flat_row(x) for x in v]
        else:
            scalars[path] = _cell_value(v)


def _flat_row(row: JsonObject, prefix: str = "") -> dict[str, Plain]:
    out: dict[str, Plain] = {}
    for k, v in row.items():
        path = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict) and v:
            out.update(_flat_row(v, path))
        else:
            out[path] = _cell_value(v)
    return out


def _set_path(target: JsonObject, path: str, value: object) -> None:
    parts = path.split(".")
    for p in parts[:-1]:
        target = target.setdefault(p, {})
    target[parts[-1]] = value


def _from_cell(v: object) -> object:
    if isinstance(v, str):
        s = v.strip()
        if s[:1] in "[{":
            try:
                decoded = json.loads(s)
            except json.JSONDecodeError:
                return v
            if isinstance(decoded, list | dict):
                return decoded
    return v


# ---------------------------------------------------------------- write
def _sheet(wb: Workbook, title: str, keys: list[str], labels: list[str], rows: list[list[Plain]]) -> None:
    ws = wb.create_sheet(title)
    for j, (k, lab) in enumerate(zip(keys, labels, strict=True), start=1):
        set_text_or_value(ws.cell(1, j), k)
        set_text_or_value(ws.cell(2, j), lab)
        ws.cell(1, j).font = Font(bold=True)
        ws.cell(1, j).fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(j)].width = max(14, min(48, len(k) + 4))
    for i, row in enumerate(rows, start=3):
        for j, v in enumerate(row, start=1):
            if v is not None:
                set_text_or_value(ws.cell(i, j), v)
    ws.freeze_panes = "B3"


def write_case_workbook(case: ValuationCase, path: Path) -> None:
    """Write a ValuationCase as the Excel template (atomically).

    Only what differs from the format's defaults is written, so the sheets show what the appraiser
    decided; ``dataval schema`` lists the defaults.
    """
    data = case.model_dump(mode="json", exclude_defaults=True)
    wb = Workbook()
    ws = first_sheet(wb, README)
    for i, line in enumerate(README_LINES, start=1):
        ws.cell(i, 1, line)
    ws.column_dimensions["A"].width = 120

    eng: dict[str, Plain] = {}
    _split({k: v for k, v in data.items() if k not in ("assets", "price_index")}, "", eng, {})
    _sheet(wb, ENGAGEMENT, ["path", "value"], ["字段 field", "取值 value"], [[k, v] for k, v in eng.items()])

    asset_cols: dict[str, None] = {}
    asset_rows: list[dict[str, Plain]] = []
    method_rows: list[list[Plain]] = []
    param_rows: list[list[Plain]] = []
    tables: dict[str, list[dict[str, Plain]]] = {}
    for a in data["assets"]:
        aid = a["asset"]["asset_id"]
        flat: dict[str, Plain] = {}
        _split(a["asset"], "asset", flat, {})
        asset_rows.append(flat)
        asset_cols.update(dict.fromkeys(flat))
        for mw in a["methods"]:
            method_rows.append([aid, mw["method"], mw["weight"], mw["reason"]])
        for m in METHOD_KEYS:
            if m not in a:
                continue
            scalars: dict[str, Plain] = {}
            sub_tables: dict[str, list[dict[str, Plain]]] = {}
            _split(a[m], m, scalars, sub_tables)
            given = {k: v for k, v in scalars.items() if v is not None}  # absent = the model's default
            param_rows.extend([aid, k, v] for k, v in given.items())
            if not given and not sub_tables:
                param_rows.append([aid, m, None])  # the method runs on its defaults
            for tpath, rows in sub_tables.items():
                tables.setdefault(tpath, []).extend({"asset_id": aid, **r} for r in rows)
    cols = list(asset_cols)
    _sheet(wb, ASSETS, cols, cols, [[r.get(c) for c in cols] for r in asset_rows])
    _sheet(wb, METHODS, ["asset_id", "method", "weight", "reason"],
           ["资产编号", "评估方法 cost/income/market", "权重", "理由"], method_rows)
    _sheet(wb, PARAMETERS, ["asset_id", "path", "value"], ["资产编号", "参数路径", "取值"], param_rows)
    for tpath, rows in tables.items():
        keys = list(dict.fromkeys(k for r in rows for k in r))
        title = TABLE_PREFIX + tpath
        if len(title) > 31:
            raise InvalidInput(f"list {tpath!r} has a name too long for an Excel sheet")
        _sheet(wb, title, keys, keys, [[r.get(k) for k in keys] for r in rows])
    if data.get("price_index"):
        pi = data["price_index"]
        _sheet(wb, PRICE_INDEX, ["month", "level"], [pi.get("name", ""), pi.get("source", "")],
               [[k, v] for k, v in pi["points"].items()])
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


# ---------------------------------------------------------------- read
def is_case_workbook(path: Path) -> bool:
    """True when the workbook has the template's engagement and assets sheets."""
    try:
        wb = load_workbook(path, read_only=True)
    except Exception:
        return False
    try:
        return ENGAGEMENT in wb.sheetnames and ASSETS in wb.sheetnames
    finally:
        wb.close()


DAMAGED = (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError)
"""What reading a damaged sheet raises: its XML cut short or garbled (lxml's and ElementTree's parse errors
are SyntaxErrors), its compressed part broken. A read-only workbook reads a sheet only when it is iterated."""


def damage_text(exc: BaseException) -> str:
    """Why a sheet cannot be read (after the words naming the sheet): its content is damaged."""
    first = str(exc).splitlines()[0] if str(exc) else ""
    return (f"内容已损坏，无法读取 the sheet cannot be read, its content is damaged ({type(exc).__name__}: {first}); "
            "save the workbook again from Excel as .xlsx")


class _DamagedSheet(Exception):
    def __init__(self, sheet: str, cause: BaseException) -> None:
        super().__init__(sheet)
        self.sheet, self.cause = sheet, cause


def _rows(ws: RowSource, sheet: str) -> list[JsonObject]:
    """Data rows as dicts keyed by row 1; ``_row`` is the sheet's own row number (blank rows skipped)."""
    try:
        return _read_rows(ws)
    except DAMAGED as exc:
        raise _DamagedSheet(sheet, exc) from None


def _read_rows(ws: RowSource) -> list[JsonObject]:
    it = ws.iter_rows(values_only=True)
    keys = next(it, None)
    if keys is None:
        return []
    next(it, None)  # label row
    out: list[JsonObject] = []
    for number, r in enumerate(it, start=3):
        if r is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
            continue
        row = {str(k): _from_cell(v) for k, v in zip(keys, r, strict=False) if k is not None and v is not None}
        row["_row"] = number
        out.append(row)
    return out


def read_case_workbook(path: Path) -> JsonObject:
    """Read the template back into the case dict (validation happens in the caller)."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput(f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        missing = [s for s in (ENGAGEMENT, ASSETS, METHODS) if s not in wb.sheetnames]
        if missing:
            raise InvalidInput(f"{path.name}: sheets {missing} are missing; found {wb.sheetnames}")
        case: JsonObject = {}
        for r in _rows(wb[ENGAGEMENT], ENGAGEMENT):
            if "path" in r:
                _set_path(case, str(r["path"]), r.get("value"))
        assets: dict[str, JsonObject] = {}
        for r in _rows(wb[ASSETS], ASSETS):
            entry: JsonObject = {}
            for k, v in r.items():
                if k != "_row":
                    _set_path(entry, k, v)
            aid = str(entry.get("asset", {}).get("asset_id", f"row {r['_row']}"))
            if aid in assets:
                raise InvalidInput(
                    f"{path.name}: sheet {ASSETS!r} row {r['_row']}: asset_id {aid!r} appears twice",
                    field="asset.asset_id",
                )
            entry.setdefault("asset", {})["asset_id"] = aid
            entry["methods"] = []
            assets[aid] = entry

        def owner(r: JsonObject, sheet: str) -> JsonObject:
            aid = str(r.get("asset_id", ""))
            if aid not in assets:
                raise InvalidInput(
                    f"{path.name}: sheet {sheet!r} row {r['_row']}: asset_id {aid!r} is not on the "
                    f"{ASSETS!r} sheet",
                    field="asset_id",
                )
            return assets[aid]

        for r in _rows(wb[METHODS], METHODS):
            owner(r, METHODS)["methods"].append({k: r.get(k) for k in ("method", "weight", "reason")})
        if PARAMETERS in wb.sheetnames:
            for r in _rows(wb[PARAMETERS], PARAMETERS):
                target = owner(r, PARAMETERS)
                if r.get("path") is None:
                    raise InvalidInput(f"{path.name}: sheet {PARAMETERS!r} row {r['_row']}: the parameter path is empty "
                                       "(参数路径为空)", field="path")
                if r.get("value") is None:
                    if str(r.get("path")) in METHOD_KEYS:
                        target.setdefault(str(r["path"]), {})
                else:
                    _set_path(target, str(r["path"]), r["value"])
        for title in wb.sheetnames:
            if not title.startswith(TABLE_PREFIX):
                continue
            tpath = title[len(TABLE_PREFIX):]
            for r in _rows(wb[title], title):
                target = owner(r, title)
                item: JsonObject = {}
                for k, v in r.items():
                    if k not in ("asset_id", "_row"):
                        _set_path(item, k, v)
                parts = tpath.split(".")
                node = target
                for p in parts[:-1]:
                    node = node.setdefault(p, {})
                node.setdefault(parts[-1], []).append(item)
        if PRICE_INDEX in wb.sheetnames:
            ws = wb[PRICE_INDEX]
            points = {str(r["month"]): r["level"] for r in _rows(ws, PRICE_INDEX) if "month" in r}
            labels = list(next(ws.iter_rows(min_row=2, max_row=2, values_only=True), ()))
            case["price_index"] = {"name": labels[0] or "price index", "source": labels[1] or "", "points": points}
        case["assets"] = list(assets.values())
        return case
    except _DamagedSheet as exc:
        raise InvalidInput(f"{path.name}: 工作表 {exc.sheet!r} {damage_text(exc.cause)}", field=exc.sheet) from None
    finally:
        wb.close()
