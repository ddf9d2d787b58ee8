"""Hedonic cross-check (docs/valuation.md §Market method): OLS of ln price on the comparables' attributes.

    ln Q = b0 + b1·ln(records) + b2·quality + b3·exclusive + b4·months since 2022-01
           + Σ rights-type dummies (reference: processing_use) + Σ delivery-form dummies (reference: api) + e

Fitted on the qualifying pool when it has at least :data:`MIN_HEDONIC` comparables; the target is
predicted at its own attributes and the valuation month, with the 90 % prediction interval
(statsmodels ``get_prediction().summary_frame(alpha=0.10)``, obs_ci_lower/upper), reported in CNY as
exp of the log bounds. It is a cross-check, not part of the value.
"""

from __future__ import annotations

import numpy as np

from valuation.market.comparables import DELIVERY_ORDER, RIGHTS_ORDER, ComparableColumns
from valuation.market.result import HedonicCoefficient, HedonicSummary
from valuation.models import DataRight

MIN_HEDONIC = 20
MIN_RESIDUAL_DOF = 5
ALPHA = 0.10
MONTH_2022_01 = 2022 * 12
FORMULA = (
    "ln Q = b0 + b1·ln(records) + b2·quality + b3·exclusive + b4·months_since_2022 "
    "+ rights-type dummies (ref. 数据加工使用权 processing use) + delivery-form dummies (ref. API) + e"
)


def hedonic_cross_check(
    pool: ComparableColumns,
    *,
    records: float,
    quality: float,
    exclusive: bool,
    rights: int,
    delivery: int,
    valuation_month: int,
    market_value: float,
) -> tuple[HedonicSummary | None, str]:
    """Fit the hedonic model on ``pool`` and predict the target; (None, reason) when it cannot run."""
    n = len(pool)
    if n < MIN_HEDONIC:
        return None, f"hedonic cross-check not run: {n} comparables qualify, it needs at least {MIN_HEDONIC}"
    names = ["const", "ln_records", "quality", "exclusive", "months_since_2022"]
    columns = [
        np.ones(n),
        np.log(pool.records),
        pool.quality,
        pool.exclusivity.astype(np.float64),
        (pool.month - MONTH_2022_01).astype(np.float64),
    ]
    target = [1.0, float(np.log(records)), quality, float(exclusive), float(valuation_month - MONTH_2022_01)]
    notes = []
    for label, codes, order, reference, target_code in (
        ("rights", pool.rights, RIGHTS_ORDER, RIGHTS_ORDER.index(DataRight.PROCESSING_USE), rights),
        ("delivery", pool.delivery, DELIVERY_ORDER, 0, delivery),
    ):
        present = set(np.unique(codes).tolist())
        if target_code not in present:
            notes.append(
                f"target {label} '{order[target_code].value}' absent from the pool: "
                "predicted at the reference level"
            )
        for code, level in enumerate(order):
            if code == reference or code not in present:
                continue
            names.append(f"{label}[{level.value}]")
            columns.append((codes == code).astype(np.float64))
            target.append(float(target_code == code))
    x = np.column_stack(columns)
    p = x.shape[1]
    if np.linalg.matrix_rank(x) < p or n - p < MIN_RESIDUAL_DOF:
        return None, (
            f"hedonic cross-check not run: {n} comparables for {p} coefficients "
            f"(rank {np.linalg.matrix_rank(x)}, needs full rank and "
            f"{MIN_RESIDUAL_DOF} residual degrees of freedom)"
        )
    import statsmodels.api as sm  # here, not at the top: statsmodels takes ~0.7 s to import

    fit = sm.OLS(np.log(pool.price), x).fit()
    frame = fit.get_prediction(np.array([target])).summary_frame(alpha=ALPHA)
    mean, low, high = (float(frame[c].iloc[0]) for c in ("mean", "obs_ci_lower", "obs_ci_upper"))
    summary = HedonicSummary(
        formula=FORMULA,
        n=n,
        r_squared=float(fit.rsquared),
        adj_r_squared=float(fit.rsquared_adj),
        coefficients=tuple(
            HedonicCoefficient(term=name, estimate=float(b), std_error=float(se), p_value=float(pv))
            for name, b, se, pv in zip(names, fit.params, fit.bse, fit.pvalues, strict=True)
        ),
        target_terms=dict(zip(names, target, strict=True)),
        prediction=float(np.exp(mean)),
        interval_low=float(np.exp(low)),
        interval_high=float(np.exp(high)),
        alpha=ALPHA,
        market_value_inside=bool(np.exp(low) <= market_value <= np.exp(high)),
        note="; ".join(notes),
    )
    return summary, ""
