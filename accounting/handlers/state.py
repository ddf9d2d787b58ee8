"""What every event handler shares: the state of one resource, the booking context, and the transaction.

A handler reads an :class:`AssetState` and the ledger through a :class:`Tx`, builds every entry of the
event on the transaction and returns the new state; the engine posts the entries and stores the state
only if the handler returns (a refused event posts nothing). Money lives in the ledger only (CNY).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from accounting.case import Policy
from accounting.chart import ChartOfAccounts
from accounting.classify import RecognitionDecision
from accounting.enums import AccountRole, Classification, EntryType, EventKind, Framework, RestrictionKind
from accounting.facts import DataResource
from accounting.journal import EntryDraft, JournalEntry, Ledger
from accounting.money import ZERO, money


@dataclass(frozen=True)
class PledgeRecord:
    pledgee: str
    since: date
    event_id: str
    restriction: RestrictionKind = RestrictionKind.PLEDGE
    secured_amount: Decimal | None = None
    registration: str = ""
    released: date | None = None


@dataclass(frozen=True)
class Lot:
    """Units of data inventory added together (a purchase, a processing run, an opening balance), CNY."""

    lot_id: str
    qty: Decimal
    cost: Decimal


@dataclass(frozen=True)
class EstimateChange:
    """One change in accounting estimate (CAS 28 art. 9-10): old and new life (months) and residual (CNY)."""

    date: date
    event_id: str
    reason: str
    old_life: int
    new_life: int
    old_residual: Decimal
    new_residual: Decimal
    months_booked: int
    old_remaining_amortizable: Decimal
    new_remaining_amortizable: Decimal


@dataclass(frozen=True)
class AssetState:
    """Non-monetary state of one resource; money lives in the ledger only."""

    resource: DataResource
    decision: RecognitionDecision
    residual: Decimal
    ready: date | None = None
    life_months: int | None = None
    life_basis: str = ""
    months_booked: int = 0
    last_month: int | None = None
    rate: Decimal | None = None
    shadow_acc: Decimal = ZERO  # accumulated amortization had no impairment been recognized (IAS 36.117)
    shadow_rate: Decimal | None = None
    units_used: Decimal = Decimal("0")
    qty: Decimal = Decimal("0")
    lots: tuple[Lot, ...] = ()
    unissued: Decimal = Decimal("0")  # periodic weighted average: units sold whose cost is issued at month end
    unissued_month: int | None = None
    grant_deferred: Decimal = ZERO  # 递延收益 of an asset-related grant not yet released (CAS 16 art. 8)
    grant_rate: Decimal | None = None
    derecognized: date | None = None
    held_for_sale: date | None = None  # classified as held for sale on (CAS 42): no longer amortized
    pledges: tuple[PledgeRecord, ...] = ()
    last_nrv: Decimal | None = None
    estimate_changes: tuple[EstimateChange, ...] = field(default=())

    @property
    def cls(self) -> Classification:
        return self.decision.classification


@dataclass(frozen=True)
class Context:
    """What handlers read besides the asset: the chart, the policy, the framework booked under, and the
    assets whose case has a ``ready_for_use`` event (a purchase does not make those ready)."""

    chart: ChartOfAccounts
    policy: Policy
    framework: Framework
    planned_ready: frozenset[str]


_DESC: dict[EntryType, tuple[str, str]] = {
    EntryType.PURCHASE: ("购入数据资源：{n}", "Purchase of data resource: {n}"),
    EntryType.COST_CAPITALIZED: ("归属成本计入资产成本：{n}", "Attributable costs capitalized: {n}"),
    EntryType.COST_EXPENSED: ("相关支出费用化：{n}", "Spending expensed: {n}"),
    EntryType.RD_EXPENSED: ("研发支出（费用化支出）：{n}", "R&D spending, expensed: {n}"),
    EntryType.RD_EXPENSED_TRANSFER: ("结转费用化研发支出至研发费用：{n}", "Expensed R&D closed to R&D expense: {n}"),
    EntryType.RD_CAPITALIZED: ("开发阶段支出资本化：{n}", "Development spending capitalized: {n}"),
    EntryType.TRANSFER_TO_INTANGIBLE: ("达到预定用途，开发支出转入无形资产：{n}",
                                       "Ready for use: development expenditure to intangible assets: {n}"),
    EntryType.AMORTIZATION: ("计提摊销{p}：{n}", "Amortization {p}: {n}"),
    EntryType.IMPAIRMENT: ("计提无形资产减值准备：{n}", "Impairment loss on data intangible: {n}"),
    EntryType.DEVELOPMENT_IMPAIRMENT: ("计提开发支出减值准备：{n}", "Impairment loss on development expenditure: {n}"),
    EntryType.IMPAIRMENT_REVERSAL: ("转回无形资产减值准备（IAS 36，仅IFRS视图）：{n}",
                                    "Impairment reversal (IAS 36, IFRS view only): {n}"),
    EntryType.INVENTORY_WRITE_DOWN: ("计提存货跌价准备：{n}", "Inventory write-down to NRV: {n}"),
    EntryType.INVENTORY_WRITE_DOWN_REVERSAL: ("转回存货跌价准备：{n}", "Inventory write-down reversed: {n}"),
    EntryType.SALE_REVENUE: ("销售数据产品：{n}", "Sale of data product: {n}"),
    EntryType.SALE_COST: ("结转销售成本：{n}", "Cost of sales: {n}"),
    EntryType.PROVISION_RELEASE: ("结转已售存货跌价准备：{n}", "Write-down released on sale: {n}"),
    EntryType.LICENCE_REVENUE: ("数据产品授权使用收入：{n}", "Licence revenue: {n}"),
    EntryType.LAPSE: ("数据资源失效，终止确认：{n}", "Lapse, derecognized: {n}"),
    EntryType.DISPOSAL: ("处置数据资源：{n}", "Disposal of data resource: {n}"),
    EntryType.HELD_FOR_SALE_TRANSFER: ("划分为持有待售，转入持有待售资产：{n}",
                                       "Classified as held for sale, moved to assets held for sale: {n}"),
    EntryType.HELD_FOR_SALE_IMPAIRMENT: ("计提持有待售资产减值准备：{n}",
                                         "Held for sale: written down to fair value less costs to sell: {n}"),
    EntryType.OPENING_BALANCE: ("期初余额：{n}", "Opening balance: {n}"),
    EntryType.CONTRIBUTION: ("接受投资者作价出资：{n}", "Contributed by an investor: {n}"),
    EntryType.BUSINESS_COMBINATION: ("企业合并取得数据资源：{n}", "Acquired in a business combination: {n}"),
    EntryType.EXCHANGE: ("非货币性资产交换换入数据资源：{n}", "Data resource received in a non-monetary exchange: {n}"),
    EntryType.GOVERNMENT_GRANT: ("取得政府补助（数据资源）：{n}", "Government grant of data: {n}"),
    EntryType.GRANT_RELEASE: ("递延收益摊销计入其他收益{p}：{n}", "Deferred grant income released {p}: {n}"),
    EntryType.CONTRACT_COST_AMORTIZATION: ("合同履约成本摊销{p}：{n}", "Contract fulfilment cost amortized {p}: {n}"),
    EntryType.CONTRACT_COST_IMPAIRMENT: ("计提合同履约成本减值准备：{n}", "Impairment of contract fulfilment cost: {n}"),
    EntryType.CONTRACT_COST_REVERSAL: ("转回合同履约成本减值准备：{n}", "Contract fulfilment cost impairment reversed: {n}"),
}


class Tx:
    """Entries of one event (or one month-end run) being built; posted together or not at all."""

    def __init__(self, context: Context, ledger: Ledger, asset_id: str, name: str, event_id: str,
                 event_label: str, kind: EventKind | None) -> None:
        self.context = context
        self.ledger = ledger
        self.asset_id = asset_id
        self.name = name
        self.event_id = event_id
        self.event_label = event_label
        self.kind = kind
        self.entries: list[JournalEntry] = []
        self.pending: dict[tuple[str, str], Decimal] = {}

    def draft(self, field: str | None = None) -> EntryDraft:
        return EntryDraft(self.context.chart, asset_id=self.asset_id, event_label=self.event_label,
                          field=field)

    def add(self, d: EntryDraft, on: date, etype: EntryType, rationale: str, period: str = "") -> None:
        zh, en = _DESC[etype]
        e = d.build(
            entry_id=self.ledger.next_id(len(self.entries)), on=on, event_id=self.event_id,
            event_kind=self.kind, entry_type=etype, description_zh=zh.format(n=self.name, p=period),
            description_en=en.format(n=self.name, p=period), rationale=rationale,
        )
        if e is not None:
            self.entries.append(e)
            for ln in e.lines:
                key = (ln.account_code, ln.asset_id or self.asset_id)
                self.pending[key] = self.pending.get(key, ZERO) + ln.debit - ln.credit

    def bal(self, role: AccountRole, asset_id: str | None = None) -> Decimal:
        """Debit-positive balance of the asset (default the event's) on ``role``, with entries built so far."""
        code, asset = self.context.chart.code(role), asset_id or self.asset_id
        return self.ledger.balance(code, asset) + self.pending.get((code, asset), ZERO)

    def carrying(self, asset_id: str | None = None) -> tuple[Decimal, Decimal, Decimal]:
        """Cost, accumulated amortization, impairment provision of the asset (default the event's), CNY."""
        return (self.bal(AccountRole.DATA_INTANGIBLE, asset_id),
                -self.bal(AccountRole.ACCUMULATED_AMORTIZATION, asset_id),
                -self.bal(AccountRole.INTANGIBLE_IMPAIRMENT, asset_id))

    def development(self) -> tuple[Decimal, Decimal]:
        """Capitalized development expenditure and its impairment provision (both positive, CNY)."""
        return self.bal(AccountRole.RD_CAPITALIZED), -self.bal(AccountRole.RD_IMPAIRMENT)

    def held(self) -> tuple[Decimal, Decimal]:
        """Held-for-sale carrying cost and its write-down provision (both positive, CNY; CAS 42)."""
        return self.bal(AccountRole.HELD_FOR_SALE_ASSET), -self.bal(AccountRole.HELD_FOR_SALE_IMPAIRMENT)

    def vat(self, rate: Decimal | None, base: Decimal) -> Decimal:
        """Output VAT on ``base`` (CNY) at the event's rate, else the policy's, rounded to the fen."""
        return money(base * (rate if rate is not None else self.context.policy.vat_rate))


def settle(code: str | None) -> AccountRole | str:
    """The account a payment or receipt is settled through: the event's, else cash."""
    return code or AccountRole.CASH


# What a handler returns: new state, treatment, rationale with articles, key figures (CNY).
Outcome = tuple[AssetState, str, list[str], dict[str, Decimal]]
Handler = Callable[[Tx, AssetState, Any], Outcome]
