"""Backup and restore of the register.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while
  others keep working; the copy is checked (``PRAGMA integrity_check``) before it is renamed into
  place. Restore copies the backup's pages into the register file with the same API (through its WAL,
  so readers never see a half-restored file).
- PostgreSQL: ``pg_dump --format=custom`` to the file and ``pg_restore --clean --if-exists
  --single-transaction`` back, when those programs are on PATH or in /usr/lib/postgresql/*/bin
  (the Debian ``postgresql-client`` package). Dump and restore use the URL's host, port, user and
  database; a password comes from the URL (passed as PGPASSWORD) or ~/.pgpass.

Restore accepts only a dataval register at a schema revision this dataval knows, that verifies
(:func:`register.ledger.verify`: ledger chain, audit chain, periods, events): anything else is refused
and nothing is replaced. The register it replaces is kept first — SQLite: next to it as
``<name>.replaced-<UTC time>.db``; PostgreSQL: a ``pg_dump`` next to the backup file — and the summary
says where, with its counts of companies and entries. Files written are private (0600), and a folder
the register creates is 0700: the register holds password hashes.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from register.db import Register, describe_db_error, private_dir, private_file, resolve_url
from register.errors import RegisterError

SQLITE_MAGIC = b"SQLite format 3\x00"
REQUIRED = ("alembic_version", "companies", "journal_entries", "journal_lines", "accounting_events", "periods",
            "audit_log", "ledger_chain")


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore did: the backup's revision and counts, and the register it replaced (kept where)."""

    source: Path
    revision: str
    companies: int
    entries: int
    kept: Path | None = None             # the copy of the replaced register (None: there was none)
    replaced_companies: int | None = None
    replaced_entries: int | None = None


def _refused(reason: str) -> RegisterError:
    return RegisterError(f"恢复被拒绝 restore refused: {reason}; nothing was replaced")


def _sqlite_file(url: str) -> Path:
    u = make_url(url)
    if not u.database or u.database == ":memory:":
        raise RegisterError("内存数据库 an in-memory SQLite register cannot be backed up or restored")
    return Path(u.database).expanduser()


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _free(path: Path) -> Path:
    """``path``, or ``path`` with -2, -3 … before its suffix when taken."""
    n, out = 1, path
    while out.exists():
        n += 1
        out = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return out


def _check_target(out: Path) -> None:
    if out.is_dir():
        raise RegisterError(f"备份失败 backup refused: {out} is a folder; give the backup file's name")
    if not out.parent.is_dir():
        raise RegisterError(f"备份失败 backup refused: the folder {out.parent} does not exist; create it first")


def _copy(src: Path, dst: Path) -> None:
    """A consistent, integrity-checked, private (0600) copy of SQLite file ``src`` at ``dst`` (atomic)."""
    tmp = dst.with_name(dst.name + ".tmp")
    tmp.unlink(missing_ok=True)
    private_file(tmp)
    try:
        with sqlite3.connect(f"file:{src}?mode=ro", uri=True) as source, sqlite3.connect(tmp) as target:
            source.backup(target)
            ok = target.execute("PRAGMA integrity_check").fetchone()
            if not ok or ok[0] != "ok":
                raise RegisterError(f"备份失败 backup failed: the copy of {src.name} failed its integrity check")
            target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        target.close()
        source.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise RegisterError(f"备份失败 backup failed: {src} could not be copied ({type(exc).__name__})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(dst)
    dst.chmod(0o600)


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


def _run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RegisterError(f"{Path(cmd[0]).name} failed ({done.returncode}): {done.stderr.strip()[:2000]}")
    return done.stdout


def _pg_tool(name: str) -> str:
    tool = pg_tool(name)
    if tool is None:
        raise RegisterError(f"{name} not found: install the postgresql-client package")
    return tool


def _pg_dump(url: str, out: Path) -> None:
    args, env = _pg_args(url)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    private_file(tmp)
    try:
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), *args], env)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    out.chmod(0o600)


