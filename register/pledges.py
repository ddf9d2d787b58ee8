"""Pledges of data assets as the bank sees them: what an asset is already pledged for, the pledge of an
assessed loan (:func:`register.valuations.record_pledge`: no second pledge of an asset), and the recorded
pledges with the case and assessment kept with each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from register.assets import get_asset, get_company
from register.errors import NotFound
from register.models import DataAsset, Pledge
from register.valuations import record_pledge

if TYPE_CHECKING:
    from pledge import PledgeAssessment, PledgeCase


@dataclass(frozen=True)
class Holding:
    """What the register knows of an asset a bank is asked to take as collateral."""

    company_name: str
    existing_pledges: list[str]  # registration number (or loan id) of each active pledge


@dataclass(frozen=True)
class PledgeInfo:
    id: int
    loan_id: str
    pledgee: str
    status: str
    asset_code: str


def holding(session: Session, company: str, asset_code: str) -> Holding:
    """The company holding the asset, and the asset's active pledges."""
    asset = get_asset(session, company, asset_code)
    pledges = [p.registration or p.loan_id for p in session.scalars(
        select(Pledge).where(Pledge.asset_id == asset.id, Pledge.status == "active"))]
    return Holding(asset.company.name, pledges)


def record_assessment(session: Session, company: str, case: Any, result: Any) -> int:
    """Record the pledge of an assessed loan (``pledge.PledgeCase`` and its ``PledgeAssessment``): the term
    sheet's loan, lender, amount and drawdown, the loan's last due date, the pledge registration number;
    the case and the assessment are kept with it. A second pledge of the same asset is refused."""
    ts = case.term_sheet
    end = result.schedule.rows[-1].due_date if result.schedule.rows else None  # the loan's last due date
    row = record_pledge(session, company, case.collateral.asset_id, loan_id=ts.loan_id, pledgee=ts.lender,
                        secured_amount=str(ts.amount), start=ts.drawdown_date, end=end,
                        registration=case.registration.pledge_registration_number or "",
                        assessment={"case": case.model_dump(mode="json"), "assessment": result.model_dump(mode="json")})
    return int(row.id)


def recorded_pledges(session: Session, company: str) -> list[PledgeInfo]:
    """The company's recorded pledges that keep their assessment, in the order recorded."""
    comp = get_company(session, company)
    rows = session.execute(select(Pledge.id, Pledge.loan_id, Pledge.pledgee, Pledge.status, DataAsset.code)
                           .join(DataAsset, DataAsset.id == Pledge.asset_id)
                           .where(Pledge.company_id == comp.id, Pledge.assessment.is_not(None)).order_by(Pledge.id))
    return [PledgeInfo(r.id, r.loan_id, r.pledgee, r.status, r.code) for r in rows]


def pledge_record(session: Session, pledge_id: int) -> tuple[PledgeCase, PledgeAssessment]:
    """The (PledgeCase, PledgeAssessment) kept with a recorded pledge."""
    from pledge import PledgeAssessment, PledgeCase  # pledge loads scipy (about a second)

    row = session.get(Pledge, pledge_id)
    if row is None or not row.assessment or "case" not in row.assessment:
        raise NotFound(f"pledge {pledge_id} has no assessment kept with it")
    return (PledgeCase.model_validate(row.assessment["case"]),
            PledgeAssessment.model_validate(row.assessment["assessment"]))
