"""The bookkeeper: lifecycle events → balanced journal entries, atomically, one event at a time.

The bookkeeper holds the ledger and the state of each resource, and sends each event to the handler of
its kind (:data:`HANDLERS`, in :mod:`accounting.handlers`). The handler builds every entry of the event;
only then are they posted and the state replaced: a refused event posts nothing. Month-end
straight-line amortization follows :mod:`accounting.amortization`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from pydantic import Field

from accounting.amortization import is_month_end, month_end, month_index
from accounting.case import PeriodClose, Policy
from accounting.chart import ChartOfAccounts
from accounting.classify import classify
from accounting.enums import AmortizationMethod, EventKind, Framework
from accounting.errors import AccountingError, AssetDerecognized, ClosedPeriod, InvalidEvent, UnknownAsset
from accounting.events import Event, NonMonetaryExchange, ValuationReference
from accounting.facts import DataResource
from accounting.handlers import (
    acquisition,
    amortization,
    arrivals,
    derecognition,
    development,
    impairment,
    opening,
    restrictions,
    sales,
)
from accounting.handlers.state import AssetState, Context, Handler, Tx
from accounting.journal import Ledger
from base.models import FrozenModel

# Same-day order: an opening balance first, costs, then ready, revenue, derecognition; month-end amortization; then tests.
_EARLY = {
    EventKind.OPENING_BALANCE: -1,
    EventKind.PURCHASE: 0, EventKind.RD_SPEND: 0, EventKind.PROCESSING: 0, EventKind.CRITERIA_MET: 0,
    EventKind.CONTRIBUTION: 0, EventKind.BUSINESS_COMBINATION: 0, EventKind.GOVERNMENT_GRANT: 0,
    EventKind.EXCHANGE: 0,
    EventKind.READY_FOR_USE: 1, EventKind.LICENCE_REVENUE: 2, EventKind.SALE: 3, EventKind.DISPOSAL: 3,
    EventKind.LAPSE: 3, EventKind.CLASSIFIED_HELD_FOR_SALE: 3,
}
LATE_KINDS = frozenset(set(EventKind) - set(_EARLY))  # come after that day's month-end amortization

# The handler of each event kind: (transaction, state, event) → (new state, treatment, rationale, figures).
HANDLERS: Mapping[EventKind, Handler] = {
    EventKind.PURCHASE: acquisition.costs,
    EventKind.RD_SPEND: acquisition.costs,
    EventKind.PROCESSING: acquisition.costs,
    EventKind.CRITERIA_MET: development.criteria_met,
    EventKind.READY_FOR_USE: development.ready_for_use,
    EventKind.AMORTIZATION: amortization.amortization,
    EventKind.CHANGE_OF_ESTIMATE: amortization.change_of_estimate,
    EventKind.IMPAIRMENT_TEST: impairment.impairment_test,
    EventKind.NRV_TEST: impairment.nrv_test,
    EventKind.SALE: sales.sale,
    EventKind.LICENCE_REVENUE: sales.licence_revenue,
    EventKind.PLEDGE: restrictions.pledge,
    EventKind.PLEDGE_RELEASE: restrictions.pledge_release,
    EventKind.LAPSE: derecognition.lapse,
    EventKind.DISPOSAL: derecognition.disposal,
    EventKind.CLASSIFIED_HELD_FOR_SALE: derecognition.held_for_sale,
    EventKind.OPENING_BALANCE: opening.opening_balance,
    EventKind.CONTRIBUTION: arrivals.contribution,
    EventKind.BUSINESS_COMBINATION: arrivals.business_combination,
    EventKind.GOVERNMENT_GRANT: arrivals.government_grant,
}

# What a resource classified as held for sale may still go through (CAS 42): its sale, a write-off, pledges.
# events that leave the month's pool open under the periodic weighted average: sales and additions
_POOL_EVENTS = frozenset({EventKind.SALE, EventKind.PURCHASE, EventKind.PROCESSING, EventKind.CONTRIBUTION,
                          EventKind.BUSINESS_COMBINATION, EventKind.GOVERNMENT_GRANT, EventKind.LICENCE_REVENUE})
_AFTER_HELD_FOR_SALE = frozenset({EventKind.DISPOSAL, EventKind.LAPSE, EventKind.PLEDGE, EventKind.PLEDGE_RELEASE,
                                  EventKind.LICENCE_REVENUE})


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


class BookKeeper:
    """Applies events to a ledger under one framework (CAS for the books, IFRS for the comparison).

    >>> keeper = BookKeeper(resources, chart, policy)   # doctest: +SKIP
    >>> keeper.apply(event)                              # doctest: +SKIP
    """

    def __init__(self, resources: Sequence[DataResource], chart: ChartOfAccounts, policy: Policy, *,
                 framework: Framework = Framework.CAS, planned_ready: Iterable[str] = ()) -> None:
        self.context = Context(chart=chart, policy=policy, framework=framework,
                               planned_ready=frozenset(planned_ready))
        self.ledger = Ledger()
        self.outcomes: list[EventOutcome] = []
        self.closes: list[PeriodClose] = list(policy.period_closes)
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

    @property
    def chart(self) -> ChartOfAccounts:
        return self.context.chart

    @property
    def policy(self) -> Policy:
        return self.context.policy

    @property
    def framework(self) -> Framework:
        return self.context.framework

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
            if state.unissued > 0 and (state.unissued_month != month_index(event.date)
                                       or event.kind not in _POOL_EVENTS):
                # periodic weighted average: an earlier month's sales are issued at that month end; an event
                # that reads the balance (an NRV test, a lapse ...) in the same month has them issued that day
                on = (month_end(state.unissued_month) if state.unissued_month is not None
                      and state.unissued_month < month_index(event.date) else event.date)
                self._issue_inventory(event.asset_id, on)
                state = self.states[event.asset_id]
            if isinstance(event, NonMonetaryExchange):
                tx = self._tx(event.asset_id, event_id, ev_label, event.kind)
                given = self.states.get(event.given_asset_id) if event.given_asset_id else None
                new_state, treatment, why, figures = arrivals.exchange(tx, state, event, given)
                self.ledger.post(tx.entries)
                if given is not None and event.given_asset_id is not None:  # the asset given leaves the books
                    self._set_state(event.given_asset_id, replace(given, derecognized=event.date))
                self._set_state(event.asset_id, new_state)
                out = EventOutcome(event_id=event_id, asset_id=event.asset_id, kind=event.kind, date=event.date,
                                   treatment=treatment, rationale=tuple(why),
                                   entry_ids=tuple(e.entry_id for e in tx.entries), figures=figures)
                self.outcomes.append(out)
                return out
            handler = HANDLERS.get(event.kind)
            if handler is None:  # a reversal cancels another event: accounting.book leaves both out
                raise InvalidEvent(f"{event.kind.value} is not booked by itself: book the case with "
                                   "accounting.book, which leaves out the event it cancels", field="kind")
            tx = self._tx(event.asset_id, event_id, ev_label, event.kind)
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
            if self._due.get(asset_id) != m:  # left behind: the asset's month due changed after queuing
                heapq.heappop(self._queue)
                continue
            tx = self._tx(asset_id, f"auto:amortization:{month_end(m):%Y-%m}",
                          f"month-end amortization {month_end(m):%Y-%m}", None)
            new = amortization.amortize_month(tx, self.states[asset_id], m)
            self.ledger.post(tx.entries)
            heapq.heappop(self._queue)
            self._set_state(asset_id, new)

    def issue_inventory_through(self, d: date, *, cut: bool = False) -> None:
        """Periodic weighted average: issue the cost of each month's sales at its month end when that is on or
        before ``d``; with ``cut`` (the balance-sheet date), the sales of ``d``'s own month are issued on ``d``."""
        for asset_id, s in list(self.states.items()):
            if s.unissued <= 0 or s.unissued_month is None:
                continue
            if month_end(s.unissued_month) <= d:
                self._issue_inventory(asset_id, month_end(s.unissued_month))
            elif cut and s.unissued_month == month_index(d):
                self._issue_inventory(asset_id, d)

    def _issue_inventory(self, asset_id: str, on: date) -> None:
        tx = self._tx(asset_id, f"auto:cost_of_sales:{on:%Y-%m-%d}", f"cost of sales issued {on}", None)
        new = sales.issue_month(tx, self.states[asset_id], on)
        self.ledger.post(tx.entries)
        self._set_state(asset_id, new)

    # ------------------------------------------------------------------ state
    def _tx(self, asset_id: str, event_id: str, event_label: str, kind: EventKind | None) -> Tx:
        return Tx(self.context, self.ledger, asset_id, self.states[asset_id].resource.name, event_id,
                  event_label, kind)

    def _set_state(self, asset_id: str, state: AssetState) -> None:
        """Replace the state of ``asset_id`` (the only writer of ``states``) and its month due, if any."""
        self.states[asset_id] = state
        rank = self._rank.setdefault(asset_id, len(self._rank))
        first = self._auto_due(state)
        if first is None:
            self._due.pop(asset_id, None)
        elif self._due.get(asset_id) != first:
            self._due[asset_id] = first
            heapq.heappush(self._queue, (first, rank, asset_id))

    def _auto_due(self, s: AssetState) -> int | None:
        """Next month to amortize automatically: straight-line assets in use, when the policy asks for it."""
        if (not self.policy.auto_amortize or s.derecognized is not None or s.held_for_sale is not None
                or s.resource.amortization_method != AmortizationMethod.STRAIGHT_LINE):
            return None
        return amortization.first_due(s)
