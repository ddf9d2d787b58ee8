"""Valuation runs and pledges in the register: what was concluded, from which inputs, by which engine.

:func:`store_case_result` keeps the engagement (the validated case as canonical JSON and its
SHA-256 fingerprint) and, per asset, the concluded value and its P5/P95 in fen, the value of each
method, the engine version, seed and number of draws, and the full result with every explanation.
Storing the same run twice adds nothing; an engagement id is never taken over by other inputs (the
save is refused, naming a free id: :func:`free_case_id`), so a stored — perhaps pledged — valuation
never disappears behind a later one. Read back: the engagements of a company, the validated case of
an engagement, the latest results, one stored valuation, and a stored run as a ``CaseResult`` — as
stored, never recomputed. (A new engagement from register assets is written by
``bridges.register_case.cost_case_dict``.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from base.money import from_fen, to_fen
from register.assets import get_asset, get_company
from register.errors import LedgerConflict, NotFound, RegisterError
from register.models import Company, DataAsset, Engagement, Pledge, ValuationResult

if TYPE_CHECKING:
    from valuation.case import ValuationCase
    from valuation.engine import AssetValuation, CaseResult


@dataclass(frozen=True)
class EngagementInfo:
    id: int
    case_id: str
    valuation_date: date
    purpose: str


@dataclass(frozen=True)
class ValuationInfo:
    id: int
    asset_code: str
    asset_name: str
    case_id: str
    valuation_date: date
    value: Decimal  # CNY
    p5: Decimal | None
    p95: Decimal | None


def _fen(x: float | None) -> int | None:
    return None if x is None else to_fen(Decimal(repr(float(x))))


def free_case_id(session: Session, company: str, base: str) -> str:
    """``base`` when the company has no engagement of that id, else the first free ``base-2``, ``base-3`` …"""
    comp = session.scalar(select(Company).where(Company.code == company))
    if comp is None:
        return base
    taken = set(session.scalars(select(Engagement.case_id).where(Engagement.company_id == comp.id,
                                                                 Engagement.case_id.startswith(base, autoescape=True))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def store_case_result(session: Session, case: Any, result: Any, *, company: str) -> list[int]:
    """Store a :class:`valuation.engine.CaseResult` of ``case``; returns the ids of new result rows.

    An engagement of the same id with other inputs (another fingerprint) is never replaced: the save is
    refused (:class:`RegisterError` naming a free id), so its stored results stay what they were.
    """
    comp = get_company(session, company, name=case.engagement.client, create=True)
    eng_row = session.scalar(select(Engagement).where(Engagement.company_id == comp.id,
                                                      Engagement.case_id == case.engagement.case_id))
    inputs = case.model_dump(mode="json")
    if eng_row is None:
        e = case.engagement
        eng_row = Engagement(company_id=comp.id, case_id=e.case_id, purpose=e.purpose.value,
                             value_type=e.value_type.value, valuation_date=e.valuation_date, appraiser=e.appraiser,
                             inputs=inputs, inputs_fingerprint=result.inputs_fingerprint)
        session.add(eng_row)
        session.flush()
    elif eng_row.inputs_fingerprint != result.inputs_fingerprint:
        free = free_case_id(session, company, e_id := case.engagement.case_id)
        raise RegisterError(f"委托编号 {e_id} 已被另一组输入使用，未保存（已保存的结论不会被替换）；请改用新的委托编号"
                            f"（如 {free}）重新估值后保存 — engagement id {e_id} is already used by other inputs; "
                            f"nothing was saved (its stored conclusions are kept). Choose a new id (e.g. {free}), "
                            "run the valuation again and save", field="case_id")
    new: list[int] = []
    for av in result.valuations:
        aid = av.asset.asset_id
        asset = session.scalar(select(DataAsset).where(DataAsset.company_id == comp.id, DataAsset.code == aid))
        if asset is None:
            asset = DataAsset(company_id=comp.id, code=aid, name=av.asset.name, field=av.asset.field,
                              region=av.asset.region, source=av.asset.source.value,
                              rights=";".join(r.value for r in av.asset.rights), records=av.asset.records,
                              rights_term_end=av.asset.rights_term_end, attributes=av.asset.model_dump(mode="json"),
                              content_hash="")
            session.add(asset)
            session.flush()
        same = session.scalar(select(ValuationResult.id).where(
            ValuationResult.engagement_id == eng_row.id, ValuationResult.asset_id == asset.id,
            ValuationResult.inputs_fingerprint == result.inputs_fingerprint,
            ValuationResult.engine_version == result.engine_version, ValuationResult.seed == result.seed,
            ValuationResult.n_draws == result.n_draws))
        if same is not None:
            continue
        c = av.conclusion
        rng = c.value_range
        row = ValuationResult(
            engagement_id=eng_row.id, asset_id=asset.id, engine_version=result.engine_version,
            inputs_fingerprint=result.inputs_fingerprint, seed=result.seed, n_draws=result.n_draws,
            value_fen=_fen(c.value), p5_fen=_fen(rng.p5) if rng else None, p95_fen=_fen(rng.p95) if rng else None,
            method_values_fen={m.method.value: _fen(m.value) for m in av.method_results()},
            result=av.model_dump(mode="json"))
        session.add(row)
        session.flush()
        new.append(row.id)
    return new


def record_pledge(session: Session, company: str, asset_code: str, *, loan_id: str, pledgee: str,
                  secured_amount: Decimal | str, start: date | None = None, end: date | None = None,
                  registration: str = "", assessment: dict[str, Any] | None = None) -> Pledge:
    """Record a pledge of an asset (refused when the asset already has an active pledge: no second pledge)."""
    comp = get_company(session, company)
    asset = get_asset(session, company, asset_code)
    active = session.scalar(select(Pledge).where(Pledge.asset_id == asset.id, Pledge.status == "active"))
    if active is not None and active.loan_id != loan_id:
        raise LedgerConflict(f"asset {asset_code} is already pledged to {active.pledgee} (loan {active.loan_id}); "
                       "a second pledge is refused", asset_id=asset_code)
    row = session.scalar(select(Pledge).where(Pledge.company_id == comp.id, Pledge.loan_id == loan_id))
    if row is None:
        row = Pledge(company_id=comp.id, asset_id=asset.id, loan_id=loan_id, pledgee=pledgee,
                     secured_fen=to_fen(secured_amount), start_date=start, end_date=end, registration=registration,
                     status="active", assessment=assessment)
        session.add(row)
        session.flush()
    return row


# ---------------------------------------------------------------------------------------------- reads
def engagements(session: Session, company: str, *, with_results: bool = False) -> list[EngagementInfo]:
    """The company's engagements by case id; with ``with_results``, only those with a stored valuation."""
    comp = get_company(session, company)
    q = (select(Engagement.id, Engagement.case_id, Engagement.valuation_date, Engagement.purpose)
         .where(Engagement.company_id == comp.id))
    if with_results:
        q = q.where(Engagement.id.in_(select(ValuationResult.engagement_id)))
    return [EngagementInfo(r.id, r.case_id, r.valuation_date, r.purpose)
            for r in session.execute(q.order_by(Engagement.case_id))]


