"""The posted ledger: books from ``accounting.book``, stored immutably, hash-chained, verified.

- :func:`record_books` stores a company's data resources (facts), accounting policy and lifecycle
  events. Events are append-only: the same event again is skipped; an event id reused with other
  content is refused (a correction is a new event).
- :func:`post` runs :func:`accounting.book` on everything the register holds for the company up to
  ``as_of`` and posts the entries not yet posted. An entry already posted that the engine now books
  differently (a back-dated event in an open period) is cancelled by a **reversal entry** and the new
  one posted; nothing is ever edited. Entries dated in a closed period are refused (here and by a
  database trigger); an event entered after its period was closed is not booked and is listed as
  refused (the engine's own ``policy.period_closes`` apply as well).
- Every posted entry carries ``prev_hash`` and ``hash = SHA-256(prev_hash ‖ canonical entry)``;
  :func:`verify` recomputes the chain and reports every entry whose content, order or link changed.
  ``verify`` also prints the head hash; kept elsewhere (an e-mail, the audit file), it anchors the chain.
- :func:`verify` also checks the audit log's own hash chain, and every period and recorded event against
  its ``row_hash`` and against the audit log's last record of it (``register.audit``): a period reopened
  or an event rewritten with the database's protections dropped is reported with what differs. Posting
  refuses to book from an event or a period that fails its row hash.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from accounting import BookCase, BookResult, ChartOfAccounts, DataResource, JournalEntry, book
from accounting.case import Policy
from base.money import from_fen, to_fen
from register.assets import get_company
from register.audit import GENESIS as AUDIT_GENESIS
from register.audit import SEALED, audit_hash, row_hash, sealed_values
from register.errors import LedgerConflict, NotFound, PeriodClosed, RegisterError
from register.models import (
    AccountingEvent,
    AuditLog,
    Base,
    ChainHead,
    Company,
    DataAsset,
    Period,
    Pledge,
    utcnow,
)
from register.models import JournalEntry as EntryRow
from register.models import JournalLine as LineRow

GENESIS = "0" * 64


# ---------------------------------------------------------------------------------------------- hashing
def _ts(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def canonical(row: EntryRow, lines: Sequence[LineRow]) -> bytes:
    """The entry as canonical JSON bytes: every stored field (amounts in fen) and its lines in order."""
    record = {
        "seq": row.seq, "company_id": row.company_id, "source_key": row.source_key,
        "engine_entry_id": row.engine_entry_id, "date": row.entry_date.isoformat(), "asset": row.asset_code,
        "event_id": row.event_id, "event_kind": row.event_kind, "entry_type": row.entry_type,
        "description_zh": row.description_zh, "description_en": row.description_en, "rationale": row.rationale,
        "reverses_id": row.reverses_id, "posted_at": _ts(row.posted_at), "posted_by": row.posted_by,
        "lines": [[ln.line_no, ln.account_code, ln.account_zh, ln.account_en, ln.debit_fen, ln.credit_fen,
                   ln.asset_code, ln.movement, ln.memo] for ln in sorted(lines, key=lambda x: x.line_no)],
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def chain_hash(prev_hash: str, row: EntryRow, lines: Sequence[LineRow]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(row, lines)).hexdigest()


# ---------------------------------------------------------------------------------------------- storing books
@dataclass(frozen=True)
class RecordSummary:
    company: str
    assets_created: int
    assets_changed: int
    events_recorded: int
    events_unchanged: int


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def record_books(session: Session, case: BookCase, *, company: str | None = None,
                 recorded_on: date | None = None) -> RecordSummary:
    """Store the case's resources, policy and events for ``company`` (default: the case id).

    Events without ``recorded_on`` are recorded on ``recorded_on`` (default today): that date decides
    whether an event dated in a closed period is a late entry (refused).
    """
    code = company or case.case_id
    _Chain(session, "lock")  # one writer of the books at a time (concurrent records of the same events)
    comp = get_company(session, code, name=case.company or code, create=True)
    policy = case.policy.model_dump(mode="json", exclude={"chart"})
    if comp.accounting_policy != policy:
        comp.accounting_policy = policy
    created = changed = 0
    for res in case.resources:
        facts = res.model_dump(mode="json")
        row = session.scalar(select(DataAsset).where(DataAsset.company_id == comp.id, DataAsset.code == res.asset_id))
        if row is None:
            session.add(DataAsset(company_id=comp.id, code=res.asset_id, name=res.name, attributes={},
                                  accounting_facts=facts, content_hash=_digest(facts)))
            created += 1
        elif row.accounting_facts != facts:
            row.accounting_facts = facts
            changed += 1
    today = recorded_on or date.today()
    existing = {e.event_code: e for e in session.scalars(
        select(AccountingEvent).where(AccountingEvent.company_id == comp.id))}
    new = same = 0
    for i, ev in enumerate(case.events):
        row_ev = insert_event(session, comp, ev, today, where=f"events[{i}]", existing=existing)
        if row_ev is None:
            same += 1
        else:
            existing[row_ev.event_code] = row_ev
            new += 1
    session.flush()
    return RecordSummary(code, created, changed, new, same)


def insert_event(session: Session, comp: Company, ev: Any, today: date, *, where: str,
                 existing: dict[str, AccountingEvent] | None = None) -> AccountingEvent | None:
    """Store one event (None when the same event is already stored; :class:`LedgerConflict` when an event
    of that id is stored with other content — recorded events are never changed)."""
    payload = ev.model_dump(mode="json")
    digest = _digest(payload)
    event_code = ev.event_id or f"auto-{digest[:16]}"
    old = (existing.get(event_code) if existing is not None else session.scalar(
        select(AccountingEvent).where(AccountingEvent.company_id == comp.id,
                                      AccountingEvent.event_code == event_code)))
    if old is not None:
        if old.content_hash != digest:
            raise LedgerConflict(
                f"event {event_code!r} ({where}) is already recorded with other content; recorded "
                f"events are never changed — record a correcting event with a new event_id",
                asset_id=ev.asset_id, field=where)
        return None
    row_ev = AccountingEvent(company_id=comp.id, event_code=event_code, asset_code=ev.asset_id,
                             kind=ev.kind.value, event_date=ev.date, recorded_on=ev.recorded_on or today,
                             payload=payload, content_hash=digest)
    session.add(row_ev)
    return row_ev


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def books_case(session: Session, company: str) -> tuple[BookCase, list[str]]:
    """The company's books as an :class:`accounting.BookCase`, and the late events left out of it.

    An event entered in the register after a period was closed, and dated inside that period, is
    late: it is not booked (listed with the reason) — a correction goes into an open period.
    """
    comp = get_company(session, company)
    resources = [DataResource.model_validate(a.accounting_facts) for a in session.scalars(
        select(DataAsset).where(DataAsset.company_id == comp.id, DataAsset.accounting_facts.is_not(None))
        .order_by(DataAsset.id))]
    if not resources:
        raise NotFound(f"company {company!r} has no data resources on the books")
    closed = closed_periods(session, comp.id)
    events: list[dict[str, Any]] = []
    late: list[str] = []
    for e in session.scalars(select(AccountingEvent).where(AccountingEvent.company_id == comp.id)
                             .order_by(AccountingEvent.id)):
        _check_sealed(e, f"recorded event {e.event_code!r}")
        p = _closed_on(closed, e.event_date)
        if p is not None and p.closed_at is not None and _aware(e.created_at) > _aware(p.closed_at):
            late.append(f"{e.event_code} ({e.asset_code}, {e.kind}): dated {e.event_date} in the period "
                        f"{p.start_date}..{p.end_date} closed at {_ts(p.closed_at)}, recorded later — 期间已结账，"
                        "book it in an open period as a correction")
            continue
        events.append({**e.payload, "event_id": e.event_code, "recorded_on": e.recorded_on.isoformat()})
    events += _register_pledges(session, comp.id, {r.asset_id for r in resources},
                                {str(e.get("event_id")) for e in events})
    policy = Policy.model_validate(comp.accounting_policy or {})
    case = BookCase.model_validate({"case_id": comp.code, "company": comp.name, "resources": resources,
                                    "events": events, "policy": policy})
    return case, late


def _register_pledges(session: Session, company_id: int, on_books: set[str], named: set[str]) -> list[dict[str, Any]]:
    """The pledges a bank recorded in the register on assets on the books, as ``pledge`` events (and their
    release at the loan's last due date), so the disclosures list the asset as restricted (财会〔2023〕11号
    三 (二)) without finance typing the pledge again. A pledge already in the books (same loan) is kept as is."""
    out: list[dict[str, Any]] = []
    rows = session.execute(select(Pledge, DataAsset.code).join(DataAsset, DataAsset.id == Pledge.asset_id)
                           .where(Pledge.company_id == company_id, Pledge.start_date.is_not(None))
                           .order_by(Pledge.id))
    for p, code in rows:
        if code not in on_books or f"PLG-{p.loan_id}" in named or p.start_date is None:
            continue
        out.append({"kind": "pledge", "event_id": f"PLG-{p.loan_id}", "asset_id": code,
                    "date": p.start_date.isoformat(), "pledgee": p.pledgee,
                    "secured_amount": str(from_fen(p.secured_fen)), "registration": p.registration,
                    "memo": f"登记簿质押记录 pledge recorded in the register (loan {p.loan_id})"})
        if p.end_date is not None and f"REL-{p.loan_id}" not in named:
            out.append({"kind": "pledge_release", "event_id": f"REL-{p.loan_id}", "asset_id": code,
                        "date": p.end_date.isoformat(), "memo": f"贷款到期 loan {p.loan_id} ends"})
    return out


def _check_sealed(row: Period | AccountingEvent, what: str) -> None:
    """Refuse to book from a protected row changed outside the register (its row hash no longer matches)."""
    table = row.__tablename__
    ok = row.row_hash is not None and row.row_hash == row_hash(table, {k: getattr(row, k) for k in SEALED[table]})
    if ok and isinstance(row, AccountingEvent):
        ok = row.content_hash == _digest(row.payload)
    if not ok:
        raise LedgerConflict(f"账簿校验失败 verification failed: {what} ({table} row {row.id}) was changed outside "
                             "the register (its row hash no longer matches); nothing was booked — run "
                             "`dataval db verify`")


# ---------------------------------------------------------------------------------------------- periods
def closed_periods(session: Session, company_id: int) -> list[Period]:
    """The company's closed periods; refused when any of its periods was changed outside the register."""
    periods = list(session.scalars(select(Period).where(Period.company_id == company_id)
                                   .order_by(Period.start_date)))
    for p in periods:
        _check_sealed(p, f"period {p.start_date}..{p.end_date}")
    return [p for p in periods if p.status == "closed"]