def backup(out: Path, url: str | None = None) -> Path:
    """Write a backup of the register at ``url`` to ``out`` (atomically, readable by its owner only)."""
    url = resolve_url(url)
    backend = make_url(url).get_backend_name()
    _check_target(out)
    if backend == "sqlite":
        src = _sqlite_file(url)
        if not src.exists():
            raise RegisterError(f"备份失败 backup refused: no register at {src}")
        _copy(src, out)
        return out
    if backend == "postgresql":
        _pg_dump(url, out)
        return out
    raise RegisterError(f"备份失败 backup of a {backend} database is not supported")


# ---------------------------------------------------------------------------------------------- restore
def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from register.migrate import config

    return {s.revision for s in ScriptDirectory.from_config(config()).walk_revisions()}


def _counts(reg: Register) -> tuple[int, int]:
    from register.models import Company, JournalEntry

    with reg.session() as s:
        return (int(s.scalar(select(func.count()).select_from(Company)) or 0),
                int(s.scalar(select(func.count()).select_from(JournalEntry)) or 0))


def _verified(url: str, label: str) -> tuple[int, int]:
    """Open the register at ``url`` (migrating an older known revision), verify it; its counts."""
    from register.ledger import verify

    try:
        reg = Register(url)
    except SQLAlchemyError as exc:
        raise _refused(f"{label} cannot be opened as a dataval register ({describe_db_error(exc)})") from None
    try:
        with reg.session() as s:
            rep = verify(s)
        if not rep.ok:
            shown = "; ".join(f"{p.where} {p.kind}" for p in rep.problems[:5])
            more = f" and {len(rep.problems) - 5} more" if len(rep.problems) > 5 else ""
            raise _refused(f"{label} does not verify — {len(rep.problems)} problem(s): {shown}{more}")
        return _counts(reg)
    except SQLAlchemyError as exc:
        raise _refused(f"{label} cannot be read as a dataval register ({describe_db_error(exc)})") from None
    except RegisterError as exc:
        if str(exc).startswith("恢复被拒绝"):
            raise
        raise _refused(f"{label}: {exc}") from None
    finally:
        reg.dispose()


def _sqlite_revision(path: Path) -> str:
    """The schema revision of SQLite file ``path``, refused unless it looks like a dataval register."""
    with path.open("rb") as f:
        if f.read(16) != SQLITE_MAGIC:
            raise _refused(f"{path.name} is not a SQLite database, so not a dataval backup")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as c:
            ok = c.execute("PRAGMA integrity_check").fetchone()
            if not ok or ok[0] != "ok":
                raise _refused(f"{path.name} is damaged (its integrity check fails)")
            tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in REQUIRED if t not in tables]
            if missing:
                raise _refused(f"{path.name} is not a dataval register (no {', '.join(missing)} table)")
            revs = [r[0] for r in c.execute("SELECT version_num FROM alembic_version")]
        c.close()
    except sqlite3.Error as exc:
        raise _refused(f"{path.name} cannot be read as a SQLite database ({type(exc).__name__})") from None
    known = known_revisions()
    if len(revs) != 1 or revs[0] not in known:
        raise _refused(f"{path.name} is at schema revision {', '.join(revs) or 'none'}, which this dataval does "
                       f"not know (known: {', '.join(sorted(known))})")
    return str(revs[0])


