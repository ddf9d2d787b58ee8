"""Seal history: INSERT OR REPLACE refused, row hashes on periods and events, the audit log hash-chained.

- SQLite: ``INSERT OR REPLACE`` (and ``REPLACE``) deletes the row it replaces without firing the DELETE
  triggers, so 0001's triggers let a closed period, a recorded event, a posted entry or an audit row be
  rewritten. BEFORE INSERT triggers now refuse an insert whose key (primary or unique) already exists on
  every protected table, and ``UPDATE OR REPLACE`` of a period onto a closed one is refused.
  (PostgreSQL: ``INSERT … ON CONFLICT DO UPDATE`` fires the UPDATE triggers of 0001 and is refused.)
- ``accounting_events.row_hash`` and ``periods.row_hash``: SHA-256 of the sealed fields
  (``register.audit.row_hash``), computed here for the rows already stored.
- ``audit_log.prev_hash`` / ``hash``: the audit log's own hash chain (``register.audit.audit_hash``),
  computed here over the rows already stored in id order; its head is kept in ``ledger_chain``
  (``audit_last_id``, ``audit_last_hash``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from register.audit import GENESIS, row_hash, seal_audit_rows

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# 0001's triggers that refuse the UPDATEs this migration must make to store the hashes of existing rows
APPEND_ONLY = {
    "accounting_events": "recorded accounting events are immutable (已记录的会计事项不可修改): record a new event",
    "audit_log": "the audit log is immutable (审计日志不可修改)",
}
REOPEN = "a closed period cannot be reopened or deleted (已结账期间不能重新打开或删除)"

# protected tables: the keys an INSERT OR REPLACE would replace a stored row by
KEYS: dict[str, list[tuple[str, ...]]] = {
    "journal_entries": [("id",), ("seq",), ("prev_hash",), ("hash",), ("reverses_id",)],
    "journal_lines": [("id",), ("entry_id", "line_no")],
    "accounting_events": [("id",), ("company_id", "event_code")],
    "periods": [("id",), ("company_id", "start_date")],
    "audit_log": [("id",)],
}
REPLACE = {
    "journal_entries": "posted journal entries are immutable (已过账凭证不可替换): INSERT OR REPLACE of a posted "
                       "entry is refused — post a reversal entry instead",
    "journal_lines": "posted journal lines are immutable (已过账凭证不可替换): INSERT OR REPLACE of a posted line "
                     "is refused — post a reversal entry instead",
    "accounting_events": "recorded accounting events are immutable (已记录的会计事项不可替换): INSERT OR REPLACE "
                         "is refused — record a new event",
    "periods": "a stored period is never replaced (期间不可替换; a closed period cannot be reopened or deleted): "
               "INSERT OR REPLACE is refused",
    "audit_log": "the audit log is immutable (审计日志不可替换): INSERT OR REPLACE is refused",
}
OVER_CLOSED = ("a closed period cannot be reopened or deleted (已结账期间不能重新打开或删除): "
               "UPDATE OR REPLACE onto a closed period is refused")


def _sqlite_new_triggers() -> list[str]:
    out = []
    for table, keys in KEYS.items():
        cond = " OR ".join(
            f"EXISTS (SELECT 1 FROM {table} WHERE " + " AND ".join(f"{c} = NEW.{c}" for c in key) + ")"
            for key in keys)
        out.append(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {cond} "
                   f"BEGIN SELECT RAISE(ABORT, '{REPLACE[table]}'); END")
    out.append(
        "CREATE TRIGGER periods_no_replace_closed BEFORE UPDATE ON periods WHEN EXISTS (SELECT 1 FROM periods p "
        "WHERE p.id <> OLD.id AND p.status = 'closed' AND (p.id = NEW.id OR (p.company_id = NEW.company_id "
        f"AND p.start_date = NEW.start_date))) BEGIN SELECT RAISE(ABORT, '{OVER_CLOSED}'); END")
    return out


def _sqlite_new_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {t}_no_replace" for t in KEYS] + ["DROP TRIGGER IF EXISTS periods_no_replace_closed"]


def _lift_guards(pg: bool) -> None:
    if pg:
        for table, trigger in (("accounting_events", "accounting_events_immutable"),
                               ("audit_log", "audit_log_immutable"), ("periods", "periods_closed_immutable")):
            op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        return
    for name in ("accounting_events_no_update", "audit_log_no_update", "periods_closed_no_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _restore_guards(pg: bool) -> None:
    if pg:
        for table, trigger in (("accounting_events", "accounting_events_immutable"),
                               ("audit_log", "audit_log_immutable"), ("periods", "periods_closed_immutable")):
            op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        return
    for table, msg in APPEND_ONLY.items():
        op.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{msg}'); END")
    op.execute("CREATE TRIGGER periods_closed_no_update BEFORE UPDATE ON periods "
               f"WHEN OLD.status = 'closed' BEGIN SELECT RAISE(ABORT, '{REOPEN}'); END")


EVENTS = sa.table(
    "accounting_events", sa.column("id", sa.Integer), sa.column("company_id", sa.Integer),
    sa.column("event_code", sa.String), sa.column("asset_code", sa.String), sa.column("kind", sa.String),
    sa.column("event_date", sa.Date), sa.column("recorded_on", sa.Date), sa.column("payload", sa.JSON),
    sa.column("content_hash", sa.String), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("row_hash", sa.String))
PERIODS = sa.table(
    "periods", sa.column("id", sa.Integer), sa.column("company_id", sa.Integer), sa.column("start_date", sa.Date),
    sa.column("end_date", sa.Date), sa.column("status", sa.String), sa.column("closed_at", sa.DateTime(timezone=True)),
    sa.column("closed_by", sa.String), sa.column("row_hash", sa.String))
AUDIT = sa.table(
    "audit_log", sa.column("id", sa.BigInteger), sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String), sa.column("action", sa.String), sa.column("table_name", sa.String),
    sa.column("row_id", sa.String), sa.column("before", sa.JSON), sa.column("after", sa.JSON),
    sa.column("prev_hash", sa.String), sa.column("hash", sa.String))
HEAD = sa.table("ledger_chain", sa.column("id", sa.Integer), sa.column("audit_last_id", sa.BigInteger),
                sa.column("audit_last_hash", sa.String))


def _seal_existing(conn: sa.Connection) -> None:
    for table, name in ((EVENTS, "accounting_events"), (PERIODS, "periods")):
        for row in conn.execute(sa.select(table).order_by(table.c.id)).mappings().all():
            conn.execute(table.update().where(table.c.id == row["id"]).values(row_hash=row_hash(name, row)))
    prev, last_id, after_id = GENESIS, 0, 0
    while True:
        batch: list[dict[str, Any]] = [dict(r) for r in conn.execute(
            sa.select(AUDIT).where(AUDIT.c.id > after_id).order_by(AUDIT.c.id).limit(2000)).mappings()]
        if not batch:
            break
        prev = seal_audit_rows(prev, batch)
        for r in batch:
            conn.execute(AUDIT.update().where(AUDIT.c.id == r["id"]).values(prev_hash=r["prev_hash"], hash=r["hash"]))
        after_id = last_id = int(batch[-1]["id"])
    conn.execute(HEAD.update().where(HEAD.c.id == 1).values(audit_last_id=last_id, audit_last_hash=prev))


def upgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"
    op.add_column("accounting_events", sa.Column("row_hash", sa.String(length=64), nullable=True))
    op.add_column("periods", sa.Column("row_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("hash", sa.String(length=64), nullable=True))
    op.add_column("ledger_chain", sa.Column("audit_last_id", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("ledger_chain", sa.Column("audit_last_hash", sa.String(length=64), nullable=False,
                                            server_default=GENESIS))
    _lift_guards(pg)
    _seal_existing(conn)
    _restore_guards(pg)
    if not pg:
        for stmt in _sqlite_new_triggers():
            op.execute(stmt)


def downgrade() -> None:
    conn = op.get_bind()
    pg = conn.dialect.name == "postgresql"
    if not pg:
        for stmt in _sqlite_new_drop():
            op.execute(stmt)
    for table, column in (("accounting_events", "row_hash"), ("periods", "row_hash"), ("audit_log", "prev_hash"),
                          ("audit_log", "hash"), ("ledger_chain", "audit_last_id"),
                          ("ledger_chain", "audit_last_hash")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # not batch: a rebuilt table loses its triggers