def _closed_on(periods: Iterable[Period], d: date) -> Period | None:
    return next((p for p in periods if p.start_date <= d <= p.end_date), None)


def close_period(session: Session, company: str, start: date, end: date, *, actor: str) -> Period:
    """Close [start, end] for ``company``: nothing may be posted into it afterwards (never reopened)."""
    if end < start:
        raise PeriodClosed(f"period end {end} is before its start {start}")
    comp = get_company(session, company)
    for p in session.scalars(select(Period).where(Period.company_id == comp.id)):
        if p.start_date <= end and start <= p.end_date and (p.start_date, p.end_date) != (start, end):
            raise PeriodClosed(f"period {start}..{end} overlaps period {p.start_date}..{p.end_date}")
    row = session.scalar(select(Period).where(Period.company_id == comp.id, Period.start_date == start))
    if row is None:
        row = Period(company_id=comp.id, start_date=start, end_date=end, status="open")
        session.add(row)
        session.flush()
    if row.status == "closed":
        raise PeriodClosed(f"period {start}..{end} of {company!r} is already closed")
    row.status, row.closed_at, row.closed_by = "closed", utcnow(), actor
    session.flush()
    return row


# ---------------------------------------------------------------------------------------------- posting
@dataclass(frozen=True)
class PostedEntry:
    """A posted entry as read back (amounts CNY)."""

    seq: int
    date: date
    asset: str
    event_id: str
    entry_type: str
    description_zh: str
    reverses_seq: int | None
    lines: tuple[tuple[str, Decimal, Decimal], ...]  # account, debit, credit
    hash: str


