"""History that cannot be rewritten quietly (SQLite and PostgreSQL): INSERT OR REPLACE refused on every
protected table, `dataval db verify` covering periods, recorded events and the audit log's own hash chain,
restore accepting only a verified dataval register (and keeping the one it replaces), private files,
and migration 0002 sealing an existing register."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from cli.main import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, main
from register import LedgerConflict, PeriodClosed, PostedEntryImmutable, Register
from register.audit import row_hash
from register.importing import import_file
from register.ledger import close_period, verify
from register.migrate import config, current_revision, head_revision
from register.models import AuditLog, Period
from tests.register.test_import import _rows, _write_csv, snapshot
from tests.register.test_ledger import CO, _case, _post

PROTECTED = ["journal_entries", "journal_lines", "accounting_events", "periods", "audit_log"]
# a column each PostgreSQL upsert tries to overwrite
UPSERT_COLUMN = {"journal_entries": "description_en", "journal_lines": "memo", "accounting_events": "kind",
                 "periods": "status", "audit_log": "actor"}


@pytest.fixture
def books(reg: Register) -> Iterator[Register]:
    """Four posted entries (Jan purchase, Jan–Mar amortization), January closed."""
    _post(reg, _case(), date(2024, 3, 31), recorded_on=date(2024, 1, 10))
    with reg.session(actor="fin-1") as s:
        close_period(s, CO, date(2024, 1, 1), date(2024, 1, 31), actor="fin-1")
    yield reg


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------------------------------------- defect 1
@pytest.mark.parametrize("table", PROTECTED)
def test_insert_or_replace_refused_on_protected_tables(books: Register, table: str) -> None:
    reg = books
    before = snapshot(reg)
    with reg.session() as s:
        rep = verify(s)
    assert rep.ok, rep.problems
    # the newest row (the closed period for periods): no other trigger stands in the way
    pick = "status = 'closed'" if table == "periods" else f"id = (SELECT MAX(id) FROM {table})"
    if reg.dialect == "sqlite":
        stmts = [f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE {pick}",
                 f"REPLACE INTO {table} SELECT * FROM {table} WHERE {pick}"]
    else:
        col = UPSERT_COLUMN[table]
        value = "'open'" if table == "periods" else "'forged'"
        stmts = [f"INSERT INTO {table} SELECT * FROM {table} WHERE {pick} "
                 f"ON CONFLICT (id) DO UPDATE SET {col} = {value}"]
    for sql in stmts:
        with pytest.raises((PostedEntryImmutable, PeriodClosed)), reg.session() as s:
            s.execute(text(sql))
    assert snapshot(reg) == before
    with reg.session() as s:
        again = verify(s)
        assert again.ok and again.head_hash == rep.head_hash and again.audit_head_hash == rep.audit_head_hash
        assert s.scalar(select(Period.status)) == "closed"


def test_insert_or_replace_cannot_reopen_a_period_or_forge_an_event(books: Register) -> None:
    """The forgeries the old triggers let through: a closed period replaced by an open one, an event's amount."""
    reg = books
    if reg.dialect == "sqlite":
        cols = "id, company_id, start_date, end_date, status, closed_at, closed_by, version, row_hash"
        forged = [
            f"INSERT OR REPLACE INTO periods ({cols}) SELECT id, company_id, start_date, end_date, 'open', NULL, "
            "NULL, version, row_hash FROM periods",
            "INSERT OR REPLACE INTO accounting_events SELECT id, company_id, event_code, asset_code, kind, event_date, "
            "recorded_on, replace(payload, '360000.00', '3600000.00'), content_hash, created_at, row_hash "
            "FROM accounting_events WHERE event_code = 'P1'",
        ]
        # UPDATE OR REPLACE of an open period onto the closed one would delete the closed one
        with reg.session() as s:
            comp = s.execute(text("SELECT company_id FROM periods")).scalar_one()
            s.add(Period(company_id=comp, start_date=date(2024, 2, 1), end_date=date(2024, 2, 29), status="open"))
        forged.append("UPDATE OR REPLACE periods SET start_date = '2024-01-01' WHERE status = 'open'")
    else:
        forged = [
            "INSERT INTO periods SELECT * FROM periods ON CONFLICT (id) DO UPDATE SET status = 'open', "
            "closed_at = NULL",
            "INSERT INTO accounting_events SELECT * FROM accounting_events WHERE event_code = 'P1' "
            "ON CONFLICT (company_id, event_code) DO UPDATE SET payload = "
            "CAST(replace(CAST(EXCLUDED.payload AS text), '360000.00', '3600000.00') AS json)",
        ]
    for sql in forged:
        with pytest.raises((PostedEntryImmutable, PeriodClosed)), reg.session() as s:
            s.execute(text(sql))
    with reg.session() as s:
        assert s.scalars(select(Period.status).order_by(Period.start_date)).all()[0] == "closed"
        payload = s.execute(text("SELECT payload FROM accounting_events WHERE event_code = 'P1'")).scalar_one()
        assert "3600000.00" not in (payload if isinstance(payload, str) else json.dumps(payload))
        assert verify(s).ok


