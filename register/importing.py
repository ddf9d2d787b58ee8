"""Import the Excel engagement template or a batch CSV into the register: all rows or none.

1. The file is checked before parsing (size ≤ 50 MB; for .xlsx the zip directory: corrupted
   archive, zip bomb) — :mod:`register.filecheck`.
2. Every row is validated, and **every** problem is collected with its sheet, row, column and asset:
   wrong or missing sheets, missing columns, unknown columns, text in amounts or numbers, bad dates
   and choices, duplicate asset codes, the case rules of the valuation models (pydantic).
3. Any problem: the import is refused (:class:`~register.errors.ImportRefused`), the error report
   is written as an Excel workbook, and the register is not touched.
4. Otherwise one transaction writes everything; a crash or kill before the commit leaves the
   register as it was. Re-importing the same content changes nothing: assets are matched by
   (company, asset code) and their content hash, engagements by case id and inputs fingerprint.

CSV files use the flat batch format of ``valuation.batch.batch_columns()`` (``dataval schema --batch``).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from base.errors import DatavalError
from base.messages import describe
from base.money import MAX_AMOUNT_FLOAT, amount_range_message, to_fen
from base.ranges import EARLIEST_DATE, LATEST_DATE, MAX_COUNT, date_range_message, text_problem
from ledger_export.case_template import (
    ASSETS,
    DAMAGED,
    ENGAGEMENT,
    METHOD_KEYS,
    METHODS,
    PARAMETERS,
    PRICE_INDEX,
    README,
    damage_text,
)
from ledger_export.case_template import TABLE_PREFIX as TABLE
from register.assets import get_company
from register.db import Register
from register.errors import ImportIssue, ImportRefused
from register.filecheck import check_upload, check_xlsx
from register.models import Company, CostLine, DataAsset, Engagement, ImportRun, ValuationResult
from register.report import write_issue_report
from register.valuations import free_case_id

Progress = Callable[[str, int, int], None]
FLUSH_EVERY = 500
KNOWN_SHEETS = {README, ENGAGEMENT, ASSETS, METHODS, PARAMETERS, PRICE_INDEX}
CSV_COST_LINES = (  # batch column → cost category of docs/valuation.md §Cost method
    ("cost_planning", "planning", "前期费用 planning"),
    ("cost_construction", "direct_construction", "直接成本—建设 construction"),
    ("cost_operation", "direct_operation", "直接成本—运维 operation"),
    ("cost_indirect", "indirect", "间接成本 indirect"),
)
REGISTER_REQUIRED = ("asset_id", "name")  # the register needs a code and a name for every asset


@dataclass(frozen=True)
class CostRecord:
    category: str
    item: str
    amount_fen: int
    incurred_on: date | None
    evidence: str = ""
    restate: bool = True


@dataclass
class AssetRecord:
    """One validated asset, ready to write."""

    code: str
    name: str
    field: str | None = None
    region: str | None = None
    source: str | None = None
    rights: str | None = None
    records: int | None = None
    rights_term_end: date | None = None
    attributes: dict[str, Any] = dataclasses.field(default_factory=dict)
    cost_lines: list[CostRecord] = dataclasses.field(default_factory=list)

    def content_hash(self) -> str:
        payload = {
            "name": self.name, "field": self.field, "region": self.region, "source": self.source,
            "rights": self.rights, "records": self.records,
            "rights_term_end": self.rights_term_end.isoformat() if self.rights_term_end else None,
            "attributes": self.attributes,
            "cost_lines": [[c.category, c.item, c.amount_fen, c.incurred_on.isoformat() if c.incurred_on else None,
                            c.evidence, c.restate] for c in self.cost_lines],
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Parsed:
    kind: str
    records: list[AssetRecord]
    engagement: dict[str, Any] | None = None  # case_id, purpose, value_type, valuation_date, appraiser, inputs, fp
    company_name: str | None = None


@dataclass(frozen=True)
class ImportSummary:
    file: str
    kind: str
    company: str
    sha256: str
    rows: int
    created: int
    changed: int
    unchanged: int
    engagement: str | None = None


# ------------------------------------------------------------------------------------------- CSV
def _parse_float(text: str) -> float:
    v = float(text)
    if not math.isfinite(v):
        raise ValueError("not finite")
    return v


def _parse_cell(dtype: str, text: str) -> Any:
    if dtype == "float":
        return _parse_float(text)
    if dtype == "int":
        f = _parse_float(text)
        if f != int(f):
            raise ValueError("not a whole number")
        return int(f)
    if dtype == "bool":
        low = text.strip().lower()
        if low in ("true", "1", "yes", "y", "是"):
            return True
        if low in ("false", "0", "no", "n", "否"):
            return False
        raise ValueError("not true/false")
    if dtype == "date":
        return date.fromisoformat(text.strip()[:10])
    return text


def _cell_rule_problem(col: Any, value: Any, text_: str) -> str | None:
    """What the batch column's stated range refuses in a parsed cell (the rules ``dataval value`` applies,
    valuation/batch_reader.py): |amount| ≤ 10**15 CNY, counts 0 … 10**15, the field's bounds, dates in
    1990-01-01 … 2100-12-31. None when the cell is within them."""
    from valuation.batch_reader import column_rule, interval

    if isinstance(value, date):
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            return date_range_message(value, col.name, EARLIEST_DATE, LATEST_DATE)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if col.unit == "CNY" and abs(value) > MAX_AMOUNT_FLOAT:
        return amount_range_message(value, col.name)
    if col.dtype == "int" and not 0 <= value <= MAX_COUNT:
        return f"计数超出范围 {col.name} out of range: expected a whole number 0 … {MAX_COUNT:,}, got {text_}"
    if col.unit in ("CNY", "weight", "score"):  # their own messages follow in parse_csv
        return None
    b = column_rule(col).bounds
    below = value <= b.low if b.low_open else value < b.low
    above = value >= b.high if b.high_open else value > b.high
    if below or above:
        return f"数值超出范围 {col.name} out of range: expected a number in {interval(b)}, got {text_}"
    return None


_EXPECTED = {"float": "a number", "int": "a whole number", "bool": "true or false", "date": "a date YYYY-MM-DD"}


def parse_csv(path: Path) -> tuple[Parsed, list[ImportIssue]]:
    """Validate a batch CSV cell by cell; every problem is an issue located by row and column."""
    from valuation.batch import batch_columns
    from valuation.models import DataRight, DataSource

    sheet = path.name
    issues: list[ImportIssue] = []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Parsed("csv", []), [ImportIssue(sheet, None, None, f"not UTF-8 text (byte {exc.start})")]
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return Parsed("csv", []), [ImportIssue(sheet, None, None, f"not a readable CSV table: {exc}")]
    if not rows:
        return Parsed("csv", []), [ImportIssue(sheet, 1, None, "the table has no header row")]
    header = [h.strip() for h in rows[0]]
    cols = {c.name: c for c in batch_columns()}
    for j, h in enumerate(header):
        if h not in cols:
            issues.append(ImportIssue(sheet, 1, h or f"#{j + 1}", "未知列 unknown column; the batch format is listed "
                                      "by `dataval schema --batch`"))
    dup_cols = sorted({h for h in header if header.count(h) > 1})
    for h in dup_cols:
        issues.append(ImportIssue(sheet, 1, h, "列重复 the column appears more than once"))
    for need in REGISTER_REQUIRED:
        if need not in header:
            issues.append(ImportIssue(sheet, 1, need, "缺少必需列 required column is missing"))
    if issues:
        return Parsed("csv", []), issues
    idx = {h: j for j, h in enumerate(header)}
    method_cols = {m: [c.name for c in batch_columns() if c.name.startswith(f"{m}_") and c.required]
                   for m in ("cost", "income", "market")}
    for m, needed in method_cols.items():
        if f"w_{m}" in idx:
            missing = [c for c in needed if c not in idx]
            if missing:
                for c in missing:
                    issues.append(ImportIssue(sheet, 1, c, f"缺少必需列 required column is missing: the {m} method is "
                                              f"weighted (w_{m})"))
    if issues:
        return Parsed("csv", []), issues
    rights_ok = {r.value for r in DataRight}
    sources_ok = {s.value for s in DataSource}
    seen: dict[str, int] = {}
    records: list[AssetRecord] = []
    for i, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        if len(raw) != len(header):
            issues.append(ImportIssue(sheet, i, None, f"the row has {len(raw)} cells, the header {len(header)}"))
            continue
        cells = {h: raw[j].strip() for h, j in idx.items()}
        code = cells["asset_id"]
        row_issues: list[ImportIssue] = []

        def bad(col: str, msg: str, code: str = code, row_issues: list[ImportIssue] = row_issues,
                i: int = i) -> None:
            row_issues.append(ImportIssue(sheet, i, col, msg, code or None))

        values: dict[str, Any] = {}
        for h, text_ in cells.items():
            if text_ == "":
                continue
            col = cols[h]
            problem = text_problem(text_)
            if problem is not None:  # a NUL, a cached #VALUE! ...: refused, never stored
                bad(h, problem)
                continue
            try:
                values[h] = _parse_cell(col.dtype, text_)
            except ValueError:
                what = "amount (CNY)" if col.unit == "CNY" else col.dtype
                bad(h, f"应为{'金额' if col.unit == 'CNY' else '数值'} expected {_EXPECTED.get(col.dtype, 'text')} for "
                       f"this {what}, got {text_!r}")
                continue
            rule_problem = _cell_rule_problem(col, values[h], text_)
            if rule_problem is not None:
                bad(h, rule_problem)
                values.pop(h)
                continue
            if col.unit == "CNY" and values[h] < 0:
                bad(h, f"金额不能为负 an amount cannot be negative, got {text_}")
            if col.unit in ("weight", "score") and not 0 <= values[h] <= 1:
                bad(h, f"expected a number in [0, 1], got {text_}")
        if not code:
            bad("asset_id", "资产编号为空 asset_id is blank")
        elif code in seen:
            bad("asset_id", f"资产编号重复 duplicate asset code {code!r} (first on row {seen[code]})")
        else:
            seen[code] = i
        if len(code) > 64:
            bad("asset_id", "asset_id is longer than 64 characters")
        if not cells.get("name"):
            bad("name", "资产名称为空 name is blank")
        for r in filter(None, (p.strip() for p in cells.get("rights", "").split(";"))):
            if r not in rights_ok:
                bad("rights", f"unknown right {r!r}; expected {sorted(rights_ok)}")
        if cells.get("source") and cells["source"] not in sources_ok:
            bad("source", f"unknown source {cells['source']!r}; expected {sorted(sources_ok)}")
        weights = {m: values.get(f"w_{m}") for m in ("cost", "income", "market")}
        given = [w for w in weights.values() if isinstance(w, float)]
        if given and abs(sum(given) - 1.0) > 1e-9:
            bad("w_cost/w_income/w_market", f"method weights must sum to 1, got {sum(given):g}")
        if row_issues:
            issues.extend(row_issues)
            continue
        rec = AssetRecord(code=code, name=cells["name"], field=cells.get("field") or None,
                          region=cells.get("region") or None, source=cells.get("source") or None,
                          rights=cells.get("rights") or None, records=values.get("records"),
                          rights_term_end=values.get("rights_term_end"),
                          attributes={h: t for h, t in cells.items() if t != ""})
        for col_name, category, label in CSV_COST_LINES:
            if col_name in values:
                rec.cost_lines.append(CostRecord(category, label, to_fen(Decimal(cells[col_name])),
                                                 values.get("cost_incurred_on"), f"batch column {col_name}"))
        records.append(rec)
    if not records and not issues:
        issues.append(ImportIssue(sheet, 2, None, "the table has no data rows"))
    return Parsed("csv", records), issues


# ------------------------------------------------------------------------------------------- Excel template
@dataclass
class _Where:
    """Where each part of the case sits in the workbook, to report pydantic errors by cell."""

    columns: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)        # sheet → key → column letter
    asset_rows: list[tuple[str, int]] = dataclasses.field(default_factory=list)          # (asset_id, row) in order
    list_rows: dict[tuple[str, str], list[int]] = dataclasses.field(default_factory=dict)  # (sheet, asset) → rows
    param_rows: dict[tuple[str, str], int] = dataclasses.field(default_factory=dict)     # (asset, path) → row
    engagement_rows: dict[str, int] = dataclasses.field(default_factory=dict)            # path → row

    def col(self, sheet: str, key: str) -> str:
        letter = self.columns.get(sheet, {}).get(key)
        return f"{letter} ({key})" if letter else f"{key} (列缺失 column missing)"


def _scan(wb: Any, sheets: list[str], issues: list[ImportIssue]) -> _Where:
    """Where each asset, method and parameter stands in the workbook, every sheet read once; problems
    found on the way (blank or repeated codes, Excel error values, damaged sheets) into ``issues``."""
    w = _Where()
    asset_ids: set[str] = set()
    damaged: list[ImportIssue] = []
    for title in sheets:
        if title in (README, PRICE_INDEX):
            continue
        try:
            _scan_sheet(wb[title], title, w, asset_ids, issues)
        except DAMAGED as exc:
            damaged.append(ImportIssue(title, None, None, f"工作表{damage_text(exc)}"))
    if damaged:  # what the other sheets say about a sheet that cannot be read is noise: the damage alone
        issues[:] = damaged
        return w
    for title, needed in ((ASSETS, ("asset.asset_id", "asset.name")), (METHODS, ("asset_id", "method", "weight")),
                          (ENGAGEMENT, ("path", "value")), (PARAMETERS, ("asset_id", "path", "value"))):
        if title in w.columns:
            for key in needed:
                if key not in w.columns[title]:
                    issues.append(ImportIssue(title, 1, key, "缺少必需列 required column is missing"))
    return w


def _scan_sheet(ws: Any, title: str, w: _Where, asset_ids: set[str], issues: list[ImportIssue]) -> None:
    """One sheet's rows into ``w`` (where each asset, method and parameter stands), problems into ``issues``."""
    from openpyxl.utils import get_column_letter

    it = ws.iter_rows(values_only=True)
    keys = [str(k).strip() if k is not None else "" for k in (next(it, None) or ())]
    w.columns[title] = {k: get_column_letter(j + 1) for j, k in enumerate(keys) if k}
    next(it, None)
    for r, row in enumerate(it, start=3):
        if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        vals = {k: v for k, v in zip(keys, row, strict=False) if k}
        for k, v in vals.items():  # a cached #VALUE!, a NUL: refused where it stands, never imported
            problem = text_problem(v) if isinstance(v, str) else None
            if problem is not None:
                cell_id = str(vals.get("asset.asset_id") or vals.get("asset_id") or "").strip() or None
                issues.append(ImportIssue(title, r, w.col(title, k), problem, cell_id))
        if title == ENGAGEMENT:
            if vals.get("path") is not None:
                w.engagement_rows[str(vals["path"])] = r
            continue
        if title == ASSETS:
            aid = str(vals.get("asset.asset_id") or "").strip()
            if not aid:
                issues.append(ImportIssue(title, r, w.col(title, "asset.asset_id"), "资产编号为空 asset_id is blank"))
            elif aid in asset_ids:
                first = next(rr for a, rr in w.asset_rows if a == aid)
                issues.append(ImportIssue(title, r, w.col(title, "asset.asset_id"),
                                          f"资产编号重复 duplicate asset code {aid!r} (first on row {first})", aid))
            else:
                asset_ids.add(aid)
            w.asset_rows.append((aid, r))
            continue
        aid = str(vals.get("asset_id") or "").strip()
        if title == PARAMETERS:
            w.param_rows[(aid, str(vals.get("path")))] = r
        else:
            w.list_rows.setdefault((title, aid), []).append(r)
        if title in (METHODS, PARAMETERS) or title.startswith(TABLE):
            if "asset_id" not in w.columns[title]:
                issues.append(ImportIssue(title, 1, "asset_id", "缺少必需列 required column is missing"))
                break
            if aid not in asset_ids:
                issues.append(ImportIssue(title, r, w.col(title, "asset_id"), f"asset_id {aid!r} is not on the "
                                          f"{ASSETS!r} sheet", aid or None))


