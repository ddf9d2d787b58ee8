"""Horizon n = min(economic life, every term), proration of a cut period, end / mid timing, partial first period."""

from __future__ import annotations

from datetime import date

import numpy_financial as npf
import pytest

from valuation.errors import HorizonError
from valuation.income import ForecastTooShort, TerminalValueNotAllowed, value_income

from .conftest import MONEY, make_asset, make_inputs, rate

FIVE_YEARS = [{"period": k, "increment": 1_000_000 + 100_000 * (k - 1)} for k in range(1, 6)]


def test_authorization_term_caps_a_five_year_life_at_three_periods(ctx):
    asset = make_asset(rights_term_end=date(2028, 12, 31), term_basis="公共数据授权运营协议 三年")
    inputs = make_inputs(form="incremental", forecast=FIVE_YEARS, economic_life=5, discount_rate=rate(0.10))
    result = value_income(asset, inputs, ctx)

    # The term ends 3 years after 2025-12-31: periods 1..3 only (1.0m, 1.1m, 1.2m), periods 4, 5 dropped.
    expected = 1_000_000 / 1.1 + 1_100_000 / 1.1**2 + 1_200_000 / 1.1**3
    assert result.value == pytest.approx(expected, abs=MONEY)
    assert result.value == pytest.approx(npf.npv(0.10, [0, 1_000_000, 1_100_000, 1_200_000]), abs=MONEY)
    horizon = result.detail.horizon
    assert horizon.horizon_years == 3.0
    assert horizon.binding == "rights_term_end"
    assert horizon.periods == 3 and horizon.forecast_periods == 5
    assert "公共数据授权运营协议 三年" in horizon.reason and "2028-12-31" in horizon.reason
    assert {c.name: c.years for c in horizon.caps} == {"rights_term_end": 3.0, "economic_life": 5.0}
    assert any("2 forecast period(s) beyond the horizon were dropped" in n for n in result.notes)


def test_a_period_cut_by_the_horizon_is_prorated(ctx):
    # 2025-12-31 → 2028-06-30 is 2 y 6 m 0 d = 2.5 years: period 3 is half covered, received at 2.5.
    asset = make_asset(rights_term_end=date(2028, 6, 30))
    inputs = make_inputs(form="incremental", forecast=FIVE_YEARS, economic_life=5, discount_rate=rate(0.10))
    result = value_income(asset, inputs, ctx)
    expected = 1_000_000 / 1.1 + 1_100_000 / 1.1**2 + 1_200_000 * 0.5 / 1.1**2.5
    assert result.value == pytest.approx(expected, abs=MONEY)
    last = result.detail.schedule[-1]
    assert (last.covered_fraction, last.time, last.cash_flow) == pytest.approx((0.5, 2.5, 600_000))


def test_mid_period_timing_of_a_cut_period_uses_the_middle_of_its_covered_part(ctx):
    asset = make_asset(rights_term_end=date(2028, 6, 30))
    inputs = make_inputs(
        form="incremental", forecast=FIVE_YEARS, economic_life=5, timing="mid", discount_rate=rate(0.10)
    )
    result = value_income(asset, inputs, ctx)
    # t = 0.5, 1.5 and the middle of [2, 2.5] = 2.25
    expected = 1_000_000 / 1.1**0.5 + 1_100_000 / 1.1**1.5 + 1_200_000 * 0.5 / 1.1**2.25
    assert result.value == pytest.approx(expected, abs=MONEY)


def test_other_term_caps_and_the_binding_one_is_recorded(ctx):
    asset = make_asset(rights_term_end=date(2029, 12, 31))
    inputs = make_inputs(
        form="incremental",
        forecast=FIVE_YEARS,
        economic_life=5,
        term_caps=[
            {"basis": "数据源采购合同", "end": "2028-12-31"},
            {"basis": "平台服务协议", "end": "2027-12-31"},
        ],
        discount_rate=rate(0.10),
    )
    result = value_income(asset, inputs, ctx)
    assert result.value == pytest.approx(1_000_000 / 1.1 + 1_100_000 / 1.1**2, abs=MONEY)
    horizon = result.detail.horizon
    assert horizon.binding == "term_caps[1]" and horizon.horizon_years == 2.0
    assert "平台服务协议" in horizon.reason
    assert [c.name for c in horizon.caps] == [
        "rights_term_end",
        "term_caps[0]",
        "term_caps[1]",
        "economic_life",
    ]


