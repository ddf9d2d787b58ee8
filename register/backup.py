"""Backup and restore of the register.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while
  others keep working; the copy is checked (``PRAGMA integrity_check``) before it is renamed into
  place. Restore copies the backup's pages into the register file with the same API (through its WAL,
  so readers never see a half-restored file).
- PostgreSQL: ``pg_dump --format=custom`` to the file and ``pg_restore --clean --if-exists
  --single-transaction`` back, when those programs are on PATH or in /usr/lib/postgresql/*/bin
  (the Debian ``postgresql-client`` package). Dump and restore use the URL's host, port, user and
  database; a password comes from the URL (passed as PGPASSWORD) or ~/.pgpass.

After a restore ``dataval db verify`` confirms the hash chain of the posted ledger.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from register.db import resolve_url
from register.errors import RegisterError


def _sqlite_file(url: str) -> Path:
    u = make_url(url)
    if not u.database or u.database == ":memory:":
        raise RegisterError("an in-memory SQLite register cannot be backed up or restored")
    return Path(u.database).expanduser()


def _copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as source, sqlite3.connect(tmp) as target:
        source.backup(target)
        ok = target.execute("PRAGMA integrity_check").fetchone()
        if not ok or ok[0] != "ok":
            raise RegisterError(f"the copy of {src.name} failed its integrity check: {ok}")
        target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    target.close()
    source.close()
    tmp.replace(dst)


def pg_tool(name: str) -> str | None:
    """Path of pg_dump / pg_restore, newest Debian version first, else PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(name)


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    u = make_url(url)
    args = ["--host", u.host or "localhost", "--port", str(u.port or 5432), "--username", u.username or "postgres",
            "--dbname", u.database or "postgres"]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RegisterError(f"{Path(cmd[0]).name} failed ({done.returncode}): {done.stderr.strip()[:2000]}")


def backup(out: Path, url: str | None = None) -> Path:
    """Write a backup of the register at ``url`` to ``out`` (atomically)."""
    url = resolve_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        src = _sqlite_file(url)
        if not src.exists():
            raise RegisterError(f"no register at {src}")
        _copy(src, out)
        return out
    if backend == "postgresql":
        tool = pg_tool("pg_dump")
        if tool is None:
            raise RegisterError("pg_dump not found: install the postgresql-client package")
        args, env = _pg_args(url)
        tmp = out.with_name(out.name + ".tmp")
        _run([tool, "--format=custom", "--no-owner", "--file", str(tmp), *args], env)
        tmp.replace(out)
        return out
    raise RegisterError(f"backup of a {backend} database is not supported")


def restore(backup_file: Path, url: str | None = None) -> None:
    """Replace the register at ``url`` with ``backup_file`` (made by :func:`backup`)."""
    url = resolve_url(url)
    if not backup_file.is_file():
        raise RegisterError(f"backup file not found: {backup_file}")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        dst = _sqlite_file(url)
        dst.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True) as source:
            ok = source.execute("PRAGMA integrity_check").fetchone()
            if not ok or ok[0] != "ok":
                raise RegisterError(f"{backup_file.name} is not a sound SQLite backup: {ok}")
            with sqlite3.connect(dst, timeout=30) as target:
                source.backup(target)  # page copy into the live file, through its WAL: no trigger fires
            target.close()
        source.close()
        return
    if backend == "postgresql":
        tool = pg_tool("pg_restore")
        if tool is None:
            raise RegisterError("pg_restore not found: install the postgresql-client package")
        args, env = _pg_args(url)
        _run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(backup_file)], env)
        return
    raise RegisterError(f"restore of a {backend} database is not supported")