def _locate(w: _Where, aid: str, arow: int, loc: tuple[Any, ...]) -> tuple[str, int | None, str | None]:
    """Sheet, row and column of a pydantic error inside asset ``aid`` (``loc`` relative to the asset)."""
    if not loc:
        return ASSETS, arow, None
    head = loc[0]
    if head == "asset":
        key = ".".join(str(p) for p in loc if not isinstance(p, int))
        return ASSETS, arow, w.col(ASSETS, key)
    if head == "methods":
        rows = w.list_rows.get((METHODS, aid), [])
        k = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        row = rows[k] if k is not None and k < len(rows) else (rows[0] if rows else None)
        col = str(loc[2]) if len(loc) > 2 else None
        return METHODS, row, w.col(METHODS, col) if col else None
    if head in METHOD_KEYS:
        j = next((n for n, p in enumerate(loc) if isinstance(p, int)), None)
        if j is not None:
            sheet = TABLE + ".".join(map(str, loc[:j]))
            rows = w.list_rows.get((sheet, aid), [])
            row = rows[loc[j]] if loc[j] < len(rows) else None
            rest = ".".join(str(p) for p in loc[j + 1:] if not isinstance(p, int))
            return sheet, row, w.col(sheet, rest) if rest else None
        parts = [str(p) for p in loc]
        for n in range(len(parts), 0, -1):
            row = w.param_rows.get((aid, ".".join(parts[:n])))
            if row is not None:
                return PARAMETERS, row, w.col(PARAMETERS, "value") + f" [{'.'.join(parts)}]"
        return PARAMETERS, None, ".".join(parts) + " (参数缺失 parameter missing)"
    return ASSETS, arow, str(head)


