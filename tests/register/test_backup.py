"""Backup and restore (SQLite online backup API; pg_dump / pg_restore), then the chain still verifies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cli.main import EXIT_OK, EXIT_REFUSED, main
from register import Register
from register.importing import import_file
from register.ledger import verify
from tests.register.test_import import _rows, _write_csv, snapshot
from tests.register.test_ledger import _case, _post


def test_backup_and_restore(db_url: str, tmp_path: Path) -> None:
    header, rows = _rows(8)
    reg = Register(db_url)
    try:
        import_file(reg, _write_csv(tmp_path / "a.csv", header, rows[:4]), company="ACME", actor="a")
        _post(reg, _case(), date(2024, 3, 31))
        with reg.session() as s:
            head = verify(s).head_hash
        at_backup = snapshot(reg)
        out = tmp_path / "register.backup"
        assert main(["db", "backup", str(out), "--db", db_url]) == EXIT_OK
        assert out.stat().st_size > 0

        import_file(reg, _write_csv(tmp_path / "b.csv", header, rows), company="ACME", actor="b")
        _post(reg, _case(), date(2024, 6, 30))
        assert snapshot(reg) != at_backup
        reg.dispose()

        assert main(["db", "restore", str(out), "--db", db_url]) == EXIT_REFUSED  # needs --yes
        assert main(["db", "restore", str(out), "--db", db_url, "--yes"]) == EXIT_OK
        reg = Register(db_url)
        assert snapshot(reg) == at_backup
        with reg.session() as s:
            rep = verify(s, expect_head=head)
        assert rep.ok and rep.entries == 4
        assert main(["db", "verify", "--db", db_url]) == EXIT_OK
    finally:
        reg.dispose()


def test_a_backup_that_does_not_verify_leaves_the_register_as_it_was(db_url: str, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A backup whose posted journal was altered after posting (a line's amount changed behind the triggers)
    is refused; on PostgreSQL, where the archive is restored into the live database before it can be
    verified, the register is put back from the copy taken first, and that copy is kept."""
    import sqlite3

    import psycopg
    from sqlalchemy.engine import make_url

    header, rows = _rows(8)
    bad_url = db_url.replace("register.db", "tampered.db") if db_url.startswith("sqlite") else None
    if bad_url is None:  # another database on the same server
        u = make_url(db_url)
        with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname="postgres", autocommit=True) as c:
            c.execute(f"CREATE DATABASE {u.database}_tampered".encode())
        bad_url = db_url + "_tampered"
    bad = Register(bad_url)
    import_file(bad, _write_csv(tmp_path / "a.csv", header, rows[:4]), company="ACME", actor="a")
    _post(bad, _case(), date(2024, 3, 31))
    bad.dispose()
    alter = "UPDATE journal_lines SET debit_fen = debit_fen + 1 WHERE id = (SELECT min(id) FROM journal_lines " \
            "WHERE debit_fen > 0)"
    if bad_url.startswith("sqlite"):
        with sqlite3.connect(make_url(bad_url).database or "") as conn:
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                        "AND tbl_name = 'journal_lines'").fetchall():
                conn.execute(f'DROP TRIGGER "{name}"')
            conn.execute(alter)
    else:
        u = make_url(bad_url)
        with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as c:
            c.execute(b"SET session_replication_role = replica")  # the superuser's way past the triggers
            c.execute(alter.encode())
    tampered = tmp_path / "tampered.backup"
    assert main(["db", "backup", str(tampered), "--db", bad_url]) == EXIT_OK

    reg = Register(db_url)
    try:
        import_file(reg, _write_csv(tmp_path / "b.csv", header, rows), company="ACME", actor="b")
        _post(reg, _case(), date(2024, 6, 30))
        before = snapshot(reg)
    finally:
        reg.dispose()
    capsys.readouterr()
    assert main(["db", "restore", str(tampered), "--db", db_url, "--yes"]) == EXIT_REFUSED
    assert "tampered.backup does not verify" in capsys.readouterr().err
    reg = Register(db_url)
    try:
        assert snapshot(reg) == before
        with reg.session() as s:
            assert verify(s).ok
    finally:
        reg.dispose()
    if not db_url.startswith("sqlite"):
        assert list(tmp_path.glob("*.replaced-*.dump")), "the copy taken before the restore is kept"
        u = make_url(db_url)
        with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname="postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {u.database}_tampered WITH (FORCE)".encode())
