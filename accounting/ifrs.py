"""IFRS view: where IAS 38 / IAS 36 / IAS 2 would give a different figure than CAS.

The same events are booked a second time under :attr:`Framework.IFRS`; the engine differs in two
rules only — an intangible impairment may be reversed up to the carrying amount had no impairment been
recognized (IAS 36.114-117; CAS 8 art. 17 forbids it), and development spending that met the
criteria before 2024-01-01 is capitalized (IAS 38.57; the interim provisions apply prospectively).
Inventory write-downs reverse under both IAS 2.33 and CAS 1 art. 19: no difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from accounting.classify import PROVISIONS_EFFECTIVE
from accounting.enums import EntryType
from accounting.handlers.state import AssetState
from accounting.journal import JournalEntry, entries_by_asset
from accounting.period import PeriodBooks
from accounting.statements import data_balances, pnl_effects
from base.models import FrozenModel


class IFRSDifference(FrozenModel):
    """One figure that differs (CNY): CAS amount, IFRS amount, difference (IFRS − CAS), why."""

    asset_id: str
    item: str
    label_zh: str
    label_en: str
    cas: Decimal
    ifrs: Decimal
    difference: Decimal
    references: str
    explanation: str


class IFRSView(FrozenModel):
    differences: tuple[IFRSDifference, ...]
    notes: tuple[str, ...]


_NOTES = (
    "IAS 36.114-117 allow an impairment loss on an intangible to be reversed up to the carrying amount that "
    "would have been determined had no loss been recognized; CAS 8 art. 17 forbids the reversal.",
    "IAS 38.57 capitalizes development spending from the date the criteria are met whatever the year; the "
    "interim provisions (财会〔2023〕11号) apply from 2024-01-01 prospectively, so earlier spending stays expensed.",
    "IAS 2.33 and CAS 1 art. 19 both reverse inventory write-downs up to the amount written down: no difference.",
    "Presentation: CAS shows 开发支出 as its own line with 其中：数据资源; IAS 38 shows intangibles under "
    "development within intangible assets (no difference in amount).",
    "Revenue from licences and sales: CAS 14 and IFRS 15 are converged; no difference arises in this engine.",
)


def ifrs_view(books: PeriodBooks, ifrs_entries: Sequence[JournalEntry],
              states: Mapping[str, AssetState]) -> IFRSView:
    """Per-asset differences between the CAS ``books`` and ``ifrs_entries`` (the same events booked under
    IFRS) in carrying amount at ``as_of`` and in the period's P&L effects."""
    chart, as_of = books.chart, books.as_of
    diffs: list[IFRSDifference] = []
    cas_by, ifrs_by = entries_by_asset(books.entries), entries_by_asset(ifrs_entries)
    for asset_id in states:
        cas_a, ifrs_a = cas_by.get(asset_id, []), ifrs_by.get(asset_id, [])
        reversal = any(e.entry_type == EntryType.IMPAIRMENT_REVERSAL for e in ifrs_a)
        pre2024 = any(e.date < PROVISIONS_EFFECTIVE and (e.entry_type == EntryType.RD_CAPITALIZED
                                                          or any(ln.movement is not None for ln in e.lines))
                      for e in ifrs_a)
        refs, why = [], []
        if reversal:
            refs.append("IAS 36.114-117 vs CAS 8 art. 17")
            why.append("IFRS reverses the earlier impairment loss when the recoverable amount recovers; later "
                       "amortization is on the higher carrying amount.")
        if pre2024:
            refs.append("IAS 38.57/IAS 38.21 vs 财会〔2023〕11号 (prospective from 2024-01-01)")
            why.append("Spending before 2024 that met the recognition criteria is capitalized under IFRS but "
                       "stays expensed under CAS; amortization and later figures follow.")
        ref, expl = "; ".join(refs), " ".join(why)
        c_bal, i_bal = data_balances(cas_a, chart, as_of), data_balances(ifrs_a, chart, as_of)
        for key, zh, en in (("inventory", "存货—数据资源", "Inventories — data"),
                            ("intangible", "无形资产—数据资源", "Intangible assets — data"),
                            ("development", "开发支出—数据资源", "Development expenditure — data")):
            if c_bal[key] != i_bal[key]:
                diffs.append(IFRSDifference(asset_id=asset_id, item=f"carrying.{key}", label_zh=f"{zh}（期末）",
                                            label_en=f"{en} (closing)", cas=c_bal[key], ifrs=i_bal[key],
                                            difference=i_bal[key] - c_bal[key], references=ref, explanation=expl))
        c_pl = {ln.key: ln for ln in pnl_effects(books.with_entries(cas_a)).lines}
        i_pl = {ln.key: ln for ln in pnl_effects(books.with_entries(ifrs_a)).lines}
        for key, ln in i_pl.items():
            c = c_pl[key].profit_effect
            if ln.profit_effect != c:
                diffs.append(IFRSDifference(asset_id=asset_id, item=f"pnl.{key}", label_zh=ln.label_zh,
                                            label_en=ln.label_en + " (profit effect)", cas=c,
                                            ifrs=ln.profit_effect, difference=ln.profit_effect - c,
                                            references=ref, explanation=expl))
    return IFRSView(differences=tuple(diffs), notes=_NOTES)

