"""The batch's P5 / P50 / P95 (valuation.batch.percentiles_of_rows) are numpy's linear percentiles to the
bit: row lengths from 1 to 1,001, negative values, signed zeros, ties, infinities, rows with NaN, and
sorted, constant or two-valued rows — on the numpy path and on the compiled one
(valuation.compiled.percentiles, a bucket select)."""

from __future__ import annotations

import numpy as np
import pytest

from valuation import compiled
from valuation.batch import PERCENTILE_BLOCK_ROWS, percentiles_of_rows
from valuation.uncertainty import REPORT_PERCENTILES


@pytest.fixture(params=["numpy", "compiled"], autouse=True)
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAVAL_COMPILED", "1" if request.param == "compiled" else "0")
    monkeypatch.setattr(compiled, "MIN_CELLS", 0)  # these arrays are small


@pytest.mark.parametrize("draws", [1, 2, 3, 7, 20, 21, 100, 999, 1000, 1001])
def test_equal_to_numpy_percentile(draws: int) -> None:
    rng = np.random.default_rng(draws)
    rows = 3 * PERCENTILE_BLOCK_ROWS + 5  # several blocks and a short last one
    x = rng.lognormal(13.0, 1.0, size=(rows, draws))
    x[1] = -x[1]  # all negative
    x[2] = rng.normal(0.0, 1e6, draws)  # mixed signs
    x[3] = 0.0
    x[3, : draws // 2] = -0.0  # signed zeros
    x[4] = np.round(x[4], -6)  # ties
    x[5, 0] = np.nan  # a failed draw: the row's range is NaN
    x[6, -1] = np.inf
    x[7, 0] = -np.inf
    with np.errstate(invalid="ignore"):
        expected = np.percentile(x, REPORT_PERCENTILES, axis=1).T
    got = percentiles_of_rows(x)
    assert got.shape == (rows, 3)
    assert np.array_equal(got, expected, equal_nan=True)
    assert np.isnan(got[5]).all()


def test_by_hand_on_eleven_draws() -> None:
    """Draws 0, 10, …, 100 (shuffled): virtual indices 10 × (0.05, 0.5, 0.95) = 0.5, 5, 9.5 →
    P5 = 0 + 0.5 × 10 = 5, P50 = 50, P95 = 90 + 0.5 × 10 = 95."""
    x = np.array([[30.0, 100.0, 0.0, 50.0, 10.0, 90.0, 20.0, 80.0, 40.0, 70.0, 60.0]])
    assert percentiles_of_rows(x).tolist() == [[5.0, 50.0, 95.0]]


def test_empty_shapes() -> None:
    assert percentiles_of_rows(np.empty((0, 5))).shape == (0, 3)


@pytest.mark.parametrize("draws", [2, 10, 1000])
def test_ordered_constant_and_two_valued_rows(draws: int) -> None:
    """Rows that trouble a selection algorithm: sorted, reversed, constant, two values, a saw-tooth."""
    rng = np.random.default_rng(draws + 1)
    base = rng.normal(0.0, 1.0, draws)
    rows = np.array([
        np.sort(base), np.sort(base)[::-1], np.full(draws, 3.5), np.where(np.arange(draws) % 2, 1.0, -1.0),
        np.arange(draws) % 7 - 3.0, np.where(np.arange(draws) < draws // 2, 2.0, 1.0),
    ])
    expected = np.percentile(rows, REPORT_PERCENTILES, axis=1).T
    assert np.array_equal(percentiles_of_rows(rows), expected)


def test_skewed_rows_with_outliers_and_crowded_buckets() -> None:
    """A far outlier puts almost every draw in the bucket select's first bucket; heavy ties and tiny
    spreads around a large value crowd one bucket too."""
    rng = np.random.default_rng(5)
    rows = rng.normal(1e7, 1.0, size=(6, 1000))
    rows[0, 17] = 1e15  # one outlier
    rows[1, :3] = -1e12  # a few far below
    rows[2] = np.round(rows[2], -1)  # ties
    rows[3] = 1e7 + rng.integers(0, 3, 1000) * np.spacing(1e7)  # three adjacent floats
    rows[4, ::2] = 5e-324  # subnormal and normal values mixed
    rows[5] = rng.standard_cauchy(1000)
    expected = np.percentile(rows, REPORT_PERCENTILES, axis=1).T
    assert np.array_equal(percentiles_of_rows(rows), expected)


@pytest.mark.parametrize("seed", range(5))
def test_random_distributions(seed: int) -> None:
    """Many shapes at once: uniform, exponential, bimodal, integer-valued, mixed-sign, wide-range."""
    rng = np.random.default_rng(100 + seed)
    d = int(rng.integers(2, 1200))
    rows = np.vstack([
        rng.uniform(-1.0, 1.0, (8, d)),
        rng.exponential(1e6, (8, d)),
        np.where(rng.random((8, d)) < 0.5, rng.normal(0, 1, (8, d)), rng.normal(1e6, 1, (8, d))),
        rng.integers(-3, 4, (8, d)).astype(float),
        rng.lognormal(0.0, 5.0, (8, d)) * rng.choice([-1.0, 1.0], (8, d)),
    ])
    expected = np.percentile(rows, REPORT_PERCENTILES, axis=1).T
    assert np.array_equal(percentiles_of_rows(rows), expected)
