"""Base forecast from a yearly history by ETS(A, Ad, N): sensible point forecasts, a widening interval,
the interval carried into the Monte Carlo and the tornado. Not exact numbers: the fit is numerical."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtri

from valuation.income import HistoryTooShort, IncomeUncertainty, simulate_income, tornado_income, value_income
from valuation.random import asset_keys, uniforms

from .conftest import MONEY, make_ctx, make_inputs, rate

# Licence revenue growing steadily (CNY a year, 2019-2025).
GROWING = [2_100_000, 2_650_000, 3_380_000, 3_900_000, 4_620_000, 5_150_000, 5_700_000]
# Revenue whose level shifts persist (2014-2025): the fitted level adapts, so the interval widens.
SHIFTING = [
    3_860_000,
    3_120_000,
    3_420_000,
    3_370_000,
    3_360_000,
    3_430_000,
    2_880_000,
    2_950_000,
    2_790_000,
    4_110_000,
    4_330_000,
    4_360_000,
]


def _history(amounts, first_year):
    return {
        "points": [{"year": first_year + k, "amount": a} for k, a in enumerate(amounts)],
        "evidence": "audited revenue",
    }


def _inputs(amounts, first_year=2019, **extra):
    fields = {
        "form": "direct",
        "history": _history(amounts, first_year),
        "margin": 0.4,
        "economic_life": 5,
        "discount_rate": rate(0.1),
    }
    fields.update(extra)
    return make_inputs(**fields)


def test_growing_history_gives_a_sensible_damped_forecast(asset, ctx):
    result = value_income(asset, _inputs(GROWING), ctx)
    ets = result.detail.ets
    assert ets is not None
    means = np.array([s.mean for s in ets.steps])
    steps_up = np.diff(np.concatenate([[GROWING[-1]], means]))
    mean_step = (GROWING[-1] - GROWING[0]) / (len(GROWING) - 1)  # 600,000 a year on average
    assert len(means) == 5
    assert (steps_up > 0).all()  # the growth goes on ...
    assert (steps_up < 1.5 * mean_step).all()  # ... at about the historical pace ...
    assert (np.diff(steps_up) <= 1e-6).all()  # ... and a damped trend never accelerates
    assert all(s.lower < s.mean < s.upper for s in ets.steps)
    widths = np.array([s.upper - s.lower for s in ets.steps])
    assert (np.diff(widths) >= -1e-6).all()  # never narrows
    assert {"smoothing_level", "smoothing_trend", "damping_trend", "initial_level", "initial_trend"} <= set(
        ets.params
    )
    assert 0 < ets.params["damping_trend"] <= 1
    assert ets.history == tuple(GROWING) and ets.history_years == tuple(range(2019, 2026))
    # The value is the kernel on the forecast: F_k = mean_k × margin, end of year k, 10 %.
    expected = sum(m * 0.4 / 1.1**k for k, m in enumerate(means, start=1))
    assert result.value == pytest.approx(expected, abs=MONEY)
    assert [r.base_lower for r in result.detail.schedule] == pytest.approx([s.lower for s in ets.steps])


def test_interval_widens_with_the_horizon_when_the_level_adapts(asset, ctx):
    result = value_income(asset, _inputs(SHIFTING, first_year=2014), ctx)
    ets = result.detail.ets
    assert ets is not None and ets.params["smoothing_level"] > 0.3
    widths = np.array([s.upper - s.lower for s in ets.steps])
    assert (np.diff(widths) > 0).all()
    sds = np.array([s.sd for s in ets.steps])
    assert sds == pytest.approx(widths / (2 * 1.6448536269514722))  # 90 % interval = mean ± 1.645 sd
    # Sensible: near the recent level, not beyond the range of the history by much.
    assert 0.9 * SHIFTING[-1] < ets.steps[0].mean < 1.1 * SHIFTING[-1]
    assert all(min(SHIFTING) < s.mean < 1.3 * max(SHIFTING) for s in ets.steps)
    assert not any("does not widen" in n for n in result.notes)


def test_a_flat_interval_is_disclosed(asset, ctx):
    """On a smooth short history the likelihood picks a deterministic damped trend (smoothing level at
    its lower bound): the exact interval has one width at every step, and the result says so."""
    result = value_income(asset, _inputs(GROWING), ctx)
    ets = result.detail.ets
    assert ets is not None and ets.params["smoothing_level"] < 0.01
    assert ets.steps[-1].sd == pytest.approx(ets.steps[0].sd, rel=1e-6)
    assert any("does not widen" in n for n in result.notes)


def test_partial_first_period_takes_a_fraction_of_the_first_forecast_year(asset, ctx):
    result = value_income(asset, _inputs(GROWING, first_period_years=0.5, economic_life=2), ctx)
    ets = result.detail.ets
    assert ets is not None
    schedule = result.detail.schedule
    assert schedule[0].base == pytest.approx(0.5 * ets.steps[0].mean)  # f × step 1
    assert schedule[1].base == pytest.approx(ets.steps[1].mean)
    assert schedule[2].covered_fraction == pytest.approx(0.5)


def test_monte_carlo_draws_the_revenue_path_from_the_interval(asset):
    """Only the base moves: P_j = Σ_k (mean_k + z_j sd_k) × margin × DF_k, z_j = Φ⁻¹(u_j) of stream 200."""
    ctx = make_ctx(n_draws=400, seed=5)
    spreads = IncomeUncertainty(share=None, discount_rate=None, decay=None)
    inputs = _inputs(SHIFTING, first_year=2014, economic_life=3, uncertainty=spreads)
    draws = simulate_income(asset, inputs, ctx)
    ets = value_income(asset, inputs, ctx).detail.ets
    assert ets is not None
    z = ndtri(uniforms(5, asset_keys([asset.asset_id]), 200, 400)[0])
    means = np.array([s.mean for s in ets.steps])
    sds = np.array([s.sd for s in ets.steps])
    factors = 1.1 ** -np.arange(1.0, 4.0)
    expected = (np.maximum(means[None, :] + z[:, None] * sds[None, :], 0) * 0.4 * factors).sum(axis=1)
    assert draws == pytest.approx(expected, rel=1e-12)


def test_tornado_base_bar_is_the_interval(asset, ctx):
    spreads = IncomeUncertainty(share=None, discount_rate=None, decay=None)
    inputs = _inputs(SHIFTING, first_year=2014, economic_life=3, uncertainty=spreads)
    bars = tornado_income(asset, inputs, ctx)
    ets = value_income(asset, inputs, ctx).detail.ets
    assert ets is not None and len(bars) == 1
    bar = bars[0]
    assert bar.input_name == "base" and "ETS" in bar.label_zh
    assert bar.low_input == pytest.approx(ets.steps[0].lower)  # 5th percentile of the common shock
    assert bar.high_input == pytest.approx(ets.steps[0].upper)
    factors = 1.1 ** -np.arange(1.0, 4.0)
    assert bar.value_at_low == pytest.approx(
        sum(s.lower * 0.4 * f for s, f in zip(ets.steps, factors, strict=True))
    )


def test_fewer_than_five_points_is_refused():
    from valuation.income import parse_income_inputs

    raw = {
        "form": "split",
        "split_base": "profit",
        "history": _history(GROWING[:4], 2022),
        "split_rate": 0.3,
        "economic_life": 3,
        "discount_rate": rate(0.1),
    }
    with pytest.raises(HistoryTooShort) as err:
        parse_income_inputs(raw, asset_id="HIST-4")
    assert err.value.field == "income.history.points" and "HIST-4" in str(err.value)
    assert "at least 5" in str(err.value) and "got 4" in str(err.value)