def test_economic_life_binds_when_shorter_than_every_term(ctx):
    asset = make_asset(rights_term_end=date(2030, 12, 31))
    inputs = make_inputs(form="incremental", forecast=FIVE_YEARS, economic_life=1.5, discount_rate=rate(0.10))
    result = value_income(asset, inputs, ctx)
    assert result.value == pytest.approx(1_000_000 / 1.1 + 1_100_000 * 0.5 / 1.1**1.5, abs=MONEY)
    assert result.detail.horizon.binding == "economic_life"


def test_a_term_ending_with_the_life_is_named_as_binding(ctx):
    asset = make_asset(rights_term_end=date(2028, 12, 31))
    inputs = make_inputs(form="incremental", forecast=FIVE_YEARS, economic_life=3, discount_rate=rate(0.10))
    assert value_income(asset, inputs, ctx).detail.horizon.binding == "rights_term_end"


def test_an_indefinite_life_with_a_term_cap_is_finite(ctx):
    asset = make_asset(rights_term_end=date(2027, 12, 31))
    inputs = make_inputs(
        form="incremental", forecast=FIVE_YEARS, economic_life=None, discount_rate=rate(0.10)
    )
    result = value_income(asset, inputs, ctx)
    assert result.value == pytest.approx(1_000_000 / 1.1 + 1_100_000 / 1.1**2, abs=MONEY)
    assert result.detail.terminal is None and not result.detail.horizon.indefinite


def test_year_fraction_counts_days_over_365(ctx):
    # 2025-12-31 → 2027-03-15: relativedelta gives 1 y 2 m 15 d (2027-02-28 + 15 d), so n = 1 + 2/12 + 15/365.
    asset = make_asset(rights_term_end=date(2027, 3, 15))
    inputs = make_inputs(form="incremental", forecast=FIVE_YEARS, economic_life=5, discount_rate=rate(0.10))
    result = value_income(asset, inputs, ctx)
    n = 1 + 2 / 12 + 15 / 365
    assert result.detail.horizon.horizon_years == pytest.approx(n, abs=1e-12)
    expected = 1_000_000 / 1.1 + 1_100_000 * (n - 1) / 1.1**n
    assert result.value == pytest.approx(expected, abs=MONEY)


def test_forecast_shorter_than_the_horizon_is_refused(asset, ctx):
    inputs = make_inputs(
        form="incremental", forecast=FIVE_YEARS[:3], economic_life=4, discount_rate=rate(0.1)
    )
    with pytest.raises(ForecastTooShort) as err:
        value_income(asset, inputs, ctx)
    assert err.value.asset_id == asset.asset_id and err.value.field == "income.forecast"
    assert "needs 4 forecast periods, got 3" in str(err.value) and asset.asset_id in str(err.value)


def test_a_lapsed_term_is_refused(ctx):
    asset = make_asset(asset_id="LAPSED", rights_term_end=date(2025, 12, 31))
    inputs = make_inputs(form="incremental", forecast=FIVE_YEARS, economic_life=5, discount_rate=rate(0.1))
    with pytest.raises(HorizonError) as err:
        value_income(asset, inputs, ctx)
    assert err.value.field == "asset.rights_term_end"
    assert "LAPSED" in str(err.value) and "on or before the valuation date" in str(err.value)


def test_a_term_cap_ending_before_the_valuation_date_is_refused(asset, ctx):
    inputs = make_inputs(
        form="incremental",
        forecast=FIVE_YEARS,
        economic_life=5,
        term_caps=[{"basis": "old licence", "end": "2025-06-30"}],
        discount_rate=rate(0.1),
    )
    with pytest.raises(HorizonError) as err:
        value_income(asset, inputs, ctx)
    assert err.value.field == "income.term_caps[0].end" and asset.asset_id in str(err.value)


