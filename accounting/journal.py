"""Journal entries and the ledger: balanced or refused (:class:`~accounting.errors.UnbalancedEntry`).

Lines post to accounts of the loaded chart (:mod:`accounting.chart`). A line on a data account
(inventory, its provision, intangible, accumulated amortization, impairment) carries the
:class:`~accounting.enums.Movement` that feeds disclosure Tables A and B.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from pydantic import Field

from accounting.chart import Account, ChartOfAccounts
from accounting.enums import AccountRole, EntryType, EventKind, Movement
from accounting.errors import UnbalancedEntry
from accounting.money import ZERO, Amount, money
from base.models import FrozenModel

DATA_ROLES = frozenset(
    {
        AccountRole.DATA_INVENTORY,
        AccountRole.INVENTORY_PROVISION,
        AccountRole.DATA_INTANGIBLE,
        AccountRole.ACCUMULATED_AMORTIZATION,
        AccountRole.INTANGIBLE_IMPAIRMENT,
    }
)


class JournalLine(FrozenModel):
    """One debit or credit line (CNY)."""

    account_code: str
    account_zh: str
    account_en: str
    debit: Amount = Decimal("0.00")
    credit: Amount = Decimal("0.00")
    asset_id: str | None = None
    movement: Movement | None = None
    memo: str = ""


class JournalEntry(FrozenModel):
    """A balanced journal entry made for one event (or one month's amortization) of one asset."""

    entry_id: str
    date: date
    asset_id: str
    event_id: str
    event_kind: EventKind | None
    entry_type: EntryType
    description_zh: str
    description_en: str
    rationale: str = ""
    lines: tuple[JournalLine, ...] = Field(min_length=2)

    @property
    def total_debit(self) -> Decimal:
        return sum((ln.debit for ln in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((ln.credit for ln in self.lines), ZERO)


def check_balanced(entry: JournalEntry) -> None:
    """Refuse an entry whose debits differ from its credits or with a malformed line."""
    for ln in entry.lines:
        if (ln.debit > 0) == (ln.credit > 0):
            raise UnbalancedEntry(
                f"entry {entry.entry_id} line {ln.account_code}: exactly one of debit and credit must be "
                f"positive, got debit {ln.debit} credit {ln.credit}",
                asset_id=entry.asset_id, event=entry.event_id or None,
            )
    if entry.total_debit != entry.total_credit:
        raise UnbalancedEntry(
            f"entry {entry.entry_id} ({entry.description_en}) does not balance: debits {entry.total_debit} "
            f"≠ credits {entry.total_credit}",
            asset_id=entry.asset_id, event=entry.event_id or None,
        )


class EntryDraft:
    """Collects lines for one entry; :meth:`build` resolves accounts and checks the balance."""

    def __init__(self, chart: ChartOfAccounts, *, asset_id: str, event_label: str, field: str | None = None):
        self.chart = chart
        self.asset_id = asset_id
        self.event_label = event_label
        self.field = field
        self._lines: list[JournalLine] = []

    def _account(self, account: AccountRole | str) -> Account:
        if isinstance(account, AccountRole):
            return self.chart.for_role(account)
        return self.chart.get(account, asset_id=self.asset_id, event=self.event_label, field=self.field)

    def _add(self, account: AccountRole | str, debit: Decimal, credit: Decimal,
             movement: Movement | None, memo: str, asset_id: str | None = None) -> EntryDraft:
        acc = self._account(account)
        debit, credit = money(debit), money(credit)
        if debit == 0 and credit == 0:
            return self
        if acc.role in DATA_ROLES and movement is None:
            raise ValueError(f"line on data account {acc.code} needs a movement")  # programming error
        self._lines.append(JournalLine(
            account_code=acc.code, account_zh=acc.name_zh, account_en=acc.name_en, debit=debit, credit=credit,
            asset_id=asset_id or self.asset_id, movement=movement if acc.role in DATA_ROLES else None, memo=memo,
        ))
        return self

    def dr(self, account: AccountRole | str, amount: Decimal, movement: Movement | None = None,
           memo: str = "", asset_id: str | None = None) -> EntryDraft:
        """Debit ``amount`` (a negative amount is credited), on ``asset_id`` (default the entry's asset)."""
        amount = money(amount)
        return self._add(account, amount, ZERO, movement, memo, asset_id) if amount >= 0 else \
            self._add(account, ZERO, -amount, movement, memo, asset_id)

    def cr(self, account: AccountRole | str, amount: Decimal, movement: Movement | None = None,
           memo: str = "", asset_id: str | None = None) -> EntryDraft:
        """Credit ``amount`` (a negative amount is debited), on ``asset_id`` (default the entry's asset)."""
        amount = money(amount)
        return self._add(account, ZERO, amount, movement, memo, asset_id) if amount >= 0 else \
            self._add(account, -amount, ZERO, movement, memo, asset_id)

    def build(self, *, entry_id: str, on: date, event_id: str, event_kind: EventKind | None,
              entry_type: EntryType, description_zh: str, description_en: str,
              rationale: str = "") -> JournalEntry | None:
        """The entry, or None when every line is zero; :class:`UnbalancedEntry` if it does not balance."""
        if not self._lines:
            return None
        entry = JournalEntry.model_construct(
            entry_id=entry_id, date=on, asset_id=self.asset_id, event_id=event_id, event_kind=event_kind,
            entry_type=entry_type, description_zh=description_zh, description_en=description_en,
            rationale=rationale, lines=tuple(self._lines),
        )
        if len(self._lines) < 2:
            raise UnbalancedEntry(f"entry {entry_id} ({description_en}) has a single line",
                                  asset_id=self.asset_id, event=self.event_label)
        try:
            check_balanced(entry)
        except UnbalancedEntry as exc:
            exc.event = self.event_label
            exc.args = (str(exc),)
            raise
        return JournalEntry.model_validate(entry.model_dump())


class Ledger:
    """Posted entries and running balances (debit positive), by account and by asset."""

    def __init__(self) -> None:
        self.entries: list[JournalEntry] = []
        self._by_account: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self._by_asset: dict[tuple[str, str | None], Decimal] = defaultdict(lambda: ZERO)

    def post(self, entries: Sequence[JournalEntry]) -> None:
        """Post all or nothing: every entry is checked before any is posted."""
        for e in entries:
            check_balanced(e)
        for e in entries:
            self.entries.append(e)
            for ln in e.lines:
                delta = ln.debit - ln.credit
                self._by_account[ln.account_code] += delta
                self._by_asset[(ln.account_code, ln.asset_id)] += delta

    def balance(self, code: str, asset_id: str | None = None) -> Decimal:
        """Debit-positive balance of ``code`` (for ``asset_id`` when given)."""
        if asset_id is None:
            return self._by_account[code]
        return self._by_asset[(code, asset_id)]

    def next_id(self, offset: int = 0) -> str:
        return f"J{len(self.entries) + 1 + offset:05d}"


def balances(entries: Iterable[JournalEntry], *, before: date | None = None, through: date | None = None,
             by_asset: bool = False) -> dict[tuple[str, str | None], Decimal]:
    """Debit-positive balances from ``entries`` dated < ``before`` or ≤ ``through``."""
    out: dict[tuple[str, str | None], Decimal] = defaultdict(lambda: ZERO)
    for e in entries:
        if before is not None and e.date >= before:
            continue
        if through is not None and e.date > through:
            continue
        for ln in e.lines:
            out[(ln.account_code, ln.asset_id if by_asset else None)] += ln.debit - ln.credit
    return dict(out)


def entries_by_asset(entries: Iterable[JournalEntry]) -> dict[str, list[JournalEntry]]:
    """Entries grouped by ``asset_id``, each group in the order given (one pass, for per-asset notes)."""
    out: dict[str, list[JournalEntry]] = defaultdict(list)
    for e in entries:
        out[e.asset_id].append(e)
    return dict(out)
