"""Valuation → pledge: the collateral of an appraisal, and the bank's pledge case built on it.

A bank sizes a loan on the appraised value (pledge practice: collateral value by method with the
method's haircut, forced-sale value, maximum loan). The collateral comes from the valuation that ran —
its values by method, the weights of its conclusion and, when kept, its Monte Carlo draws — and the
holding facts from the company's register, never typed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pledge import Collateral, ValueDynamics
from valuation.conclusion import Conclusion
from valuation.engine import AssetValuation


def collateral_from_conclusion(
    conclusion: Conclusion,
    *,
    name: str,
    asset_class: str,
    remaining_life_months: int,
    dynamics: ValueDynamics | None = None,
    simulated_values: tuple[float, ...] | None = None,
    valuation_date: date | None = None,
) -> Collateral:
    """The collateral of an appraisal's :class:`valuation.conclusion.Conclusion` (result type only):
    values by method from its differences table, weights from its method weights (zero weights
    dropped), the concluded value, and optionally the appraisal's Monte Carlo draws of the value."""
    return Collateral(
        asset_id=conclusion.asset_id,
        name=name,
        asset_class=asset_class,
        values_by_method={d.method: d.value for d in conclusion.differences},
        concluded_value=conclusion.value,
        conclusion_weights={w.method: w.weight for w in conclusion.weights if w.weight > 0},
        valuation_date=valuation_date,
        remaining_life_months=remaining_life_months,
        dynamics=dynamics or ValueDynamics(),
        simulated_values=simulated_values,
    )


def pledge_case_dict(valuation: AssetValuation, valuation_date: date, *, base: dict[str, Any], company_name: str,
                     existing_pledges: Sequence[str], on: date, asset_class: str | None = None,
                     remaining_life_months: int | None = None, holds_asset: bool = True) -> dict[str, Any]:
    """A pledge case (JSON-ready, for ``pledge.case_from_dict``) on a stored valuation: the collateral from
    its conclusion, the holding facts (``holds_asset``: from the books when the asset is on them;
    ``existing_pledges`` still active), the
    term sheet and borrower starting from ``base`` (a bundled pledge case) for the bank to change."""
    code = valuation.asset.asset_id
    collateral = collateral_from_conclusion(
        valuation.conclusion, name=valuation.asset.name, asset_class=asset_class or base["collateral"]["asset_class"],
        remaining_life_months=remaining_life_months or base["collateral"]["remaining_life_months"],
        valuation_date=valuation_date)
    term_sheet = {**base["term_sheet"], "loan_id": f"LN-{code}-{on:%Y%m%d}", "drawdown_date": on.isoformat()}
    return {"case_id": f"PL-{code}-{on:%Y%m%d}", "term_sheet": term_sheet,
            "borrower": {**base["borrower"], "name": company_name},
            "collateral": {**collateral.model_dump(mode="json", exclude_none=True),
                           "dynamics": base["collateral"].get("dynamics", {})},
            "registration": {"certificate_number": valuation.asset.registration_certificate,
                             "registry": base.get("registration", {}).get("registry", "pboc_movable_collateral")},
            "holding": {"holds_asset": holds_asset, "existing_pledges": list(existing_pledges)},
            "simulation": base.get("simulation", {})}
