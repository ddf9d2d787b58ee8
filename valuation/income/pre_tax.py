"""The pre-tax equivalent of an after-tax income value, for a value in use (CAS 8 art. 12-13).

A value in use discounts pre-tax cash flows at a pre-tax rate. An appraisal made on after-tax flows
at an after-tax rate gives the same value on pre-tax flows only at the rate r that solves

    Σ_k F_k^pre × (1 + r)^(−t_k) = V      (F_k^pre = F_k / (1 − T), or the schedule's contribution
                                           when the flows were converted from pre-tax with T)

which is not the after-tax rate grossed up by 1 / (1 − T) (IAS 36 BCZ85 makes the same point). The
rate is solved numerically (Brent's method on [−0.99, 10]); a value with a terminal value (indefinite
life) is not converted here: give a pre-tax appraisal instead.
"""

from __future__ import annotations

import numpy as np

from base.errors import InvalidInput
from base.models import FrozenModel
from valuation.errors import BasisMismatch

from .inputs import TaxBasis
from .result import IncomeResult

RATE_BRACKET = (-0.99, 10.0)
RATE_TOLERANCE = 1e-12  # absolute, on the rate


class PreTaxEquivalent(FrozenModel):
    """The pre-tax rate r that gives the after-tax value V on pre-tax flows (annual rate, CNY)."""

    value: float
    after_tax_rate: float
    pre_tax_rate: float
    tax_rate: float
    pre_tax_flows: tuple[float, ...]
    times: tuple[float, ...]
    formula: str = "Σ F_k^pre × (1 + r)^(−t_k) = V, solved for r"


def is_pre_tax(result: IncomeResult) -> bool:
    """True when the income value already discounts pre-tax flows at a pre-tax rate."""
    return result.detail.rate.basis is TaxBasis.PRE_TAX


def pre_tax_equivalent(result: IncomeResult, tax_rate: float | None = None) -> PreTaxEquivalent:
    """Solve the pre-tax rate of an after-tax income value.

    ``tax_rate`` T (annual income-tax rate, e.g. 0.25) grosses after-tax flows up to pre-tax; when the
    case converted pre-tax flows itself (``tax_rate`` in the income inputs), the schedule's pre-tax
    contributions are used and ``tax_rate`` may be left out.
    """
    d = result.detail
    if is_pre_tax(result):
        raise BasisMismatch("the income value is already pre-tax: no conversion needed",
                            asset_id=result.asset_id, field="income.discount_rate.basis")
    if d.terminal is not None:
        raise BasisMismatch("a value with a terminal value (indefinite life) is not converted: give a pre-tax "
                            "appraisal (pre-tax flows and a pre-tax rate) for the value in use",
                            asset_id=result.asset_id, field="income.terminal")
    converted = d.tax_rate is not None and any(row.tax != 0 for row in d.schedule)
    if converted:
        t = float(d.tax_rate or 0.0)
        flows = np.array([row.contribution for row in d.schedule])
    else:
        if tax_rate is None:
            raise InvalidInput("the appraisal's flows are after tax: give the income-tax rate T (e.g. 0.25, or "
                               "0.15 for a qualifying high-tech enterprise) to gross them up to pre-tax",
                               asset_id=result.asset_id, field="tax_rate")
        if not 0 <= tax_rate < 1:
            raise InvalidInput(f"expected an income-tax rate in [0, 1), got {tax_rate}", asset_id=result.asset_id,
                               field="tax_rate")
        t = tax_rate
        flows = np.array([row.cash_flow for row in d.schedule]) / (1.0 - t)
    times = np.array([row.time for row in d.schedule])
    target = float(d.total)

    def gap(r: float) -> float:
        return float(np.sum(flows * (1.0 + r) ** -times)) - target

    lo, hi = RATE_BRACKET
    if gap(lo) * gap(hi) > 0:
        raise BasisMismatch(f"no pre-tax rate in [{lo:.0%}, {hi:.0%}] gives the value {target:,.2f} CNY on the "
                            "pre-tax flows", asset_id=result.asset_id, field="income")
    from scipy.optimize import brentq  # here: only a value in use solves for the pre-tax rate

    rate = float(brentq(gap, lo, hi, xtol=RATE_TOLERANCE, maxiter=200))
    return PreTaxEquivalent(value=target, after_tax_rate=d.rate.rate, pre_tax_rate=rate, tax_rate=t,
                            pre_tax_flows=tuple(float(x) for x in flows), times=tuple(float(x) for x in times))
