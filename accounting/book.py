"""The single entry point: ``book(case, as_of) -> BookResult`` (pure: no files, no network).

The CLI and the dashboard call it the same way::

    chart = ChartOfAccounts.model_validate_json(Path("data/chart_of_accounts.json").read_text("utf-8"))
    case = BookCase.model_validate_json(Path(CASE).read_text("utf-8"))
    result = book(case, as_of, chart=chart)
    print(result.model_dump_json(indent=2))
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import Field

from accounting.case import BookCase
from accounting.chart import ChartOfAccounts
from accounting.classify import RecognitionDecision
from accounting.engine import LATE_KINDS, BookKeeper, EventOutcome, event_rank
from accounting.enums import AccountCategory, EventKind, Framework
from accounting.errors import AccountingError, ChartOfAccountsError, InvalidEvent
from accounting.events import ReadyForUse, effective_events
from accounting.ifrs import IFRSView, ifrs_view
from accounting.journal import JournalEntry
from accounting.money import ZERO
from accounting.notes import OtherDisclosures, build_notes
from accounting.period import PeriodBooks
from accounting.statements import (
    BalanceSheetLine,
    LedgerBalance,
    PnLEffects,
    TrialBalance,
    balance_sheet_lines,
    fiscal_year_start,
    ledger_balances,
    pnl_effects,
    trial_balance,
)
from accounting.tables import DisclosureTable, build_table
from base.models import FrozenModel


class RejectedEvent(FrozenModel):
    """An event refused in ``on_error="collect"`` mode: nothing of it was posted."""

    event_id: str
    asset_id: str
    kind: EventKind
    date: date
    rule: str
    message: str


class Check(FrozenModel):
    name: str
    ok: bool
    detail: str = ""


class BookResult(FrozenModel):
    """Everything booked and disclosed for the period [``period_start``, ``as_of``] (CNY, Decimal)."""

    case_id: str
    company: str
    as_of: date
    period_start: date
    chart_name: str
    decisions: tuple[RecognitionDecision, ...]
    events: tuple[EventOutcome, ...]
    journal: tuple[JournalEntry, ...] = Field(description="all entries dated ≤ as_of, in posting order")
    ledger: tuple[LedgerBalance, ...] = Field(description="balances by account and asset at as_of")
    trial_balance: TrialBalance
    balance_sheet: tuple[BalanceSheetLine, ...]
    pnl_effects: PnLEffects
    table_a: DisclosureTable
    table_b: DisclosureTable
    disclosures: OtherDisclosures
    ifrs_view: IFRSView
    rejected: tuple[RejectedEvent, ...] = ()
    checks: tuple[Check, ...]
    all_checks_pass: bool

    def period_journal(self) -> tuple[JournalEntry, ...]:
        """Entries dated within the period."""
        return tuple(e for e in self.journal if e.date >= self.period_start)


def _run(case: BookCase, as_of: date, chart: ChartOfAccounts, framework: Framework,
         on_error: str) -> tuple[BookKeeper, list[RejectedEvent]]:
    events = effective_events(case.events)
    planned = {e.asset_id for e in events if isinstance(e, ReadyForUse)}
    keeper = BookKeeper(case.resources, chart, case.policy, framework=framework, planned_ready=planned)
    booked = {id(e) for e in events}  # the original positions keep the E001… labels of unnamed events
    indexed = [(i, e) for i, e in enumerate(case.events) if id(e) in booked and e.date <= as_of]
    indexed.sort(key=lambda t: (t[1].date, event_rank(t[1].kind), t[0]))
    rejected: list[RejectedEvent] = []
    for i, ev in indexed:
        keeper.issue_inventory_through(ev.date - timedelta(days=1))
        if case.policy.auto_amortize:
            if ev.kind in LATE_KINDS:
                keeper.amortize_through(ev.date)
            else:
                keeper.amortize_through(ev.date - timedelta(days=1))
        label = ev.event_id or f"E{i + 1:03d}"
        try:
            keeper.apply(ev, label=label)
        except AccountingError as exc:
            if on_error == "raise":
                raise
            rejected.append(RejectedEvent(event_id=label, asset_id=ev.asset_id, kind=ev.kind, date=ev.date,
                                          rule=exc.rule, message=str(exc)))
    if case.policy.auto_amortize:
        keeper.amortize_through(as_of)
    keeper.issue_inventory_through(as_of, cut=True)
    return keeper, rejected


def book(case: BookCase, as_of: date, *, chart: ChartOfAccounts | None = None,
         period_start: date | None = None, on_error: str = "raise") -> BookResult:
    """Book ``case`` up to ``as_of`` and produce statements and notes for the period.

    Parameters
    ----------
    case
        Resources (facts), events and policy; events dated after ``as_of`` are ignored.
    as_of
        Balance-sheet date. Straight-line amortization is booked at each month end ≤ ``as_of``.
    chart
        The loaded chart of accounts (``data/chart_of_accounts.json``); overrides ``case.policy.chart``.
    period_start
        First day of the reporting period; default the start of the fiscal year containing ``as_of``.
    on_error
        ``"raise"`` (default): the first refused event raises its :class:`AccountingError`.
        ``"collect"``: refused events are listed in ``rejected`` and the rest is booked.
    """
    if on_error not in ("raise", "collect"):
        raise ValueError("on_error must be 'raise' or 'collect'")
    chart = chart or case.policy.chart
    if chart is None:
        raise ChartOfAccountsError("no chart of accounts: pass chart= (data/chart_of_accounts.json) or set "
                                   "policy.chart")
    start = period_start or fiscal_year_start(as_of, case.policy.fiscal_year_start_month)
    if start > as_of:
        raise ValueError(f"period_start {start} is after as_of {as_of}")
    opened = [e.date for e in effective_events(case.events) if e.kind == EventKind.OPENING_BALANCE and e.date <= as_of]
    if opened and start <= max(opened):
        raise InvalidEvent(f"the books start from opening balances at the close of {max(opened)}: a period must "
                           f"start after that date, got period_start {start}", field="period_start")
    keeper, rejected = _run(case, as_of, chart, Framework.CAS, on_error)
    ifrs_keeper, _ = _run(case, as_of, chart, Framework.IFRS, "collect")

    journal = tuple(e for e in keeper.ledger.entries if e.date <= as_of)
    books = PeriodBooks(entries=journal, chart=chart, period_start=start, as_of=as_of)
    decisions = tuple(s.decision for s in keeper.states.values())
    tb = trial_balance(books, case.policy.fiscal_year_start_month)
    bs = balance_sheet_lines(books)
    bs_by = {b.key: b.data_closing for b in bs}
    formations = {a: s.resource.formation for a, s in keeper.states.items()}
    table_a = build_table("A", books, formations, bs_by["intangible"])
    table_b = build_table("B", books, formations, bs_by["inventory"])
    pnl = pnl_effects(books)
    notes = build_notes(books, keeper.states, keeper.outcomes, decisions, case.policy)
    ifrs = ifrs_view(books, tuple(e for e in ifrs_keeper.ledger.entries if e.date <= as_of), keeper.states)

    tb_pl = sum((r.period_credit - r.period_debit for r in tb.rows if r.category == AccountCategory.PROFIT_LOSS),
                ZERO)
    checks = (
        Check(name="every entry balances", ok=all(e.total_debit == e.total_credit for e in journal)),
        Check(name="trial balance: debits = credits", ok=tb.balanced),
        Check(name="Table A ties", ok=table_a.all_ties_hold,
              detail="; ".join(t.name for t in table_a.ties if not t.ok)),
        Check(name="Table B ties", ok=table_b.all_ties_hold,
              detail="; ".join(t.name for t in table_b.ties if not t.ok)),
        Check(name="P&L effects = P&L movements in the trial balance", ok=tb_pl == pnl.total_profit_effect,
              detail=f"{tb_pl} vs {pnl.total_profit_effect}"),
    )
    return BookResult(
        case_id=case.case_id, company=case.company, as_of=as_of, period_start=start, chart_name=chart.name,
        decisions=decisions, events=tuple(keeper.outcomes), journal=journal,
        ledger=ledger_balances(books), trial_balance=tb,
        balance_sheet=bs, pnl_effects=pnl, table_a=table_a, table_b=table_b, disclosures=notes,
        ifrs_view=ifrs, rejected=tuple(rejected), checks=checks, all_checks_pass=all(c.ok for c in checks),
    )