def parse_template(path: Path) -> tuple[Parsed, list[ImportIssue]]:
    """Validate the Excel engagement template; every problem is located by sheet, row and column."""
    from openpyxl import load_workbook

    from ledger_export.case_template import read_case_workbook
    from valuation.case import AssetCase, ValuationCase
    from valuation.engine import fingerprint

    issues = check_xlsx(path)
    if issues:
        return Parsed("xlsx", []), issues
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        return Parsed("xlsx", []), [ImportIssue(path.name, None, None, f"文件损坏 not a readable .xlsx workbook "
                                                f"({type(exc).__name__}: {exc})")]
    try:
        sheets = list(wb.sheetnames)
        for need in (ENGAGEMENT, ASSETS, METHODS):
            if need not in sheets:
                issues.append(ImportIssue(need, None, None, f"缺少工作表 sheet missing; found {sheets}"))
        for title in sheets:
            if title not in KNOWN_SHEETS and not title.startswith(TABLE):
                issues.append(ImportIssue(title, None, None, f"未知工作表 unknown sheet; the template has "
                                          f"{sorted(KNOWN_SHEETS)} and '{TABLE}<list>' sheets"))
        if issues:
            return Parsed("xlsx", []), issues
        where = _scan(wb, sheets, issues)
    finally:
        wb.close()
    if issues:
        return Parsed("xlsx", []), issues
    try:
        raw = read_case_workbook(path)
    except DatavalError as exc:
        return Parsed("xlsx", []), [ImportIssue(path.name, None, None, str(exc))]
    good: list[AssetCase] = []
    for k, (aid, arow) in enumerate(where.asset_rows):
        try:
            good.append(AssetCase.model_validate(raw["assets"][k]))
        except ValidationError as exc:
            for e in exc.errors():
                sheet, row, col = _locate(where, aid, arow, tuple(e["loc"]))
                issues.append(ImportIssue(sheet, row, col, describe(dict(e)), aid))
        except DatavalError as exc:
            issues.append(ImportIssue(ASSETS, arow, exc.field, exc.message, aid))
    if issues:
        return Parsed("xlsx", []), issues
    try:
        case = ValuationCase.model_validate({**raw, "assets": good})
    except ValidationError as exc:
        for e in exc.errors():
            loc = tuple(e["loc"])
            path_ = ".".join(str(p) for p in loc if not isinstance(p, int))
            row = where.engagement_rows.get(path_)
            sheet = ENGAGEMENT if loc and loc[0] in ("engagement", "simulation", "schema_version") else ASSETS
            issues.append(ImportIssue(sheet, row, f"value [{path_}]" if row else path_ or None, describe(dict(e))))
        return Parsed("xlsx", []), issues
    except DatavalError as exc:
        return Parsed("xlsx", []), [ImportIssue(ENGAGEMENT, None, exc.field, exc.message)]
    records = []
    for ac in case.assets:
        a = ac.asset
        rec = AssetRecord(code=a.asset_id, name=a.name, field=a.field, region=a.region, source=a.source.value,
                          rights=";".join(r.value for r in a.rights), records=a.records,
                          rights_term_end=a.rights_term_end, attributes=ac.model_dump(mode="json"))
        if ac.cost is not None:
            for ln in ac.cost.lines:
                rec.cost_lines.append(CostRecord(ln.category.value, ln.item, to_fen(Decimal(str(ln.amount))),
                                                 ln.incurred_on, ln.evidence, ln.restate))
        records.append(rec)
    eng = case.engagement
    engagement = {"case_id": eng.case_id, "purpose": eng.purpose.value, "value_type": eng.value_type.value,
                  "valuation_date": eng.valuation_date, "appraiser": eng.appraiser,
                  "inputs": case.model_dump(mode="json"), "inputs_fingerprint": fingerprint(case)}
    return Parsed("xlsx", records, engagement, company_name=eng.client), []


