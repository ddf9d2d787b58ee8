"""Backup and restore (SQLite online backup API; pg_dump / pg_restore), then the chain still verifies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
