"""Users and roles: argon2 password hashes, authentication, and the role checks the dashboard uses.

Roles (one per user): 财务 finance, 评估师 appraiser, 银行 bank, 分析师 analyst, 管理员 admin.
``admin`` may do everything. What each role may do is the table :data:`PERMISSIONS` (task → roles);
the dashboard hides a page the role may not use and calls :func:`require` before acting, so the
refusal happens on the server side too.

>>> user = authenticate("alice", "correct horse")          # doctest: +SKIP
>>> if user and can(user, "ledger.post"): ...             # doctest: +SKIP
>>> require(user, "ledger.post")                           # doctest: +SKIP  (PermissionDenied if not)
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from register.db import Register, open_register
from register.errors import BadCredentials, NotFound, PermissionDenied
from register.models import User as UserRow

MIN_PASSWORD_LENGTH = 8
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
_HASHER = PasswordHasher()  # argon2id with the library's current defaults (RFC 9106 low-memory profile)
_DUMMY_HASH = _HASHER.hash("dataval-timing-equalizer")


class Role(StrEnum):
    """The five roles of the dashboard (docs/dashboard.md §Sign-in and roles)."""

    FINANCE = "finance"
    APPRAISER = "appraiser"
    BANK = "bank"
    ANALYST = "analyst"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.FINANCE: ("财务", "finance"),
    Role.APPRAISER: ("评估师", "appraiser"),
    Role.BANK: ("银行", "bank"),
    Role.ANALYST: ("分析师", "analyst"),
    Role.ADMIN: ("管理员", "administrator"),
}

# task -> roles allowed (admin is always allowed). Keep task names stable: the dashboard uses them.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "assets.view": frozenset(Role),
    "assets.edit": frozenset({Role.FINANCE}),              # enter and edit data assets and costs
    "assets.import": frozenset({Role.FINANCE}),            # import the Excel template / CSV
    "ledger.view": frozenset({Role.FINANCE, Role.ANALYST}),
    "ledger.post": frozenset({Role.FINANCE}),              # post the period's entries, close periods
    "books.edit": frozenset({Role.FINANCE}),               # enter accounting facts and lifecycle events
    "valuation.run": frozenset({Role.APPRAISER}),          # run a valuation, write the conclusion
    "valuation.view": frozenset({Role.APPRAISER, Role.FINANCE, Role.BANK, Role.ANALYST}),
    "pledge.assess": frozenset({Role.BANK}),               # loan terms, max loan, credit memo
    "workpapers.download": frozenset({Role.ANALYST, Role.FINANCE, Role.APPRAISER, Role.BANK}),
    "users.manage": frozenset(),                           # admin only
}


@dataclass(frozen=True)
class User:
    """A signed-in user (no password material)."""

    id: int
    username: str
    role: Role
    display_name: str = ""
    active: bool = True

    @property
    def role_label(self) -> str:
        zh, en = ROLE_LABELS[self.role]
        return f"{zh} {en}"


def _user(row: UserRow) -> User:
    return User(id=row.id, username=row.username, role=Role(row.role), display_name=row.display_name,
                active=row.active)


def has_role(user: User | None, *roles: Role | str) -> bool:
    """True when the user is active and has one of ``roles`` (admin has every role)."""
    if user is None or not user.active:
        return False
    return user.role == Role.ADMIN or user.role in {Role(r) for r in roles}


def can(user: User | None, task: str) -> bool:
    """True when the user may do ``task`` (a key of :data:`PERMISSIONS`)."""
    if task not in PERMISSIONS:
        raise KeyError(f"unknown task {task!r}; known: {sorted(PERMISSIONS)}")
    return has_role(user, *PERMISSIONS[task])


def require(user: User | None, task: str) -> User:
    """The user, when allowed to do ``task``; else :class:`PermissionDenied` naming task and role."""
    if not can(user, task):
        who = f"{user.username} ({user.role_label})" if user else "nobody signed in"
        allowed = ", ".join(ROLE_LABELS[r][0] + " " + r.value for r in sorted(PERMISSIONS[task] | {Role.ADMIN}))
        raise PermissionDenied(f"无权限 not allowed: {who} may not do {task!r}; allowed roles: {allowed}")
    assert user is not None
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadCredentials(f"password too short: at least {MIN_PASSWORD_LENGTH} characters (密码至少 "
                             f"{MIN_PASSWORD_LENGTH} 位)")


def add_user(session: Session, username: str, password: str, role: Role | str, *,
             display_name: str = "") -> User:
    """Create a user with an argon2id hash of ``password``. Refuses a duplicate name or unknown role."""
    if not USERNAME.match(username):
        raise BadCredentials(f"username {username!r}: 1-64 letters, digits or . _ @ -")
    try:
        r = Role(role)
    except ValueError:
        raise BadCredentials(f"unknown role {role!r}; expected one of {[x.value for x in Role]}") from None
    _check_password(password)
    if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
        raise BadCredentials(f"user {username!r} already exists")
    row = UserRow(username=username, display_name=display_name, role=r.value,
                  password_hash=_HASHER.hash(password), active=True)
    session.add(row)
    session.flush()
    return _user(row)


def set_password(session: Session, username: str, password: str) -> None:
    """Replace a user's password (new argon2id hash)."""
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        raise NotFound(f"no user {username!r}")
    _check_password(password)
    row.password_hash = _HASHER.hash(password)


def set_active(session: Session, username: str, active: bool) -> None:
    """Disable (or enable again) a user; a disabled user cannot sign in."""
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        raise NotFound(f"no user {username!r}")
    row.active = active


def list_users(session: Session) -> list[User]:
    return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def check_login(session: Session, username: str, password: str) -> User | None:
    """The user when ``password`` matches and the user is active, else None (same work either way)."""
    row = session.scalar(select(UserRow).where(UserRow.username == username))
    if row is None:
        with contextlib.suppress(VerificationError):
            _HASHER.verify(_DUMMY_HASH, password)  # spend the same time: no user-name probing by timing
        return None
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if not row.active:
        return None
    if _HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = _HASHER.hash(password)
    return _user(row)


def authenticate(username: str, password: str, *, register: Register | str | None = None) -> User | None:
    """Sign in: the :class:`User` when the password is right and the user active, else None.

    ``register``: an open :class:`Register`, a database URL, or None for $DATAVAL_DB_URL / the default.
    """
    reg = register if isinstance(register, Register) else open_register(register)
    try:
        with reg.session(actor=f"login:{username}") as s:
            return check_login(s, username, password)
    finally:
        if reg is not register:
            reg.dispose()
