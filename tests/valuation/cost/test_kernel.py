"""The cost kernels: broadcasting, the year-fraction convention, each formula by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from valuation.cost import kernel


def _relativedelta_years(start: date, end: date) -> float:
    rd = relativedelta(end, start)
    return rd.years + rd.months / 12 + rd.days / 365


dates = st.dates(min_value=date(1995, 1, 1), max_value=date(2045, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(dates, st.integers(0, 12_000)), min_size=1, max_size=40))
def test_years_between_matches_relativedelta(pairs):
    starts = [s for s, _ in pairs]
    ends = [s + timedelta(days=k) for s, k in pairs]
    got = kernel.years_between(np.array(starts, dtype="datetime64[D]"), np.array(ends, dtype="datetime64[D]"))
    expected = [_relativedelta_years(s, e) for s, e in zip(starts, ends, strict=True)]
    assert got == pytest.approx(expected, abs=1e-12)


def test_years_between_month_ends_and_sign():
    assert kernel.years_between(date(2024, 1, 31), date(2024, 2, 29)) == pytest.approx(1 / 12)  # clipped
    assert kernel.years_between(date(2024, 12, 31), date(2027, 6, 30)) == pytest.approx(2.5)
    assert kernel.years_between(date(2023, 3, 1), date(2024, 3, 16)) == pytest.approx(1 + 15 / 365)
    assert kernel.years_between(date(2027, 6, 30), date(2024, 12, 31)) == pytest.approx(-2.5)
    nat = np.array(["NaT", "2024-01-01"], dtype="datetime64[D]")
    out = kernel.years_between(np.array(["2020-01-01", "2020-01-01"], dtype="datetime64[D]"), nat)
    assert np.isnan(out[0]) and out[1] == pytest.approx(4.0)


def test_build_up_broadcasts_over_assets_and_draws():
    one = np.ones((2, 3))
    drivers = kernel.CostDrivers(
        planning=100 * one,
        direct_construction=200 * one,
        direct_operation=50 * one,
        indirect=np.array([[10.0], [20.0]]) * one,  # per asset
        opportunity=0 * one,
        taxes=0 * one,
        opportunity_rate=0.1 * one,
        holding_years=2 * one,
        tax_rate=0.05 * one,
        delta=np.array([0.5, 0.8, 1.0]) * one,  # per draw
    )
    build = kernel.cost_build_up(drivers, np.ones(5))
    capital = np.array([[360.0], [370.0]])  # 100 + 200 + 50 + indirect
    opportunity = 0.1 * capital * 2
    taxes = 0.05 * (capital + opportunity)
    c = capital + opportunity + taxes
    assert build.total_cost == pytest.approx(np.broadcast_to(c, (2, 3)))
    assert build.value == pytest.approx(c * np.array([0.5, 0.8, 1.0]))


def test_tax_base_selects_categories():
    d = kernel.CostDrivers(*(np.array(x) for x in (100.0, 200.0, 50.0, 10.0, 30.0, 0.0, 0.0, 0.0, 0.1, 1.0)))
    build = kernel.cost_build_up(d, np.array([1.0, 0.0, 0.0, 1.0, 0.0]))
    assert build.taxes == pytest.approx(0.1 * (100 + 10))  # 前期 + 间接 only
    assert build.total_cost == pytest.approx(100 + 200 + 50 + 10 + 30 + 11)


def test_delta_kernels():
    assert kernel.quality_delta(np.full(6, 1 / 6), np.array([[0.6] * 6, [1.0] * 6])) == pytest.approx(
        [0.6, 1.0]
    )
    assert kernel.life_delta(2.0, 6.0) == pytest.approx(0.75)
    assert kernel.capped_remaining_life(
        np.array([6.0, 6.0, 6.0]), np.array([np.nan, 2.5, -1.0])
    ) == pytest.approx([6.0, 2.5, 0.0])
    got = kernel.combined_delta(0.8, 0.5, np.array([True, False, True]), np.array([False, True, True]))
    assert got == pytest.approx([0.8, 0.5, 0.4])
    assert kernel.bound_input("delta", np.array([1.2, -0.1, 0.7])) == pytest.approx([1.0, 0.0, 0.7])
    assert kernel.restate(100.0, kernel.index_factor(96.0, 120.0)) == pytest.approx(125.0)
