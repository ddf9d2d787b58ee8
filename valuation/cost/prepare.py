"""Cost method for one asset: P = C × δ (docs/valuation.md §Cost method; 中评协〔2023〕17号 cost approach).

:func:`prepare_cost` checks the inputs and builds the drivers once; the :class:`PreparedCost` it returns
gives the point value with its explanation (:meth:`~PreparedCost.value`), the one-at-a-time swings
(:meth:`~PreparedCost.tornado`) and the Monte Carlo draws (:meth:`~PreparedCost.simulate`), all through
the same kernel (valuation/cost/kernel.py) as the batch. :func:`value_cost`, :func:`tornado_cost` and
:func:`simulate_cost` are the one-call forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from valuation.context import ValuationContext
from valuation.errors import MissingInput, PriceIndexGap, WeightsDoNotSumToOne
from valuation.models import QUALITY_DIMENSIONS, DataAsset

from . import kernel
from .ahp import AhpResult, ahp_weights
from .errors import ConflictingInputs, DateAfterValuationDate, InvalidCostInput
from .inputs import (
    CATEGORY_LABELS_ZH,
    COST_CATEGORIES,
    DEFAULT_TAX_BASE,
    TAX_BASE_CATEGORIES,
    CostCategory,
    CostInputs,
    DeltaBasis,
    DeltaSpec,
)
from .result import (
    CostLineResult,
    DeltaDetail,
    LifeDeltaDetail,
    QualityDeltaDetail,
)

WEIGHT_TOLERANCE = 1e-9
EQUAL_WEIGHTS = np.full(len(QUALITY_DIMENSIONS), 1.0 / len(QUALITY_DIMENSIONS))


def check_cost_inputs(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> None:
    """Rules that need the asset or the valuation date; raises a ValuationError naming asset and field."""
    aid = asset.asset_id
    for i, line in enumerate(inputs.lines):
        if line.incurred_on > ctx.valuation_date:
            raise DateAfterValuationDate(
                f"expected a date on or before the valuation date {ctx.valuation_date}, "
                f"got {line.incurred_on} ({line.item})",
                asset_id=aid,
                field=f"cost.lines[{i}].incurred_on",
            )
    categories = {line.category for line in inputs.lines}
    for category, given, key in (
        (CostCategory.OPPORTUNITY, inputs.opportunity, "opportunity"),
        (CostCategory.TAXES, inputs.taxes, "taxes"),
    ):
        if given is not None and category in categories:
            raise ConflictingInputs(
                f"{CATEGORY_LABELS_ZH[category]} is given both as '{category.value}' cost lines and as a "
                f"rate in 'cost.{key}'; expected one or the other",
                asset_id=aid,
                field=f"cost.{key}",
            )
    _check_delta(asset, inputs.delta, ctx)


def _check_delta(asset: DataAsset, spec: DeltaSpec, ctx: ValuationContext) -> None:
    aid = asset.asset_id
    uses_quality = spec.basis in (DeltaBasis.QUALITY, DeltaBasis.BOTH)
    uses_life = spec.basis in (DeltaBasis.LIFE, DeltaBasis.BOTH)
    life_given = [
        k for k in ("elapsed_years", "in_use_since", "remaining_years") if getattr(spec, k) is not None
    ]
    quality_given = [k for k in ("quality_weights", "ahp_matrix") if getattr(spec, k) is not None]
    if not uses_life and life_given:
        raise ConflictingInputs(
            f"basis '{spec.basis}' does not use economic life, but {life_given} are given; "
            "expected basis 'life' or 'both', or remove them",
            asset_id=aid,
            field=f"cost.delta.{life_given[0]}",
        )
    if not uses_quality and quality_given:
        raise ConflictingInputs(
            f"basis '{spec.basis}' does not use quality, but {quality_given} is given; "
            "expected basis 'quality' or 'both', or remove it",
            asset_id=aid,
            field=f"cost.delta.{quality_given[0]}",
        )
    if uses_quality:
        if asset.quality is None:
            raise MissingInput(
                "expected the asset's quality scores (six GB/T 36344 dimensions) for δ basis "
                f"'{spec.basis}', got none",
                asset_id=aid,
                field="asset.quality",
            )
        if len(quality_given) == 2:
            raise ConflictingInputs(
                "expected quality_weights or ahp_matrix, got both",
                asset_id=aid,
                field="cost.delta.ahp_matrix",
            )
        if spec.quality_weights is not None:
            total = sum(spec.quality_weights.values())
            if abs(total - 1.0) > WEIGHT_TOLERANCE:
                raise WeightsDoNotSumToOne(
                    f"expected the six quality weights to sum to 1 (within {WEIGHT_TOLERANCE:g}), "
                    f"got {total:.12g}",
                    asset_id=aid,
                    field="cost.delta.quality_weights",
                )
        if spec.ahp_matrix is not None:
            shape = (len(spec.ahp_matrix), *{len(row) for row in spec.ahp_matrix})
            if shape != (6, 6):
                raise InvalidCostInput(
                    "expected a 6 × 6 AHP matrix (accuracy, consistency, completeness, conformance, "
                    f"timeliness, accessibility), got rows × columns {shape}",
                    asset_id=aid,
                    field="cost.delta.ahp_matrix",
                )
    if uses_life:
        if spec.remaining_years is None:
            raise MissingInput(
                f"expected remaining_years (remaining economic life) for δ basis '{spec.basis}', got none",
                asset_id=aid,
                field="cost.delta.remaining_years",
            )
        if spec.elapsed_years is None and spec.in_use_since is None:
            raise MissingInput(
                f"expected elapsed_years or in_use_since for δ basis '{spec.basis}', got neither",
                asset_id=aid,
                field="cost.delta.elapsed_years",
            )
        if spec.elapsed_years is not None and spec.in_use_since is not None:
            raise ConflictingInputs(
                "expected elapsed_years or in_use_since, got both",
                asset_id=aid,
                field="cost.delta.in_use_since",
            )
        if spec.in_use_since is not None and spec.in_use_since > ctx.valuation_date:
            raise DateAfterValuationDate(
                f"expected a date on or before the valuation date {ctx.valuation_date}, "
                f"got {spec.in_use_since}",
                asset_id=aid,
                field="cost.delta.in_use_since",
            )


@dataclass(frozen=True)
class PreparedCost:
    """One asset's checked cost inputs as base drivers of shape (1,), with the restated tables.

    ``in_use`` flags the drivers the inputs give (an absent category or rate is not drawn nor swung);
    ``totals_*`` are per category in the order of ``COST_CATEGORIES``.
    """

    asset: DataAsset
    inputs: CostInputs
    ctx: ValuationContext
    drivers: kernel.CostDrivers
    in_use: dict[str, np.ndarray]
    tax_base: np.ndarray
    lines: tuple[CostLineResult, ...]
    totals_historical: np.ndarray
    totals_restated: np.ndarray
    delta: DeltaDetail
    valuation_level: float

    def _evaluate(self, drivers: kernel.CostDrivers | None = None) -> kernel.CostBuildUp:
        return kernel.cost_build_up(self.drivers if drivers is None else drivers, self.tax_base)


def _index_level(ctx: ValuationContext, day: date, asset_id: str, field: str) -> float:
    """Index level of the month of ``day``; a date outside the series is refused, not extrapolated."""
    try:
        return ctx.price_index.level(day)
    except PriceIndexGap as exc:
        raise PriceIndexGap(
            f"expected a date in a month covered by the price index; {exc.message}",
            asset_id=asset_id,
            field=field,
        ) from None


def one_cell(x: float) -> np.ndarray:
    """A scalar as the (1,)-shaped array the kernel takes for one asset."""
    return np.array([x], dtype=np.float64)


def prepare_cost(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> PreparedCost:
    """Check the inputs against the asset and the valuation date, restate the cost lines and set δ.

    Raises a ValuationError naming the asset and the field; the result values, simulates and runs the
    tornado without checking or restating again.
    """
    check_cost_inputs(asset, inputs, ctx)
    aid = asset.asset_id
    valuation_level = _index_level(ctx, ctx.valuation_date, aid, "valuation_date")
    incurred_levels = np.ones(len(inputs.lines))
    for i, line in enumerate(inputs.lines):
        if line.restate:
            incurred_levels[i] = _index_level(ctx, line.incurred_on, aid, f"cost.lines[{i}].incurred_on")
    restate_flags = np.array([line.restate for line in inputs.lines])
    historical = np.array([line.amount for line in inputs.lines], dtype=np.float64)
    factors = np.where(restate_flags, kernel.index_factor(incurred_levels, valuation_level), 1.0)
    restated = kernel.restate(historical, factors)
    category_index = np.array([COST_CATEGORIES.index(line.category) for line in inputs.lines])
    totals_historical = np.bincount(category_index, weights=historical, minlength=len(COST_CATEGORIES))
    totals_restated = np.bincount(category_index, weights=restated, minlength=len(COST_CATEGORIES))
    line_results = tuple(
        CostLineResult(
            category=line.category,
            label_zh=CATEGORY_LABELS_ZH[line.category],
            item=line.item,
            incurred_on=line.incurred_on,
            historical=float(historical[i]),
            index_factor=float(factors[i]),
            restated=float(restated[i]),
            restated_flag=line.restate,
            evidence=line.evidence,
        )
        for i, line in enumerate(inputs.lines)
    )

    delta = _delta(asset, inputs.delta, ctx)
    opp, tax = inputs.opportunity, inputs.taxes
    tax_base_set = set(tax.base) if tax is not None else set(DEFAULT_TAX_BASE)
    tax_base = np.array([1.0 if c in tax_base_set else 0.0 for c in TAX_BASE_CATEGORIES])
    drivers = kernel.CostDrivers(
        planning=one_cell(totals_restated[0]),
        direct_construction=one_cell(totals_restated[1]),
        direct_operation=one_cell(totals_restated[2]),
        indirect=one_cell(totals_restated[3]),
        opportunity=one_cell(totals_restated[4]),
        taxes=one_cell(totals_restated[5]),
        opportunity_rate=one_cell(opp.rate if opp else 0.0),
        holding_years=one_cell(opp.holding_years if opp else 0.0),
        tax_rate=one_cell(tax.rate if tax else 0.0),
        delta=one_cell(delta.delta),
    )
    present = {c.value: np.array([c in {line.category for line in inputs.lines}]) for c in COST_CATEGORIES}
    in_use = {
        **present,
        "opportunity_rate": np.array([opp is not None]),
        "holding_years": np.array([opp is not None]),
        "tax_rate": np.array([tax is not None]),
        "delta": np.array([True]),
    }
    return PreparedCost(
        asset=asset,
        inputs=inputs,
        ctx=ctx,
        drivers=drivers,
        in_use=in_use,
        tax_base=tax_base,
        lines=line_results,
        totals_historical=totals_historical,
        totals_restated=totals_restated,
        delta=delta,
        valuation_level=valuation_level,
    )


WeightsSource = Literal["given", "ahp", "equal_default"]


def _quality_weights(asset_id: str, spec: DeltaSpec) -> tuple[np.ndarray, WeightsSource, AhpResult | None]:
    if spec.quality_weights is not None:
        w = np.array([spec.quality_weights[d] for d in QUALITY_DIMENSIONS], dtype=np.float64)
        return w, "given", None
    if spec.ahp_matrix is not None:
        ahp = ahp_weights(spec.ahp_matrix, asset_id=asset_id, field="cost.delta.ahp_matrix")
        return np.array(ahp.weights), "ahp", ahp
    return EQUAL_WEIGHTS, "equal_default", None


def _delta(asset: DataAsset, spec: DeltaSpec, ctx: ValuationContext) -> DeltaDetail:
    """δ and its components (docs/valuation.md §Cost method)."""
    aid = asset.asset_id
    quality: QualityDeltaDetail | None = None
    life: LifeDeltaDetail | None = None
    use_quality = spec.basis in (DeltaBasis.QUALITY, DeltaBasis.BOTH)
    use_life = spec.basis in (DeltaBasis.LIFE, DeltaBasis.BOTH)
    delta_q = delta_l = 1.0
    if use_quality:
        assert asset.quality is not None  # checked
        weights, source, ahp = _quality_weights(aid, spec)
        scores = np.array(asset.quality.vector(), dtype=np.float64)
        delta_q = float(kernel.quality_delta(weights, scores))
        quality = QualityDeltaDetail(
            weights={d: float(w) for d, w in zip(QUALITY_DIMENSIONS, weights, strict=True)},
            scores={d: float(s) for d, s in zip(QUALITY_DIMENSIONS, scores, strict=True)},
            weights_source=source,
            ahp=ahp,
            scores_evidence=asset.quality.evidence,
            delta_quality=delta_q,
        )
    if use_life:
        assert spec.remaining_years is not None  # checked
        if spec.elapsed_years is not None:
            elapsed = float(spec.elapsed_years)
        else:
            assert spec.in_use_since is not None  # checked
            elapsed = float(kernel.years_between(spec.in_use_since, ctx.valuation_date))
        term_left = (
            float(kernel.years_between(ctx.valuation_date, asset.rights_term_end))
            if asset.rights_term_end is not None
            else None
        )
        remaining = float(
            kernel.capped_remaining_life(spec.remaining_years, np.nan if term_left is None else term_left)
        )
        if elapsed + remaining <= 0:
            raise InvalidCostInput(
                "expected elapsed + remaining economic life > 0 to set δ_life = remaining / (elapsed + "
                f"remaining), got elapsed {elapsed:g} and remaining {remaining:g} years"
                + (" after the cap at the rights term" if term_left is not None else ""),
                asset_id=aid,
                field="cost.delta.remaining_years",
            )
        delta_l = float(kernel.life_delta(elapsed, remaining))
        life = LifeDeltaDetail(
            elapsed_years=elapsed,
            elapsed_from=spec.in_use_since,
            remaining_years_stated=float(spec.remaining_years),
            term_years_left=term_left,
            remaining_years_used=remaining,
            capped_by_term=remaining < spec.remaining_years,
            delta_life=delta_l,
        )
    delta = float(kernel.combined_delta(delta_q, delta_l, use_quality, use_life))
    return DeltaDetail(basis=spec.basis, quality=quality, life=life, delta=delta, evidence=spec.evidence)