# ---------------------------------------------------------------------------------------------- defect 2
def _drop_protections(reg: Register) -> None:
    with reg.engine.begin() as c:
        if reg.dialect == "sqlite":
            for name in ("periods_closed_no_update", "accounting_events_no_update", "audit_log_no_update"):
                c.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            for table, name in (("periods", "periods_closed_immutable"),
                                ("accounting_events", "accounting_events_immutable"),
                                ("audit_log", "audit_log_immutable")):
                c.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {name}")


def test_verify_reports_reopened_period_rewritten_event_and_audit_row(
        books: Register, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    reg = books
    assert main(["db", "verify", "--db", db_url, "--json"]) == EXIT_OK
    clean = json.loads(capsys.readouterr().out)
    assert clean["ok"] and clean["periods"] == 1 and clean["events"] == 2 and clean["audit_rows"] > 0
    _drop_protections(reg)
    with reg.engine.begin() as c:
        # the period reopened, its row hash recomputed by someone who read register/audit.py
        row = dict(c.execute(select(Period.__table__)).mappings().one())
        row.update(status="open", closed_at=None, closed_by=None)
        c.execute(text("UPDATE periods SET status = 'open', closed_at = NULL, closed_by = NULL, row_hash = :h"),
                  {"h": row_hash("periods", row)})
        # the purchase's amount rewritten ×10
        payload = c.execute(text("SELECT payload FROM accounting_events WHERE event_code = 'P1'")).scalar_one()
        payload = json.loads(payload) if isinstance(payload, str) else payload
        payload["cost_lines"][0]["amount"] = "3600000.00"
        cast = ":p" if reg.dialect == "sqlite" else "CAST(:p AS json)"
        c.execute(text(f"UPDATE accounting_events SET payload = {cast} WHERE event_code = 'P1'"),
                  {"p": json.dumps(payload)})
        first_audit = c.execute(select(AuditLog.id).order_by(AuditLog.id).limit(1)).scalar_one()
        c.execute(text("UPDATE audit_log SET actor = 'nobody' WHERE id = :i"), {"i": first_audit})
        period_id = row["id"]
        event_id = c.execute(text("SELECT id FROM accounting_events WHERE event_code = 'P1'")).scalar_one()

    assert main(["db", "verify", "--db", db_url]) == EXIT_PARTIAL
    out, err = capsys.readouterr()
    assert "账簿校验失败 verification failed" in out and "账簿校验失败 verification failed" in err
    assert f"periods row {period_id}" in out and "status: \"closed\" → \"open\"" in out
    assert f"accounting_events row {event_id}" in out
    assert "payload.cost_lines[0].amount: \"360000.00\" → \"3600000.00\"" in out
    assert f"audit_log row {first_audit}" in out
    assert "Traceback" not in out + err

    assert main(["db", "verify", "--db", db_url, "--json"]) == EXIT_PARTIAL
    found = {(p["table"], p["row"], p["kind"]) for p in json.loads(capsys.readouterr().out)["problems"]}
    assert found == {("periods", str(period_id), "altered"), ("accounting_events", str(event_id), "altered"),
                     ("audit_log", str(first_audit), "altered")}
    # the register does not book from the forged amount
    with pytest.raises(LedgerConflict, match="verification failed"):
        _post(reg, _case(), date(2024, 4, 30))


def test_verify_reports_audit_rows_removed_at_the_end(books: Register) -> None:
    reg = books
    with reg.engine.begin() as c:
        if reg.dialect == "sqlite":
            c.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
        else:
            c.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_immutable")
        c.exec_driver_sql("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    with reg.session() as s:
        rep = verify(s)
    kinds = {(p.table, p.kind) for p in rep.problems}
    assert ("audit_log", "head mismatch") in kinds


def test_verify_refuses_a_register_with_a_dropped_table(
        books: Register, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with books.engine.begin() as c:
        c.exec_driver_sql("DROP TABLE pledges")
    assert main(["db", "verify", "--db", db_url]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "账簿校验失败 verification failed" in err and "pledges" in err
    assert "Traceback" not in err and "OperationalError" not in err and "ProgrammingError" not in err


# ---------------------------------------------------------------------------------------------- defect 3
def test_restore_refuses_a_file_that_is_not_a_verified_register(
        books: Register, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg = books
    before = snapshot(reg)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as c:
        c.execute("create table t(x)")
    c.close()
    noise = tmp_path / "noise.bak"
    noise.write_bytes(os.urandom(4096))
    for bad in (other, noise, tmp_path / "missing.bak"):
        assert main(["db", "restore", str(bad), "--db", db_url, "--yes"]) == EXIT_REFUSED
        err = capsys.readouterr().err
        assert "恢复被拒绝 restore refused" in err and "nothing was replaced" in err and "Traceback" not in err
    assert snapshot(reg) == before
    if reg.dialect == "sqlite":  # a real backup of a tampered register does not verify
        good = tmp_path / "good.bak"
        assert main(["db", "backup", str(good), "--db", db_url]) == EXIT_OK
        with sqlite3.connect(good) as c:
            c.execute("DROP TRIGGER accounting_events_no_update")
            c.execute("UPDATE accounting_events SET kind = 'disposal'")
        c.close()
        assert main(["db", "restore", str(good), "--db", db_url, "--yes"]) == EXIT_REFUSED
        assert "does not verify" in capsys.readouterr().err
        assert snapshot(reg) == before
    assert not list(tmp_path.glob("*.replaced-*"))
    with reg.session() as s:
        assert verify(s).ok


def test_restore_keeps_the_register_it_replaces(
        reg: Register, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header, rows = _rows(4)
    import_file(reg, _write_csv(tmp_path / "a.csv", header, rows), company="ACME", actor="a")
    out = tmp_path / "register.bak"
    assert main(["db", "backup", str(out), "--db", db_url]) == EXIT_OK
    _post(reg, _case(), date(2024, 3, 31))  # a second company, 4 entries
    later = snapshot(reg)
    reg.dispose()
    capsys.readouterr()
    assert main(["db", "restore", str(out), "--db", db_url, "--yes"]) == EXIT_OK
    said = capsys.readouterr().out
    assert "公司 1 companies, 已过账凭证 0 posted entries" in said
    assert "the replaced register (公司 2 companies, 已过账凭证 4 posted entries) is kept at " in said
    kept = Path(said.split("is kept at ")[1].strip())
    assert kept.is_file() and ".replaced-" in kept.name
    if reg.dialect == "sqlite":
        assert kept.parent == Path(db_url.removeprefix("sqlite:///")).parent
        assert _mode(kept) == 0o600
        back = Register(f"sqlite:///{kept}")
        try:
            assert snapshot(back) == later
        finally:
            back.dispose()


def test_backup_into_a_missing_folder_is_refused(
        books: Register, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "backup", str(tmp_path / "nowhere" / "r.bak"), "--db", db_url]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "备份失败 backup refused" in err and "does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "nowhere").exists()


# ---------------------------------------------------------------------------------------------- defect 4
def test_register_files_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db = tmp_path / "data" / "dataval" / "dataval.db"
        url = f"sqlite:///{db}"
        reg = Register(url)
        try:
            _post(reg, _case(), date(2024, 1, 31))
            assert _mode(db.parent) == 0o700 and _mode(db) == 0o600
            for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                assert not extra.exists() or _mode(extra) == 0o600
            out = tmp_path / "r.bak"
            assert main(["db", "backup", str(out), "--db", url]) == EXIT_OK
            assert _mode(out) == 0o600
        finally:
            reg.dispose()
        db.chmod(0o644)  # an older register: tightened when opened
        Register(url).dispose()
        assert _mode(db) == 0o600
        assert main(["db", "restore", str(out), "--db", url, "--yes"]) == EXIT_OK
        assert _mode(db) == 0o600
        assert [_mode(k) for k in db.parent.glob("*.replaced-*")] == [0o600]
    finally:
        os.umask(old)


# ---------------------------------------------------------------------------------------------- defect 5
def test_migration_0002_seals_an_existing_register(books: Register) -> None:
    reg = books
    with reg.session() as s:
        rep = verify(s)
    with reg.engine.begin() as c:
        command.downgrade(config(c), "0001")
    assert current_revision(reg.engine) == "0001"
    with reg.engine.connect() as c:
        cols = {r[1] for r in c.exec_driver_sql("PRAGMA table_info(periods)")} if reg.dialect == "sqlite" else set(
            c.execute(text("SELECT column_name FROM information_schema.columns WHERE table_name = 'periods'"))
            .scalars())
    assert "row_hash" not in cols
    reg.dispose()
    again = Register(reg.url)  # opening upgrades to the latest revision, sealing what is stored
    try:
        assert current_revision(again.engine) == head_revision() == "0003"
        with again.session() as s:
            sealed = verify(s)
        assert sealed.ok, sealed.problems
        assert (sealed.entries, sealed.periods, sealed.events, sealed.audit_rows) == (
            rep.entries, rep.periods, rep.events, rep.audit_rows)
        assert sealed.audit_head_hash == rep.audit_head_hash  # the same chain as written live
        _post(again, _case(), date(2024, 4, 30))
        with again.session() as s:
            assert verify(s).ok
    finally:
        again.dispose()
