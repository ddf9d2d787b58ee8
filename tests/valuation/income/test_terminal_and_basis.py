"""Terminal value only for an indefinite life and only with i − g ≥ margin; rate basis must match the flows."""

from __future__ import annotations

from datetime import date

import pytest

from valuation.errors import BasisMismatch, DiscountRateNotAboveGrowth, HorizonError
from valuation.income import InvalidIncomeInput, TerminalValueNotAllowed, parse_income_inputs, value_income

from .conftest import MONEY, make_asset, make_inputs, rate

ROWS = [
    {"period": 1, "increment": 1_000_000},
    {"period": 2, "increment": 1_050_000},
    {"period": 3, "increment": 1_100_000},
]


def _indefinite(**terminal):
    return make_inputs(
        form="incremental", forecast=ROWS, economic_life=None, terminal=terminal, discount_rate=rate(0.10)
    )


def test_terminal_value_accepted_for_an_indefinite_life(asset, ctx):
    result = value_income(asset, _indefinite(growth=0.03, evidence="long-run nominal GDP"), ctx)
    explicit = 1_000_000 / 1.1 + 1_050_000 / 1.1**2 + 1_100_000 / 1.1**3
    tv_at_3 = 1_100_000 * (1 + 0.03) / (0.10 - 0.03)  # F_n (1 + g) / (i − g)
    expected = explicit + tv_at_3 / 1.1**3  # discounted with the last period's factor
    assert result.value == pytest.approx(expected, abs=MONEY)
    tv = result.detail.terminal
    assert tv is not None
    assert tv.value_at_n == pytest.approx(tv_at_3, abs=MONEY)
    assert tv.present_value == pytest.approx(tv_at_3 / 1.1**3, abs=MONEY)
    assert tv.margin == 0.02 and tv.rate_minus_growth == pytest.approx(0.07)
    assert result.detail.pv_explicit == pytest.approx(explicit, abs=MONEY)
    assert result.detail.pv_terminal + result.detail.pv_explicit == pytest.approx(result.value, abs=MONEY)
    assert result.detail.horizon.indefinite and result.detail.horizon.binding == "terminal_value"
    assert "pv_terminal" in [f.name for f in result.figures]


def test_terminal_value_with_mid_timing_uses_the_last_mid_factor(asset, ctx):
    inputs = make_inputs(
        form="incremental",
        forecast=ROWS,
        economic_life=None,
        timing="mid",
        terminal={"growth": 0.02},
        discount_rate=rate(0.10),
    )
    explicit = 1_000_000 / 1.1**0.5 + 1_050_000 / 1.1**1.5 + 1_100_000 / 1.1**2.5
    expected = explicit + 1_100_000 * 1.02 / (0.10 - 0.02) / 1.1**2.5
    assert value_income(asset, inputs, ctx).value == pytest.approx(expected, abs=MONEY)


def test_terminal_value_refused_when_rate_is_not_above_growth_by_the_margin(asset, ctx):
    with pytest.raises(DiscountRateNotAboveGrowth) as err:
        value_income(asset, _indefinite(growth=0.09), ctx)  # i − g = 0.01 < 0.02
    assert err.value.asset_id == asset.asset_id and err.value.field == "income.terminal.growth"
    assert "i − g ≥ 0.02" in str(err.value) and asset.asset_id in str(err.value)


def test_a_stated_margin_replaces_the_default(asset, ctx):
    result = value_income(asset, _indefinite(growth=0.09, margin=0.005), ctx)  # 0.01 ≥ 0.005
    assert result.detail.terminal is not None
    assert result.detail.terminal.value_at_n == pytest.approx(1_100_000 * 1.09 / (0.10 - 0.09), abs=MONEY)


def test_exactly_the_margin_is_enough_despite_float_error(asset, ctx):
    inputs = make_inputs(
        form="incremental",
        forecast=ROWS,
        economic_life=None,
        terminal={"growth": 0.07},
        discount_rate=rate(0.09),
    )  # 0.09 − 0.07 = 0.019999999999999997 in floats
    assert value_income(asset, inputs, ctx).detail.terminal is not None