# ------------------------------------------------------------------------------------------- write
def validate_file(path: Path) -> tuple[Parsed, list[ImportIssue]]:
    """Check and validate ``path`` completely; nothing is written."""
    issues = check_upload(path)
    if issues:
        return Parsed("?", []), issues
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return parse_csv(path)
    if suffix == ".xlsx":
        return parse_template(path)
    return Parsed("?", []), [ImportIssue(path.name, None, None, f"unsupported file type {suffix!r}: import the Excel "
                                         "template (.xlsx) or a batch table (.csv)")]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cost_rows(rec: AssetRecord) -> list[CostLine]:
    return [CostLine(line_no=n, category=c.category, item=c.item, amount_fen=c.amount_fen, incurred_on=c.incurred_on,
                     evidence=c.evidence, restate=c.restate) for n, c in enumerate(rec.cost_lines, start=1)]


def write_records(session: Session, parsed: Parsed, *, company: str, file_name: str, sha256: str,
                  progress: Progress | None = None) -> ImportSummary:
    """Write validated records in the caller's transaction (assets matched by code and content hash)."""
    if session.get_bind().dialect.name == "postgresql":  # one import per company at a time (SQLite: BEGIN IMMEDIATE)
        key = int.from_bytes(hashlib.sha256(f"import:{company}".encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    comp = get_company(session, company, name=parsed.company_name or company, create=True)
    existing = {a.code: a for a in session.scalars(select(DataAsset).where(DataAsset.company_id == comp.id))}
    created = changed = unchanged = 0
    n = len(parsed.records)
    for i, rec in enumerate(parsed.records, start=1):
        digest = rec.content_hash()
        row = existing.get(rec.code)
        if row is None:
            row = DataAsset(company_id=comp.id, code=rec.code, name=rec.name, field=rec.field, region=rec.region,
                            source=rec.source, rights=rec.rights, records=rec.records,
                            rights_term_end=rec.rights_term_end, attributes=rec.attributes, content_hash=digest)
            row.cost_lines = _cost_rows(rec)
            session.add(row)
            existing[rec.code] = row
            created += 1
        elif row.content_hash == digest:
            unchanged += 1
        else:
            for k in ("name", "field", "region", "source", "rights", "records", "rights_term_end", "attributes"):
                setattr(row, k, getattr(rec, k))
            row.content_hash = digest
            row.cost_lines.clear()
            session.flush()
            row.cost_lines.extend(_cost_rows(rec))
            changed += 1
        if i % FLUSH_EVERY == 0 or i == n:
            session.flush()
            if progress is not None:
                progress("writing", i, n)
    case_id = None
    if parsed.engagement is not None:
        e = parsed.engagement
        case_id = e["case_id"]
        eng = session.scalar(select(Engagement).where(Engagement.company_id == comp.id,
                                                      Engagement.case_id == case_id))
        if eng is None:
            session.add(Engagement(company_id=comp.id, **e))
        elif eng.inputs_fingerprint != e["inputs_fingerprint"]:
            for k, v in e.items():
                setattr(eng, k, v)
    session.add(ImportRun(company_id=comp.id, file_name=file_name, file_sha256=sha256, kind=parsed.kind, rows=n,
                          created=created, changed=changed, unchanged=unchanged, actor=str(session.info.get("actor"))))
    session.flush()
    return ImportSummary(file_name, parsed.kind, company, sha256, n, created, changed, unchanged, case_id)


def _engagement_taken(session: Session, company: str, engagement: dict[str, Any]) -> ImportIssue | None:
    """The refusal when the file's engagement id is already used by other inputs whose valuations are
    stored: importing would change the inputs behind stored (perhaps pledged) conclusions. None otherwise
    (a new id, the same inputs, or an engagement not valued yet, whose inputs the file updates)."""
    case_id = str(engagement["case_id"])
    eng = session.scalar(select(Engagement).join(Company, Company.id == Engagement.company_id)
                         .where(Company.code == company, Engagement.case_id == case_id))
    if eng is None or eng.inputs_fingerprint == engagement["inputs_fingerprint"]:
        return None
    stored = session.scalar(select(func.count()).select_from(ValuationResult)
                            .where(ValuationResult.engagement_id == eng.id)) or 0
    if not stored:
        return None
    free = free_case_id(session, company, case_id)
    return ImportIssue(ENGAGEMENT, None, "case_id",
                       f"委托编号 {case_id} 已有 {stored} 项已保存的估值结论，其输入与本文件不同，导入不会替换；请改用新的"
                       f"委托编号（如 {free}）后再导入 — engagement {case_id} has {stored} stored valuation(s) made "
                       f"from other inputs; importing would change the inputs behind them. Give the engagement a "
                       f"new id (e.g. {free}) and import again")


def import_file(reg: Register, path: Path, *, company: str | None = None, actor: str = "system",
                report: Path | None = None, progress: Progress | None = None) -> ImportSummary:
    """Validate ``path`` completely, then write it in one transaction — or refuse it, writing nothing.

    ``company``: the company code (default: the template's client; required for CSV).
    ``report``: where the Excel error report goes when the file is refused (default
    ``<file>.errors.xlsx`` beside the file). Raises :class:`ImportRefused` with every issue.
    """
    if progress is not None:
        progress("validating", 0, 0)
    parsed, issues = validate_file(path)
    if not issues and company is None and parsed.company_name is None:
        issues = [ImportIssue(path.name, None, None, "a CSV batch has no company: give --company CODE")]
    if issues:
        out = report or path.with_name(path.name + ".errors.xlsx")
        try:
            write_issue_report(issues, out, source=path.name)
        except OSError:
            out = None  # type: ignore[assignment]
        raise ImportRefused(path.name, issues, report=str(out) if out else None)
    code = company or str(parsed.company_name)[:64]
    if parsed.engagement is not None:
        with reg.session(actor=actor) as s:
            taken = _engagement_taken(s, code, parsed.engagement)
        if taken is not None:
            out = report or path.with_name(path.name + ".errors.xlsx")
            try:
                write_issue_report([taken], out, source=path.name)
            except OSError:
                out = None  # type: ignore[assignment]
            raise ImportRefused(path.name, [taken], report=str(out) if out else None)
    if progress is not None:
        progress("validated", len(parsed.records), len(parsed.records))
    with reg.session(actor=actor) as s:
        summary = write_records(s, parsed, company=code, file_name=path.name, sha256=_sha256(path), progress=progress)
        if progress is not None:
            progress("committing", summary.rows, summary.rows)
    if progress is not None:
        progress("committed", summary.rows, summary.rows)
    return summary


def import_upload(reg: Register, company: str | None, name: str, content: bytes, *,
                  actor: str) -> tuple[ImportSummary | ImportRefused, bytes | None]:
    """Import an uploaded template (.xlsx) or batch CSV (:func:`import_file` of a copy named after the upload).

    Returns (summary, None), or (the :class:`ImportRefused`, the Excel error report) when the file is
    refused — the register is then untouched.
    """
    with tempfile.TemporaryDirectory(prefix="dataval-import-") as d:
        path = Path(d) / (Path(name).name or "upload")
        path.write_bytes(content)
        report = Path(d) / "errors.xlsx"
        try:
            summary = import_file(reg, path, company=company, actor=actor, report=report)
        except ImportRefused as exc:
            return exc, report.read_bytes() if report.exists() else None
        return summary, None