@dataclass
class PostingSummary:
    company: str
    as_of: date
    posted: list[int] = field(default_factory=list)       # seq of new entries
    reversed: list[int] = field(default_factory=list)     # seq of entries cancelled by a reversal
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)     # events the engine refused (nothing posted)
    checks_pass: bool = True


def _content(date_: date, asset: str, event_id: str, event_kind: str | None, entry_type: str, zh: str, en: str,
             rationale: str, lines: Iterable[tuple[Any, ...]]) -> tuple[Any, ...]:
    return (date_, asset, event_id, event_kind, entry_type, zh, en, rationale, tuple(lines))


def _engine_content(e: JournalEntry) -> tuple[Any, ...]:
    return _content(e.date, e.asset_id, e.event_id, e.event_kind.value if e.event_kind else None, e.entry_type.value,
                    e.description_zh, e.description_en, e.rationale,
                    ((ln.account_code, ln.account_zh, ln.account_en, to_fen(ln.debit), to_fen(ln.credit),
                      ln.asset_id, ln.movement.value if ln.movement else None, ln.memo) for ln in e.lines))


def _row_content(r: EntryRow) -> tuple[Any, ...]:
    return _content(r.entry_date, r.asset_code, r.event_id, r.event_kind, r.entry_type, r.description_zh,
                    r.description_en, r.rationale,
                    ((ln.account_code, ln.account_zh, ln.account_en, ln.debit_fen, ln.credit_fen, ln.asset_code,
                      ln.movement, ln.memo) for ln in r.lines))


