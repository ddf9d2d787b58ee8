"""Register → valuation: a new engagement of register assets, written as a case for the engine.

The register keeps each asset's facts (name, field, region, rights, source, records, rights term,
quality scores) and its cost lines with their evidence; an appraiser who values them by the cost method
should not type them again. :func:`cost_case_dict` writes the case dict; the engine validates it like
any case file, so the register's facts meet the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from base import DEFAULT_SEED
from register.assets import asset_detail
from register.models import Company, ValuationResult
from register.valuations import engagement_case, stored_valuation
from valuation.engine import AssetValuation
from valuation.models import Engagement


def cost_case_dict(session: Session, company: str, codes: Sequence[str], *, case_id: str, valuation_date: date,
                   purpose: str, value_type: str, delta: dict[str, Any], appraiser: str, seed: int = DEFAULT_SEED,
                   n_draws: int = 1000) -> dict[str, Any]:
    """A cost-method engagement of register assets, as a case dict for the engine to validate.

    The asset comes from the register (code, name, field, region, rights, source, records, term, and the
    quality scores kept with it); its cost lines are the register's cost lines; δ is the appraiser's
    choice (``delta``: basis and, for life, elapsed and remaining years). Nothing is computed here. The
    client is the company's name (its code when the register has no such company).
    """
    name = session.scalar(select(Company.name).where(Company.code == company))
    comp_name = company if name is None else name
    assets = []
    for code in codes:
        d = asset_detail(session, company, code)
        attrs = d["attributes"]
        quality = None
        if isinstance(attrs.get("asset"), dict) and attrs["asset"].get("quality"):
            quality = attrs["asset"]["quality"]
        else:
            q = {k[2:]: attrs[k] for k in attrs if k.startswith("q_")}
            if len(q) == 6:
                quality = {**q, "evidence": "register attributes"}
        asset = {"asset_id": code, "name": d["name"], "field": d["field"] or "general",
                 "region": d["region"] or "national",
                 "rights": [r for r in (d["rights"] or "").split(";") if r], "source": d["source"],
                 "records": d["records"], "rights_term_end": d["rights_term_end"].isoformat()
                 if d["rights_term_end"] else None, "quality": quality}
        lines = [{"category": ln.category, "item": ln.item, "amount": str(ln.amount),
                  "incurred_on": ln.incurred_on.isoformat() if ln.incurred_on else None,
                  "evidence": ln.evidence, "restate": ln.restate} for ln in d["cost_lines"]]
        assets.append({"asset": {k: v for k, v in asset.items() if v is not None},
                       "methods": [{"method": "cost", "weight": 1.0,
                                    "reason": "成本资料来自资产登记簿 cost lines from the register"}],
                       "cost": {"lines": lines, "delta": delta}})
    return {"engagement": {"case_id": case_id, "client": comp_name, "appraiser": appraiser,
                           "purpose": purpose, "value_type": value_type, "valuation_date": valuation_date.isoformat()},
            "assets": assets, "simulation": {"seed": seed, "n_draws": n_draws}}


def valuation_from_register(session: Session, result_id: int) -> tuple[Engagement, list[AssetValuation]]:
    """A valuation saved in the register (``ValuationResult`` id): its engagement and the asset valuation,
    as stored — for an impairment or NRV test that names it (``from_valuation.register_valuation``)."""
    valuation, _ = stored_valuation(session, result_id)
    row = session.get(ValuationResult, result_id)
    assert row is not None
    return engagement_case(session, row.engagement_id).engagement, [valuation]
