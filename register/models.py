"""The register's tables (SQLAlchemy 2 ORM). Money is integer fen (分) in ``*_fen`` columns, never float.

Rows that people edit carry a ``version`` column used for optimistic locking (SQLAlchemy
``version_id_col``: every UPDATE says ``WHERE version = <the version read>``). Posted journal entries,
their lines, accounting events and the audit log are append-only: database triggers refuse UPDATE,
DELETE and (SQLite) INSERT OR REPLACE on them; a closed period likewise (see
``register/migrations/versions/0001_initial_schema.py`` and ``0002_seal_history.py``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base. ``__audited__`` tables get an audit-log row for every insert, update, delete."""

    __audited__ = True


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    accounting_policy: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, doc="accounting.Policy as JSON (without the chart), when the company keeps books here")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  optimistic locking
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DataAsset(Base):
    """One data asset of a company: descriptive columns plus the full record it was imported from."""

    __tablename__ = "data_assets"
    __table_args__ = (UniqueConstraint("company_id", "code", name="uq_asset_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(40))
    rights: Mapped[str | None] = mapped_column(String(100), doc="';'-separated rights held")
    records: Mapped[int | None] = mapped_column(BigInteger)
    rights_term_end: Mapped[date | None] = mapped_column(Date)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, doc="the record as imported")
    accounting_facts: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, doc="accounting.DataResource as JSON, when the asset is on the books")
    content_hash: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the imported content (idempotence)")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  optimistic locking
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    company: Mapped[Company] = relationship()
    cost_lines: Mapped[list[CostLine]] = relationship(
        back_populates="asset", cascade="all, delete-orphan", order_by="CostLine.line_no")


class CostLine(Base):
    """One cost line of an asset (docs/valuation.md §Cost method), amount in fen, with its evidence reference
    and files."""

    __tablename__ = "cost_lines"
    __table_args__ = (UniqueConstraint("asset_id", "line_no", name="uq_cost_line_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("data_assets.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40))
    item: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    incurred_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    restate: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  optimistic locking

    asset: Mapped[DataAsset] = relationship(back_populates="cost_lines")
    files: Mapped[list[EvidenceFile]] = relationship(back_populates="cost_line", cascade="all, delete-orphan")


