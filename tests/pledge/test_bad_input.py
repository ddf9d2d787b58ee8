"""Bad input is refused with an error named after the rule and a message naming the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from base.errors import DatavalError
from pledge import (
    AlreadyPledged,
    AssetNotHeld,
    BankPolicy,
    CashFlowTooShort,
    InvalidCollateral,
    LoanBeyondAssetLife,
    LtvAboveOne,
    PledgeCase,
    PledgeError,
    PledgeRateAboveOne,
    PolicyRateMissing,
    RateOutOfRange,
    RatioOutOfRange,
    ScheduleMismatch,
    TermNotPositive,
    assess,
    check_pledgeable,
)
from tests.pledge.conftest import base_case, base_policy, make_case, patch


def refused(err: type[PledgeError], field: str, **changes: Any) -> PledgeError:
    """Loading the changed case (from JSON, as the CLI does) raises ``err`` naming ``field``."""
    text = json.dumps(patch(base_case(), {k.replace("__", "."): v for k, v in changes.items()}))
    with pytest.raises(err) as info:
        PledgeCase.model_validate_json(text)
    assert isinstance(info.value, DatavalError)
    assert info.value.field == field
    assert f"field {field}" in str(info.value)
    return info.value


def test_ltv_above_one() -> None:
    e = refused(LtvAboveOne, "policy.ltv_limit", policy__ltv_limit=1.2)
    assert "1.2" in str(e) and "[0, 1]" in str(e)
    refused(LtvAboveOne, "policy.covenants.ltv_max", policy__covenants={
        "ltv_warning": 0.8, "ltv_max": 1.05, "coverage_min": 2.0
    })


def test_pledge_rate_above_one() -> None:
    rates = [{"asset_class": "data", "method": "income", "rate": 1.5}]
    e = refused(PledgeRateAboveOne, "policy.pledge_rates[0].rate", policy__pledge_rates=rates)
    assert "质押率" in str(e) and "1.5" in str(e)


def test_policy_file_with_pledge_rate_above_one_is_refused_on_load() -> None:
    bad = patch(base_policy(), {"pledge_rates": [{"asset_class": "data", "method": "cost", "rate": 1.01}]})
    with pytest.raises(PledgeRateAboveOne):
        BankPolicy.model_validate_json(json.dumps(bad))


@pytest.mark.parametrize("months", [-12, 0])
def test_term_not_positive(months: int) -> None:
    e = refused(TermNotPositive, "term_sheet.term_months", term_sheet__term_months=months)
    assert str(months) in str(e)


@pytest.mark.parametrize("rate", [1.0, 1.5, -0.01])
def test_rate_out_of_range(rate: float) -> None:
    e = refused(RateOutOfRange, "term_sheet.annual_rate", term_sheet__annual_rate=rate)
    assert "[0, 1)" in str(e)


def test_loan_beyond_asset_life_needs_a_reason() -> None:
    e = refused(
        LoanBeyondAssetLife,
        "term_sheet.term_months",
        term_sheet__term_months=24,
        collateral__remaining_life_months=18,
    )
    assert e.asset_id == "DA-1" and "18 months" in str(e) and "beyond_life_reason" in str(e)
    # with a stated reason the case loads, and the memo carries the reason as a warning
    ok = make_case(
        term_sheet__term_months=24,
        term_sheet__beyond_life_reason="renewal of the data licence contracted to 2030",
        borrower__annual_cash_flow=[5e6, 5e6],
        collateral__remaining_life_months=18,
    )
    assert any("renewal of the data licence" in w for w in assess(ok).warnings)


def test_pledge_of_an_asset_not_held() -> None:
    with pytest.raises(AssetNotHeld) as info:
        assess(make_case(holding__holds_asset=False))
    assert info.value.field == "holding.holds_asset" and info.value.asset_id == "DA-1"
    assert "does not hold" in str(info.value)


def test_second_pledge_refused() -> None:
    with pytest.raises(AlreadyPledged) as info:
        assess(make_case(holding__existing_pledges=["DJ2024000777"]))
    assert "DJ2024000777" in str(info.value) and info.value.field == "holding.existing_pledges"


def test_own_registration_is_not_a_second_pledge() -> None:
    # the register lists this loan's own pledge (REG-1, the case's registration number): monitoring goes on
    a = assess(make_case(holding__existing_pledges=["REG-1"]))
    assert a.restriction.restricted and a.restriction.pledge_registration_number == "REG-1"


def test_shortfall_target_of_one_is_no_target() -> None:
    refused(RatioOutOfRange, "policy.shortfall_target", policy__shortfall_target=1.0)


def test_check_pledgeable_directly() -> None:
    check_pledgeable("DA-9", True, [])  # nothing to refuse
    with pytest.raises(AssetNotHeld):
        check_pledgeable("DA-9", False, [])
    with pytest.raises(AlreadyPledged):
        check_pledgeable("DA-9", True, ("REG-1",))


def test_other_rules() -> None:
    # 10 months is not a whole number of quarters
    quarterly = {"term_sheet__term_months": 10, "term_sheet__frequency": "quarterly"}
    refused(ScheduleMismatch, "term_sheet.term_months", **quarterly)
    refused(ScheduleMismatch, "term_sheet.grace_periods", term_sheet__grace_periods=12)
    refused(CashFlowTooShort, "borrower.annual_cash_flow", term_sheet__term_months=13)
    refused(PolicyRateMissing, "policy.pledge_rates", collateral__asset_class="patent")
    refused(
        InvalidCollateral,
        "collateral.conclusion_weights",
        collateral__values_by_method={"cost": 1e7, "income": 1e7},
    )
    refused(
        InvalidCollateral,
        "collateral.conclusion_weights",
        collateral__conclusion_weights={"income": 0.7},
    )
    refused(TermNotPositive, "collateral.remaining_life_months", collateral__remaining_life_months=0)


def test_unknown_repayment_type_names_the_field() -> None:
    from pydantic import ValidationError

    text = json.dumps(patch(base_case(), {"term_sheet.repayment": "balloon"}))
    with pytest.raises(ValidationError) as info:
        PledgeCase.model_validate_json(text)
    assert info.value.errors()[0]["loc"] == ("term_sheet", "repayment")
