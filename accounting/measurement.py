"""Measurement rules: which cost lines are capitalized, useful life, default P&L accounts.

Initial cost (财会〔2023〕11号 二、2 and 二、5; CAS 6 art. 12-13; CAS 1 art. 5-8): deductible input
VAT is never part of cost; non-deductible VAT is added to the line it belongs to.
"""

from __future__ import annotations

from datetime import date

from accounting.amortization import months_within_term
from accounting.citations import INTANGIBLE_MEASUREMENT, INVENTORY_MEASUREMENT
from accounting.enums import (
    PROCESSING_CATEGORIES,
    AccountRole,
    AmortizationMethod,
    Classification,
    CostCategory,
    HoldingPurpose,
)
from accounting.facts import DataResource

NEVER_CAPITALIZED = frozenset({CostCategory.TRAINING, CostCategory.GENERAL_ADMIN, CostCategory.SELLING,
                               CostCategory.MAINTENANCE, CostCategory.RESEARCH})

INTANGIBLE_COST = frozenset(
    {
        CostCategory.PURCHASE_PRICE,
        CostCategory.TAXES,
        CostCategory.RIGHTS_VERIFICATION,
        CostCategory.QUALITY_ASSESSMENT,
        CostCategory.REGISTRATION_SETTLEMENT,
        CostCategory.SECURITY_MANAGEMENT,
        CostCategory.STAFF,
        CostCategory.STORAGE_COMPUTE,
        CostCategory.OTHER_DIRECT,
    }
) | PROCESSING_CATEGORIES

INVENTORY_COST = INTANGIBLE_COST | {CostCategory.INSURANCE}


def capitalizable(category: CostCategory, classification: Classification) -> tuple[bool, str]:
    """Whether a cost line of ``category`` enters the cost of a resource so classified, and why."""
    if category == CostCategory.RESEARCH:
        return False, ("研究性支出（探索能否形成产品）不构成成本，计入研发费用 research-type spending (exploring whether a "
                       "product can be made) is never cost: CAS 1 art. 5-9 admit only purchase, conversion and other "
                       "costs of bringing inventory to its present condition; CAS 6 art. 8 expenses research")
    if category == CostCategory.SELLING:
        return False, ("销售费用不资本化，计入销售费用 selling costs are never capitalized: to 销售费用 (CAS 1 art. 9; "
                       "CAS 6 art. 13)")
    if category in NEVER_CAPITALIZED:
        return False, (f"{category.value} is not directly attributable to bringing the data resource to its "
                       "intended use or present condition: expensed (CAS 6 art. 13; CAS 1 art. 9)")
    if classification == Classification.INVENTORY:
        if category in INVENTORY_COST:
            return True, f"part of inventory cost (CAS 1 art. 5-8; {INVENTORY_MEASUREMENT})"
        return False, f"{category.value} is not an inventory cost (CAS 1 art. 9): expensed"
    if classification == Classification.CONTRACT_COST:
        if category in INTANGIBLE_COST:
            return True, "a cost of fulfilling the contract (CAS 14 art. 26-27)"
        return False, f"{category.value} is not a cost of fulfilling the contract (CAS 14 art. 27): expensed"
    if classification in (Classification.INTANGIBLE_ASSET, Classification.INTERNAL_RD):
        if category in INTANGIBLE_COST:
            return True, f"part of intangible cost (CAS 6 art. 12-13; {INTANGIBLE_MEASUREMENT})"
        return False, f"{category.value} is not part of intangible cost (CAS 6 art. 12): expensed"
    return False, "the resource is not recognized as an asset: expensed as incurred"


def line_expense_role(category: CostCategory, default: AccountRole | str) -> AccountRole | str:
    """Where an expensed cost line goes: selling costs to 销售费用 (6601), research-type spending to
    研发费用, anything else to ``default`` (the resource's expense account)."""
    if category == CostCategory.SELLING:
        return AccountRole.SELLING_EXPENSE
    if category == CostCategory.RESEARCH:
        return AccountRole.RD_EXPENSE
    return default


def expense_role(r: DataResource) -> AccountRole:
    """Default account for spending expensed according to use (财会〔2023〕11号 二、2)."""
    if r.purpose == HoldingPurpose.SERVING_CUSTOMERS:
        return AccountRole.COST_OF_SALES
    return AccountRole.ADMIN_EXPENSE


def amortization_role(r: DataResource) -> AccountRole:
    """管理费用 for data used internally; 主营业务成本 when it serves customers (财会〔2023〕11号 二、3 says only
    "profit or loss or the cost of a related asset"; the accounts are practice)."""
    if r.purpose in (HoldingPurpose.SERVING_CUSTOMERS, HoldingPurpose.HELD_FOR_SALE):
        return AccountRole.COST_OF_SALES
    return AccountRole.ADMIN_EXPENSE


def useful_life(r: DataResource, available: date) -> tuple[int | None, str]:
    """Useful life in months from the available-for-use date, capped by the rights term, with its basis.

    Returns ``(None, reasons)`` for an indefinite life. Raises ``ValueError`` (message for the
    user) when the life is missing or the rights term has already ended.
    """
    f = r.useful_life
    term_end = r.rights_term_end()
    if f is None:
        if term_end is None:
            raise ValueError("useful_life is missing: give estimated_months (or indefinite with reasons)")
        cap = months_within_term(available, term_end)
        if cap < 1:
            raise ValueError(f"the rights term ended on {term_end}, before {available}")
        return cap, f"life taken from the rights term ending {term_end}: {cap} months"
    factors = "; ".join(
        f"{k}: {v}" for k, v in (
            ("business model", f.business_model), ("rights restrictions", f.rights_restrictions),
            ("update frequency", f.update_frequency), ("iteration", f.iteration), ("competitors", f.competitors),
        ) if v
    )
    if f.indefinite:
        if term_end is not None:
            raise ValueError(f"life cannot be indefinite: the rights end on {term_end} ({INTANGIBLE_MEASUREMENT})")
        return None, f"indefinite life: {f.indefinite_reasons}" + (f" ({factors})" if factors else "")
    est = f.estimated_months
    if est is None:
        if term_end is None:
            raise ValueError("useful_life.estimated_months is missing")
        est = months_within_term(available, term_end)
    basis = f"estimated {est} months" + (f" ({factors})" if factors else "")
    if term_end is not None:
        cap = months_within_term(available, term_end)
        if cap < 1:
            raise ValueError(f"the rights term ended on {term_end}, before {available}")
        renewal = f.renewal
        if renewal is not None and renewal.without_significant_cost:
            cap += renewal.months
            basis += (f"; 续期计入 a renewal of {renewal.months} months counted: evidence that it will be renewed "
                      f"without significant cost ({renewal.evidence}; CAS 6 art. 17 application guidance)")
        elif renewal is not None:
            basis += (f"; 续期不计入 the renewal of {renewal.months} months is not counted: it comes at a significant "
                      "cost (CAS 6 art. 17 application guidance)")
        if cap < est:
            return cap, (basis + f"; capped at {cap} months by the rights term ending {term_end} "
                         f"(life from rights must not exceed their term, {INTANGIBLE_MEASUREMENT}; CAS 6 art. 17)")
        basis += f"; within the rights term ending {term_end} ({cap} months)"
    if r.amortization_method == AmortizationMethod.UNITS_OF_USAGE:
        basis += f"; amortized by units of usage over {r.expected_total_units} expected units"
    return est, basis
