"""Companies, data assets, cost lines and evidence files; edits under optimistic locking.

An editor reads a row with its ``version`` and sends the change with that version
(:func:`update_asset`). If someone else saved the row in between, the change is refused with
:class:`~register.errors.ConcurrentEdit` naming both versions — never a silent overwrite. The check is
made twice: in Python (clear message) and by the database (``UPDATE … WHERE version = :read``), so a
writer that races between the two still loses cleanly.

Reads for a list or a form: :func:`list_companies`, :func:`asset_page` (a page of a large register,
counted and paged in the database) and :func:`asset_detail` (an asset with its cost lines and files),
as plain values that outlive the transaction.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from base.money import from_fen, to_fen
from register.errors import ConcurrentEdit, NotFound, RegisterError
from register.models import Company, CostLine, DataAsset, EvidenceFile

EDITABLE = ("name", "field", "region", "source", "rights", "records", "rights_term_end", "attributes")
MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
ASSET_COLUMNS = ("code", "name", "field", "region", "source", "rights", "records", "rights_term_end")


@dataclass(frozen=True)
class CompanyInfo:
    code: str
    name: str


@dataclass(frozen=True)
class CostLineInfo:
    id: int
    line_no: int
    category: str
    item: str
    amount: Decimal  # CNY
    incurred_on: date | None
    evidence: str
    restate: bool
    version: int
    files: tuple[tuple[str, int, str], ...]  # name, bytes, sha256


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


def add_company(session: Session, code: str, name: str) -> CompanyInfo:
    """Create a company (its code stripped, 1–64 characters, new; its name 1–200 characters)."""
    code, name = code.strip(), name.strip()
    if not 1 <= len(code) <= 64 or any(ch.isspace() for ch in code):
        raise RegisterError("公司代码须为 1–64 个字符且不含空格 — the company code takes 1–64 characters, no spaces",
                            field="company")
    if not 1 <= len(name) <= 200:
        raise RegisterError("公司名称须为 1–200 个字符 — the company name takes 1–200 characters", field="name")
    if session.scalar(select(Company.id).where(Company.code == code)) is not None:
        raise RegisterError(f"公司代码 {code} 已存在 — a company {code!r} is already in the register", field="company")
    comp = Company(code=code, name=name)
    session.add(comp)
    session.flush()
    return CompanyInfo(comp.code, comp.name)


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


def attach_evidence_bytes(session: Session, cost_line_id: int, name: str, content: bytes) -> EvidenceFile:
    """Keep uploaded evidence (its file name and bytes) with a cost line: :func:`attach_evidence` of a
    temporary copy named after the upload."""
    with tempfile.TemporaryDirectory(prefix="dataval-evidence-") as d:
        path = Path(d) / (Path(name).name or "evidence")
        path.write_bytes(content)
        return attach_evidence(session, cost_line_id, path)


# ---------------------------------------------------------------------------------------------- reads
def list_companies(session: Session) -> list[CompanyInfo]:
    """Every company of the register, by code."""
    return [CompanyInfo(c.code, c.name) for c in session.scalars(select(Company).order_by(Company.code))]


def asset_page(session: Session, company: str, search: str = "", offset: int = 0,
               limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """One page of the company's assets (ordered by code) and the number matching ``search``.

    ``search`` matches code or name (case-insensitive substring). Each row has the :data:`ASSET_COLUMNS`,
    ``version``, the number of ``cost_lines`` and ``on_books`` (the asset has accounting facts). The page
    is cut by the database (LIMIT/OFFSET), so a register of 10,000 assets is not read whole.
    """
    comp = get_company(session, company)
    where = [DataAsset.company_id == comp.id]
    if search.strip():
        pat = f"%{search.strip()}%"
        where.append(or_(DataAsset.code.ilike(pat), DataAsset.name.ilike(pat)))
    total = int(session.scalar(select(func.count()).select_from(DataAsset).where(*where)) or 0)
    n_lines = (select(func.count(CostLine.id)).where(CostLine.asset_id == DataAsset.id)
               .correlate(DataAsset).scalar_subquery())
    rows = session.execute(select(*(getattr(DataAsset, c) for c in ASSET_COLUMNS), DataAsset.version,
                                  n_lines.label("cost_lines"), DataAsset.accounting_facts.is_not(None).label("on_books"))
                           .where(*where).order_by(DataAsset.code).offset(offset).limit(limit))
    return [dict(r._mapping) for r in rows], total


def asset_detail(session: Session, company: str, code: str) -> dict[str, Any]:
    """An asset's columns, attributes, accounting facts, version and cost lines with their evidence files."""
    a = get_asset(session, company, code)
    lines = [CostLineInfo(c.id, c.line_no, c.category, c.item, from_fen(c.amount_fen), c.incurred_on, c.evidence,
                          c.restate, c.version, tuple((f.file_name, f.size_bytes, f.sha256) for f in c.files))
             for c in a.cost_lines]
    return {**{c: getattr(a, c) for c in ASSET_COLUMNS}, "version": a.version, "attributes": dict(a.attributes or {}),
            "accounting_facts": a.accounting_facts, "cost_lines": lines}
