"""One asset entered or edited in a form, held to the register's batch CSV import rules.

A form row has the columns of the batch CSV (:data:`FORM_COLUMNS`); it is checked and written as a
one-row CSV by :mod:`register.importing`, so an asset typed in a form meets exactly the rules of an
imported file, with the same messages.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from register.assets import ASSET_COLUMNS, get_asset, update_asset
from register.db import Register
from register.errors import ImportIssue, ImportRefused
from register.importing import ImportSummary, import_file, validate_file

FORM_COLUMNS = ("asset_id", "name", "field", "region", "rights", "source", "records", "exclusivity", "delivery_form",
                "update_frequency", "q_accuracy", "q_consistency", "q_completeness", "q_conformance",
                "q_timeliness", "q_accessibility", "rights_term_end")


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
    return list(issues)


def add_asset(reg: Register, company: str, row: dict[str, Any], *, actor: str) -> ImportSummary:
    """Add one asset entered in a form: validated and written by the importer (all or nothing).

    Raises :class:`ImportRefused` with every problem (by column) when the row is not valid.
    """
    with tempfile.TemporaryDirectory(prefix="dataval-form-") as d:
        path = _csv_row_file(Path(d), f"dashboard-form-{row.get('asset_id', 'asset')}.csv", row)
        return import_file(reg, path, company=company, actor=actor, report=path.with_suffix(".xlsx"))


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