class EvidenceFile(Base):
    """An evidence file (invoice, timesheet, allocation key) kept with its SHA-256."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cost_line_id: Mapped[int] = mapped_column(ForeignKey("cost_lines.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    cost_line: Mapped[CostLine] = relationship(back_populates="files")


class FactEvidence(Base):
    """An evidence file for an accounting fact of an asset (control, a criterion, rights, renewal …)."""

    __tablename__ = "fact_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("data_assets.id"), index=True)
    topic: Mapped[str] = mapped_column(String(60), doc="the fact it supports, e.g. control, criteria.intention")
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Engagement(Base):
    """A valuation engagement (委托) with the validated case it was run on."""

    __tablename__ = "engagements"
    __table_args__ = (UniqueConstraint("company_id", "case_id", name="uq_engagement_case"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(40))
    value_type: Mapped[str] = mapped_column(String(40))
    valuation_date: Mapped[date] = mapped_column(Date)
    appraiser: Mapped[str] = mapped_column(String(200), default="")
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, doc="the validated case (canonical JSON)")
    inputs_fingerprint: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  optimistic locking
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ValuationResult(Base):
    """One asset's concluded value from one run, with the engine version and the inputs' fingerprint."""

    __tablename__ = "valuation_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("data_assets.id"), index=True)
    engine_version: Mapped[str] = mapped_column(String(40))
    inputs_fingerprint: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(BigInteger)
    n_draws: Mapped[int] = mapped_column(Integer)
    value_fen: Mapped[int] = mapped_column(BigInteger)
    p5_fen: Mapped[int | None] = mapped_column(BigInteger)
    p95_fen: Mapped[int | None] = mapped_column(BigInteger)
    method_values_fen: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, doc="AssetValuation as JSON (every explanation)")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AccountingEvent(Base):
    """A lifecycle event as given to the accounting engine (append-only: corrections are new events)."""

    __tablename__ = "accounting_events"
    __table_args__ = (UniqueConstraint("company_id", "event_code", name="uq_event_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    event_code: Mapped[str] = mapped_column(String(80))
    asset_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    event_date: Mapped[date] = mapped_column(Date)
    recorded_on: Mapped[date] = mapped_column(Date)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    row_hash: Mapped[str | None] = mapped_column(
        String(64), doc="SHA-256 of the sealed fields (register.audit.row_hash), checked by verify")


class Period(Base):
    """An accounting period of a company; once closed it is never reopened (database trigger)."""

    __tablename__ = "periods"
    __table_args__ = (
        UniqueConstraint("company_id", "start_date", name="uq_period_start"),
        CheckConstraint("end_date >= start_date", name="ck_period_order"),
        CheckConstraint("status IN ('open', 'closed')", name="ck_period_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  optimistic locking
    row_hash: Mapped[str | None] = mapped_column(
        String(64), doc="SHA-256 of the sealed fields (register.audit.row_hash), checked by verify")


class JournalEntry(Base):
    """A posted journal entry (凭证). Immutable; ``hash`` chains it to the entry posted before it.

    ``seq`` is the posting number over the whole register; ``prev_hash`` the previous entry's hash
    (64 zeros for the first). ``source_key`` identifies the engine entry it stores (asset|event|n);
    ``reverses_id`` points at the entry a reversal cancels.
    """

    __tablename__ = "journal_entries"
    __audited__ = False  # the entry itself is the audit trail (hash chain, posted_by, posted_at)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    source_key: Mapped[str] = mapped_column(String(240), index=True)
    engine_entry_id: Mapped[str] = mapped_column(String(40), default="")
    entry_date: Mapped[date] = mapped_column(Date, index=True)
    asset_code: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(80))
    event_kind: Mapped[str | None] = mapped_column(String(40))
    entry_type: Mapped[str] = mapped_column(String(40))
    description_zh: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    posted_by: Mapped[str] = mapped_column(String(100))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    lines: Mapped[list[JournalLine]] = relationship(order_by="JournalLine.line_no", lazy="selectin")


class JournalLine(Base):
    __tablename__ = "journal_lines"
    __audited__ = False
    __table_args__ = (
        UniqueConstraint("entry_id", "line_no", name="uq_line_no"),
        CheckConstraint("debit_fen >= 0 AND credit_fen >= 0 AND (debit_fen = 0) <> (credit_fen = 0)",
                        name="ck_line_one_side"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    account_code: Mapped[str] = mapped_column(String(20))
    account_zh: Mapped[str] = mapped_column(String(100))
    account_en: Mapped[str] = mapped_column(String(100))
    debit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    asset_code: Mapped[str | None] = mapped_column(String(64))
    movement: Mapped[str | None] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(Text, default="")


class ChainHead(Base):
    """The heads of the two hash chains (one row): the last posted entry and the last audit-log row.

    Posting and every audited write lock it, so entries and audit rows chain in one line, never fork.
    """

    __tablename__ = "ledger_chain"
    __audited__ = False

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    audit_last_id: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    audit_last_hash: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)


class Pledge(Base):
    """A pledge of a data asset (质押): the loan, pledgee, amount secured and its registration."""

    __tablename__ = "pledges"
    __table_args__ = (UniqueConstraint("company_id", "loan_id", name="uq_pledge_loan"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("data_assets.id"), index=True)
    loan_id: Mapped[str] = mapped_column(String(64))
    pledgee: Mapped[str] = mapped_column(String(200))
    secured_fen: Mapped[int] = mapped_column(BigInteger)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    registration: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  optimistic locking
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    """A dashboard or CLI user with one role; the password is stored only as an argon2 hash."""

    __tablename__ = "users"
    __audit_redact__ = ("password_hash",)
    __table_args__ = (
        CheckConstraint("role IN ('finance', 'appraiser', 'bank', 'analyst', 'admin')", name="ck_user_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  optimistic locking
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportRun(Base):
    """One import of a file: its SHA-256 and what it did (created, changed, unchanged)."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))


class AuditLog(Base):
    """Who changed what, when, with the row before and after (append-only: triggers refuse edits)."""

    __tablename__ = "audit_log"
    __audited__ = False

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(60), index=True)
    row_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64), doc="hash of the audit row before (hash chain)")
    hash: Mapped[str | None] = mapped_column(String(64), doc="SHA-256(prev_hash ‖ canonical row)")
