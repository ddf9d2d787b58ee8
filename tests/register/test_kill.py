"""SIGKILL in the middle of a large import leaves the register as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from register import Register
from register.importing import import_file
from tests.register.test_import import _rows, _write_csv, snapshot

ROOT = Path(__file__).resolve().parents[2]
BIG = 6000


def _big_csv(path: Path) -> Path:
    header, rows = _rows(1000)
    out = []
    for n in range(BIG):
        r = list(rows[n % len(rows)])
        r[0] = f"K-{n:06d}"
        out.append(r)
    return _write_csv(path, header, out)


def test_sigkill_mid_import_changes_nothing(db_url: str, tmp_path: Path) -> None:
    header, rows = _rows(5)
    reg = Register(db_url)
    import_file(reg, _write_csv(tmp_path / "seed.csv", header, rows), company="ACME", actor="seed")
    before = snapshot(reg)
    reg.dispose()

    big = _big_csv(tmp_path / "big.csv")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "db", "import", str(big), "--company", "ACME", "--db", db_url,
         "--progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    seen: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line.strip())
        if line.startswith("写入中 (writing)"):  # rows are being written inside the open transaction
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, (seen, proc.stderr.read() if proc.stderr else "")
    assert seen[-1].startswith("写入中 (writing)") and not any("commit" in s for s in seen)
    assert int(seen[-1].split()[-1].split("/")[0]) < BIG

    reg = Register(db_url)
    try:
        assert snapshot(reg) == before
        if reg.dialect == "sqlite":
            with reg.engine.connect() as c:
                assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        done = import_file(reg, big, company="ACME", actor="again")  # the register still works
        assert done.created == BIG
    finally:
        reg.dispose()