def _engagement(session: Session, engagement_id: int) -> Engagement:
    row = session.get(Engagement, engagement_id)
    if row is None:
        raise NotFound(f"no engagement {engagement_id}")
    return row


def engagement_case(session: Session, engagement_id: int) -> ValuationCase:
    """The validated case stored with an engagement (``Engagement.inputs``, canonical JSON)."""
    from valuation.case import ValuationCase  # the valuation engine loads scipy and statsmodels (seconds)

    return ValuationCase.model_validate(_engagement(session, engagement_id).inputs)


def latest_results(session: Session, company: str, limit: int = 200) -> list[ValuationInfo]:
    """The company's stored valuation results, newest first (at most ``limit``)."""
    comp = get_company(session, company)
    q = (select(ValuationResult.id, DataAsset.code, DataAsset.name, Engagement.case_id, Engagement.valuation_date,
                ValuationResult.value_fen, ValuationResult.p5_fen, ValuationResult.p95_fen)
         .join(DataAsset, DataAsset.id == ValuationResult.asset_id)
         .join(Engagement, Engagement.id == ValuationResult.engagement_id)
         .where(Engagement.company_id == comp.id).order_by(ValuationResult.id.desc()).limit(limit))
    return [ValuationInfo(r.id, r.code, r.name, r.case_id, r.valuation_date, from_fen(r.value_fen),
                          None if r.p5_fen is None else from_fen(r.p5_fen),
                          None if r.p95_fen is None else from_fen(r.p95_fen)) for r in session.execute(q)]


def stored_valuation(session: Session, result_id: int) -> tuple[AssetValuation, date]:
    """A stored valuation (``valuation.engine.AssetValuation``) and its engagement's valuation date."""
    from valuation.engine import AssetValuation  # the valuation engine loads scipy and statsmodels (seconds)

    row = session.get(ValuationResult, result_id)
    if row is None:
        raise NotFound(f"no valuation result {result_id}")
    eng = session.get(Engagement, row.engagement_id)
    assert eng is not None
    return AssetValuation.model_validate(row.result), eng.valuation_date


def stored_case_result(session: Session, engagement_id: int) -> tuple[ValuationCase, CaseResult]:
    """The engagement's case and its stored run as a ``CaseResult`` (the latest result of each asset for
    the engagement's current inputs), read back, not recomputed."""
    from valuation.case import ValuationCase  # the valuation engine loads scipy and statsmodels (seconds)
    from valuation.engine import AssetValuation, CaseResult

    eng = _engagement(session, engagement_id)
    case = ValuationCase.model_validate(eng.inputs)
    rows = list(session.scalars(select(ValuationResult).where(
        ValuationResult.engagement_id == engagement_id, ValuationResult.inputs_fingerprint == eng.inputs_fingerprint)
        .order_by(ValuationResult.id)))
    if not rows:
        raise NotFound(f"engagement {eng.case_id} has no stored valuation of its current inputs: run and save it "
                       "on the valuation page")
    latest = {r.asset_id: r for r in rows}
    first = rows[-1]
    result = CaseResult(engagement=case.engagement,
                        valuations=tuple(AssetValuation.model_validate(r.result) for r in latest.values()),
                        engine_version=first.engine_version, inputs_fingerprint=first.inputs_fingerprint,
                        seed=first.seed, n_draws=first.n_draws)
    return case, result