def _keys(entries: Sequence[JournalEntry]) -> list[str]:
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for e in entries:
        k = (e.asset_id, e.event_id)
        seen[k] += 1
        out.append(f"{e.asset_id}|{e.event_id}|{seen[k]}")
    return out


class _Chain:
    """Appends entries to the chain under the head-row lock (SELECT … FOR UPDATE).

    Taking it serializes posting: on PostgreSQL the lock is held to the end of the transaction; on
    SQLite every transaction already starts with BEGIN IMMEDIATE.
    """

    def __init__(self, session: Session, actor: str) -> None:
        self.s = session
        self.actor = actor
        head = session.scalar(select(ChainHead).where(ChainHead.id == 1).with_for_update())
        if head is None:
            raise NotFound("the register has no ledger chain head (run `dataval db init`)")
        self.head = head

    def append(self, row: EntryRow, lines: list[LineRow]) -> EntryRow:
        row.seq = self.head.last_seq + 1
        row.prev_hash = self.head.last_hash
        row.posted_by = self.actor
        row.posted_at = utcnow().replace(microsecond=0)
        for i, ln in enumerate(lines, start=1):
            ln.line_no = i
        row.hash = chain_hash(row.prev_hash, row, lines)
        self.s.add(row)
        self.s.flush()  # the entry first: its lines may only be added to the last entry (trigger)
        for ln in lines:
            ln.entry_id = row.id
        self.s.add_all(lines)
        self.s.flush()
        self.head.last_seq, self.head.last_hash = row.seq, row.hash
        return row


def _reversal(orig: EntryRow, reason: str, on: date) -> tuple[EntryRow, list[LineRow]]:
    row = EntryRow(company_id=orig.company_id, source_key=f"reversal:{orig.seq}", engine_entry_id="",
                   entry_date=on, asset_code=orig.asset_code, event_id=orig.event_id, event_kind=orig.event_kind,
                   entry_type=orig.entry_type, description_zh=f"冲销第{orig.seq}号凭证：{orig.description_zh}",
                   description_en=f"Reversal of entry #{orig.seq}: {orig.description_en}", rationale=reason,
                   reverses_id=orig.id)
    lines = [LineRow(account_code=ln.account_code, account_zh=ln.account_zh, account_en=ln.account_en,
                     debit_fen=ln.credit_fen, credit_fen=ln.debit_fen, asset_code=ln.asset_code,
                     movement=ln.movement, memo=ln.memo) for ln in orig.lines]
    return row, lines


