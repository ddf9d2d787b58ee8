"""Register fixtures: every persistence test runs on SQLite and on a real PostgreSQL server.

``pg_server`` (session scope) starts a throwaway PostgreSQL from the Debian binaries
(``/usr/lib/postgresql/*/bin/initdb`` and ``pg_ctl``) on a temporary directory and a free localhost
port, as the ``postgres`` user when the tests run as root (the server refuses to run as root), and
stops it at the end. Each test gets its own fresh database on it. Missing binaries skip locally and
fail on CI (``tests.conftest.require``).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from register import Register
from tests.conftest import require


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    bindir: Path

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@{self.host}:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql.encode())


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _run(cmd: list[str]) -> None:
    done = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    bindir = _bindir()
    if bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        yield None
        return
    # not under pytest's tmp dir: the server user must be able to reach the folder
    root = Path(tempfile.mkdtemp(prefix="dataval-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
        root.chmod(0o700)
    data = root / "data"
    port = _free_port()
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8"])
        opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "server.log"), "-w", "-t",
              "60", "start"])
        try:
            yield PgServer("127.0.0.1", port, bindir)
        finally:
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'register.db'}"
        return
    server: PgServer | None = request.getfixturevalue("pg_server")
    require(server is not None, "PostgreSQL")
    assert server is not None
    name = f"t_{uuid.uuid4().hex[:12]}"
    server.admin(f"CREATE DATABASE {name}")
    try:
        yield server.url(name)
    finally:
        server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def reg(db_url: str) -> Iterator[Register]:
    """An open, migrated register on each backend."""
    r = Register(db_url)
    try:
        yield r
    finally:
        r.dispose()
