"""AHP weights and consistency (docs/valuation.md §Cost method): eigenvector, λmax, CI, CR with Saaty's RI."""

from __future__ import annotations

import math

import numpy as np
import pytest

from valuation.cost import InvalidJudgementMatrix, ahp_weights
from valuation.errors import InconsistentJudgementMatrix


def test_consistent_matrix_recovers_its_weights():
    w = [0.3, 0.2, 0.2, 0.1, 0.1, 0.1]
    matrix = [[wi / wj for wj in w] for wi in w]  # a_ij = w_i / w_j: perfectly consistent
    result = ahp_weights(matrix)
    assert result.weights == pytest.approx(w, abs=1e-12)
    assert result.lambda_max == pytest.approx(6.0, abs=1e-9)  # λmax = n when consistent
    assert result.ci == pytest.approx(0.0, abs=1e-12)
    assert result.cr == pytest.approx(0.0, abs=1e-12)
    assert result.ri == 1.24  # Saaty RI(6)
    assert result.n == 6


def test_three_by_three_against_closed_form():
    # For a 3 × 3 reciprocal matrix, λmax = 1 + x + 1/x with x = (a12·a23/a13)^(1/3), and the principal
    # eigenvector is proportional to the row geometric means.
    a12, a13, a23 = 3.0, 5.0, 3.0
    matrix = [[1, a12, a13], [1 / a12, 1, a23], [1 / a13, 1 / a23, 1]]
    x = (a12 * a23 / a13) ** (1 / 3)
    lambda_max = 1 + x + 1 / x  # ≈ 3.0385
    ci = (lambda_max - 3) / (3 - 1)
    cr = ci / 0.58  # RI(3) = 0.58; ≈ 0.033 < 0.10, accepted
    g = [(a12 * a13) ** (1 / 3), (a23 / a12) ** (1 / 3), (1 / (a13 * a23)) ** (1 / 3)]
    weights = [gi / sum(g) for gi in g]
    result = ahp_weights(matrix)
    assert result.lambda_max == pytest.approx(lambda_max, rel=1e-12)
    assert result.ci == pytest.approx(ci, rel=1e-9)
    assert result.cr == pytest.approx(cr, rel=1e-9)
    assert result.weights == pytest.approx(weights, rel=1e-9)
    assert np.asarray(matrix) @ np.asarray(result.weights) == pytest.approx(lambda_max * np.asarray(weights))


def test_inconsistent_matrix_rejected_with_cr_in_message():
    # circular judgements: 1 ≻ 2 (9), 2 ≻ 3 (9), yet 3 ≻ 1 (9)
    matrix = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    x = (9 * 9 / (1 / 9)) ** (1 / 3)  # (a12·a23/a13)^(1/3) = 9
    cr = ((1 + x + 1 / x) - 3) / 2 / 0.58  # λmax = 1 + 9 + 1/9 → CR ≈ 6.07
    with pytest.raises(InconsistentJudgementMatrix) as err:
        ahp_weights(matrix, asset_id="A9", field="cost.delta.ahp_matrix")
    assert f"CR = {cr:.4f}" in str(err.value)
    assert "A9" in str(err.value) and "cost.delta.ahp_matrix" in str(err.value)
    assert err.value.rule == "ahp_consistency"


def test_two_criteria_are_always_consistent():
    result = ahp_weights(np.array([[1, 4], [0.25, 1]]))
    assert result.weights == pytest.approx([0.8, 0.2])  # 4 : 1
    assert result.cr == 0.0 and result.ri == 0.0


def test_typed_reciprocals_within_tolerance_pass():
    result = ahp_weights(np.array([[1, 3, 5], [0.33, 1, 3], [0.2, 0.33, 1]]))  # 0.33 typed for 1/3
    assert sum(result.weights) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("matrix", "words"),
    [
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
        ([[1, 2], [0.5, 1], [1, 1]], "square"),
        ([[1, -2], [-0.5, 1]], "> 0"),
        ([[2, 2], [0.5, 1]], "unit diagonal"),
        ([[1, 2], [2, 1]], "reciprocal"),
        ([[1, "x"], [1, 1]], "positive numbers"),
        (np.ones((16, 16)), "at most 15"),
    ],
)
def test_malformed_matrices_refused(matrix, words):
    with pytest.raises(InvalidJudgementMatrix) as err:
        ahp_weights(matrix, asset_id="A2", field="m")
    assert words in str(err.value) and "A2" in str(err.value)


def test_random_index_table_is_saatys():
    from valuation.cost.ahp import RANDOM_INDEX

    assert [RANDOM_INDEX[n] for n in range(3, 10)] == [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45]
    assert math.isclose(RANDOM_INDEX[1] + RANDOM_INDEX[2], 0.0)