def _active(session: Session, company_id: int) -> dict[str, EntryRow]:
    rows = list(session.scalars(select(EntryRow).where(EntryRow.company_id == company_id).order_by(EntryRow.seq)))
    reversed_ids = {r.reverses_id for r in rows if r.reverses_id is not None}
    return {r.source_key: r for r in rows if r.reverses_id is None and r.id not in reversed_ids}


def post(session: Session, company: str, as_of: date, *, chart: ChartOfAccounts, actor: str) -> PostingSummary:
    """Book the company's events to ``as_of`` and post what is not posted yet (see the module doc)."""
    chain = _Chain(session, actor)  # lock first: the plan below must see every entry already posted
    comp = get_company(session, company)
    case, late = books_case(session, company)
    result: BookResult = book(case, as_of, chart=chart, on_error="collect")
    summary = PostingSummary(company, as_of, rejected=late + [f"{r.event_id} ({r.asset_id}, {r.kind}): {r.message}"
                                                              for r in result.rejected],
                             checks_pass=result.all_checks_pass)
    entries = [e for e in result.journal if e.date <= as_of]
    keys = _keys(entries)
    active = _active(session, comp.id)
    closed = closed_periods(session, comp.id)
    to_reverse: list[EntryRow] = []
    to_post: list[tuple[str, JournalEntry]] = []
    for key, e in zip(keys, entries, strict=True):
        old = active.get(key)
        if old is not None and _row_content(old) == _engine_content(e):
            summary.unchanged += 1
            continue
        if old is not None:
            to_reverse.append(old)
        to_post.append((key, e))
    wanted = set(keys)
    to_reverse += [r for k, r in active.items() if k not in wanted and r.entry_date <= as_of]
    blocked = [f"#{r.seq} {r.entry_date} (reversal needed: the engine now books it differently)"
               for r in to_reverse if _closed_on(closed, r.entry_date)]
    blocked += [f"{e.entry_id} {e.date} {e.description_en}" for _, e in to_post if _closed_on(closed, e.date)]
    if blocked:
        raise PeriodClosed(f"{company}: {len(blocked)} entr(y/ies) fall in a closed period; nothing was posted: "
                           + "; ".join(blocked[:10]))
    for old in to_reverse:
        row, lines = _reversal(old, "engine rebooked the event (back-dated change in an open period)", old.entry_date)
        chain.append(row, lines)
        summary.reversed.append(old.seq)
    for key, e in to_post:
        row = EntryRow(company_id=comp.id, source_key=key, engine_entry_id=e.entry_id, entry_date=e.date,
                       asset_code=e.asset_id, event_id=e.event_id,
                       event_kind=e.event_kind.value if e.event_kind else None, entry_type=e.entry_type.value,
                       description_zh=e.description_zh, description_en=e.description_en, rationale=e.rationale)
        lines = [LineRow(account_code=ln.account_code, account_zh=ln.account_zh, account_en=ln.account_en,
                         debit_fen=to_fen(ln.debit), credit_fen=to_fen(ln.credit), asset_code=ln.asset_id,
                         movement=ln.movement.value if ln.movement else None, memo=ln.memo) for ln in e.lines]
        summary.posted.append(chain.append(row, lines).seq)
    return summary


