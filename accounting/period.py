"""The books of one reporting period, as every statement, table and note reads them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from accounting.chart import ChartOfAccounts
from accounting.journal import JournalEntry


@dataclass(frozen=True)
class PeriodBooks:
    """Posted ``entries`` (those dated after ``as_of`` are ignored), the ``chart`` they are posted to, and
    the period [``period_start``, ``as_of``]: opening balances at the day before ``period_start``,
    closing balances at ``as_of`` (the balance-sheet date)."""

    entries: tuple[JournalEntry, ...]
    chart: ChartOfAccounts
    period_start: date
    as_of: date

    def with_entries(self, entries: Iterable[JournalEntry]) -> PeriodBooks:
        """The same period and chart over other entries (one asset's, or the IFRS booking's)."""
        return replace(self, entries=tuple(entries))
