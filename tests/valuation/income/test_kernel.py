"""The vectorized kernel: dates, periods, broadcasting over (assets, draws, periods), sequential sums."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from dateutil.relativedelta import relativedelta

from valuation.income import kernel


def _relativedelta_years(start: date, end: date) -> float:
    rd = relativedelta(end, start)
    return rd.years + rd.months / 12 + rd.days / 365


def test_year_fractions_equal_relativedelta_y_m_d():
    starts = [date(2024, 1, 31), date(2024, 2, 29), date(2025, 12, 31), date(2023, 3, 31), date(2025, 6, 15)]
    ends = [date(2024, 1, 31) + timedelta(days=d) for d in range(0, 3 * 366, 17)]
    ends += [date(2028, 2, 29), date(2027, 2, 28), date(2030, 12, 31), date(2026, 4, 30)]
    pairs = [(s, e) for s in starts for e in ends if e >= s]
    got = kernel.year_fractions(
        np.array([p[0] for p in pairs], dtype="datetime64[D]"),
        np.array([p[1] for p in pairs], dtype="datetime64[D]"),
    )
    expected = np.array([_relativedelta_years(s, e) for s, e in pairs])
    assert np.array_equal(got, expected)


def test_year_fractions_of_missing_or_reversed_dates_are_nan():
    got = kernel.year_fractions(
        np.datetime64("2025-12-31"), np.array(["NaT", "2025-01-01", "2026-12-31"], dtype="datetime64[D]")
    )
    assert np.isnan(got[:2]).all() and got[2] == 1.0


@pytest.mark.parametrize(
    ("f", "n", "periods"),
    [
        (1.0, 3.0, 3),
        (1.0, 2.5, 3),
        (0.25, 2.25, 3),
        (0.5, 0.1, 1),
        (1.0, 1.0, 1),
        (1.0, 3.0 + 1e-9, 3),
        (0.5, 2.0, 3),
        (1.0, 12.0, 12),
    ],
)
def test_periods_needed(f, n, periods):
    assert int(kernel.periods_needed(f, n)) == periods


def test_period_grid_cuts_the_last_period_and_pads_with_empty_ones():
    grid = kernel.period_grid(np.array([1.0, 0.5]), np.array([2.5, 2.0]), 4)
    assert grid.start.tolist() == [[0, 1, 2, 3], [0, 0.5, 1.5, 2.5]]
    assert grid.end.tolist() == [[1, 2, 3, 4], [0.5, 1.5, 2.5, 3.5]]
    assert grid.coverage.tolist() == [[1, 1, 0.5, 0], [1, 1, 0.5, 0]]
    assert grid.covered_end.tolist() == [[1, 2, 2.5, 3], [0.5, 1.5, 2.0, 2.5]]
    times = kernel.discount_times(grid, np.array([False, True]))
    assert times.tolist() == [[1, 2, 2.5, 3], [0.25, 1.0, 1.75, 2.5]]


def test_indefinite_horizon_covers_every_period():
    grid = kernel.period_grid(1.0, np.inf, 3)
    assert grid.coverage.tolist() == [1, 1, 1]


def test_projected_base_and_decay():
    lengths = np.array([0.5, 1.0, 1.0])
    assert kernel.projected_base(1000.0, 0.1, lengths) == pytest.approx([500, 1100, 1210])
    assert kernel.decay_factors(0.2, 3) == pytest.approx([1, 0.8, 0.64])


def test_income_value_broadcasts_over_assets_draws_and_periods():
    """(n_assets, n_draws, T) in one call equals one call per asset and per draw."""
    rng = np.random.default_rng(0)
    n, d, t = 3, 4, 5
    base = rng.uniform(1e5, 1e6, (n, 1, t))
    share = rng.uniform(0.1, 0.5, (n, d, 1)) * np.ones((1, 1, t))
    decay = rng.uniform(0, 0.2, (n, d))
    rate = rng.uniform(0.05, 0.15, (n, d))
    tax = np.array([1.0, 0.75, 0.85])[:, None]
    grid = kernel.period_grid(np.array([1.0, 0.5, 1.0]), np.array([5.0, 3.2, 4.5]), t)
    grid3 = kernel.PeriodGrid(*(a[:, None, :] for a in grid))
    times = kernel.discount_times(grid, np.array([False, True, False]))[:, None, :]
    values = kernel.income_value(base, share, decay, tax, grid3, times, rate)
    assert values.shape == (n, d)
    for a in range(n):
        for j in range(d):
            one = kernel.income_value(
                base[a, 0],
                share[a, j],
                decay[a, j],
                tax[a, 0],
                kernel.PeriodGrid(*(x[a] for x in grid)),
                times[a, 0],
                rate[a, j],
            )
            flows = [
                base[a, 0, k] * share[a, j, k] * (1 - decay[a, j]) ** k * tax[a, 0] * grid.coverage[a, k]
                for k in range(t)
            ]
            by_hand = sum(f * (1 + rate[a, j]) ** -times[a, 0, k] for k, f in enumerate(flows))
            assert values[a, j] == one
            assert values[a, j] == pytest.approx(by_hand, rel=1e-12)


def test_sums_over_periods_do_not_depend_on_padding():
    """np.sum's pairwise order changes with the axis length; the kernel's sum does not."""
    x = np.random.default_rng(1).uniform(0, 1e7, 11)
    padded = np.concatenate([x, np.zeros(9)])
    assert kernel.sum_periods(x) == kernel.sum_periods(padded)
    total = 0.0
    for v in x:
        total += v
    assert kernel.sum_periods(x) == total


def test_terminal_value_is_gordon_growth():
    assert kernel.terminal_value(1_000_000, 0.10, 0.03) == pytest.approx(1_000_000 * 1.03 / 0.07)
