"""Which pages a role sees; the permission check itself is the register's (``register.users``).

Roles, the task table and the check are the register's: :data:`register.users.PERMISSIONS`,
:func:`register.users.can` and :func:`register.users.require` (admin may do everything). The dashboard
adds only the page → task map below: a page is listed in a role's navigation when the role may do the
page's task. Hiding is not the protection: every action in :mod:`app.services` and :mod:`app.store`
calls :func:`authorize` (= ``register.users.require``) first, which raises
:class:`register.errors.PermissionDenied` for a role outside the task, and a page script opened by a
role that may not use it stops before it reads anything (:func:`app.session.guard_page`).
"""

from __future__ import annotations

from register.errors import PermissionDenied
from register.users import PERMISSIONS, Role, User, can, require

__all__ = ["PAGES", "PAGE_TASK", "PermissionDenied", "Role", "User", "authorize", "current", "may", "may_open",
           "pages_for"]

# page key -> the register task a role needs to use the page (navigation order)
PAGE_TASK: dict[str, str] = {
    "register": "assets.edit",          # 资产登记: finance
    "recognition": "ledger.view",       # 入表判断: finance, analyst
    "valuation": "valuation.run",       # 估值: appraiser
    "ledger": "ledger.view",            # 账务: finance (post, close), analyst (read)
    "pledge": "pledge.assess",          # 质押: bank
    "export": "workpapers.download",    # 导出: analyst, finance, appraiser, bank
    "users": "users.manage",            # 用户: admin
}
PAGES: tuple[str, ...] = tuple(PAGE_TASK)

assert set(PAGE_TASK.values()) <= set(PERMISSIONS), "every page task is a register task"


def may(user: User | None, task: str) -> bool:
    """True when ``user`` may do ``task`` (``register.users.can``)."""
    return can(user, task)


def current(user: User | None) -> User | None:
    """The user as the register holds them now (role, active), read again; None when not in the register.

    A session keeps the :class:`User` it signed in with; an administrator may since have disabled the
    account or changed its role. Every action re-reads it, so the session's copy is never trusted.
    """
    if user is None:
        return None
    from sqlalchemy import select

    from app.db import transaction  # the register of the server process (app.db opens it once)
    from register.models import User as UserRow

    with transaction(f"auth:{user.username}") as s:
        row = s.scalar(select(UserRow).where(UserRow.username == user.username))
        if row is None:
            return None
        return User(id=row.id, username=row.username, role=Role(row.role), display_name=row.display_name,
                    active=row.active)


def authorize(user: User | None, task: str) -> User:
    """The user as the register holds them now, when allowed to do ``task``; else ``PermissionDenied``.

    The session's user is re-read from the register first (:func:`current`): a disabled account, a
    removed one or a changed role is refused at its next action, not at its next sign-in.
    """
    fresh = current(user)
    if user is not None and (fresh is None or not fresh.active):
        raise PermissionDenied(f"无权限 not allowed: 账户 {user.username} 已停用或不存在，请重新登录 — the account "
                               f"is disabled or no longer exists; sign in again ({task!r})")
    return require(fresh, task)


def may_open(user: User | None, page: str) -> bool:
    """True when ``user``'s role may use ``page``."""
    return page in PAGE_TASK and can(user, PAGE_TASK[page])


def pages_for(user: User) -> list[str]:
    """Page keys the user's role sees, in navigation order."""
    return [p for p in PAGES if may_open(user, p)]