def reverse_entry(session: Session, seq: int, *, on: date, reason: str, actor: str) -> int:
    """Cancel posted entry ``seq`` by a reversal dated ``on`` (in an open period); returns its seq."""
    orig = session.scalar(select(EntryRow).where(EntryRow.seq == seq))
    if orig is None:
        raise NotFound(f"no posted entry #{seq}")
    if orig.reverses_id is not None:
        raise LedgerConflict(f"entry #{seq} is itself a reversal")
    if session.scalar(select(EntryRow.seq).where(EntryRow.reverses_id == orig.id)) is not None:
        raise LedgerConflict(f"entry #{seq} is already reversed")
    if not reason.strip():
        raise LedgerConflict("a reversal needs a reason")
    p = _closed_on(closed_periods(session, orig.company_id), on)
    if p is not None:
        raise PeriodClosed(f"reversal dated {on} falls in the closed period {p.start_date}..{p.end_date}")
    row, lines = _reversal(orig, reason, on)
    return _Chain(session, actor).append(row, lines).seq


def posted_entries(session: Session, company: str) -> list[PostedEntry]:
    comp = get_company(session, company)
    rows = session.scalars(select(EntryRow).where(EntryRow.company_id == comp.id).order_by(EntryRow.seq))
    by_id = {r.id: r.seq for r in session.scalars(select(EntryRow).where(EntryRow.company_id == comp.id))}
    return [PostedEntry(r.seq, r.entry_date, r.asset_code, r.event_id, r.entry_type, r.description_zh,
                        by_id.get(r.reverses_id) if r.reverses_id else None,
                        tuple((ln.account_code, from_fen(ln.debit_fen), from_fen(ln.credit_fen)) for ln in r.lines),
                        r.hash) for r in rows]


def balances(session: Session, company: str, *, through: date | None = None) -> dict[str, Decimal]:
    """Debit-positive balance (CNY) of each account from the posted entries dated ≤ ``through``."""
    comp = get_company(session, company)
    q = (select(LineRow.account_code, func.sum(LineRow.debit_fen - LineRow.credit_fen))
         .join(EntryRow, EntryRow.id == LineRow.entry_id).where(EntryRow.company_id == comp.id)
         .group_by(LineRow.account_code))
    if through is not None:
        q = q.where(EntryRow.entry_date <= through)
    return {code: from_fen(int(total)) for code, total in session.execute(q)}


# ---------------------------------------------------------------------------------------------- verify
@dataclass(frozen=True)
class Problem:
    """One finding of :func:`verify`: ``seq`` for a journal entry, else ``table`` and ``row`` (its id)."""

    seq: int | None
    kind: str
    message: str
    table: str = "journal_entries"
    row: str | None = None

    @property
    def where(self) -> str:
        if self.table == "journal_entries":
            return f"#{self.seq}" if self.seq else "-"
        return f"{self.table} row {self.row}" if self.row else self.table


@dataclass
class VerifyReport:
    entries: int = 0
    head_hash: str = GENESIS
    problems: list[Problem] = field(default_factory=list)
    periods: int = 0
    events: int = 0
    audit_rows: int = 0
    audit_head_hash: str = AUDIT_GENESIS

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_tables(session: Session) -> None:
    """Refuse to verify a register whose tables are missing (dropped): nothing could be trusted."""
    present = set(inspect(session.connection()).get_table_names())
    missing = sorted(set(Base.metadata.tables) - present)
    if missing:
        raise RegisterError(f"账簿校验失败 verification failed: the register is damaged — table(s) "
                            f"{', '.join(missing)} missing; restore it from a backup (`dataval db restore`)")


