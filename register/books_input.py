"""What finance enters for the books, one asset and one event at a time (the dashboard's forms).

- :func:`save_facts` keeps an asset's accounting facts (``accounting.DataResource``) on its register
  row; the audit log records before and after.
- :func:`record_event` appends one lifecycle event, validated with the company's other events as one
  ``accounting.BookCase`` (the same rules as a books file). Recorded events are never edited:
  :func:`reverse_event` records an ``event_reversal`` that cancels one (财会〔2023〕11号 and CAS 28:
  a correction is a new entry, never an erasure); the next posting reverses the entries it had made.
- :func:`attach_fact_evidence` keeps an evidence file for a fact (control, a criterion, rights, renewal).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accounting import BookCase, DataResource, Event
from accounting.events import EventReversal
from base.messages import invalid
from register.assets import MAX_EVIDENCE_BYTES, get_asset, get_company
from register.errors import NotFound, RegisterError
from register.ledger import books_case, insert_event
from register.models import AccountingEvent, DataAsset, FactEvidence


@dataclass(frozen=True)
class RecordedEvent:
    """A recorded event as listed: its code, asset, kind, dates, content and what cancelled it."""

    code: str
    asset: str
    kind: str
    date: dt.date
    recorded_on: dt.date
    payload: dict[str, Any]
    reversed_by: str | None


def asset_facts(session: Session, company: str, code: str) -> DataResource | None:
    """The asset's accounting facts, or None when none were entered yet."""
    row = get_asset(session, company, code)
    return None if row.accounting_facts is None else DataResource.model_validate(row.accounting_facts)


def save_facts(session: Session, company: str, facts: DataResource) -> DataAsset:
    """Keep ``facts`` on the register asset of the same code (which must exist)."""
    row = get_asset(session, company, facts.asset_id)
    data = facts.model_dump(mode="json")
    if row.accounting_facts != data:
        row.accounting_facts = data
        session.flush()
    return row


def _next_code(session: Session, company_id: int) -> str:
    n = session.scalar(select(func.count()).select_from(AccountingEvent)
                       .where(AccountingEvent.company_id == company_id)) or 0
    while True:
        n += 1
        code = f"EV-{n:05d}"
        if session.scalar(select(AccountingEvent.id).where(AccountingEvent.company_id == company_id,
                                                           AccountingEvent.event_code == code)) is None:
            return code


def with_event(session: Session, company: str, event: Event) -> tuple[BookCase, Event]:
    """The company's books with ``event`` added (named ``EV-nnnnn`` when it has no id), validated as one case.

    Raises :class:`RegisterError` naming the asset and field when the event breaks a rule of the case.
    """
    comp = get_company(session, company)
    row = get_asset(session, company, event.asset_id)
    if row.accounting_facts is None:
        raise RegisterError(f"资产 {event.asset_id} 尚未填写入表事实，不能记录事项 — enter the asset's accounting "
                            "facts first", asset_id=event.asset_id, field="asset_id")
    code = event.event_id or _next_code(session, comp.id)
    ev = event.model_copy(update={"event_id": code})
    case, _late = books_case(session, company)
    try:
        new = BookCase.model_validate({**case.model_dump(exclude={"events"}),
                                       "events": [*(e.model_dump() for e in case.events), ev.model_dump()]})
    except ValidationError as exc:
        raise invalid(exc, f"{event.asset_id} 事项 event {code}") from None
    return new, ev


def record_event(session: Session, company: str, event: Event, *, recorded_on: date | None = None) -> str:
    """Append ``event`` to the company's books; returns its event code."""
    _case, ev = with_event(session, company, event)
    insert_event(session, get_company(session, company), ev, recorded_on or date.today(), where="event")
    session.flush()
    return ev.event_id


def same_events_in_force(session: Session, company: str, event: Event) -> list[str]:
    """Codes of the recorded events in force (not reversed) that say what ``event`` says: same asset,
    kind and figures (600000 and 600,000.00 alike), whatever their code and recording day. Saving
    ``event`` again would book it twice."""
    def content(ev: Event) -> Event:
        return ev.model_copy(update={"event_id": None, "recorded_on": None})

    def says(payload: dict[str, Any]) -> bool:
        try:
            return content(type(event).model_validate(payload)) == wanted
        except ValidationError:  # recorded under another form of the event: not the same words
            return False

    wanted = content(event)
    return [e.code for e in recorded_events(session, company, event.asset_id)
            if e.kind == event.kind.value and not e.reversed_by and says(e.payload)]


def reverse_event(session: Session, company: str, code: str, *, on: date, reason: str) -> str:
    """Cancel recorded event ``code`` by an ``event_reversal`` dated ``on``; returns the reversal's code."""
    comp = get_company(session, company)
    row = session.scalar(select(AccountingEvent).where(AccountingEvent.company_id == comp.id,
                                                       AccountingEvent.event_code == code))
    if row is None:
        raise NotFound(f"公司 {company} 没有事项 {code} — no recorded event {code!r}")
    if not reason.strip():
        raise RegisterError("冲销需要说明原因 — a reversal needs a reason", asset_id=row.asset_code, field="reason")
    rev = EventReversal(asset_id=row.asset_code, date=on, reverses=code, reason=reason.strip())
    return record_event(session, company, rev)


def recorded_events(session: Session, company: str, asset: str | None = None) -> list[RecordedEvent]:
    """The company's recorded events in the order entered (of one asset when ``asset`` is given)."""
    comp = get_company(session, company)
    q = select(AccountingEvent).where(AccountingEvent.company_id == comp.id).order_by(AccountingEvent.id)
    rows = list(session.scalars(q))
    cancelled = {r.payload.get("reverses"): r.event_code for r in rows if r.kind == "event_reversal"}
    return [RecordedEvent(r.event_code, r.asset_code, r.kind, r.event_date, r.recorded_on, dict(r.payload),
                          cancelled.get(r.event_code)) for r in rows if asset is None or r.asset_code == asset]


def attach_fact_evidence(session: Session, company: str, code: str, topic: str, name: str,
                         content: bytes) -> FactEvidence:
    """Keep an evidence file (≤ 50 MB, with its SHA-256) for the fact ``topic`` of asset ``code``."""
    row = get_asset(session, company, code)
    if len(content) > MAX_EVIDENCE_BYTES:
        raise RegisterError(f"{name} 超过 {MAX_EVIDENCE_BYTES // 2**20} MB — evidence files are limited to "
                            f"{MAX_EVIDENCE_BYTES // 2**20} MB", asset_id=code, field=topic)
    if not topic.strip():
        raise RegisterError("证据需要对应的事实 — evidence needs the fact it supports", asset_id=code, field="topic")
    ev = FactEvidence(asset_id=row.id, topic=topic, file_name=name.rsplit("/", 1)[-1][:255] or "evidence",
                      sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content), content=content)
    session.add(ev)
    session.flush()
    return ev


def fact_evidence(session: Session, company: str, code: str) -> list[tuple[str, str, str, int]]:
    """The asset's fact evidence: (topic, file name, SHA-256, bytes) in the order added."""
    row = get_asset(session, company, code)
    return [(e.topic, e.file_name, e.sha256, e.size_bytes) for e in session.scalars(
        select(FactEvidence).where(FactEvidence.asset_id == row.id).order_by(FactEvidence.id))]
