"""Monte Carlo of the collateral path against closed forms, and its reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from pledge import ValueDynamics, simulate_values
from pledge.simulation import start_values
from tests.pledge.conftest import make_case

MU, SIGMA, T, V0, B = 0.05, 0.30, 1.0, 1.0, 0.8
N_PATHS = 20_000
MONTHS = np.arange(13) / 12.0


def gbm_paths() -> np.ndarray:
    dyn = ValueDynamics(decay="none", drift=MU, volatility=SIGMA)
    return simulate_values(V0, dyn, MONTHS, 10.0, seed=11, asset_id="DA-MC", n_paths=N_PATHS)


def test_terminal_probability_matches_lognormal_closed_form() -> None:
    """P(V_T < B) = Φ((ln(B/V0) − (μ − σ²/2)T) / (σ√T)).

    ln 0.8 = −0.223144; (μ − σ²/2) T = 0.05 − 0.045 = 0.005; σ√T = 0.3
    → Φ((−0.223144 − 0.005) / 0.3) = Φ(−0.760479) = 0.223484.
    """
    expected = norm.cdf((math.log(B / V0) - (MU - SIGMA**2 / 2) * T) / (SIGMA * math.sqrt(T)))
    assert expected == pytest.approx(0.223484, abs=1e-6)
    p = float(np.mean(gbm_paths()[:, -1] < B))
    se = math.sqrt(expected * (1 - expected) / N_PATHS)  # 0.002945
    assert abs(p - expected) < 4 * se


def test_path_minimum_probability_between_closed_form_bounds() -> None:
    """Monitored monthly, P(min_k V_k < B) lies between P(V_T < B) and the continuous-barrier
    probability P(min_{t≤T} V_t < B) = Φ((b − νT)/(σ√T)) + exp(2νb/σ²)·Φ((b + νT)/(σ√T)),
    b = ln(B/V0) = −0.223144, ν = μ − σ²/2 = 0.005:
    = Φ(−0.760479) + exp(−0.024794)·Φ(−0.727146) = 0.223484 + 0.975511 × 0.233568 = 0.451333.
    Broadie-Glasserman: the monthly minimum is close to the continuous one with the barrier moved to
    B·exp(−0.5826·σ·√(1/12)) (tolerance: 4 MC errors + 0.01 for the approximation).
    """
    b, nu = math.log(B / V0), MU - SIGMA**2 / 2

    def continuous(barrier_log: float) -> float:
        s = SIGMA * math.sqrt(T)
        return norm.cdf((barrier_log - nu * T) / s) + math.exp(2 * nu * barrier_log / SIGMA**2) * norm.cdf(
            (barrier_log + nu * T) / s
        )

    upper = continuous(b)
    assert upper == pytest.approx(0.451333, abs=2e-6)
    lower = norm.cdf((b - nu * T) / (SIGMA * math.sqrt(T)))
    paths = gbm_paths()
    p_min = float(np.mean(paths.min(axis=1) < B))
    se = math.sqrt(upper * (1 - upper) / N_PATHS)
    assert lower - 4 * se < p_min < upper + 4 * se
    corrected = continuous(b - 0.5826 * SIGMA * math.sqrt(1 / 12))
    assert abs(p_min - corrected) < 4 * se + 0.01


def test_jumps_without_diffusion() -> None:
    """σ = 0, μ = 0: a path keeps V0 iff no jump in a year, probability e^(−λT) = e^(−0.5) = 0.606531;
    each jump halves the value, so E[V_T] = V0·exp(−λ·j·T) = exp(−0.25) = 0.778801."""
    dyn = ValueDynamics(decay="none", jump_intensity=0.5, jump_size=0.5)
    paths = simulate_values(1.0, dyn, MONTHS, 10.0, seed=5, asset_id="DA-J", n_paths=N_PATHS)
    p0 = float(np.mean(paths[:, -1] == 1.0))
    assert abs(p0 - 0.606531) < 4 * math.sqrt(0.606531 * 0.393469 / N_PATHS)
    mean_se = float(paths[:, -1].std()) / math.sqrt(N_PATHS)
    assert abs(float(paths[:, -1].mean()) - 0.778801) < 4 * mean_se
    # values only ever take the levels 0.5^N
    levels = np.log2(paths[:, -1])
    np.testing.assert_allclose(levels, np.round(levels))


def test_decay_patterns_without_randomness() -> None:
    times = np.array([0.0, 0.5, 1.0, 2.0, 3.0])
    line = simulate_values(
        100.0, ValueDynamics(decay="straight_line"), times, 2.0, seed=1, asset_id="A", n_paths=3
    )
    # D(t) = max(0, 1 − t/2): 1, 0.75, 0.5, 0, 0
    np.testing.assert_allclose(line, np.tile([100.0, 75.0, 50.0, 0.0, 0.0], (3, 1)))
    expo = simulate_values(
        100.0, ValueDynamics(decay="exponential", decay_rate=0.2), times, 2.0, seed=1, asset_id="A", n_paths=2
    )
    np.testing.assert_allclose(expo[0], 100.0 * np.exp(-0.2 * times))


def test_draws_depend_only_on_seed_asset_and_draw_index() -> None:
    dyn = ValueDynamics(decay="none", volatility=0.3, jump_intensity=0.3, jump_size=0.2)
    big = simulate_values(1.0, dyn, MONTHS, 5.0, seed=9, asset_id="A", n_paths=1000)
    small = simulate_values(1.0, dyn, MONTHS, 5.0, seed=9, asset_id="A", n_paths=400)
    np.testing.assert_array_equal(big[:400], small)  # same paths whatever the batch size
    other = simulate_values(1.0, dyn, MONTHS, 5.0, seed=9, asset_id="B", n_paths=400)
    assert not np.allclose(other, small)


def test_start_values_from_appraisal_draws_and_spread() -> None:
    draws = [9e6, 10e6, 11e6]
    case = make_case(collateral__simulated_values=draws)
    v0 = start_values(case.collateral, 0.2, seed=1, n_paths=3000)
    # each path starts at one of the appraisal's draws less the 20 % haircut, each about a third of paths
    assert set(np.unique(v0)) == {7.2e6, 8e6, 8.8e6}
    assert abs(float(np.mean(v0 == 8e6)) - 1 / 3) < 4 * math.sqrt(2 / 9 / 3000)
    spread = make_case(collateral__value_spread={"dist": "uniform", "low": 0.9, "high": 1.1})
    v1 = start_values(spread.collateral, 0.2, seed=1, n_paths=3000)
    assert v1.min() >= 7.2e6 and v1.max() <= 8.8e6