def verify(session: Session, *, expect_head: str | None = None, expect_audit_head: str | None = None,
           batch: int = 2000) -> VerifyReport:
    """Recompute the hash chain over every posted entry and report each break; then the audit log, periods
    and recorded events (:func:`verify_history`).

    Found: an entry whose stored content no longer gives its hash (edited), an entry whose prev_hash
    is not the previous entry's hash (inserted, removed or re-ordered), a gap in ``seq`` (deleted),
    an entry that does not balance, a chain head that does not match the last entry (tail removed),
    and, with ``expect_head``, a chain rewritten from the start.
    """
    _check_tables(session)
    rep = VerifyReport()
    prev = GENESIS
    expected_seq = 1
    lines_by: dict[int, list[LineRow]] = defaultdict(list)
    while True:
        rows = list(session.scalars(select(EntryRow).where(EntryRow.seq >= expected_seq).order_by(EntryRow.seq)
                                    .limit(batch).execution_options(populate_existing=True)))
        if not rows:
            break
        lines_by.clear()
        ids = [r.id for r in rows]
        for ln in session.scalars(select(LineRow).where(LineRow.entry_id.in_(ids))):
            lines_by[ln.entry_id].append(ln)
        for r in rows:
            rep.entries += 1
            if r.seq != expected_seq:
                rep.problems.append(Problem(r.seq, "missing", f"entries #{expected_seq}..#{r.seq - 1} are missing "
                                            "(deleted from the ledger)"))
            lines = lines_by.get(r.id, [])
            computed = chain_hash(r.prev_hash, r, lines)
            if r.prev_hash != prev:
                rep.problems.append(Problem(r.seq, "broken link", f"entry #{r.seq} does not follow the entry "
                                            "before it (prev_hash differs): entries were removed, inserted or "
                                            "re-ordered"))
            if computed != r.hash:
                rep.problems.append(Problem(r.seq, "altered", f"entry #{r.seq} ({r.entry_date}, {r.asset_code}) was "
                                            "changed after posting: its content no longer matches its hash"))
            debit = sum(ln.debit_fen for ln in lines)
            credit = sum(ln.credit_fen for ln in lines)
            if len(lines) < 2 or debit != credit:
                rep.problems.append(Problem(r.seq, "unbalanced", f"entry #{r.seq}: {len(lines)} line(s), debits "
                                            f"{from_fen(debit)} ≠ credits {from_fen(credit)}"
                                            if debit != credit else f"entry #{r.seq} has fewer than 2 lines"))
            prev = r.hash
            expected_seq = r.seq + 1
        session.expunge_all()
    rep.head_hash = prev
    head = session.scalar(select(ChainHead).where(ChainHead.id == 1).execution_options(populate_existing=True))
    if head is None:
        rep.problems.append(Problem(None, "no head", "the chain head row is missing"))
    elif (head.last_seq, head.last_hash) != (expected_seq - 1, prev):
        rep.problems.append(Problem(None, "head mismatch", f"the chain head says #{head.last_seq} but the ledger "
                                    f"ends at #{expected_seq - 1}: entries at the end were removed or altered"))
    if expect_head is not None and expect_head != prev:
        rep.problems.append(Problem(None, "anchor mismatch", f"the chain ends in {prev[:16]}… but the anchored "
                                    f"head is {expect_head[:16]}…: the ledger was rewritten"))
    verify_history(session, rep, head, expect_audit_head=expect_audit_head, batch=batch)
    return rep


def _short(value: Any, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[:width - 1] + "…"


def _flat(value: Any, prefix: str) -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}"))
        return out or {prefix: value}
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out.update(_flat(v, f"{prefix}[{i}]"))
        return out or {prefix: value}
    return {prefix: value}


