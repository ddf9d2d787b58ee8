"""A small hand-checkable pledge case, built as a dict so each test changes only what it needs.

Base case (figures used throughout the tests):
- collateral: one income-method appraisal of 10,000,000 CNY, haircut 20 % → V = 8,000,000 CNY;
  no decay, no volatility, no jumps (a deterministic value path unless a test says otherwise);
- policy: pledge rate 30 %; liquidation discount 40 %, disposal costs 5 % + 100,000 CNY, 12 months to
  sell at 5 % → L = (8,000,000 × 0.6 × 0.95 − 100,000) / 1.05 = 4,460,000 / 1.05 = 4,247,619.05;
  LTV limit 70 %; covenants: warning 80 %, max 90 %, coverage ≥ 2; DSCR floor 1.25; shortfall
  target 5 %;
- loan: 2,000,000 CNY, 6 %, 12 months, interest-only with bullet, monthly;
- borrower: cash flow 5,000,000 CNY a year, PD 2 %.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from pledge import BankPolicy, PledgeCase


def base_policy() -> dict[str, Any]:
    return {
        "policy_id": "TEST",
        "bank": "Test Bank",
        "pledge_rates": [
            {"asset_class": "data", "method": m, "rate": 0.30} for m in ("cost", "income", "market")
        ],
        "method_haircuts": {"cost": 0.20, "income": 0.20, "market": 0.20},
        "liquidation_discount": 0.40,
        "disposal_cost_rate": 0.05,
        "disposal_cost_fixed": 100_000.0,
        "time_to_sell_months": 12,
        "sale_discount_rate": 0.05,
        "ltv_limit": 0.70,
        "covenants": {"ltv_warning": 0.80, "ltv_max": 0.90, "coverage_min": 2.0},
        "dscr_floor": 1.25,
        "shortfall_target": 0.05,
    }


def base_case() -> dict[str, Any]:
    return {
        "case_id": "T-1",
        "term_sheet": {
            "loan_id": "L-1",
            "lender": "Test Bank",
            "amount": 2_000_000.0,
            "annual_rate": 0.06,
            "term_months": 12,
            "repayment": "interest_only_bullet",
        },
        "policy": base_policy(),
        "borrower": {"name": "Borrower", "annual_cash_flow": [5_000_000.0], "pd_annual": 0.02},
        "collateral": {
            "asset_id": "DA-1",
            "name": "Dataset",
            "asset_class": "data",
            "values_by_method": {"income": 10_000_000.0},
            "concluded_value": 10_000_000.0,
            "remaining_life_months": 60,
            "dynamics": {"decay": "none"},
        },
        "registration": {"certificate_number": "CERT-1", "pledge_registration_number": "REG-1"},
        "holding": {"holds_asset": True, "existing_pledges": []},
        "simulation": {"seed": 7, "n_paths": 2000},
    }


def patch(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Deep copy of ``data`` with dotted-path ``changes`` applied ({"policy.ltv_limit": 0.5})."""
    out = copy.deepcopy(data)
    for path, value in changes.items():
        node = out
        *head, last = path.split(".")
        for key in head:
            node = node[key]
        node[last] = value
    return out


def make_case(**changes: Any) -> PledgeCase:
    """The base case with changes given as keyword arguments, ``__`` standing for a dot."""
    dotted = {k.replace("__", "."): v for k, v in changes.items()}
    return PledgeCase.model_validate(patch(base_case(), dotted))


@pytest.fixture
def policy() -> BankPolicy:
    return BankPolicy.model_validate(base_policy())