def test_terminal_value_refused_with_a_finite_life():
    with pytest.raises(TerminalValueNotAllowed) as err:
        parse_income_inputs(
            {
                "form": "incremental",
                "forecast": ROWS,
                "economic_life": 3,
                "terminal": {"growth": 0.02},
                "discount_rate": rate(0.1),
            },
            asset_id="TV-FINITE",
        )
    assert err.value.field == "income.terminal" and "TV-FINITE" in str(err.value)


def test_terminal_value_refused_when_a_term_cap_makes_the_life_finite(ctx):
    asset = make_asset(asset_id="TV-CAP", rights_term_end=date(2030, 12, 31))
    with pytest.raises(TerminalValueNotAllowed) as err:
        value_income(asset, _indefinite(growth=0.02), ctx)
    assert err.value.field == "income.terminal" and "TV-CAP" in str(err.value)
    assert "makes the life finite" in str(err.value)


def test_indefinite_projection_needs_explicit_periods(asset, ctx):
    common = {
        "form": "split",
        "split_base": "profit",
        "projection": {"base_y1": 1e7},
        "split_rate": 0.25,
        "economic_life": None,
        "terminal": {"growth": 0.02},
        "discount_rate": rate(0.1),
    }
    with pytest.raises(HorizonError) as err:
        value_income(asset, make_inputs(**common), ctx)
    assert err.value.field == "income.explicit_periods" and asset.asset_id in str(err.value)
    result = value_income(asset, make_inputs(**common, explicit_periods=2), ctx)
    f = 1e7 * 0.25
    expected = f / 1.1 + f / 1.1**2 + f * 1.02 / (0.1 - 0.02) / 1.1**2
    assert result.value == pytest.approx(expected, abs=MONEY)


@pytest.mark.parametrize(
    ("flows", "rate_basis", "tax_rate", "field"),
    [
        ("after_tax", "pre_tax", None, "income.discount_rate.basis"),  # after-tax flows, pre-tax rate
        ("pre_tax", "after_tax", None, "income.tax_rate"),  # pre-tax flows, nothing to convert them with
    ],
)
def test_basis_mismatch_refused(flows, rate_basis, tax_rate, field):
    raw = {
        "form": "incremental",
        "forecast": ROWS,
        "economic_life": 3,
        "cash_flow_basis": flows,
        "discount_rate": rate(0.1, basis=rate_basis),
    }
    if tax_rate is not None:
        raw["tax_rate"] = tax_rate
    with pytest.raises(BasisMismatch) as err:
        parse_income_inputs(raw, asset_id="BASIS-1")
    assert err.value.field == field and err.value.asset_id == "BASIS-1"
    assert "BASIS-1" in str(err.value) and field in str(err.value)


def test_a_tax_rate_that_converts_nothing_is_refused():
    with pytest.raises(InvalidIncomeInput) as err:
        parse_income_inputs(
            {
                "form": "incremental",
                "forecast": ROWS,
                "economic_life": 3,
                "tax_rate": 0.25,
                "discount_rate": rate(0.1),
            },
            asset_id="TAX-1",
        )
    assert err.value.field == "income.tax_rate" and "TAX-1" in str(err.value)


def test_pre_tax_flows_converted_at_the_tax_rate(asset, ctx):
    inputs = make_inputs(
        form="incremental",
        forecast=ROWS[:1],
        economic_life=1,
        cash_flow_basis="pre_tax",
        tax_rate=0.15,
        discount_rate=rate(0.1),
    )
    result = value_income(asset, inputs, ctx)
    assert result.value == pytest.approx(1_000_000 * (1 - 0.15) / 1.1, abs=MONEY)
    assert result.detail.schedule[0].tax == pytest.approx(150_000, abs=MONEY)
