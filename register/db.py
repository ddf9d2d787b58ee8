"""Opening the register: the database URL, the engine, migrations, transactions.

The URL is, in order: the ``url`` argument, ``$DATAVAL_DB_URL``, or the embedded default — a SQLite
file at ``$XDG_DATA_HOME/dataval/dataval.db`` (``~/.local/share/dataval/dataval.db``), created and
migrated on first use. A server: ``DATAVAL_DB_URL=postgresql+psycopg://user:pass@host:5432/dbname``.

SQLite runs in WAL mode with foreign keys on and a 30 s busy timeout; every transaction starts with
``BEGIN IMMEDIATE`` so that writers queue instead of failing half-way. The register holds password
hashes: its file (and -wal / -shm) is made private (0600), and a folder it creates is 0700. PostgreSQL transactions are
READ COMMITTED; posting locks the chain head row (``SELECT … FOR UPDATE``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

import register.audit  # noqa: F401  (registers the audit listener)
from register.errors import ConcurrentEdit, PeriodClosed, PostedEntryImmutable, RegisterError

ENV_URL = "DATAVAL_DB_URL"
IMMUTABLE_MARK = "immutable"
CLOSED_MARK = "closed period"


def default_path() -> Path:
    """The embedded database file: $XDG_DATA_HOME/dataval/dataval.db (default ~/.local/share/...)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dataval" / "dataval.db"


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the argument, $DATAVAL_DB_URL, or the embedded SQLite default."""
    if url:
        return url
    env = os.environ.get(ENV_URL, "").strip()
    if env:
        return env
    return f"sqlite:///{default_path()}"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver must not open transactions itself; "begin" does
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def private_dir(folder: Path) -> None:
    """Create ``folder`` (and its parents) when missing; the folder created is 0700. An existing one is left."""
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)  # mkdir's mode is masked by the umask


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 when missing; make an existing one (ours) 0600."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except PermissionError:
        pass  # not ours: SQLite reports what it cannot open


def _private_sqlite(path: Path) -> None:
    private_dir(path.parent)
    private_file(path)
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if extra.exists():
            private_file(extra)


_NO_TABLE = re.compile(r"no such table: (\w+)|relation \"(\w+)\" does not exist")


def describe_db_error(exc: BaseException) -> str:
    """A short English reason for a database error, without the driver's raw text."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig)
    m = _NO_TABLE.search(text)
    if m:
        return f"table {m.group(1) or m.group(2)} is missing"
    if "file is not a database" in text:
        return "the file is not a SQLite database"
    if "unable to open database file" in text:
        return "the database file cannot be opened"
    if "already exists" in text:
        return "its tables do not match its schema revision"
    if "connection" in text.lower() and ("refused" in text or "failed" in text):
        return "the database server cannot be reached"
    return f"database error {type(orig).__name__}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file the folder (0700 when created) and the file (0600)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            _private_sqlite(Path(u.database).expanduser())
        engine = create_engine(u, connect_args={"timeout": 30})
        _sqlite_setup(engine)
        return engine
    return create_engine(u, pool_pre_ping=True)


def translate(exc: BaseException) -> BaseException:
    """Turn database refusals (triggers, stale versions) into the register's errors."""
    if isinstance(exc, StaleDataError):
        return ConcurrentEdit("the row", expected=-1, found=None)
    if isinstance(exc, DBAPIError):
        text = str(exc.orig) if exc.orig is not None else str(exc)
        first = text.strip().splitlines()[0] if text.strip() else text
        if IMMUTABLE_MARK in text:
            return PostedEntryImmutable(f"数据库拒绝 refused by the database: {first}")
        if CLOSED_MARK in text:
            return PeriodClosed(f"数据库拒绝 refused by the database: {first}")
    return exc


class Register:
    """An open register: engine, sessions, migrations.

    >>> reg = Register()                                 # doctest: +SKIP
    >>> with reg.session(actor="alice") as s:            # doctest: +SKIP
    ...     ...                                          # one transaction, committed on success
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            from register.migrate import upgrade

            upgrade(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, actor: str = "system") -> Iterator[Session]:
        """One transaction: commit when the block ends, roll back (nothing written) on any error."""
        s = self._sessions()
        s.info["actor"] = actor
        try:
            yield s
            s.commit()
        except BaseException as exc:
            s.rollback()
            new = translate(exc)
            if new is not exc:
                raise new from exc
            raise
        finally:
            s.close()

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Register({make_url(self.url).render_as_string(hide_password=True)!r})"


def open_register(url: str | None = None) -> Register:
    """The register at ``url`` (or $DATAVAL_DB_URL, or the embedded default), migrated to the latest schema."""
    return Register(url)


__all__ = ["ENV_URL", "Register", "RegisterError", "default_path", "describe_db_error", "make_engine", "open_register",
           "private_dir", "private_file", "resolve_url"]
