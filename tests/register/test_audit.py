"""The audit log names the row each entry is about, inserts included (register/audit.py)."""

from __future__ import annotations

from sqlalchemy import select

from register import Register
from register.models import AuditLog, Company


def test_audit_rows_carry_the_row_id(reg: Register) -> None:
    """Two companies inserted in one flush, then one renamed and the other deleted.

    The database is fresh, so the companies get ids 1 and 2 (in the order added); every audit row,
    the inserts too, names its row by that id.
    """
    with reg.session(actor="fin-1") as s:
        s.add_all([Company(code="CO-A", name="甲公司 A"), Company(code="CO-B", name="乙公司 B")])
    with reg.session(actor="fin-1") as s:
        a = s.scalars(select(Company).where(Company.code == "CO-A")).one()
        b = s.scalars(select(Company).where(Company.code == "CO-B")).one()
        assert (a.id, b.id) == (1, 2)
        a.name = "甲公司 A (renamed)"
        s.delete(b)
    with reg.session() as s:
        logged = s.scalars(select(AuditLog).where(AuditLog.table_name == "companies").order_by(AuditLog.id)).all()
        assert sorted((r.action, r.row_id) for r in logged) == [
            ("delete", "2"), ("insert", "1"), ("insert", "2"), ("update", "1")]
        inserts = {r.row_id: r.after for r in logged if r.action == "insert"}
        assert inserts["1"] is not None and inserts["1"]["id"] == 1 and inserts["1"]["code"] == "CO-A"
        assert inserts["2"] is not None and inserts["2"]["id"] == 2 and inserts["2"]["code"] == "CO-B"
