"""The bookkeeper: lifecycle events → balanced journal entries, atomically, one event at a time.

Each handler reads the current state and ledger, builds every entry of the event, and only then are
they posted and the state replaced: a refused event posts nothing. Month-end straight-line
amortization follows :mod:`accounting.amortization`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from accounting.amortization import (
    is_month_end,
    month_charge,
    month_end,
    month_index,
    monthly_amount,
    months_within_term,
    units_amount,
)
from accounting.case import PeriodClose, Policy
from accounting.chart import ChartOfAccounts
from accounting.classify import PROVISIONS, PROVISIONS_EFFECTIVE, RecognitionDecision, classify
from accounting.enums import (
    AccountRole,
    AmortizationMethod,
    Classification,
    EntryType,
    EventKind,
    Formation,
    Framework,
    Movement,
    RDPhase,
)
from accounting.errors import (
    AccountingError,
    AmortizationBeforeReady,
    AssetDerecognized,
    CapitalizationCriteriaNotMet,
    ClassificationUndecided,
    ClosedPeriod,
    InvalidEvent,
    OversoldInventory,
    ProspectiveTransition,
    UnknownAsset,
    UsefulLifeError,
)
from accounting.events import (
    Amortization,
    ChangeOfEstimate,
    ClassifiedHeldForSale,
    CriteriaMet,
    Disposal,
    Event,
    ImpairmentTest,
    Lapse,
    LicenceRevenue,
    NRVTest,
    Pledge,
    PledgeRelease,
    Processing,
    Purchase,
    RDSpend,
    ReadyForUse,
    Sale,
    ValuationReference,
)
from accounting.facts import DataResource
from accounting.journal import EntryDraft, JournalEntry, Ledger
from accounting.measurement import amortization_role, capitalizable, expense_role, useful_life
from accounting.money import ZERO, money, prorate
from base.models import FrozenModel

# Same-day order: costs, then ready, revenue, derecognition; month-end amortization; then tests.
_EARLY = {
    EventKind.PURCHASE: 0, EventKind.RD_SPEND: 0, EventKind.PROCESSING: 0, EventKind.CRITERIA_MET: 0,
    EventKind.READY_FOR_USE: 1, EventKind.LICENCE_REVENUE: 2, EventKind.SALE: 3, EventKind.DISPOSAL: 3,
    EventKind.LAPSE: 3, EventKind.CLASSIFIED_HELD_FOR_SALE: 3,
}
LATE_KINDS = frozenset(set(EventKind) - set(_EARLY))  # come after that day's month-end amortization


def event_rank(kind: EventKind) -> int:
    return _EARLY.get(kind, 5)


def closed_through(event_date: date, recorded_on: date | None, closes: Iterable[PeriodClose]) -> date | None:
    """The end of the latest period closed before the event was recorded (None if none)."""
    rec = recorded_on or event_date
    ends = [c.through for c in closes if rec > c.closed_on]
    return max(ends) if ends else None


class EventOutcome(FrozenModel):
    """What one event did: treatment, reasons with articles, entries made, key figures (CNY)."""

    event_id: str
    asset_id: str
    kind: EventKind
    date: date
    treatment: str
    rationale: tuple[str, ...] = ()
    entry_ids: tuple[str, ...] = ()
    figures: dict[str, Decimal] = Field(default_factory=dict)
    valuation: ValuationReference | None = None


@dataclass(frozen=True)
class PledgeRecord:
    pledgee: str
    since: date
    event_id: str
    secured_amount: Decimal | None = None
    registration: str = ""
    released: date | None = None


@dataclass(frozen=True)
class EstimateChange:
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
    derecognized: date | None = None
    held_for_sale: date | None = None  # classified as held for sale on (CAS 42): no longer amortized
    pledges: tuple[PledgeRecord, ...] = ()
    last_nrv: Decimal | None = None
    estimate_changes: tuple[EstimateChange, ...] = field(default=())

    @property
    def cls(self) -> Classification:
        return self.decision.classification


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
}

# What a resource classified as held for sale may still go through (CAS 42): its sale, a write-off, pledges.
_AFTER_HELD_FOR_SALE = frozenset({EventKind.DISPOSAL, EventKind.LAPSE, EventKind.PLEDGE, EventKind.PLEDGE_RELEASE,
                                  EventKind.LICENCE_REVENUE})


_Lines = list[tuple[AccountRole, Decimal, Movement | None]]


class _Tx:
    """Entries of one event (or one month-end run) being built; posted together or not at all."""

    def __init__(self, keeper: BookKeeper, asset_id: str, event_id: str, event_label: str,
                 kind: EventKind | None) -> None:
        self.k = keeper
        self.asset_id = asset_id
        self.event_id = event_id
        self.event_label = event_label
        self.kind = kind
        self.entries: list[JournalEntry] = []
        self.pending: dict[tuple[str, str], Decimal] = {}

    def draft(self, field: str | None = None) -> EntryDraft:
        return EntryDraft(self.k.chart, asset_id=self.asset_id, event_label=self.event_label, field=field)

    def add(self, d: EntryDraft, on: date, etype: EntryType, rationale: str, period: str = "") -> None:
        name = self.k.states[self.asset_id].resource.name
        zh, en = _DESC[etype]
        e = d.build(
            entry_id=self.k.ledger.next_id(len(self.entries)), on=on, event_id=self.event_id,
            event_kind=self.kind, entry_type=etype, description_zh=zh.format(n=name, p=period),
            description_en=en.format(n=name, p=period), rationale=rationale,
        )
        if e is not None:
            self.entries.append(e)
            for ln in e.lines:
                key = (ln.account_code, self.asset_id)
                self.pending[key] = self.pending.get(key, ZERO) + ln.debit - ln.credit

    def bal(self, role: AccountRole) -> Decimal:
        """Debit-positive balance of the asset on ``role``, including entries built so far."""
        code = self.k.chart.code(role)
        return self.k.ledger.balance(code, self.asset_id) + self.pending.get((code, self.asset_id), ZERO)


class BookKeeper:
    """Applies events to a ledger under one framework (CAS for the books, IFRS for the comparison).

    >>> keeper = BookKeeper(resources, chart, policy)   # doctest: +SKIP
    >>> keeper.apply(event)                              # doctest: +SKIP
    """

    def __init__(self, resources: Sequence[DataResource], chart: ChartOfAccounts, policy: Policy, *,
                 framework: Framework = Framework.CAS, planned_ready: Iterable[str] = ()) -> None:
        self.chart = chart
        self.policy = policy
        self.framework = framework
        self.ledger = Ledger()
        self.outcomes: list[EventOutcome] = []
        self.closes: list[PeriodClose] = list(policy.period_closes)
        self.planned_ready = set(planned_ready)
        self.states: dict[str, AssetState] = {}
        # Automatic amortization visits only the assets with a month due: ``_due`` holds each one's next
        # month, ``_queue`` is a heap of (month, rank, asset) over it (rows left behind by a change are
        # skipped), ``_rank`` the order of the resources. :meth:`_set_state` keeps all three in step.
        self._due: dict[str, int] = {}
        self._queue: list[tuple[int, int, str]] = []
        self._rank: dict[str, int] = {}
        for r in resources:
            for fld in ("expense_account", "amortization_account"):
                code = getattr(r, fld)
                if code is not None:
                    chart.get(code, asset_id=r.asset_id, field=fld)
            self._set_state(r.asset_id, AssetState(resource=r, decision=classify(r), residual=r.residual_value))

    # ------------------------------------------------------------------ public
    def close_period(self, through: date, closed_on: date | None = None) -> None:
        """Close the books through ``through``; later-recorded events dated ≤ ``through`` are refused."""
        self.closes.append(PeriodClose(through=through, closed_on=closed_on or through))

    def apply(self, event: Event, label: str | None = None) -> EventOutcome:
        """Book one event atomically; raise an :class:`AccountingError` (nothing posted) if refused."""
        event_id = event.event_id or label or f"{event.kind.value}@{event.date}"
        ev_label = f"{event_id} {event.kind.value} {event.date}"
        try:
            limit = closed_through(event.date, event.recorded_on, self.closes)
            if limit is not None and event.date <= limit:
                raise ClosedPeriod(
                    f"event dated {event.date} recorded on {event.recorded_on or event.date} falls in a period "
                    f"closed through {limit}; book it in an open period as a correction",
                    asset_id=event.asset_id, field="date")
            state = self.states.get(event.asset_id)
            if state is None:
                raise UnknownAsset(f"no data resource {event.asset_id!r} in the case",
                                   asset_id=event.asset_id, field="asset_id")
            if state.derecognized is not None:
                raise AssetDerecognized(
                    f"{event.kind.value} on {event.date} refused: the resource was derecognized on "
                    f"{state.derecognized}", asset_id=event.asset_id)
            if state.held_for_sale is not None and event.kind not in _AFTER_HELD_FOR_SALE:
                raise InvalidEvent(
                    f"{event.kind.value} on {event.date} refused: the resource is held for sale since "
                    f"{state.held_for_sale}; it is no longer amortized or tested as an intangible (CAS 42 art. 13); "
                    "book its disposal or write-off", field="kind")
            handler = self._handlers()[event.kind]
            tx = _Tx(self, event.asset_id, event_id, ev_label, event.kind)
            new_state, treatment, why, figures = handler(tx, state, event)
        except AccountingError as exc:
            exc.with_event(ev_label)
            if exc.asset_id is None:
                exc.with_asset(event.asset_id)
            raise
        self.ledger.post(tx.entries)
        self._set_state(event.asset_id, new_state)
        valuation = getattr(event, "valuation", None)
        out = EventOutcome(event_id=event_id, asset_id=event.asset_id, kind=event.kind, date=event.date,
                           treatment=treatment, rationale=tuple(why),
                           entry_ids=tuple(e.entry_id for e in tx.entries), figures=figures,
                           valuation=valuation)
        self.outcomes.append(out)
        return out

    def amortize_through(self, d: date) -> None:
        """Book month-end straight-line amortization of every asset for months ending on or before ``d``.

        Month by month from the earliest month due; within a month, assets in the order of the resources.
        Only assets with a month due are visited.
        """
        target = month_index(d) if is_month_end(d) else month_index(d) - 1
        while self._queue and self._queue[0][0] <= target:
            m, _, asset_id = self._queue[0]
            if self._due.get(asset_id) != m:  # left behind: the asset's next month has changed since
                heapq.heappop(self._queue)
                continue
            tx = _Tx(self, asset_id, f"auto:amortization:{month_end(m):%Y-%m}",
                     f"month-end amortization {month_end(m):%Y-%m}", None)
            new = self._amortize_month(tx, self.states[asset_id], m)
            self.ledger.post(tx.entries)
            heapq.heappop(self._queue)
            self._set_state(asset_id, new)

    # ------------------------------------------------------------------ helpers
    def _handlers(self) -> dict[EventKind, Callable[..., tuple[AssetState, str, list[str], dict[str, Decimal]]]]:
        return {
            EventKind.PURCHASE: self._cost, EventKind.RD_SPEND: self._cost, EventKind.PROCESSING: self._cost,
            EventKind.CRITERIA_MET: self._criteria_met, EventKind.READY_FOR_USE: self._ready,
            EventKind.AMORTIZATION: self._amortization, EventKind.IMPAIRMENT_TEST: self._impairment,
            EventKind.NRV_TEST: self._nrv, EventKind.SALE: self._sale, EventKind.LICENCE_REVENUE: self._licence,
            EventKind.LAPSE: self._lapse, EventKind.DISPOSAL: self._disposal, EventKind.PLEDGE: self._pledge,
            EventKind.PLEDGE_RELEASE: self._pledge_release, EventKind.CHANGE_OF_ESTIMATE: self._change,
            EventKind.CLASSIFIED_HELD_FOR_SALE: self._held_for_sale,
        }

    def _set_state(self, asset_id: str, state: AssetState) -> None:
        """Replace the state of ``asset_id`` (the only writer of ``states``) and its month due, if any."""
        self.states[asset_id] = state
        rank = self._rank.setdefault(asset_id, len(self._rank))
        first = self._first_due(state)
        if first is None:
            self._due.pop(asset_id, None)
        elif self._due.get(asset_id) != first:
            self._due[asset_id] = first
            heapq.heappush(self._queue, (first, rank, asset_id))

    def _first_due(self, s: AssetState) -> int | None:
        """Next month to amortize automatically, or None."""
        if (not self.policy.auto_amortize or s.ready is None or s.derecognized is not None
                or s.held_for_sale is not None or s.life_months is None
                or s.resource.amortization_method != AmortizationMethod.STRAIGHT_LINE
                or s.months_booked >= s.life_months):
            return None
        return s.last_month + 1 if s.last_month is not None else month_index(s.ready)

    def _carrying(self, tx: _Tx) -> tuple[Decimal, Decimal, Decimal]:
        """Cost, accumulated amortization, impairment provision (all positive, CNY)."""
        return (tx.bal(AccountRole.DATA_INTANGIBLE), -tx.bal(AccountRole.ACCUMULATED_AMORTIZATION),
                -tx.bal(AccountRole.INTANGIBLE_IMPAIRMENT))

    def _held(self, tx: _Tx) -> tuple[Decimal, Decimal]:
        """Held-for-sale carrying cost and its write-down provision (both positive, CNY; CAS 42)."""
        return tx.bal(AccountRole.HELD_FOR_SALE_ASSET), -tx.bal(AccountRole.HELD_FOR_SALE_IMPAIRMENT)

    def _removal(self, tx: _Tx, movement: Movement) -> tuple[Decimal, Decimal, Decimal, Decimal, _Lines, _Lines]:
        """Everything a derecognized data intangible carries: intangible, 开发支出 or 持有待售资产 balances.

        Returns carrying amount, cost, accumulated amortization and provisions (CNY), then the debit
        lines (amortization and provisions) and credit lines (costs) that clear them.
        """
        cost, acc, imp = self._carrying(tx)
        dev, dev_imp = self._development(tx)
        held, held_imp = self._held(tx)
        debits: _Lines = [(AccountRole.ACCUMULATED_AMORTIZATION, acc, movement),
                          (AccountRole.INTANGIBLE_IMPAIRMENT, imp, movement),
                          (AccountRole.RD_IMPAIRMENT, dev_imp, None), (AccountRole.HELD_FOR_SALE_IMPAIRMENT, held_imp, None)]
        credits: _Lines = [(AccountRole.DATA_INTANGIBLE, cost, movement), (AccountRole.RD_CAPITALIZED, dev, None),
                           (AccountRole.HELD_FOR_SALE_ASSET, held, None)]
        provisions = imp + dev_imp + held_imp
        return cost + dev + held - acc - provisions, cost + dev + held, acc, provisions, debits, credits

    def _development(self, tx: _Tx) -> tuple[Decimal, Decimal]:
        """Capitalized development expenditure and its impairment provision (both positive, CNY)."""
        return tx.bal(AccountRole.RD_CAPITALIZED), -tx.bal(AccountRole.RD_IMPAIRMENT)

    def _amortization_account(self, r: DataResource) -> AccountRole | str:
        return r.amortization_account or amortization_role(r)

    def _expense_account(self, r: DataResource) -> AccountRole | str:
        return r.expense_account or expense_role(r)

    def _amortize_month(self, tx: _Tx, s: AssetState, m: int) -> AssetState:
        """Book month ``m`` of straight-line amortization (DOMAIN §2.2 convention)."""
        assert s.life_months is not None
        left = s.life_months - s.months_booked
        cost, acc, imp = self._carrying(tx)
        remaining = cost - s.residual - acc - imp
        rate = s.rate if s.rate is not None else monthly_amount(remaining, left)
        charge = month_charge(rate, remaining, left)
        shadow_remaining = cost - s.residual - s.shadow_acc
        shadow_rate = s.shadow_rate if s.shadow_rate is not None else monthly_amount(shadow_remaining, left)
        shadow_charge = month_charge(shadow_rate, shadow_remaining, left)
        d = tx.draft()
        d.dr(self._amortization_account(s.resource), charge)
        d.cr(AccountRole.ACCUMULATED_AMORTIZATION, charge, Movement.INCREASE_CHARGE)
        tx.add(d, month_end(m), EntryType.AMORTIZATION,
               f"month {s.months_booked + 1} of {s.life_months}: monthly amount {rate} "
               f"(remaining {remaining} / {left} months, half-up to the fen; last month takes the remainder) "
               "— CAS 6 art. 17; DOMAIN §2.2", period=f"{month_end(m):%Y-%m}")
        return replace(s, months_booked=s.months_booked + 1, last_month=m, rate=rate,
                       shadow_acc=s.shadow_acc + shadow_charge, shadow_rate=shadow_rate)

    def _settle(self, code: str | None) -> AccountRole | str:
        return code or AccountRole.CASH

    def _vat(self, rate: Decimal | None, base: Decimal) -> Decimal:
        return money(base * (rate if rate is not None else self.policy.vat_rate))

    # ------------------------------------------------------------------ costs
    def _cost(self, tx: _Tx, s: AssetState, ev: Purchase | RDSpend | Processing) -> Any:
        r, cls = s.resource, s.cls
        why: list[str] = []
        if cls == Classification.UNDECIDED:
            raise ClassificationUndecided(
                f"cannot book {ev.kind.value}: classification needs facts: {', '.join(s.decision.missing_facts)}",
                field="resources")
        cas = self.framework == Framework.CAS
        pre = ev.date < PROVISIONS_EFFECTIVE
        capitalize_flag = ev.capitalize if isinstance(ev, RDSpend) else None
        state = s
        # Where capitalized lines go, and why; None = expense.
        target: tuple[AccountRole, Movement | None] | None
        rd = False
        if cls == Classification.INVENTORY:
            mv = Movement.INCREASE_PURCHASE if isinstance(ev, Purchase) else Movement.INCREASE_PROCESSING
            if isinstance(ev, Purchase) and r.formation == Formation.OTHER:
                mv = Movement.INCREASE_OTHER
            target = (AccountRole.DATA_INVENTORY, mv)
            why.append("Data inventory: cost = purchase price, taxes, insurance and attributable purchase costs, "
                       "plus processing costs (CAS 1 art. 5-8; 财会〔2023〕11号 §2 (二)).")
        elif cls == Classification.INTANGIBLE_ASSET:
            if isinstance(ev, RDSpend):
                raise InvalidEvent("R&D spending on a purchased data intangible: book it as processing "
                                   "(before ready) or treat the project as a separate self-developed resource",
                                   field="kind")
            if isinstance(ev, Processing) and s.ready is not None and ev.date >= s.ready:
                target = None
                why.append(f"Spending after the asset was ready for use on {s.ready} does not bring it to its "
                           "intended use: expensed (CAS 6 art. 12; subsequent expenditure).")
            else:
                mv = Movement.INCREASE_OTHER if r.formation == Formation.OTHER else Movement.INCREASE_PURCHASE
                target = (AccountRole.DATA_INTANGIBLE, mv)
                why.append("Purchased data intangible: cost = price, non-deductible taxes, directly attributable "
                           "processing, rights verification, quality assessment, registration and security "
                           f"fees (CAS 6 art. 12; {PROVISIONS} §2 (一)).")
        elif cls == Classification.INTERNAL_RD:
            rd = True
            target, why = self._rd_target(tx, s, ev, capitalize_flag)
        else:
            target = None
            why.extend(s.decision.rationale[-1:])
        if target is not None and pre and cas:
            if capitalize_flag:
                raise ProspectiveTransition(
                    f"capitalization asked for spending on {ev.date}, before {PROVISIONS_EFFECTIVE}",
                    field="capitalize")
            target = None
            why.append(f"Dated {ev.date}, before {PROVISIONS_EFFECTIVE}: expensed and never re-capitalized "
                       f"({PROVISIONS}, prospective application 未来适用法).")
        elif target is not None and pre:
            why.append("IFRS view: IAS 38 has no 2024 transition; the spending is capitalized (IAS 38.57, 66).")

        d = tx.draft(field="cost_lines")
        expensed_total = ZERO
        capitalized_total = ZERO
        expense_acc: AccountRole | str = AccountRole.RD_EXPENSED if rd else self._expense_account(r)
        for i, line in enumerate(ev.cost_lines):
            cost = line.amount + (ZERO if line.vat_deductible else line.vat)
            ok, reason = capitalizable(line.category, cls) if target is not None else (False, "")
            if target is not None and ok:
                d.dr(target[0], cost, target[1], memo=line.category.value)
                capitalized_total += cost
            else:
                if target is not None:
                    why.append(f"cost line {i + 1}: {reason}")
                d.dr(expense_acc, cost, memo=line.category.value)
                expensed_total += cost
            if line.vat_deductible:
                d.dr(AccountRole.VAT_INPUT, line.vat, memo="进项税额 input VAT")
            d.cr(self._settle(line.counter_account), line.amount + line.vat)
        if rd:
            etype = EntryType.RD_CAPITALIZED if capitalized_total > 0 else EntryType.RD_EXPENSED
        elif isinstance(ev, Purchase):
            etype = EntryType.PURCHASE
        else:
            etype = EntryType.COST_CAPITALIZED if capitalized_total > 0 else EntryType.COST_EXPENSED
        tx.add(d, ev.date, etype, " ".join(why))
        if rd and expensed_total > 0:
            d2 = tx.draft()
            d2.dr(AccountRole.RD_EXPENSE, expensed_total)
            d2.cr(AccountRole.RD_EXPENSED, expensed_total)
            tx.add(d2, ev.date, EntryType.RD_EXPENSED_TRANSFER,
                   "Expensed R&D is closed to 管理费用—研发费用 (CAS 6 art. 8, 10).")
        if cls == Classification.INVENTORY:
            add_qty = ev.quantity if isinstance(ev, Purchase | Processing) else ZERO
            state = replace(state, qty=state.qty + add_qty)
        if cls == Classification.INTANGIBLE_ASSET and target is not None:
            if state.ready is None and r.asset_id not in self.planned_ready:
                state = self._make_ready(state, ev.date)
                why.append(f"No ready_for_use event: a purchased data intangible is taken as available for use "
                           f"on purchase ({ev.date}); amortization starts this month.")
            elif state.ready is not None and capitalized_total > 0:
                state = replace(state, rate=None, shadow_rate=None)
        treatment = (f"capitalized {capitalized_total}" if capitalized_total else "") + \
            (", " if capitalized_total and expensed_total else "") + \
            (f"expensed {expensed_total}" if expensed_total else "")
        return state, treatment or "no amount", why, {"capitalized": capitalized_total, "expensed": expensed_total}

    def _rd_target(self, tx: _Tx, s: AssetState, ev: Purchase | RDSpend | Processing,
                   flag: bool | None) -> tuple[tuple[AccountRole, Movement | None] | None, list[str]]:
        r = s.resource
        why: list[str] = []
        phase = ev.phase if isinstance(ev, RDSpend) else None
        if phase is None:
            if r.development_start is None:
                raise InvalidEvent("R&D phase not given and the resource has no development_start",
                                   field="phase")
            phase = RDPhase.DEVELOPMENT if ev.date >= r.development_start else RDPhase.RESEARCH
        if phase == RDPhase.RESEARCH:
            if flag:
                raise CapitalizationCriteriaNotMet("research-phase spending cannot be capitalized (CAS 6 art. 8)",
                                                   field="capitalize")
            why.append("Research phase: expensed as incurred (CAS 6 art. 8).")
            return None, why
        if s.ready is not None:
            if flag:
                raise InvalidEvent(f"capitalization after the asset was ready for use on {s.ready}",
                                   field="capitalize")
            why.append(f"Spending after ready for use on {s.ready}: expensed (CAS 6 art. 12).")
            return None, why
        if not r.phases_separable:
            if flag:
                raise CapitalizationCriteriaNotMet(
                    "research and development cannot be separated: all spending is expensed (CAS 6 art. 10)",
                    field="phases_separable")
            why.append("Research and development cannot be separated: expensed (CAS 6 art. 10).")
            return None, why
        unproven = r.criteria.unproven(on=ev.date)
        if unproven:
            if flag:
                raise CapitalizationCriteriaNotMet(
                    f"capitalization asked for on {ev.date} but these criteria lack evidence or a date met on or "
                    f"before it: {', '.join(unproven)}", field="criteria")
            why.append(f"Development phase, but on {ev.date} not all five criteria were met with evidence "
                       f"({', '.join(unproven)}): expensed (CAS 6 art. 9-10).")
            return None, why
        if flag is False:
            why.append("The entity chose not to capitalize this spending (capitalize=false): expensed.")
            return None, why
        why.append(f"Development phase with all five CAS 6 art. 9 criteria met since "
                   f"{r.criteria.date_all_met()}: capitalized to 研发支出—资本化支出 (开发支出—其中：数据资源).")
        return (AccountRole.RD_CAPITALIZED, None), why

    # ------------------------------------------------------------------ milestones
    def _criteria_met(self, tx: _Tx, s: AssetState, ev: CriteriaMet) -> Any:
        r = s.resource
        if s.cls != Classification.INTERNAL_RD:
            raise InvalidEvent(f"criteria_met applies to internal R&D; the resource is {s.cls.value}",
                               field="kind")
        if not r.phases_separable:
            raise CapitalizationCriteriaNotMet("research and development cannot be separated (CAS 6 art. 10)",
                                               field="phases_separable")
        unproven = r.criteria.unproven(on=ev.date)
        if unproven:
            raise CapitalizationCriteriaNotMet(
                f"criteria declared met on {ev.date} but these lack evidence or a date met on or before it: "
                f"{', '.join(unproven)}", field="criteria")
        start = r.criteria.date_all_met()
        why = [f"All five CAS 6 art. 9 criteria evidenced; first all met on {start}: development spending is "
               "capitalized from that date."]
        if self.framework == Framework.CAS and start is not None and start < PROVISIONS_EFFECTIVE:
            why.append(f"Capitalization under the provisions begins no earlier than {PROVISIONS_EFFECTIVE} "
                       "(prospective).")
        return s, f"capitalization from {start}", why, {}

    def _make_ready(self, s: AssetState, on: date) -> AssetState:
        try:
            life, basis = useful_life(s.resource, on)
        except ValueError as exc:
            raise UsefulLifeError(str(exc), field="useful_life") from exc
        return replace(s, ready=on, life_months=life, life_basis=basis, rate=None, shadow_rate=None)

    def _ready(self, tx: _Tx, s: AssetState, ev: ReadyForUse) -> Any:
        if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
            raise InvalidEvent(f"ready_for_use applies to data intangibles; the resource is {s.cls.value}",
                               field="kind")
        if s.ready is not None:
            raise InvalidEvent(f"already ready for use on {s.ready}", field="date")
        new = self._make_ready(s, ev.date)
        why = [f"Available for use on {ev.date}: amortization starts this month (CAS 6 art. 17; "
               f"当月增加当月摊销). Useful life: {new.life_basis}."]
        dev, dev_imp = self._development(tx)
        if s.cls == Classification.INTERNAL_RD:
            if dev > 0:
                d = tx.draft()
                d.dr(AccountRole.DATA_INTANGIBLE, dev, Movement.INCREASE_INTERNAL_RD)
                d.dr(AccountRole.RD_IMPAIRMENT, dev_imp)
                d.cr(AccountRole.RD_CAPITALIZED, dev)
                d.cr(AccountRole.INTANGIBLE_IMPAIRMENT, dev_imp, Movement.INCREASE_INTERNAL_RD)
                tx.add(d, ev.date, EntryType.TRANSFER_TO_INTANGIBLE,
                       "Development expenditure transferred to 无形资产 when ready for intended use (CAS 6 art. 13)"
                       + ("; its impairment provision moves with it to 无形资产减值准备 (never reversed, CAS 8 "
                          "art. 17)." if dev_imp else "."))
                why.append(f"开发支出 {dev} transferred to 无形资产—数据资源"
                           + (f", with its impairment provision {dev_imp}: carrying amount {dev - dev_imp}, "
                              "amortized over the useful life." if dev_imp else "."))
            else:
                why.append("Nothing was capitalized (all spending expensed): no intangible asset is recognized.")
        return new, f"ready for use; life {new.life_months or 'indefinite'} months", why, {"transferred": dev}

    def _amortization(self, tx: _Tx, s: AssetState, ev: Amortization) -> Any:
        if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
            raise InvalidEvent(f"amortization applies to data intangibles; the resource is {s.cls.value}",
                               field="kind")
        if s.ready is None or s.ready > ev.date:
            raise AmortizationBeforeReady(
                f"amortization on {ev.date} refused: the asset is not yet available for use"
                + (f" (ready on {s.ready})" if s.ready else " (no ready_for_use booked)"), field="date")
        if s.life_months is None and s.resource.amortization_method == AmortizationMethod.STRAIGHT_LINE:
            raise InvalidEvent("indefinite useful life: not amortized, tested for impairment yearly "
                               "(CAS 6 art. 19)", field="kind")
        cost, acc, imp = self._carrying(tx)
        if s.resource.amortization_method == AmortizationMethod.UNITS_OF_USAGE:
            if ev.units is None:
                raise InvalidEvent("units-of-usage amortization needs units", field="units")
            total = s.resource.expected_total_units
            assert total is not None
            remaining = cost - s.residual - acc - imp
            charge = units_amount(remaining, ev.units, total - s.units_used)
            shadow_charge = units_amount(cost - s.residual - s.shadow_acc, ev.units, total - s.units_used)
            d = tx.draft()
            d.dr(self._amortization_account(s.resource), charge)
            d.cr(AccountRole.ACCUMULATED_AMORTIZATION, charge, Movement.INCREASE_CHARGE)
            tx.add(d, ev.date, EntryType.AMORTIZATION,
                   f"units of usage: {remaining} × {ev.units} / {total - s.units_used} remaining units "
                   "(CAS 6 art. 17: pattern of benefits)", period=f"{ev.date:%Y-%m}")
            new = replace(s, units_used=s.units_used + ev.units, shadow_acc=s.shadow_acc + shadow_charge)
            return new, f"amortized {charge}", [f"Units of usage: {ev.units} units."], {"amortization": charge}
        if ev.units is not None:
            raise InvalidEvent("units given for a straight-line asset", field="units")
        target = month_index(ev.date) if is_month_end(ev.date) else month_index(ev.date) - 1
        state = s
        total = ZERO
        while True:
            first = self._first_due_any(state)
            if first is None or first > target:
                break
            before = len(tx.entries)
            state = self._amortize_month(tx, state, first)
            if len(tx.entries) > before:
                total += tx.entries[-1].total_debit
        return state, f"amortized {total} through {month_end(target):%Y-%m}", [
            "Straight-line, month-end booking (DOMAIN §2.2)."], {"amortization": total}

    def _first_due_any(self, s: AssetState) -> int | None:
        if s.ready is None or s.life_months is None or s.months_booked >= s.life_months:
            return None
        return s.last_month + 1 if s.last_month is not None else month_index(s.ready)

    # ------------------------------------------------------------------ tests of value
    def _impairment(self, tx: _Tx, s: AssetState, ev: ImpairmentTest) -> Any:
        """CAS 8 test of a data intangible, or of 开发支出 not yet ready for use (tested every year, DOMAIN
        §2.2): loss = carrying amount − recoverable amount, never reversed under CAS (art. 17); the IFRS
        view reverses up to the amount had no loss been recognized (IAS 36.117)."""
        if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
            raise InvalidEvent(f"impairment_test applies to data intangibles (use nrv_test for inventory); "
                               f"the resource is {s.cls.value}", field="kind")
        if s.cls == Classification.INTERNAL_RD and s.ready is None:
            # cost = spending capitalized, provision in 研发支出—开发支出减值准备 (moves to 1703 when ready)
            cost, imp = self._development(tx)
            carrying, cap, provision = cost - imp, cost, AccountRole.RD_IMPAIRMENT
            etype, what = EntryType.DEVELOPMENT_IMPAIRMENT, "Development expenditure not yet ready for use: carrying amount"
            after = "the provision moves to 无形资产减值准备 when the asset is ready for use"
        else:
            cost, acc, imp = self._carrying(tx)
            carrying, cap, provision = cost - acc - imp, cost - s.shadow_acc, AccountRole.INTANGIBLE_IMPAIRMENT
            etype, what = EntryType.IMPAIRMENT, "Carrying amount"
            after = "later amortization on the new carrying amount over the months left"
        ra = ev.recoverable_amount
        figs = {"carrying_before": carrying, "recoverable_amount": ra, "loss": ZERO, "reversal": ZERO,
                "unreversed_recovery": ZERO}
        why = [f"{what} {carrying} vs recoverable amount {ra} (higher of fair value less costs of "
               "disposal and value in use; CAS 8 art. 6)" + (f" — {ev.basis}" if ev.basis else "") + "."]
        state = s
        if carrying > ra:
            loss = carrying - ra
            d = tx.draft()
            d.dr(AccountRole.IMPAIRMENT_LOSS, loss)
            d.cr(provision, loss, Movement.INCREASE_CHARGE)
            tx.add(d, ev.date, etype, f"impairment loss {loss} = {carrying} − {ra} (CAS 8 art. 15); {after}")
            figs["loss"] = loss
            why.append(f"Impairment loss {loss} recognized (CAS 8 art. 15); amortization is recomputed on the "
                       "new carrying amount over the remaining life.")
            state = replace(s, rate=None)
        elif ra > carrying and imp > 0:
            recovery = min(min(ra, cap) - carrying, imp)
            if recovery > 0:
                if self.framework == Framework.IFRS:
                    d = tx.draft()
                    d.dr(provision, recovery, Movement.DECREASE_REVERSAL)
                    d.cr(AccountRole.IMPAIRMENT_LOSS, recovery)
                    tx.add(d, ev.date, EntryType.IMPAIRMENT_REVERSAL,
                           "IAS 36.114-117: reversal up to the carrying amount had no impairment been recognized")
                    figs["reversal"] = recovery
                    state = replace(s, rate=None)
                    why.append(f"IFRS: impairment reversal {recovery} (IAS 36.117 cap).")
                else:
                    figs["unreversed_recovery"] = recovery
                    why.append(f"Value recovered by {recovery} but an impairment loss on an intangible is never "
                               "reversed (CAS 8 art. 17); IAS 36.117 would reverse it (see the IFRS view).")
        else:
            why.append("No impairment.")
        treat = f"impairment loss {figs['loss']}" if figs["loss"] else "no impairment loss"
        return state, treat, why, figs

    def _nrv(self, tx: _Tx, s: AssetState, ev: NRVTest) -> Any:
        if s.cls != Classification.INVENTORY:
            raise InvalidEvent(f"nrv_test applies to data inventory; the resource is {s.cls.value}", field="kind")
        nrv = ev.net_realizable_value()
        cost = tx.bal(AccountRole.DATA_INVENTORY)
        prov = -tx.bal(AccountRole.INVENTORY_PROVISION)
        required = max(ZERO, cost - nrv)
        diff = required - prov
        figs = {"cost": cost, "nrv": nrv, "provision_before": prov, "provision_after": required,
                "write_down": ZERO, "reversal": ZERO}
        why = [f"Lower of cost {cost} and NRV {nrv} (CAS 1 art. 15; NRV = selling price − costs to complete − "
               f"selling costs − related taxes). Provision required {required}, held {prov}."]
        d = tx.draft()
        if diff > 0:
            d.dr(AccountRole.IMPAIRMENT_LOSS, diff)
            d.cr(AccountRole.INVENTORY_PROVISION, diff, Movement.INCREASE_CHARGE)
            tx.add(d, ev.date, EntryType.INVENTORY_WRITE_DOWN, f"write-down {diff} to NRV (CAS 1 art. 15-16)")
            figs["write_down"] = diff
            why.append(f"Write-down {diff}.")
        elif diff < 0:
            d.dr(AccountRole.INVENTORY_PROVISION, -diff, Movement.DECREASE_REVERSAL)
            d.cr(AccountRole.IMPAIRMENT_LOSS, -diff)
            tx.add(d, ev.date, EntryType.INVENTORY_WRITE_DOWN_REVERSAL,
                   f"reversal {-diff}, limited to the amount previously written down (CAS 1 art. 19)")
            figs["reversal"] = -diff
            why.append(f"Reversal {-diff}, capped at the provision previously made (CAS 1 art. 19).")
        return replace(s, last_nrv=nrv), f"provision {prov} → {required}", why, figs

    # ------------------------------------------------------------------ revenue and derecognition
    def _sale(self, tx: _Tx, s: AssetState, ev: Sale) -> Any:
        if s.cls != Classification.INVENTORY:
            raise InvalidEvent(f"sale applies to data inventory; the resource is {s.cls.value} (use disposal "
                               "to derecognize an intangible, licence_revenue for licence fees)", field="kind")
        if ev.quantity > s.qty:
            raise OversoldInventory(f"sale of {ev.quantity} units but only {s.qty} on hand", field="quantity")
        cost = tx.bal(AccountRole.DATA_INVENTORY)
        prov = -tx.bal(AccountRole.INVENTORY_PROVISION)
        issued = prorate(cost, ev.quantity, s.qty)
        released = prorate(prov, ev.quantity, s.qty)
        vat = self._vat(ev.vat_rate, ev.price)
        d = tx.draft(field="settled_to")
        d.dr(self._settle(ev.settled_to), ev.price + vat)
        d.cr(AccountRole.REVENUE, ev.price)
        d.cr(AccountRole.VAT_OUTPUT, vat, memo="销项税额 output VAT")
        tx.add(d, ev.date, EntryType.SALE_REVENUE, "revenue on transfer of control (CAS 14); output VAT")
        d2 = tx.draft()
        d2.dr(AccountRole.COST_OF_SALES, issued)
        d2.cr(AccountRole.DATA_INVENTORY, issued, Movement.DECREASE_SALE)
        tx.add(d2, ev.date, EntryType.SALE_COST,
               f"cost issued by moving weighted average: {cost} × {ev.quantity} / {s.qty} (CAS 1 art. 14)")
        d3 = tx.draft()
        d3.dr(AccountRole.INVENTORY_PROVISION, released, Movement.DECREASE_WRITE_OFF)
        d3.cr(AccountRole.COST_OF_SALES, released)
        tx.add(d3, ev.date, EntryType.PROVISION_RELEASE,
               f"provision released with the units sold: {prov} × {ev.quantity} / {s.qty} (CAS 1 art. 20)")
        why = [f"Sold {ev.quantity} of {s.qty} units for {ev.price} (+ VAT {vat}); cost {issued} issued by moving "
               f"weighted average; write-down provision {released} released to cost of sales (转销)."]
        new = replace(s, qty=s.qty - ev.quantity)
        return new, f"sold {ev.quantity}", why, {"revenue": ev.price, "vat": vat, "cost_issued": issued,
                                                 "provision_released": released}

    def _licence(self, tx: _Tx, s: AssetState, ev: LicenceRevenue) -> Any:
        vat = self._vat(ev.vat_rate, ev.amount)
        d = tx.draft(field="settled_to")
        d.dr(self._settle(ev.settled_to), ev.amount + vat)
        d.cr(ev.revenue_account or AccountRole.REVENUE, ev.amount)
        d.cr(AccountRole.VAT_OUTPUT, vat, memo="销项税额 output VAT")
        tx.add(d, ev.date, EntryType.LICENCE_REVENUE, "licence revenue, the entity keeps control (CAS 14)")
        return s, f"licence revenue {ev.amount}", ["Licence of a data product the entity keeps control of: "
                                                   "revenue under CAS 14."], {"revenue": ev.amount, "vat": vat}

    def _lapse(self, tx: _Tx, s: AssetState, ev: Lapse) -> Any:
        why = [f"Lapse ({ev.reason}): no future economic benefit expected; derecognized, carrying amount to "
               f"营业外支出 (CAS 6 art. 21; {PROVISIONS} §4 requires disclosure of the lapse)."]
        figs: dict[str, Decimal] = {}
        if s.cls in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
            carrying, cost, acc, provisions, debits, credits = self._removal(tx, Movement.DECREASE_LAPSE)
            d = tx.draft()
            for role, amount, mv in debits:
                d.dr(role, amount, mv)
            d.dr(AccountRole.NON_OPERATING_EXPENSE, carrying)
            for role, amount, mv in credits:
                d.cr(role, amount, mv)
            tx.add(d, ev.date, EntryType.LAPSE, why[0])
            figs = {"cost": cost, "accumulated_amortization": acc, "impairment": provisions, "carrying": carrying}
        elif s.cls == Classification.INVENTORY:
            cost = tx.bal(AccountRole.DATA_INVENTORY)
            prov = -tx.bal(AccountRole.INVENTORY_PROVISION)
            d = tx.draft()
            d.dr(AccountRole.INVENTORY_PROVISION, prov, Movement.DECREASE_WRITE_OFF)
            d.dr(AccountRole.NON_OPERATING_EXPENSE, cost - prov)
            d.cr(AccountRole.DATA_INVENTORY, cost, Movement.DECREASE_LAPSE)
            tx.add(d, ev.date, EntryType.LAPSE, why[0])
            figs = {"cost": cost, "provision": prov, "carrying": cost - prov}
        else:
            figs = {"carrying": ZERO}
        new = replace(s, derecognized=ev.date, qty=Decimal("0"))
        return new, f"derecognized (lapse), loss {figs.get('carrying', ZERO)}", why, figs

    def _disposal(self, tx: _Tx, s: AssetState, ev: Disposal) -> Any:
        if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
            raise InvalidEvent(f"disposal applies to data intangibles (use sale for inventory); the resource "
                               f"is {s.cls.value}", field="kind")
        carrying, _, _, _, debits, credits = self._removal(tx, Movement.DECREASE_DISPOSAL)
        vat = self._vat(ev.vat_rate, ev.proceeds)
        gain = ev.proceeds - carrying
        d = tx.draft(field="settled_to")
        d.dr(self._settle(ev.settled_to), ev.proceeds + vat)
        for role, amount, mv in debits:
            d.dr(role, amount, mv)
        for role, amount, mv in credits:
            d.cr(role, amount, mv)
        d.cr(AccountRole.VAT_OUTPUT, vat, memo="销项税额 output VAT")
        d.cr(AccountRole.DISPOSAL_GAIN, gain)
        why = [f"Disposal for {ev.proceeds}: carrying amount {carrying}; difference {gain} to 资产处置损益 "
               "(CAS 6 art. 22). Not amortized in the month of disposal (当月减少当月不摊销)."]
        tx.add(d, ev.date, EntryType.DISPOSAL, why[0])
        new = replace(s, derecognized=ev.date)
        return new, f"disposed, gain {gain}", why, {"proceeds": ev.proceeds, "carrying": carrying, "gain": gain}

    def _held_for_sale(self, tx: _Tx, s: AssetState, ev: ClassifiedHeldForSale) -> Any:
        """CAS 42: move the carrying amount to 持有待售资产, stop amortization, write down to FV − costs to sell.

        Classified in month m: month m is not amortized (当月减少当月不摊销, as for a disposal).
        """
        if s.cls not in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
            raise InvalidEvent(f"classified_held_for_sale applies to data intangibles (data inventory held for sale "
                               f"in ordinary activities stays under CAS 1); the resource is {s.cls.value}",
                               field="kind")
        if s.ready is None:
            raise InvalidEvent("classified_held_for_sale before the asset is ready for use: book ready_for_use "
                               "first (or a lapse if the project is abandoned)", field="kind")
        cost, acc, imp = self._carrying(tx)
        carrying = cost - acc - imp
        fv = ev.fair_value_less_costs_to_sell
        d = tx.draft()
        d.dr(AccountRole.HELD_FOR_SALE_ASSET, carrying)
        d.dr(AccountRole.ACCUMULATED_AMORTIZATION, acc, Movement.DECREASE_OTHER)
        d.dr(AccountRole.INTANGIBLE_IMPAIRMENT, imp, Movement.DECREASE_OTHER)
        d.cr(AccountRole.DATA_INTANGIBLE, cost, Movement.DECREASE_OTHER)
        tx.add(d, ev.date, EntryType.HELD_FOR_SALE_TRANSFER,
               f"classified as held for sale (CAS 42 art. 6-7: {ev.basis}); carrying amount {carrying} = cost {cost} "
               f"− accumulated amortization {acc} − impairment {imp} moved to 持有待售资产; not amortized from this "
               "month (CAS 42 art. 13)")
        write_down = max(ZERO, carrying - fv)
        why = [f"Held for sale from {ev.date}: {ev.basis}. Carrying amount {carrying} moved out of 无形资产 to "
               "持有待售资产 (Table A 其他减少); amortization stops (CAS 42 art. 13).",
               f"Measured at the lower of carrying amount {carrying} and fair value less costs to sell {fv} "
               f"(CAS 42 art. 10): write-down {write_down}."]
        if write_down > 0:
            d2 = tx.draft()
            d2.dr(AccountRole.IMPAIRMENT_LOSS, write_down)
            d2.cr(AccountRole.HELD_FOR_SALE_IMPAIRMENT, write_down)
            tx.add(d2, ev.date, EntryType.HELD_FOR_SALE_IMPAIRMENT,
                   f"write-down {write_down} = {carrying} − {fv} to fair value less costs to sell (CAS 42 art. 10)")
        new = replace(s, held_for_sale=ev.date)
        return new, f"held for sale, write-down {write_down}", why, {
            "carrying_before": carrying, "fair_value_less_costs_to_sell": fv, "write_down": write_down,
            "carrying_after": carrying - write_down}

    def _pledge(self, tx: _Tx, s: AssetState, ev: Pledge) -> Any:
        if any(p.released is None for p in s.pledges):
            raise InvalidEvent("already pledged; release the existing pledge first", field="kind")
        rec = PledgeRecord(pledgee=ev.pledgee, since=ev.date, event_id=tx.event_id,
                           secured_amount=ev.secured_amount, registration=ev.registration)
        return replace(s, pledges=(*s.pledges, rec)), f"pledged to {ev.pledgee}", [
            "Pledged data resource: restricted; disclosed with carrying amount and the period's amortization "
            f"({PROVISIONS} §4)."], {}

    def _pledge_release(self, tx: _Tx, s: AssetState, ev: PledgeRelease) -> Any:
        open_ = [p for p in s.pledges if p.released is None]
        if not open_:
            raise InvalidEvent("no pledge to release", field="kind")
        pledges = tuple(replace(p, released=ev.date) if p.released is None else p for p in s.pledges)
        return replace(s, pledges=pledges), "pledge released", [], {}

    def _change(self, tx: _Tx, s: AssetState, ev: ChangeOfEstimate) -> Any:
        if s.ready is None or s.life_months is None:
            raise InvalidEvent("change of estimate applies to a finite-life intangible that is ready for use",
                               field="kind")
        if s.resource.amortization_method != AmortizationMethod.STRAIGHT_LINE and ev.useful_life_months:
            raise InvalidEvent("life change on a units-of-usage asset is not supported", field="useful_life_months")
        new_life = ev.useful_life_months or s.life_months
        if new_life <= s.months_booked:
            raise UsefulLifeError(f"new life {new_life} months is not more than the {s.months_booked} months "
                                  "already amortized", field="useful_life_months")
        term_end = s.resource.rights_term_end()
        if term_end is not None:
            cap = months_within_term(s.ready, term_end)
            if new_life > cap:
                raise UsefulLifeError(f"new life {new_life} months exceeds the rights term ending {term_end} "
                                      f"({cap} months from {s.ready})", field="useful_life_months")
        cost, acc, imp = self._carrying(tx)
        new_residual = ev.residual_value if ev.residual_value is not None else s.residual
        if ev.residual_value is not None and new_residual > cost - acc - imp:
            raise InvalidEvent(f"residual value {new_residual} exceeds the carrying amount {cost - acc - imp}",
                               field="residual_value")
        ch = EstimateChange(date=ev.date, event_id=tx.event_id, reason=ev.reason, old_life=s.life_months,
                            new_life=new_life, old_residual=s.residual, new_residual=new_residual,
                            months_booked=s.months_booked,
                            old_remaining_amortizable=cost - s.residual - acc - imp,
                            new_remaining_amortizable=cost - new_residual - acc - imp)
        new = replace(s, life_months=new_life, residual=new_residual, rate=None, shadow_rate=None,
                      estimate_changes=(*s.estimate_changes, ch),
                      life_basis=s.life_basis + f"; changed on {ev.date} to {new_life} months ({ev.reason})")
        why = [f"Change in accounting estimate, prospective (CAS 28 art. 9-10; CAS 6 art. 19): life "
               f"{s.life_months} → {new_life} months, residual {s.residual} → {new_residual}; the monthly amount "
               "is recomputed on the carrying amount over the months left."]
        return new, "estimate changed", why, {}
