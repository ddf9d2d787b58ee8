"""Reconcile the methods into a concluded value with a range (docs/valuation.md §Conclusion and range).

    V = Σ_m w_m · V_m,    Σ_m w_m = 1

The differences between methods are analysed against the concluded value, the tornado of each method is
carried onto V (moving V_m moves V by w_m · ΔV_m), and the Monte Carlo of V is the weighted sum of the
methods' draws taken draw by draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import Field, field_validator

from base.models import FrozenModel
from valuation import compiled
from valuation.errors import WeightsDoNotSumToOne
from valuation.models import LABELS_ZH, Method, TornadoBar
from valuation.uncertainty import percentiles

WEIGHT_TOLERANCE = 1e-9
DIVERGENCE_WARNING = 0.5  # convention: methods more than 50 % apart call for a written explanation

METHOD_CHARACTER = {
    Method.COST: "成本法反映重置成本，不反映数据的应用场景和获利能力 (cost reflects replacement cost, "
    "not the earning power of the use cases)",
    Method.INCOME: "收益法反映预期收益及其风险，依赖预测和折现率 (income reflects expected benefits and "
    "their risk; it rests on the forecast and the discount rate)",
    Method.MARKET: "市场法反映可比交易价格，依赖可比案例的可比性和修正系数 (market reflects comparable "
    "transactions; it rests on their similarity and the adjustment coefficients)",
}


class MethodWeight(FrozenModel):
    """Weight given to one method in the conclusion, with the reason for it."""

    method: Method
    weight: float = Field(ge=0, le=1, allow_inf_nan=False)
    reason: str = Field(min_length=1, description="why this weight (data available, reliability...)")


def off_one(total: Any) -> Any:
    """True where method weights summing to ``total`` (a number, or an array of per-asset sums) miss 1
    by more than :data:`WEIGHT_TOLERANCE`: the rule of :func:`check_weights` and of the batch."""
    return np.abs(np.asarray(total) - 1.0) > WEIGHT_TOLERANCE


def combine(
    weights: Sequence[Any],
    values: Sequence[Any],
    *,
    nan_to_num: bool = False,
    into: np.ndarray | None = None,
    rows: np.ndarray | None = None,
) -> Any:
    """V = Σ_m w_m · V_m, the methods taken in the order given: ``0 + w_1·V_1 + w_2·V_2 + ...``.

    ``values[m]`` is an indicated value, draws (D,) of one asset, or per-asset figures (n,) / (n, D)
    with per-asset weights ``weights[m]`` (n,). ``into`` adds the terms to that array in place (at
    ``rows`` of it when given) and returns it; else a new total is returned (a number for numbers).

    ``nan_to_num`` reads each V_m through numpy's ``nan_to_num`` (NaN → 0, ±∞ → ± the largest float):
    the batch's rule, where a method that did not run on a row (NaN) adds nothing and a row whose
    methods failed is set aside by its caller. A single case passes only figures of methods that ran,
    so it sums them as they are. With ``into``, (n, D) draws and ``nan_to_num`` the terms are added
    by one compiled loop when :func:`valuation.compiled.use` says so (the same sums to the bit).
    """
    total: Any = 0 if into is None else into
    for w, v in zip(weights, values, strict=True):
        v = np.asarray(v) if nan_to_num or np.ndim(v) else v
        if into is not None and rows is not None and nan_to_num and v.ndim == 2 and compiled.use(v.size):
            from valuation.compiled.combine import add_weighted

            add_weighted(into, rows, np.asarray(w, dtype=np.float64), v)
            continue
        if nan_to_num:
            v = np.nan_to_num(v)
        w_v = np.asarray(w)[:, None] * v if np.ndim(w) == 1 and np.ndim(v) == 2 else w * v
        if into is None:
            total = total + w_v
        elif rows is None:
            into += w_v
        else:
            into[rows] += w_v
    return total


def check_weights(weights: Sequence[MethodWeight], *, asset_id: str | None = None) -> None:
    """Weights must name each method once and sum to 1 (within 1e-9)."""
    methods = [w.method for w in weights]
    if len(set(methods)) != len(methods):
        raise WeightsDoNotSumToOne(
            f"each method may be weighted once, got {[m.value for m in methods]}",
            asset_id=asset_id,
            field="methods",
        )
    total = sum(w.weight for w in weights)
    if off_one(total):
        raise WeightsDoNotSumToOne(
            f"method weights must sum to 1, got {' + '.join(f'{w.weight:g}' for w in weights)} = {total:g}",
            asset_id=asset_id,
            field="methods",
        )


class MethodDifference(FrozenModel):
    """One method against the concluded value."""

    method: Method
    value: float
    weight: float
    difference: float = Field(description="V_m − V, CNY")
    relative: float | None = Field(description="(V_m − V) / V; None when V = 0")


class ValueRange(FrozenModel):
    """P5 / P50 / P95 of a Monte Carlo, CNY."""

    p5: float
    p50: float
    p95: float
    n_draws: int


class Conclusion(FrozenModel):
    """The concluded value, how it was reached, and its range."""

    asset_id: str
    value: float = Field(description="V = Σ w_m V_m, CNY")
    formula: str = "V = Σ w_m × V_m"
    weights: tuple[MethodWeight, ...]
    differences: tuple[MethodDifference, ...]
    spread: float | None = Field(description="max V_m / min V_m − 1 over weighted methods")
    analysis: tuple[str, ...]
    tornado: tuple[TornadoBar, ...] = ()
    value_range: ValueRange | None = None
    method_ranges: dict[Method, ValueRange] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _non_empty(cls, v: tuple[MethodWeight, ...]) -> tuple[MethodWeight, ...]:
        if not v:
            raise ValueError("at least one method weight is needed")
        return v


def _range(draws: np.ndarray) -> ValueRange:
    p5, p50, p95 = percentiles(draws)
    return ValueRange(p5=float(p5), p50=float(p50), p95=float(p95), n_draws=int(draws.shape[-1]))


def reconcile(
    asset_id: str,
    values: Mapping[Method, float],
    weights: Sequence[MethodWeight],
    *,
    tornado: Sequence[TornadoBar] = (),
    draws: Mapping[Method, np.ndarray] | None = None,
) -> Conclusion:
    """Weighted conclusion with differences, tornado on V, and the Monte Carlo range.

    Parameters
    ----------
    values
        Indicated value per method run, CNY.
    weights
        One MethodWeight per method run (a method may carry weight 0 and serve as a cross-check).
    tornado
        Method-level bars; each is carried onto V as V + w_m (V_m(input) − V_m).
    draws
        Monte Carlo draws per method, each of shape (n_draws,), drawn from independent streams.
    """
    check_weights(weights, asset_id=asset_id)
    missing = [w.method.value for w in weights if w.method not in values]
    if missing:
        raise WeightsDoNotSumToOne(
            f"weights name methods that were not run: {missing}", asset_id=asset_id, field="methods"
        )
    w = {mw.method: mw.weight for mw in weights}
    v = float(combine([w[m] for m in w], [values[m] for m in w]))

    differences = tuple(
        MethodDifference(
            method=m,
            value=values[m],
            weight=w[m],
            difference=values[m] - v,
            relative=(values[m] - v) / v if v else None,
        )
        for m in w
    )
    weighted = [values[m] for m in w if w[m] > 0]
    spread = max(weighted) / min(weighted) - 1 if weighted and min(weighted) > 0 else None
    analysis = _analysis(v, differences, spread, weights)

    carried = sorted(
        (
            bar.model_copy(
                update={
                    "value_at_low": v + w[bar.method] * (bar.value_at_low - values[bar.method]),
                    "value_at_high": v + w[bar.method] * (bar.value_at_high - values[bar.method]),
                }
            )
            for bar in tornado
            if w.get(bar.method, 0.0) > 0
        ),
        key=lambda b: -b.swing,
    )

    value_range = None
    method_ranges: dict[Method, ValueRange] = {}
    if draws:
        for m, d in draws.items():
            method_ranges[m] = _range(np.asarray(d))
        ran = [m for m in w if w[m] > 0]
        combined = combine([w[m] for m in ran], [draws[m] for m in ran])
        value_range = _range(np.asarray(combined))

    return Conclusion(
        asset_id=asset_id,
        value=v,
        weights=tuple(weights),
        differences=differences,
        spread=spread,
        analysis=analysis,
        tornado=tuple(carried),
        value_range=value_range,
        method_ranges=method_ranges,
    )


def _analysis(
    v: float, differences: Sequence[MethodDifference], spread: float | None, weights: Sequence[MethodWeight]
) -> tuple[str, ...]:
    lines = []
    for mw in weights:
        lines.append(f"{LABELS_ZH[mw.method.value]} {mw.method.value}: 权重 weight {mw.weight:.0%} — {mw.reason}")
    for d in differences:
        rel = f"{d.relative:+.1%}" if d.relative is not None else "n/a"
        lines.append(
            f"{LABELS_ZH[d.method.value]} indicates {d.value:,.2f} CNY, {rel} against the concluded "
            f"{v:,.2f} CNY. {METHOD_CHARACTER[d.method]}"
        )
    if spread is not None and spread > DIVERGENCE_WARNING:
        lines.append(
            f"各方法结果差异较大 (the weighted methods differ by {spread:.0%}, above the "
            f"{DIVERGENCE_WARNING:.0%} threshold): the report must explain the difference and the choice."
        )
    elif spread is not None and len(differences) > 1:
        lines.append(f"The weighted methods differ by {spread:.0%}, within the {DIVERGENCE_WARNING:.0%} threshold.")
    return tuple(lines)
