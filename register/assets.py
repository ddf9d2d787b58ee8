"""Companies, data assets, cost lines and evidence files; edits under optimistic locking.

An editor reads a row with its ``version`` and sends the change with that version
(:func:`update_asset`). If someone else saved the row in between, the change is refused with
:class:`~register.errors.ConcurrentEdit` naming both versions — never a silent overwrite. The check is
made twice: in Python (clear message) and by the database (``UPDATE … WHERE version = :read``), so a
writer that races between the two still loses cleanly.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from base.money import to_fen
from register.errors import ConcurrentEdit, NotFound, RegisterError
from register.models import Company, CostLine, DataAsset, EvidenceFile

EDITABLE = ("name", "field", "region", "source", "rights", "records", "rights_term_end", "attributes")
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


def get_company(session: Session, code: str, *, name: str | None = None, create: bool = False) -> Company:
    """The company ``code``; created (with ``name``) when ``create`` and missing."""
    row = session.scalar(select(Company).where(Company.code == code))
    if row is None:
        if not create:
            raise NotFound(f"no company {code!r} in the register")
        row = Company(code=code, name=name or code)
        session.add(row)
        session.flush()
    return row


def get_asset(session: Session, company: str, asset_code: str) -> DataAsset:
    comp = get_company(session, company)
    row = session.scalar(select(DataAsset).where(DataAsset.company_id == comp.id, DataAsset.code == asset_code))
    if row is None:
        raise NotFound(f"no data asset {asset_code!r} for company {company!r}", asset_id=asset_code)
    return row


def list_assets(session: Session, company: str) -> list[DataAsset]:
    comp = get_company(session, company)
    return list(session.scalars(select(DataAsset).where(DataAsset.company_id == comp.id).order_by(DataAsset.code)))


def update_asset(session: Session, company: str, asset_code: str, changes: dict[str, Any], *,
                 expected_version: int) -> DataAsset:
    """Apply ``changes`` to an asset read at ``expected_version``; :class:`ConcurrentEdit` if it moved on.

    Editable fields: name, field, region, source, rights, records, rights_term_end, attributes.
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise RegisterError(f"fields {unknown} cannot be edited; editable: {list(EDITABLE)}", asset_id=asset_code)
    row = get_asset(session, company, asset_code)
    what = f"data asset {asset_code!r} ({company})"
    if row.version != expected_version:
        raise ConcurrentEdit(what, expected=expected_version, found=row.version, asset_id=asset_code)
    for k, v in changes.items():
        setattr(row, k, v)
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        found = session.scalar(select(DataAsset.version).where(DataAsset.id == row.id))
        raise ConcurrentEdit(what, expected=expected_version, found=found, asset_id=asset_code) from None
    return row


def add_cost_line(session: Session, company: str, asset_code: str, *, category: str, item: str,
                  amount: Decimal | str, incurred_on: date | None = None, evidence: str = "") -> CostLine:
    """Append a cost line (amount in CNY, stored in fen) to an asset."""
    asset = get_asset(session, company, asset_code)
    next_no = max((c.line_no for c in asset.cost_lines), default=0) + 1
    line = CostLine(line_no=next_no, category=category, item=item, amount_fen=to_fen(amount),
                    incurred_on=incurred_on, evidence=evidence)
    asset.cost_lines.append(line)
    session.flush()
    return line


def attach_evidence(session: Session, cost_line_id: int, path: Path) -> EvidenceFile:
    """Keep an evidence file (invoice, timesheet …) with a cost line, with its SHA-256 (≤ 50 MB)."""
    line = session.get(CostLine, cost_line_id)
    if line is None:
        raise NotFound(f"no cost line {cost_line_id}")
    size = path.stat().st_size
    if size > MAX_EVIDENCE_BYTES:
        raise RegisterError(f"{path.name} is {size / 2**20:.1f} MB; evidence files are limited to "
                            f"{MAX_EVIDENCE_BYTES // 2**20} MB")
    content = path.read_bytes()
    ev = EvidenceFile(file_name=path.name, sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content),
                      content=content)
    line.files.append(ev)
    session.flush()
    return ev
