"""The audit log: who, when, what, before, after — for every insert, update and delete of a register row.

A session listener (``after_flush``) writes one ``audit_log`` row per changed row in the same
transaction, so a change and its audit record are committed together or not at all. The actor is
``session.info["actor"]`` (set by :meth:`register.db.Register.session`). Journal entries and lines are
not copied into the log: they are append-only and carry their own trail (``posted_by``, ``posted_at``,
hash chain). Binary contents are logged as their SHA-256 and size; password hashes as ``<redacted>``.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from register.models import AuditLog, Base, utcnow


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
    if rows:
        session.connection().execute(insert(AuditLog), rows)
