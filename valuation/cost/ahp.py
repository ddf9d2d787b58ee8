"""Analytic hierarchy process (层次分析法): weights from a pairwise comparison matrix
(docs/valuation.md §Cost method).

For an n × n judgement matrix A (a_ij = how much more important criterion i is than j, Saaty's 1-9
scale, a_ji = 1/a_ij, a_ii = 1):

    weights = principal eigenvector of A, normalized to sum 1
    CI = (λmax − n) / (n − 1)
    CR = CI / RI(n)          accepted only if CR < 0.10

RI is Saaty's random index (1980): n = 1, 2 → 0 (any such matrix is consistent, CR = 0);
3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48,
13: 1.56, 14: 1.57, 15: 1.59. Larger matrices are refused (no published RI to test them against).

Reciprocity is checked as |a_ij · a_ji − 1| ≤ ``tolerance`` (default 1 %, so 0.33 typed for 1/3 passes);
the eigenvector is computed from the matrix exactly as given.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pydantic import Field

from base.models import FrozenModel
from valuation.errors import InconsistentJudgementMatrix

from .errors import InvalidJudgementMatrix

RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
MAX_CONSISTENCY_RATIO = 0.10
RECIPROCAL_TOLERANCE = 0.01


class AhpResult(FrozenModel):
    """Weights of an accepted AHP judgement matrix with its consistency figures."""

    n: int = Field(ge=1)
    matrix: tuple[tuple[float, ...], ...]
    weights: tuple[float, ...] = Field(description="principal eigenvector normalized to sum 1")
    lambda_max: float = Field(description="principal eigenvalue λmax")
    ci: float = Field(description="consistency index CI = (λmax − n)/(n − 1)")
    ri: float = Field(description="Saaty's random index RI(n)")
    cr: float = Field(description="consistency ratio CR = CI/RI (0 when n ≤ 2)")


def ahp_weights(
    matrix: npt.ArrayLike,
    *,
    tolerance: float = RECIPROCAL_TOLERANCE,
    max_cr: float = MAX_CONSISTENCY_RATIO,
    asset_id: str | None = None,
    field: str | None = None,
) -> AhpResult:
    """Weights, λmax, CI and CR of a pairwise comparison matrix (see module docstring).

    Raises
    ------
    InvalidJudgementMatrix
        not square, not numeric, an entry ≤ 0, a diagonal entry ≠ 1, not reciprocal, or n > 15.
    InconsistentJudgementMatrix
        CR ≥ ``max_cr`` (0.10 by the guidance).
    """

    def bad(message: str) -> InvalidJudgementMatrix:
        return InvalidJudgementMatrix(message, asset_id=asset_id, field=field)

    try:
        a = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise bad(f"expected a square matrix of positive numbers, got {matrix!r}") from exc
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise bad(f"expected a square n × n matrix, got shape {a.shape}")
    n = a.shape[0]
    if n not in RANDOM_INDEX:
        raise bad(f"expected at most {max(RANDOM_INDEX)} criteria (Saaty's RI table), got n = {n}")
    if not np.isfinite(a).all() or (a <= 0).any():
        raise bad("expected every entry to be a finite number > 0")
    off_diag = np.flatnonzero(np.abs(np.diag(a) - 1.0) > tolerance)
    if off_diag.size:
        i = int(off_diag[0])
        raise bad(f"expected a unit diagonal, got a[{i}][{i}] = {a[i, i]:g}")
    rows, cols = np.nonzero(np.abs(a * a.T - 1.0) > tolerance + 1e-12)  # 3 × 0.33 is 0.99 ± ulp
    if rows.size:
        i, j = int(rows[0]), int(cols[0])
        raise bad(
            f"expected reciprocal entries a[{j}][{i}] = 1/a[{i}][{j}] = {1 / a[i, j]:.6g} "
            f"(within {tolerance:.0%}), got {a[j, i]:g}"
        )

    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues.real[k])
    vector = np.abs(eigenvectors[:, k].real)
    weights = vector / vector.sum()
    ri = RANDOM_INDEX[n]
    # λmax ≥ n for a positive reciprocal matrix; round-off can put it a hair below n.
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 1 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    if cr >= max_cr:
        raise InconsistentJudgementMatrix(
            f"expected consistency ratio CR < {max_cr:.2f}, got CR = {cr:.4f} "
            f"(λmax = {lambda_max:.4f}, CI = {ci:.4f}, RI({n}) = {ri:.2f}); revise the pairwise judgements",
            asset_id=asset_id,
            field=field,
        )
    return AhpResult(
        n=n,
        matrix=tuple(tuple(float(x) for x in row) for row in a),
        weights=tuple(float(w) for w in weights),
        lambda_max=lambda_max,
        ci=ci,
        ri=ri,
        cr=cr,
    )