def _diff(table: str, was: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Field by field (into JSON payloads): ``field: audit value → stored value``."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    for k in SEALED[table]:
        a.update(_flat(was.get(k), k))
        b.update(_flat(now.get(k), k))
    return [f"{k}: {_short(a.get(k))} → {_short(b.get(k))}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def verify_history(session: Session, rep: VerifyReport, head: ChainHead | None, *,
                   expect_audit_head: str | None = None, batch: int = 2000) -> None:
    """The audit log's hash chain; every period and recorded event against its row hash and its audit trail.

    A protected row is reported when its stored content no longer gives its ``row_hash`` (edited with the
    triggers dropped), when it differs from the audit log's last record of it (edited and re-hashed),
    when it has no audit record (written around the register), or when the audit log has it and the
    table does not (deleted). An audit row is reported when its content no longer gives its hash, when
    it does not follow the row before it, and when the log does not end at the chain head.
    """
    log = AuditLog.__table__
    prev, last_id = AUDIT_GENESIS, 0
    trail: dict[tuple[str, str], tuple[int, dict[str, Any] | None]] = {}
    while True:
        rows = session.execute(select(log).where(log.c.id > last_id).order_by(log.c.id).limit(batch)).mappings().all()
        if not rows:
            break
        for r in rows:
            rep.audit_rows += 1
            rid = str(r["id"])
            what = f"audit row {rid} ({r['action']} {r['table_name']} row {r['row_id']} by {r['actor']})"
            if r["hash"] is None:
                rep.problems.append(Problem(None, "unsealed", f"{what} has no hash: it was written around the "
                                            "register", "audit_log", rid))
            else:
                if r["prev_hash"] != prev:
                    rep.problems.append(Problem(None, "broken link", f"{what} does not follow the audit row before "
                                                "it (prev_hash differs): audit rows were removed, inserted or "
                                                "re-ordered", "audit_log", rid))
                if audit_hash(r["prev_hash"] or "", r, as_read=True) != r["hash"]:
                    rep.problems.append(Problem(None, "altered", f"{what} was changed after it was written: its "
                                                "content no longer matches its hash", "audit_log", rid))
                prev = r["hash"]
            last_id = int(r["id"])
            if r["table_name"] in SEALED:
                trail[(r["table_name"], r["row_id"])] = (last_id, None if r["action"] == "delete" else r["after"])
    rep.audit_head_hash = prev
    if head is not None and (head.audit_last_id, head.audit_last_hash) != (last_id, prev):
        rep.problems.append(Problem(None, "head mismatch", f"the audit chain head says row {head.audit_last_id} "
                                    f"but the audit log ends at row {last_id}: audit rows were removed, added or "
                                    "altered at the end", "audit_log", str(head.audit_last_id)))
    if expect_audit_head is not None and expect_audit_head != prev:
        rep.problems.append(Problem(None, "anchor mismatch", f"the audit log ends in {prev[:16]}… but the "
                                    f"anchored head is {expect_audit_head[:16]}…: the audit log was rewritten",
                                    "audit_log"))
    for model in (Period, AccountingEvent):
        table = model.__tablename__
        seen: set[str] = set()
        for row in session.execute(select(model.__table__).order_by(model.__table__.c.id)).mappings():
            rid = str(row["id"])
            seen.add(rid)
            if model is Period:
                rep.periods += 1
                what = f"period {row['start_date']}..{row['end_date']} (company {row['company_id']})"
            else:
                rep.events += 1
                what = f"event {row['event_code']} ({row['asset_code']}, {row['kind']})"
            now = sealed_values(table, row)
            computed = row_hash(table, row)
            notes: list[str] = []
            if row["row_hash"] is None:
                notes.append("it carries no row hash")
            elif row["row_hash"] != computed:
                notes.append("its content no longer matches its row hash")
            if model is AccountingEvent and row["content_hash"] != _digest(row["payload"]):
                notes.append("its payload no longer matches its content hash")
            audit = trail.get((table, rid))
            if audit is None:
                notes.append("the audit log has no record of it (written around the register)")
            elif audit[1] is None:
                notes.append(f"the audit log records it deleted (audit row {audit[0]})")
            elif row_hash(table, audit[1]) != computed:
                diff = _diff(table, sealed_values(table, audit[1]), now)
                notes.append(f"it differs from the audit log's last record of it (audit row {audit[0]}): "
                             + "; ".join(diff))
            if notes:
                rep.problems.append(Problem(None, "altered", f"{table} row {rid}, {what}, was changed outside the "
                                            f"register: {'; '.join(notes)}", table, rid))
        for (t, rid), (audit_id, after) in sorted(trail.items()):
            if t == table and after is not None and rid not in seen:
                rep.problems.append(Problem(None, "missing", f"{table} row {rid} was deleted: the audit log "
                                            f"records it (audit row {audit_id}) but the table no longer has it",
                                            table, rid))


def companies(session: Session) -> list[Company]:
    return list(session.scalars(select(Company).order_by(Company.code)))
