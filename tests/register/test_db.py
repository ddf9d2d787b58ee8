"""Opening the register: the embedded default (SQLite WAL, created on first use), URLs, dataval db init."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from cli.main import EXIT_OK, main
from register import Register, default_path, resolve_url
from register.migrate import current_revision, head_revision


def test_embedded_default_created_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAVAL_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "dataval" / "dataval.db"
    assert resolve_url() == f"sqlite:///{tmp_path / 'xdg' / 'dataval' / 'dataval.db'}"
    reg = Register()
    try:
        assert default_path().is_file()
        assert current_revision(reg.engine) == head_revision()
        with reg.engine.connect() as c:
            assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        reg.dispose()


def test_env_url_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("DATAVAL_DB_URL", url)
    assert resolve_url() == url
    assert resolve_url("sqlite:///x.db") == "sqlite:///x.db"


def test_cli_init(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "init", "--db", db_url]) == EXIT_OK
    assert main(["db", "init", "--db", db_url]) == EXIT_OK  # idempotent
    out = capsys.readouterr().out
    assert out.count(f"schema revision {head_revision()}") == 2
    assert "password" not in out
