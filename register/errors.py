"""Register rules broken. Subclasses of :class:`base.errors.DatavalError`, named after the rule.

::

    DatavalError
    └── RegisterError
        ├── ConcurrentEdit          optimistic lock: the row changed since the writer read it
        ├── NotFound                no such company, asset, entry, user
        ├── PostedEntryImmutable    a posted journal entry (or the audit log) cannot be changed
        ├── PeriodClosed            posting into a closed period, or reopening one
        ├── LedgerConflict          events or entries already stored differ from the new ones
        ├── ImportRefused           a file failed validation; ``issues`` lists every problem
        ├── PermissionDenied        the user's role may not do this
        └── BadCredentials          user add: weak password, unknown role, duplicate user
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from base.errors import DatavalError


class RegisterError(DatavalError):
    """A rule of the register (persistence, audit, ledger immutability) is not met."""

    rule = "register"


class ConcurrentEdit(RegisterError):
    """Optimistic locking: the row's version is not the one the writer read."""

    rule = "concurrent_edit"

    def __init__(self, what: str, *, expected: int, found: int | None, asset_id: str | None = None) -> None:
        self.expected = expected
        self.found = found
        now = f"it is now at version {found}" if found is not None else "it was deleted"
        super().__init__(
            f"编辑冲突 conflict: {what} was changed by someone else since you read it at version {expected} "
            f"({now}); nothing was saved — reload it and apply your change again",
            asset_id=asset_id,
        )


class NotFound(RegisterError):
    rule = "not_found"


class PostedEntryImmutable(RegisterError):
    """Posted journal entries are never edited or deleted; corrections are reversal entries."""

    rule = "posted_entry_immutable"


class PeriodClosed(RegisterError):
    """Nothing is posted into a closed period, and a closed period is never reopened."""

    rule = "period_closed"


class LedgerConflict(RegisterError):
    rule = "ledger_conflict"


class PermissionDenied(RegisterError):
    rule = "permission_denied"


class BadCredentials(RegisterError):
    rule = "bad_credentials"


@dataclass(frozen=True)
class ImportIssue:
    """One problem of an imported file, located by sheet, row (1-based, as the program shows it) and column."""

    sheet: str
    row: int | None
    column: str | None
    message: str
    asset_id: str | None = None

    def where(self) -> str:
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return " ".join(parts)


class ImportRefused(RegisterError):
    """The file was refused; nothing was written to the register. ``issues`` lists every problem."""

    rule = "import_refused"

    def __init__(self, source: str, issues: Sequence[ImportIssue], *, report: str | None = None) -> None:
        self.source = source
        self.issues = tuple(issues)
        self.report = report
        shown = "\n".join(f"  {i.where()}: {i.message}" for i in self.issues[:20])
        more = f"\n  … and {len(self.issues) - 20} more" if len(self.issues) > 20 else ""
        tail = f"\n错误报告 error report: {report}" if report else ""
        super().__init__(
            f"{source}: 导入被拒绝 import refused, register unchanged — {len(self.issues)} problem(s):\n"
            f"{shown}{more}{tail}"
        )