def test_indefinite_life_without_terminal_value_is_refused(asset, ctx):
    inputs = make_inputs(form="incremental", forecast=FIVE_YEARS, economic_life=None, discount_rate=rate(0.1))
    with pytest.raises(TerminalValueNotAllowed) as err:
        value_income(asset, inputs, ctx)
    assert err.value.field == "income.terminal" and asset.asset_id in str(err.value)


def test_end_versus_mid_period(asset, ctx):
    rows = [{"period": k, "increment": 100_000} for k in (1, 2, 3)]
    end = value_income(
        asset, make_inputs(form="incremental", forecast=rows, economic_life=3, discount_rate=rate(0.1)), ctx
    )
    mid = value_income(
        asset,
        make_inputs(
            form="incremental", forecast=rows, economic_life=3, timing="mid", discount_rate=rate(0.1)
        ),
        ctx,
    )
    assert end.value == pytest.approx(100_000 / 1.1 + 100_000 / 1.1**2 + 100_000 / 1.1**3, abs=MONEY)
    assert mid.value == pytest.approx(100_000 / 1.1**0.5 + 100_000 / 1.1**1.5 + 100_000 / 1.1**2.5, abs=MONEY)
    assert [r.time for r in end.detail.schedule] == [1.0, 2.0, 3.0]
    assert [r.time for r in mid.detail.schedule] == [0.5, 1.5, 2.5]
    # Every flow half a year earlier: mid = end × (1 + i)^0.5
    assert mid.value == pytest.approx(end.value * 1.1**0.5, abs=MONEY)


def test_partial_first_period_takes_the_stub_amount_as_given(asset, ctx):
    # Fiscal year ends 31 March: f = 0.25; life 2.25 years → 3 periods ending 0.25, 1.25, 2.25.
    rows = [
        {"period": 1, "increment": 250_000, "evidence": "Q1 2026 stub"},
        {"period": 2, "increment": 1_100_000},
        {"period": 3, "increment": 1_200_000},
    ]
    common = {
        "form": "incremental",
        "forecast": rows,
        "economic_life": 2.25,
        "first_period_years": 0.25,
        "discount_rate": rate(0.1),
    }
    end = value_income(asset, make_inputs(**common), ctx)
    mid = value_income(asset, make_inputs(**common, timing="mid"), ctx)
    assert end.value == pytest.approx(
        250_000 / 1.1**0.25 + 1_100_000 / 1.1**1.25 + 1_200_000 / 1.1**2.25, abs=MONEY
    )
    # mid times f/2, f + 0.5, f + 1.5
    assert mid.value == pytest.approx(
        250_000 / 1.1**0.125 + 1_100_000 / 1.1**0.75 + 1_200_000 / 1.1**1.75, abs=MONEY
    )
    assert [(r.start, r.end, r.length) for r in end.detail.schedule] == [
        (0, 0.25, 0.25),
        (0.25, 1.25, 1),
        (1.25, 2.25, 1),
    ]


def test_partial_first_period_of_a_projection_is_a_fraction_of_the_annual_base(asset, ctx):
    # f = 0.5, life 2: periods [0, .5], [.5, 1.5], [1.5, 2.5] cut at 2 (half covered), B_1 = 1m a year.
    inputs = make_inputs(
        form="split",
        split_base="profit",
        projection={"base_y1": 1_000_000, "growth": 0.1},
        split_rate=0.2,
        economic_life=2,
        first_period_years=0.5,
        discount_rate=rate(0.1),
    )
    result = value_income(asset, inputs, ctx)
    f1 = 1_000_000 * 0.5 * 0.2  # B_1 × f × K
    f2 = 1_000_000 * 1.1 * 0.2  # B_1 (1 + g) × 1 year × K
    f3 = 1_000_000 * 1.1**2 * 0.2 * 0.5  # B_1 (1 + g)² × K × covered half
    expected = f1 / 1.1**0.5 + f2 / 1.1**1.5 + f3 / 1.1**2.0
    assert result.value == pytest.approx(expected, abs=MONEY)
    assert result.detail.horizon.periods == 3
