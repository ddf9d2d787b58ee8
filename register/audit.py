"""The audit log: who, when, what, before, after — for every insert, update and delete of a register row.

A session listener (``after_flush``) writes one ``audit_log`` row per changed row in the same
transaction, so a change and its audit record are committed together or not at all. The actor is
``session.info["actor"]`` (set by :meth:`register.db.Register.session`). Journal entries and lines are
not copied into the log: they are append-only and carry their own trail (``posted_by``, ``posted_at``,
hash chain). Binary contents are logged as their SHA-256 and size; password hashes as ``<redacted>``.

The audit log is itself hash-chained: each row stores ``prev_hash`` (the hash of the row written before
it, 64 zeros for the first) and ``hash = SHA-256(prev_hash ‖ canonical JSON of at, actor, action, table,
row id, before, after)``; the chain head (last id and hash) is kept in the ``ledger_chain`` row. Writers
lock that row before their first audited flush (``before_flush``), so the chain never forks.

Protected rows (``periods``, ``accounting_events``) carry ``row_hash``, the SHA-256 of their sealed
fields, set on every write through the register (mapper events). ``register.ledger.verify`` checks all
of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, insert, inspect, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session, UOWTransaction

from register.models import AccountingEvent, AuditLog, Base, ChainHead, Period, utcnow

GENESIS = "0" * 64


# ---------------------------------------------------------------------------------------------- canonical values
def utc_iso(value: Any) -> str | None:
    """A timestamp as UTC ISO text with microseconds (naive values are UTC, as SQLite returns them)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return str(value)


def _day(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    """The value as it reads back from a JSON column (tuples → lists, keys → text)."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def _int(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


# the fields that seal a protected row (its id and optimistic-lock version are not part of it)
SEALED: dict[str, dict[str, Callable[[Any], Any]]] = {
    "periods": {"company_id": _int, "start_date": _day, "end_date": _day, "status": str, "closed_at": utc_iso,
                "closed_by": str},
    "accounting_events": {"company_id": _int, "event_code": str, "asset_code": str, "kind": str,
                          "event_date": _day, "recorded_on": _day, "payload": _json, "content_hash": str,
                          "created_at": utc_iso},
}


def sealed_values(table: str, values: Mapping[Any, Any]) -> dict[str, Any]:
    """The sealed fields of a ``table`` row, normalised (from a row, an ORM object's dict or an audit snapshot)."""
    return {k: None if values.get(k) is None else norm(values[k]) for k, norm in SEALED[table].items()}


def row_hash(table: str, values: Mapping[Any, Any]) -> str:
    """SHA-256 of the sealed fields of a protected row."""
    return hashlib.sha256(table.encode("ascii") + b"\n" + canonical_json(sealed_values(table, values))).hexdigest()


def audit_hash(prev_hash: str, row: Mapping[Any, Any], *, as_read: bool = False) -> str:
    """The hash of an audit row chained to the row before it (``as_read``: before/after come from the JSON
    column as read back, already normalised)."""
    norm = (lambda v: v) if as_read else _json
    record = {"at": utc_iso(row["at"]), "actor": row["actor"], "action": row["action"],
              "table_name": row["table_name"], "row_id": row["row_id"], "before": norm(row["before"]),
              "after": norm(row["after"])}
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical_json(record)).hexdigest()


def seal_audit_rows(prev_hash: str, rows: Iterable[dict[str, Any]]) -> str:
    """Set ``prev_hash`` and ``hash`` on each row in order; returns the last hash."""
    for row in rows:
        row["prev_hash"] = prev_hash
        row["hash"] = prev_hash = audit_hash(prev_hash, row)
    return prev_hash


# ---------------------------------------------------------------------------------------------- row hashes
def _seal_row(_mapper: Mapper[Any], _conn: Connection, target: Period | AccountingEvent) -> None:
    if isinstance(target, AccountingEvent) and target.created_at is None:
        target.created_at = utcnow()
    if isinstance(target, Period) and target.status is None:
        target.status = "open"
    table = target.__tablename__
    target.row_hash = row_hash(table, {k: getattr(target, k) for k in SEALED[table]})


for _cls in (Period, AccountingEvent):
    event.listen(_cls, "before_insert", _seal_row)
    event.listen(_cls, "before_update", _seal_row)


# ---------------------------------------------------------------------------------------------- audit rows
def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest(), "bytes": len(value)}
    return value


