"""Users and roles: argon2 hashes, sign-in, role checks, `dataval user add` — on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from cli.main import EXIT_OK, EXIT_REFUSED, main
from register import (
    BadCredentials,
    PermissionDenied,
    Register,
    Role,
    add_user,
    authenticate,
    can,
    has_role,
    require,
    set_active,
)
from register.models import AuditLog
from register.models import User as UserRow


def test_add_and_authenticate(reg: Register) -> None:
    with reg.session(actor="admin-1") as s:
        u = add_user(s, "alice", "correct horse battery", Role.FINANCE, display_name="Alice 财务")
    assert u.role is Role.FINANCE
    with reg.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == "alice"))
        assert row is not None
        assert row.password_hash.startswith("$argon2id$")
        assert "correct horse" not in row.password_hash
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "users")).all()
        assert [(a.action, a.actor) for a in audit] == [("insert", "admin-1")]
        assert audit[0].after is not None and audit[0].after["password_hash"] == "<redacted>"

    signed = authenticate("alice", "correct horse battery", register=reg)
    assert signed is not None and signed.username == "alice" and signed.display_name == "Alice 财务"
    assert authenticate("alice", "wrong password", register=reg) is None
    assert authenticate("nobody", "correct horse battery", register=reg) is None
    with reg.session() as s:
        set_active(s, "alice", False)
    assert authenticate("alice", "correct horse battery", register=reg) is None


def test_bad_users_refused(reg: Register) -> None:
    with reg.session() as s:
        add_user(s, "bob", "long enough pw", "bank")
    with pytest.raises(BadCredentials, match="already exists"), reg.session() as s:
        add_user(s, "bob", "another long pw", "bank")
    with pytest.raises(BadCredentials, match="too short"), reg.session() as s:
        add_user(s, "carol", "short", "bank")
    with pytest.raises(BadCredentials, match="unknown role"), reg.session() as s:
        add_user(s, "dave", "long enough pw", "cashier")
    with reg.session() as s:
        assert [r.username for r in s.scalars(select(UserRow))] == ["bob"]


def test_role_checks() -> None:
    from register.users import User

    finance = User(1, "f", Role.FINANCE)
    bank = User(2, "b", Role.BANK)
    admin = User(3, "a", Role.ADMIN)
    analyst = User(4, "n", Role.ANALYST)
    assert can(finance, "ledger.post") and not can(bank, "ledger.post")
    assert can(bank, "pledge.assess") and not can(finance, "pledge.assess")
    assert all(can(admin, t) for t in ("ledger.post", "pledge.assess", "valuation.run", "users.manage"))
    assert can(analyst, "workpapers.download") and not can(analyst, "assets.edit")
    assert has_role(finance, "finance") and not has_role(None, "finance")
    assert not can(User(5, "x", Role.FINANCE, active=False), "ledger.post")
    assert require(finance, "ledger.post") is finance
    with pytest.raises(PermissionDenied, match=r"b \(银行 bank\) may not do 'ledger.post'.*财务 finance"):
        require(bank, "ledger.post")
    with pytest.raises(PermissionDenied, match="nobody signed in"):
        require(None, "assets.view")
    with pytest.raises(KeyError):
        can(finance, "no.such.task")


def test_cli_user_add(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass-123\n"))
    assert main(["user", "add", "erin", "--role", "appraiser", "--password-stdin", "--db", db_url]) == EXIT_OK
    assert "erin" in capsys.readouterr().out
    user = authenticate("erin", "s3cret-pass-123", register=db_url)
    assert user is not None and user.role is Role.APPRAISER
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass-123\n"))
    assert main(["user", "add", "erin", "--role", "bank", "--password-stdin", "--db", db_url]) == EXIT_REFUSED
    assert "already exists" in capsys.readouterr().err
    assert main(["user", "list", "--json", "--db", db_url]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == [
        {"username": "erin", "role": "appraiser", "display_name": "", "active": True}]


def test_authenticate_uses_env_url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAVAL_DB_URL", db_url)
    reg = Register()
    with reg.session() as s:
        add_user(s, "fay", "password-fay", Role.ANALYST)
    reg.dispose()
    user = authenticate("fay", "password-fay")
    assert user is not None and user.role is Role.ANALYST
