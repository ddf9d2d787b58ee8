"""相关税费: only taxes borne and not recoverable, and by default not on 机会成本 (an imputed return).

Reference asset (conftest): capital = 前期 125,000 + 直接 740,000 + 间接 180,000 + 50,000 = 1,095,000
restated; 机会成本 at 5 % for 1.5 years = 0.05 × 1,095,000 × 1.5 = 82,125.
"""

from __future__ import annotations

import numpy as np
import pytest

from valuation.cost import CostCategory, value_cost
from valuation.cost.inputs import DEFAULT_TAX_BASE, TAX_BASE_CATEGORIES, TaxRate
from valuation.cost.kernel import DEFAULT_TAX_BASE_WEIGHTS

from .conftest import REFERENCE_DELTA_Q, make_inputs

MONEY = 0.005
CAPITAL = 125_000 + 740_000 + 180_000 + 50_000  # 1,095,000
OPPORTUNITY = 0.05 * CAPITAL * 1.5  # 82,125
OPP = {"rate": 0.05, "holding_years": 1.5, "evidence": "LPR + 1.5 pp"}


def test_the_default_base_leaves_out_opportunity_cost():
    assert CostCategory.OPPORTUNITY not in DEFAULT_TAX_BASE
    assert TaxRate(rate=0.01).base == DEFAULT_TAX_BASE
    weights = [1.0 if c in DEFAULT_TAX_BASE else 0.0 for c in TAX_BASE_CATEGORIES]
    assert np.array_equal(weights, DEFAULT_TAX_BASE_WEIGHTS)  # the kernel's fast path is the same base


def test_non_recoverable_tax_on_the_payments_by_hand(asset, ctx):
    # 6 % input VAT, 40 % of it not deductible: 2.4 % on the payments only
    result = value_cost(asset, make_inputs(opportunity=OPP, taxes={"rate": 0.024, "evidence": "6 % × 40 %"}), ctx)
    taxes = 0.024 * CAPITAL  # 26,280
    assert result.detail.tax_rate is not None
    assert result.detail.tax_rate.amount == pytest.approx(taxes, abs=MONEY)
    c = CAPITAL + OPPORTUNITY + taxes  # 1,095,000 + 82,125 + 26,280 = 1,203,405
    assert result.detail.total_cost == pytest.approx(c, abs=MONEY)
    assert result.value == pytest.approx(c * REFERENCE_DELTA_Q, abs=MONEY)
    assert any("not in the 相关税费 base" in a for a in result.assumptions)
    assert not any("imputed return that no tax" in n for n in result.notes)


def test_a_case_that_names_opportunity_in_the_base_is_followed_and_flagged(asset, ctx):
    base = ["planning", "direct_construction", "direct_operation", "indirect", "opportunity"]
    result = value_cost(asset, make_inputs(opportunity=OPP, taxes={"rate": 0.06, "base": base}), ctx)
    taxes = 0.06 * (CAPITAL + OPPORTUNITY)  # 70,627.50: the case's stated base
    assert result.detail.tax_rate is not None
    assert result.detail.tax_rate.amount == pytest.approx(taxes, abs=MONEY)
    assert any("imputed return that no tax" in n for n in result.notes)