def _restore_sqlite(backup_file: Path, url: str) -> RestoreSummary:
    dst = _sqlite_file(url)
    revision = _sqlite_revision(backup_file)
    private_dir(dst.parent)
    stage_dir = Path(tempfile.mkdtemp(prefix=".restore-", dir=dst.parent))
    try:
        stage = stage_dir / "staged.db"
        _copy(backup_file, stage)
        companies, entries = _verified(f"sqlite:///{stage}", backup_file.name)  # migrated to the latest revision
        kept = replaced_companies = replaced_entries = None
        if dst.exists() and dst.stat().st_size > 0:
            kept = _free(dst.with_name(f"{dst.stem}.replaced-{_stamp()}{dst.suffix or '.db'}"))
            try:
                _copy(dst, kept)
            except RegisterError:
                raise _refused(f"the current register {dst} could not be copied aside (damaged?)") from None
            try:
                with Register(url, migrate=False) as old:
                    replaced_companies, replaced_entries = _counts(old)
            except (SQLAlchemyError, RegisterError):
                pass  # not a readable register: kept as it was, counts unknown
        try:
            with sqlite3.connect(f"file:{stage}?mode=ro", uri=True) as source:
                private_file(dst)
                with sqlite3.connect(dst, timeout=30) as target:
                    source.backup(target)  # page copy into the live file, through its WAL: no trigger fires
                target.close()
            source.close()
        except sqlite3.Error as exc:
            raise RegisterError(f"恢复失败 restore failed while copying into {dst} ({type(exc).__name__}); the "
                                f"replaced register is kept at {kept}") from None
        return RestoreSummary(backup_file, revision, companies, entries, kept, replaced_companies, replaced_entries)
    finally:
        shutil.rmtree(stage_dir, ignore_errors=True)


_COPY_ROW = re.compile(r"^COPY public\.alembic_version .*?FROM stdin;\n(.*?)\n\\\.", re.S | re.M)


def _pg_revision(backup_file: Path) -> str:
    tool = _pg_tool("pg_restore")
    done = subprocess.run([tool, "--list", str(backup_file)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise _refused(f"{backup_file.name} is not a pg_dump archive, so not a dataval backup")
    listed = done.stdout
    missing = [t for t in REQUIRED if not re.search(rf"TABLE DATA public {t} ", listed)]
    if missing:
        raise _refused(f"{backup_file.name} is not a dataval register (no {', '.join(missing)} table)")
    data = subprocess.run([tool, "--data-only", "--table=alembic_version", "--file=-", str(backup_file)],
                          capture_output=True, text=True, timeout=600)
    m = _COPY_ROW.search(data.stdout) if data.returncode == 0 else None
    revs = m.group(1).split() if m else []
    known = known_revisions()
    if len(revs) != 1 or revs[0] not in known:
        raise _refused(f"{backup_file.name} is at schema revision {', '.join(revs) or 'none'}, which this dataval "
                       f"does not know (known: {', '.join(sorted(known))})")
    return revs[0]


def _restore_pg(backup_file: Path, url: str) -> RestoreSummary:
    revision = _pg_revision(backup_file)
    args, env = _pg_args(url)
    tool = _pg_tool("pg_restore")
    try:
        with Register(url, migrate=False) as old:
            replaced = _counts(old)
    except (SQLAlchemyError, RegisterError):
        replaced = None
    dbname = make_url(url).database or "postgres"
    kept = _free(backup_file.with_name(f"{dbname}.replaced-{_stamp()}.dump"))
    _pg_dump(url, kept)
    _run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(backup_file)], env)
    try:
        companies, entries = _verified(url, backup_file.name)
    except RegisterError:
        # put the register back as it was
        _run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(kept)], env)
        raise
    return RestoreSummary(backup_file, revision, companies, entries, kept,
                          replaced[0] if replaced else None, replaced[1] if replaced else None)


def restore(backup_file: Path, url: str | None = None) -> RestoreSummary:
    """Replace the register at ``url`` with ``backup_file`` (made by :func:`backup`), keeping the old one.

    Refused (nothing replaced) unless the file is a dataval register at a known schema revision that
    verifies.
    """
    url = resolve_url(url)
    if not backup_file.is_file():
        raise _refused(f"backup file not found: {backup_file}")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _restore_sqlite(backup_file, url)
    if backend == "postgresql":
        return _restore_pg(backup_file, url)
    raise _refused(f"restore of a {backend} database is not supported")