def _columns(obj: Base) -> list[str]:
    return [c.key for c in inspect(type(obj)).column_attrs]


def _redact(obj: Base, out: dict[str, Any]) -> dict[str, Any]:
    for key in getattr(type(obj), "__audit_redact__", ()):
        if key in out:
            out[key] = "<redacted>"
    return out


def _snapshot(obj: Base) -> dict[str, Any]:
    return _redact(obj, {k: _plain(getattr(obj, k)) for k in _columns(obj)})


def _before(obj: Base) -> tuple[dict[str, Any], bool]:
    """The row as it was before this flush, and whether any column changed."""
    state = inspect(obj)
    out: dict[str, Any] = {}
    changed = False
    for key in _columns(obj):
        hist = state.attrs[key].history
        if hist.deleted:
            out[key] = _plain(hist.deleted[0])
            changed = changed or key != "version"
        elif hist.unchanged:
            out[key] = _plain(hist.unchanged[0])
        elif hist.added:
            out[key] = _plain(hist.added[0])
    return _redact(obj, out), changed


def _audited(obj: object) -> bool:
    return isinstance(obj, Base) and bool(getattr(type(obj), "__audited__", True))


def _row_id(obj: Base) -> str:
    """The row's primary key, read from its columns: in ``after_flush`` an inserted row already has the key
    the database gave it, but SQLAlchemy has not yet set its identity (that happens after this hook)."""
    state = inspect(obj)
    ident = state.identity or state.mapper.primary_key_from_instance(obj)
    return ",".join(map(str, ident))


@event.listens_for(Session, "before_flush")
def _lock_chain(session: Session, _ctx: UOWTransaction, _instances: object) -> None:
    """Take the chain-head row lock before writing audited rows: audit rows chain in one line."""
    if any(_audited(o) for objs in (session.new, session.dirty, session.deleted) for o in objs):
        session.connection().execute(select(ChainHead.id).where(ChainHead.id == 1).with_for_update())


def _next_ids(conn: Connection, n: int) -> list[int]:
    if conn.dialect.name == "postgresql":
        return sorted(conn.execute(text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) "
                                        "FROM generate_series(1, :n)"), {"n": n}).scalars())
    start = int(conn.execute(select(func.coalesce(func.max(AuditLog.id), 0))).scalar_one()) + 1
    return list(range(start, start + n))


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, ctx: UOWTransaction) -> None:
    actor = str(session.info.get("actor", "system"))
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if _audited(obj):
            rows.append({"at": now, "actor": actor, "action": "insert", "table_name": obj.__tablename__,
                         "row_id": _row_id(obj), "before": None, "after": _snapshot(obj)})
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            before, changed = _before(obj)
            if changed:
                rows.append({"at": now, "actor": actor, "action": "update", "table_name": obj.__tablename__,
                             "row_id": _row_id(obj), "before": before, "after": _snapshot(obj)})
    for obj in session.deleted:
        if _audited(obj):
            rows.append({"at": now, "actor": actor, "action": "delete", "table_name": obj.__tablename__,
                         "row_id": _row_id(obj), "before": _snapshot(obj), "after": None})
    if not rows:
        return
    conn = session.connection()
    head = conn.execute(select(ChainHead.audit_last_hash).where(ChainHead.id == 1)).first()
    if head is not None and head[0]:
        prev = str(head[0])
    else:  # no chain head row: chain on from the last audit row
        prev = conn.execute(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)).scalar() or GENESIS
    for row, row_id in zip(rows, _next_ids(conn, len(rows)), strict=True):
        row["id"] = row_id
    last = seal_audit_rows(prev, rows)
    conn.execute(insert(AuditLog), rows)
    if head is not None:
        conn.execute(update(ChainHead).where(ChainHead.id == 1).values(audit_last_id=rows[-1]["id"], audit_last_hash=last))
