"""The asset register: a real database behind dataval — SQLite (embedded) or PostgreSQL.

Curated API (see docs/register.md)::

    from register import open_register, authenticate, can, require, Role
    reg = open_register()                       # $DATAVAL_DB_URL or ~/.local/share/dataval/dataval.db
    with reg.session(actor="alice") as s:       # one transaction; audit-logged as alice
        ...

Money is stored as integer fen; posted journal entries are immutable (database triggers) and hash-
chained; imports are validated completely before one all-or-nothing transaction.
"""

from register.db import ENV_URL, Register, default_path, open_register, resolve_url
from register.errors import (
    BadCredentials,
    ConcurrentEdit,
    ImportIssue,
    ImportRefused,
    LedgerConflict,
    NotFound,
    PeriodClosed,
    PermissionDenied,
    PostedEntryImmutable,
    RegisterError,
)
from register.users import (
    PERMISSIONS,
    ROLE_LABELS,
    Role,
    User,
    add_user,
    authenticate,
    can,
    check_login,
    has_role,
    list_users,
    require,
    set_active,
    set_password,
)

__all__ = [
    "ENV_URL", "PERMISSIONS", "ROLE_LABELS", "BadCredentials", "ConcurrentEdit", "ImportIssue", "ImportRefused",
    "LedgerConflict", "NotFound", "PeriodClosed", "PermissionDenied", "PostedEntryImmutable", "Register",
    "RegisterError", "Role", "User", "add_user", "authenticate", "can", "check_login", "default_path",
    "has_role", "list_users", "open_register", "require", "resolve_url", "set_active", "set_password",
]
