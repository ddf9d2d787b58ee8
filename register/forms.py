"""One asset entered or edited in a form, held to the register's batch CSV import rules.

A form row has the columns of the batch CSV (:data:`FORM_COLUMNS`); it is checked and written as a
one-row CSV by :mod:`register.importing`, so an asset typed in a form meets exactly the rules of an
imported file, with the same messages. A form adds a *new* asset only: a code the company already has
is refused (:func:`add_asset`) — changing an asset is :func:`edit_asset` (an UPDATE of the row read, at
its version, audited with its old and new values). Quality scores are all six dimensions or none.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from register.assets import ASSET_COLUMNS, get_asset, update_asset
from register.db import Register
from register.errors import ImportIssue, ImportRefused
from register.importing import ImportSummary, validate_file, write_records
from register.models import Company, DataAsset

FORM_COLUMNS = ("asset_id", "name", "field", "region", "rights", "source", "records", "exclusivity", "delivery_form",
                "update_frequency", "q_accuracy", "q_consistency", "q_completeness", "q_conformance",
                "q_timeliness", "q_accessibility", "rights_term_end")
QUALITY_COLUMNS = ("q_accuracy", "q_consistency", "q_completeness", "q_conformance", "q_timeliness", "q_accessibility")


def _blank(v: Any) -> bool:
    return v is None or str(v).strip() == ""


def quality_issues(row: dict[str, Any], sheet: str = "form") -> list[ImportIssue]:
    """The six quality scores are given all together or not at all: a partial set would be accepted here
    and fail later, in the valuation (the quality-based δ needs every dimension)."""
    given = [c for c in QUALITY_COLUMNS if not _blank(row.get(c))]
    if not given or len(given) == len(QUALITY_COLUMNS):
        return []
    code = str(row.get("asset_id") or "") or None
    return [ImportIssue(sheet, 2, c, f"质量评分须六项全填或全空，缺少此项 — quality scores are all six or none: "
                                     f"{c} is missing ({len(given)} of 6 given)", asset_id=code)
            for c in QUALITY_COLUMNS if c not in given]


def _csv_row_file(folder: Path, name: str, row: dict[str, Any]) -> Path:
    """One asset as a one-row batch CSV (the register's CSV import format)."""
    path = folder / name
    cols = [c for c in FORM_COLUMNS if c in row]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        w.writerow(["" if row[c] is None else str(row[c]) for c in cols])
    return path


def validate_row(row: dict[str, Any]) -> list[ImportIssue]:
    """Every problem of one asset row under the register's CSV import rules; nothing is written."""
    with tempfile.TemporaryDirectory(prefix="dataval-form-") as d:
        _parsed, issues = validate_file(_csv_row_file(Path(d), "form.csv", row))
    return [*issues, *quality_issues(row, "form.csv")]


def _existing(session: Session, company: str, code: str) -> bool:
    return session.scalar(select(DataAsset.id).join(Company, DataAsset.company_id == Company.id)
                          .where(Company.code == company, DataAsset.code == code)) is not None


def _exists_issue(sheet: str, company: str, code: str) -> ImportIssue:
    return ImportIssue(sheet, 2, "asset_id", f"资产编号 {code} 已存在于 {company}，未添加（已有资产不会被覆盖）；修改请在资产列表中编辑"
                                             f" — asset code {code} already exists in {company}; nothing was added "
                                             "(an existing asset is never overwritten): edit it in the asset list",
                       asset_id=code)


def add_asset(reg: Register, company: str, row: dict[str, Any], *, actor: str) -> ImportSummary:
    """Add one new asset entered in a form: validated with the import rules, written by the importer's
    writer in one transaction (all or nothing).

    Raises :class:`ImportRefused` with every problem (by column) when the row is not valid, and when the
    company already has an asset of that code — it is never overwritten (the check and the write are one
    transaction; a row that appears in between is refused too).
    """
    with tempfile.TemporaryDirectory(prefix="dataval-form-") as d:
        path = _csv_row_file(Path(d), f"dashboard-form-{row.get('asset_id', 'asset')}.csv", row)
        parsed, issues = validate_file(path)
        issues = [*issues, *quality_issues(row, path.name)]
        if issues:
            raise ImportRefused(path.name, issues)
        code = parsed.records[0].code if parsed.records else str(row.get("asset_id") or "").strip()
        with reg.session(actor=actor) as s:
            if _existing(s, company, code):
                raise ImportRefused(path.name, [_exists_issue(path.name, company, code)])
            summary = write_records(s, parsed, company=company, file_name=path.name,
                                    sha256=hashlib.sha256(path.read_bytes()).hexdigest())
            if summary.created != len(parsed.records):  # another writer added it meanwhile: roll back
                raise ImportRefused(path.name, [_exists_issue(path.name, company, code)])
        return summary


def edit_asset(session: Session, company: str, code: str, changes: dict[str, Any], *, expected_version: int) -> None:
    """Edit an asset read at ``expected_version`` (:func:`register.assets.update_asset`: optimistic locking).

    The edited row is validated first with the import rules (:class:`ImportRefused` with every problem);
    an asset imported from a batch row keeps its ``attributes`` row in step with the edited columns.
    """
    asset = get_asset(session, company, code)
    row = {"asset_id": code, **{k: getattr(asset, k) for k in ASSET_COLUMNS if k != "code"}, **changes}
    issues = validate_row(row)
    if issues:
        raise ImportRefused(f"{company}/{code}", issues)
    attrs = dict(asset.attributes or {})
    new = dict(changes)
    if "asset_id" in attrs:  # a batch row: the same columns live in the row
        for k, v in changes.items():
            if k in FORM_COLUMNS:
                if v in (None, ""):
                    attrs.pop(k, None)
                else:
                    attrs[k] = str(v)
        new["attributes"] = attrs
    update_asset(session, company, code, new, expected_version=expected_version)
