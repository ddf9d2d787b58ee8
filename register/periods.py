"""A company's accounting periods as plain values: the list, and closing one (:mod:`register.ledger`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from register.assets import get_company
from register.ledger import close_period
from register.models import Period


@dataclass(frozen=True)
class PeriodInfo:
    start: date
    end: date
    status: str
    closed_by: str | None


def _info(p: Period) -> PeriodInfo:
    return PeriodInfo(p.start_date, p.end_date, p.status, p.closed_by)


def list_periods(session: Session, company: str) -> list[PeriodInfo]:
    """The company's periods as the register holds them, by start date."""
    comp = get_company(session, company)
    return [_info(p) for p in session.scalars(select(Period).where(Period.company_id == comp.id)
                                               .order_by(Period.start_date))]


def close(session: Session, company: str, start: date, end: date, *, actor: str) -> PeriodInfo:
    """Close [start, end] (:func:`register.ledger.close_period`): nothing may be posted into it afterwards."""
    return _info(close_period(session, company, start, end, actor=actor))
