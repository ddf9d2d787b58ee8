"""Chart of accounts: codes and names come from a data file a company may change
(docs/accounting.md §Chart of accounts).

The engine posts to *roles* (:class:`~accounting.enums.AccountRole`); the chart maps each role to a
code and gives its Chinese and English names. Codes follow the CAS application guidance; detail
accounts use ``parent.nn`` (e.g. ``5301.02`` 研发支出—资本化支出). The shell reads
``data/chart_of_accounts.json`` and passes the loaded :class:`ChartOfAccounts` in; this package
never opens files.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from accounting.enums import AccountCategory, AccountRole, Side
from accounting.errors import ChartOfAccountsError, UnknownAccount
from base.models import FrozenModel


class Account(FrozenModel):
    """One account of the chart."""

    code: str = Field(min_length=1, max_length=32)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    category: AccountCategory
    normal_side: Side
    role: AccountRole | None = None
    note: str = ""


class ChartOfAccounts(FrozenModel):
    """The accounts in use; every :class:`AccountRole` must be mapped to exactly one account."""

    name: str = "default"
    source: str = ""
    accounts: tuple[Account, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ChartOfAccounts:
        codes = [a.code for a in self.accounts]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate account codes in the chart: {dupes}")
        roles = [a.role for a in self.accounts if a.role is not None]
        dupes_r = sorted({str(r) for r in roles if roles.count(r) > 1})
        if dupes_r:
            raise ValueError(f"roles mapped to more than one account: {dupes_r}")
        missing = [r.value for r in AccountRole if r not in roles]
        if missing:
            raise ValueError(f"chart of accounts lacks accounts for roles: {missing}")
        return self

    def get(self, code: str, *, asset_id: str | None = None, event: str | None = None,
            field: str | None = None) -> Account:
        """The account with ``code``; :class:`UnknownAccount` names the code and the chart."""
        for a in self.accounts:
            if a.code == code:
                return a
        raise UnknownAccount(
            f"account code {code!r} is not in the chart of accounts {self.name!r}; "
            f"known codes: {', '.join(a.code for a in self.accounts)}",
            asset_id=asset_id, event=event, field=field,
        )

    def for_role(self, role: AccountRole) -> Account:
        """The account mapped to ``role`` (always present: checked when the chart is loaded)."""
        for a in self.accounts:
            if a.role == role:
                return a
        raise ChartOfAccountsError(f"chart of accounts {self.name!r} has no account for role {role.value}")

    def code(self, role: AccountRole) -> str:
        return self.for_role(role).code
