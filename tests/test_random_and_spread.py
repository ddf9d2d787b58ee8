"""Counter-based uniforms and spreads: reproducible, partition-independent, right quantiles."""

import numpy as np
import pytest
from scipy import stats

from valuation.random import asset_keys, uniforms
from valuation.uncertainty import Spread


def test_draws_depend_on_asset_not_position() -> None:
    big = uniforms(42, asset_keys(["A", "B", "C", "D"]), stream=3, n_draws=50)
    alone = uniforms(42, asset_keys(["C"]), stream=3, n_draws=50)
    np.testing.assert_array_equal(big[2], alone[0])


def test_streams_and_seeds_differ_and_are_uniform() -> None:
    u = uniforms(1, asset_keys(["A"]), stream=0, n_draws=200_000)[0]
    v = uniforms(1, asset_keys(["A"]), stream=1, n_draws=200_000)[0]
    w = uniforms(2, asset_keys(["A"]), stream=0, n_draws=200_000)[0]
    assert u.min() > 0 and u.max() < 1
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert abs(np.corrcoef(u, v)[0, 1]) < 0.01 and abs(np.corrcoef(u, w)[0, 1]) < 0.01


def test_triangular_spread_quantiles_by_hand() -> None:
    s = Spread(dist="triangular", low=0.9, high=1.1)
    # symmetric triangular on [0.9, 1.1]: F(x) = (x − 0.9)² / (0.2 × 0.1) for x ≤ 1
    # F(x) = 0.05 → (x − 0.9)² = 0.001 → x = 0.9 + 0.0316228
    lo, hi = s.tornado_range(100.0)
    assert lo == pytest.approx(100 * (0.9 + 0.001**0.5))
    assert hi == pytest.approx(100 * (1.1 - 0.001**0.5))


def test_additive_normal_spread() -> None:
    s = Spread(dist="normal", shift="add", sd=0.01)
    lo, hi = s.tornado_range(0.08)
    assert lo == pytest.approx(0.08 - 1.6448536 * 0.01, abs=1e-7)
    assert hi == pytest.approx(0.08 + 1.6448536 * 0.01, abs=1e-7)


@pytest.mark.parametrize("kwargs", [{"dist": "triangular", "low": 1.1, "high": 1.2}, {"dist": "normal"},
                                    {"dist": "lognormal", "shift": "add", "sd": 0.1}])
def test_bad_spreads_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        Spread(**kwargs)


@pytest.mark.parametrize(
    "spread",
    [
        Spread(dist="triangular", low=0.9, high=1.1),
        Spread(dist="triangular", low=0.7, high=1.05),
        Spread(dist="triangular", shift="add", low=-0.01, high=0.02),
        Spread(dist="uniform", low=0.8, high=1.3),
        Spread(dist="normal", shift="add", sd=0.01),
        Spread(dist="normal", sd=0.2),
        Spread(dist="lognormal", sd=0.15),
    ],
)
def test_closed_form_quantiles_equal_scipy(spread: Spread) -> None:
    u = np.linspace(1e-6, 1 - 1e-6, 10_001)
    np.testing.assert_allclose(spread.factor(u), spread.distribution().ppf(u), rtol=1e-12, atol=1e-14)
