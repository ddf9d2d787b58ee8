"""Cost method for one asset: P = C × δ (DOMAIN §3.1; 中评协〔2023〕17号 cost approach).

:func:`value_cost` gives the point value with its explanation, :func:`simulate_cost` the Monte Carlo
draws, :func:`tornado_cost` the one-at-a-time swings. All three prepare the same drivers and call the
same kernel (valuation/cost/kernel.py) as the batch does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from valuation.context import ValuationContext
from valuation.errors import MissingInput, PriceIndexGap, WeightsDoNotSumToOne
from valuation.models import QUALITY_DIMENSIONS, DataAsset, Figure, Method, TornadoBar
from valuation.random import asset_keys

from . import kernel
from .ahp import AhpResult, ahp_weights
from .draws import DRIVER_LABELS_ZH, draw_drivers
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
    CategoryTotal,
    CostDetail,
    CostLineResult,
    CostResult,
    DeltaDetail,
    LifeDeltaDetail,
    QualityDeltaDetail,
    RateDetail,
)

FORMULA = "P = C × δ"
WEIGHT_TOLERANCE = 1e-9
EQUAL_WEIGHTS = np.full(len(QUALITY_DIMENSIONS), 1.0 / len(QUALITY_DIMENSIONS))

YEAR_FRACTION_CONVENTION = (
    "年限按 y + m/12 + d/365 计算 (y, m, d from dateutil.relativedelta between the two dates)"
)


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
class _Prepared:
    """Everything the three entry points share: base drivers of shape (1,), flags, and the tables."""

    drivers: kernel.CostDrivers
    in_use: dict[str, np.ndarray]
    tax_base: np.ndarray
    lines: tuple[CostLineResult, ...]
    totals_historical: np.ndarray
    totals_restated: np.ndarray
    delta: DeltaDetail
    valuation_level: float


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


def _one(x: float) -> np.ndarray:
    return np.array([x], dtype=np.float64)


def _prepare(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> _Prepared:
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
        planning=_one(totals_restated[0]),
        direct_construction=_one(totals_restated[1]),
        direct_operation=_one(totals_restated[2]),
        indirect=_one(totals_restated[3]),
        opportunity=_one(totals_restated[4]),
        taxes=_one(totals_restated[5]),
        opportunity_rate=_one(opp.rate if opp else 0.0),
        holding_years=_one(opp.holding_years if opp else 0.0),
        tax_rate=_one(tax.rate if tax else 0.0),
        delta=_one(delta.delta),
    )
    present = {c.value: np.array([c in {line.category for line in inputs.lines}]) for c in COST_CATEGORIES}
    in_use = {
        **present,
        "opportunity_rate": np.array([opp is not None]),
        "holding_years": np.array([opp is not None]),
        "tax_rate": np.array([tax is not None]),
        "delta": np.array([True]),
    }
    return _Prepared(
        drivers, in_use, tax_base, line_results, totals_historical, totals_restated, delta, valuation_level
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
    """δ and its components (DOMAIN §3.1)."""
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


def _evaluate(p: _Prepared, drivers: kernel.CostDrivers | None = None) -> kernel.CostBuildUp:
    return kernel.cost_build_up(p.drivers if drivers is None else drivers, p.tax_base)


def value_cost(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> CostResult:
    """成本法 value P = C × δ (CNY) with its build-up, figures, evidence and assumptions (DOMAIN §3.1)."""
    p = _prepare(asset, inputs, ctx)
    build = _evaluate(p)
    opportunity, taxes = float(build.opportunity[0]), float(build.taxes[0])
    total_cost, value = float(build.total_cost[0]), float(build.value[0])
    restated = p.totals_restated.copy()
    historical = p.totals_historical.copy()
    k_opp, k_tax = COST_CATEGORIES.index(CostCategory.OPPORTUNITY), COST_CATEGORIES.index(CostCategory.TAXES)

    opp_detail = tax_detail = None
    if inputs.opportunity is not None:
        capital_categories = COST_CATEGORIES[:4]
        opp_detail = RateDetail(
            rate=inputs.opportunity.rate,
            base_categories=capital_categories,
            base=float(restated[:4].sum()),
            holding_years=inputs.opportunity.holding_years,
            amount=opportunity,
            evidence=inputs.opportunity.evidence,
        )
        restated[k_opp] = historical[k_opp] = opportunity
    if inputs.taxes is not None:
        base_values = np.append(restated[:4], opportunity)
        tax_detail = RateDetail(
            rate=inputs.taxes.rate,
            base_categories=inputs.taxes.base,
            base=float(sum(base_values[TAX_BASE_CATEGORIES.index(c)] for c in inputs.taxes.base)),
            amount=taxes,
            evidence=inputs.taxes.evidence,
        )
        restated[k_tax] = historical[k_tax] = taxes

    present = {line.category for line in inputs.lines}
    totals = []
    for k, c in enumerate(COST_CATEGORIES):
        rate_based = (c is CostCategory.OPPORTUNITY and opp_detail) or (
            c is CostCategory.TAXES and tax_detail
        )
        formula = ""
        if c is CostCategory.OPPORTUNITY and opp_detail:
            formula = "机会成本 = r × (前期费用 + 直接成本 + 间接成本) × 持有年限"
        elif c is CostCategory.TAXES and tax_detail:
            formula = (
                "相关税费 = 税费率 × ("
                + " + ".join(CATEGORY_LABELS_ZH[b] for b in tax_detail.base_categories)
                + ")"
            )
        elif c in present:
            formula = "Σ 历史金额 × I(基准日月份) / I(发生月份)"
        totals.append(
            CategoryTotal(
                category=c,
                label_zh=CATEGORY_LABELS_ZH[c],
                historical=float(historical[k]),
                restated=float(restated[k]),
                source="rate" if rate_based else ("lines" if c in present else "none"),
                formula=formula,
            )
        )

    detail = CostDetail(
        lines=p.lines,
        category_totals=tuple(totals),
        opportunity_rate=opp_detail,
        tax_rate=tax_detail,
        total_historical=float(p.totals_historical.sum()),
        total_cost=total_cost,
        delta=p.delta,
        value=value,
        price_index=ctx.price_index.name,
        valuation_date=ctx.valuation_date,
        valuation_index_level=p.valuation_level,
    )
    return CostResult(
        asset_id=asset.asset_id,
        value=value,
        formula=FORMULA,
        figures=_figures(inputs, detail),
        assumptions=_assumptions(inputs, detail, ctx),
        notes=_notes(inputs, detail, asset),
        detail=detail,
    )


def _figures(inputs: CostInputs, d: CostDetail) -> tuple[Figure, ...]:
    figures = []
    for t in d.category_totals:
        if t.source == "none":
            continue
        evidence = "; ".join(
            dict.fromkeys(line.evidence for line in d.lines if line.category == t.category and line.evidence)
        )
        if t.category is CostCategory.OPPORTUNITY and d.opportunity_rate is not None:
            r = d.opportunity_rate
            evidence = (
                f"r = {r.rate:.4%}, 持有年限 {r.holding_years:g} 年, 基数 {r.base:,.2f} CNY; {r.evidence}"
            )
        if t.category is CostCategory.TAXES and d.tax_rate is not None:
            r = d.tax_rate
            evidence = f"税费率 {r.rate:.4%}, 基数 {r.base:,.2f} CNY; {r.evidence}"
        figures.append(
            Figure(
                name=t.category.value,
                label_zh=t.label_zh,
                value=t.restated,
                unit="CNY",
                formula=t.formula,
                evidence=evidence.strip("; "),
            )
        )
    figures.append(
        Figure(
            name="total_historical",
            label_zh="历史成本合计",
            value=d.total_historical,
            unit="CNY",
            formula="Σ 历史金额",
            evidence="cost lines as given",
        )
    )
    figures.append(
        Figure(
            name="C",
            label_zh="重置成本 C",
            value=d.total_cost,
            unit="CNY",
            formula="C = 前期费用 + 直接成本 + 间接成本 + 机会成本 + 相关税费",
            evidence=(
                f"restated with {d.price_index}, level {d.valuation_index_level:g} "
                f"at {d.valuation_date:%Y-%m}"
            ),
        )
    )
    q, life = d.delta.quality, d.delta.life
    if q is not None:
        source = {
            "given": "weights as given",
            "ahp": (
                f"AHP weights, λmax = {q.ahp.lambda_max:.4f}, CI = {q.ahp.ci:.4f}, CR = {q.ahp.cr:.4f}"
                if q.ahp
                else ""
            ),
            "equal_default": "equal weights 1/6 (none given)",
        }[q.weights_source]
        figures.append(
            Figure(
                name="delta_quality",
                label_zh="质量调整系数 δ_q",
                value=q.delta_quality,
                unit="ratio",
                formula="δ_q = Σ w_j × s_j (GB/T 36344 六维度)",
                evidence=source + (f"; scores: {q.scores_evidence}" if q.scores_evidence else ""),
            )
        )
    if life is not None:
        figures.append(
            Figure(
                name="elapsed_years",
                label_zh="已使用年限",
                value=life.elapsed_years,
                unit="years",
                formula="y + m/12 + d/365 from in_use_since" if life.elapsed_from else "",
                evidence=d.delta.evidence,
            )
        )
        figures.append(
            Figure(
                name="remaining_years",
                label_zh="剩余经济寿命",
                value=life.remaining_years_used,
                unit="years",
                formula="min(剩余经济寿命, 权利剩余期限)" if life.term_years_left is not None else "",
                evidence=d.delta.evidence,
            )
        )
        figures.append(
            Figure(
                name="delta_life",
                label_zh="剩余寿命调整系数 δ_life",
                value=life.delta_life,
                unit="ratio",
                formula="δ_life = 剩余年限 / (已使用年限 + 剩余年限) = 1 − 贬值率",
            )
        )
    formula_delta = {
        DeltaBasis.QUALITY: "δ = δ_q",
        DeltaBasis.LIFE: "δ = δ_life",
        DeltaBasis.BOTH: "δ = δ_q × δ_life",
    }[d.delta.basis]
    figures.append(
        Figure(
            name="delta",
            label_zh="价值调整系数 δ",
            value=d.delta.delta,
            unit="ratio",
            formula=formula_delta,
            evidence=d.delta.evidence,
        )
    )
    figures.append(Figure(name="P", label_zh="评估值 P", value=d.value, unit="CNY", formula=FORMULA))
    return tuple(figures)


def _assumptions(inputs: CostInputs, d: CostDetail, ctx: ValuationContext) -> tuple[str, ...]:
    out = [
        "成本法 P = C × δ (中评协〔2023〕17号《数据资产评估指导意见》; DOMAIN §3.1).",
        f"Costs are replacement costs at the valuation date {ctx.valuation_date}: historical amounts are "
        f"restated as amount × I(valuation month) / I(incurred month) with {ctx.price_index.name}"
        + (f" ({ctx.price_index.source})" if ctx.price_index.source else "")
        + "; a date takes the level of its month.",
    ]
    if d.opportunity_rate is not None:
        r = d.opportunity_rate
        out.append(
            f"机会成本 = r × (前期费用 + 直接成本 + 间接成本) × holding period (DOMAIN §3.1 convention), "
            f"r = {r.rate:.4%} a year, holding period {r.holding_years:g} years."
        )
    if d.tax_rate is not None:
        r = d.tax_rate
        out.append(
            f"相关税费 = {r.rate:.4%} × ({' + '.join(c.value for c in r.base_categories)}), restated amounts."
        )
    q, life = d.delta.quality, d.delta.life
    if q is not None:
        if q.weights_source == "equal_default":
            out.append("Quality weights assumed equal (1/6 per GB/T 36344 dimension): none were given.")
        if q.weights_source == "ahp" and q.ahp is not None:
            out.append(f"Quality weights by AHP: principal eigenvector, CR = {q.ahp.cr:.4f} < 0.10 accepted.")
    if life is not None:
        out.append(f"δ_life = remaining / (elapsed + remaining) = 1 − 贬值率; {YEAR_FRACTION_CONVENTION}.")
    return tuple(out)


def _notes(inputs: CostInputs, d: CostDetail, asset: DataAsset) -> tuple[str, ...]:
    out = []
    kept = [i for i, line in enumerate(d.lines) if not line.restated_flag]
    if kept:
        out.append(f"Cost lines {kept} are taken as given (restate = false), not restated by the index.")
    no_evidence = [i for i, line in enumerate(d.lines) if not line.evidence]
    if no_evidence:
        out.append(
            f"Cost lines {no_evidence} have no evidence recorded (invoice, timesheet, allocation key)."
        )
    life = d.delta.life
    if life is not None and life.capped_by_term and life.term_years_left is not None:
        out.append(
            f"Remaining economic life {life.remaining_years_stated:g} years exceeds the "
            f"{max(life.term_years_left, 0.0):.4f} years left on the rights term "
            f"ending {asset.rights_term_end}"
            + (f" ({asset.term_basis})" if asset.term_basis else "")
            + f"; capped at {life.remaining_years_used:.4f} years."
        )
    return tuple(out)


def simulate_cost(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> np.ndarray:
    """Monte Carlo draws of P (CNY), shape (ctx.n_draws,); streams as in valuation/cost/draws.py."""
    p = _prepare(asset, inputs, ctx)
    drawn = draw_drivers(
        p.drivers,
        p.in_use,
        inputs.uncertainty,
        seed=ctx.seed,
        keys=asset_keys([asset.asset_id]),
        n_draws=ctx.n_draws,
    )
    return np.asarray(_evaluate(p, drawn).value[0], dtype=np.float64)


def tornado_cost(asset: DataAsset, inputs: CostInputs, ctx: ValuationContext) -> list[TornadoBar]:
    """Each key input at its spread's 5th and 95th percentile, others at base; largest swing first."""
    p = _prepare(asset, inputs, ctx)
    bars = []
    for name in kernel.CostDrivers._fields:
        spread = getattr(inputs.uncertainty, name)
        if spread is None or not bool(p.in_use[name][0]):
            continue
        base = float(getattr(p.drivers, name)[0])
        low, high = (float(kernel.bound_input(name, x)) for x in spread.tornado_range(base))
        at_low = _evaluate(p, p.drivers._replace(**{name: _one(low)})).value[0]
        at_high = _evaluate(p, p.drivers._replace(**{name: _one(high)})).value[0]
        bars.append(
            TornadoBar(
                method=Method.COST,
                input_name=name,
                label_zh=DRIVER_LABELS_ZH[name],
                base_input=base,
                low_input=low,
                high_input=high,
                value_at_low=float(at_low),
                value_at_high=float(at_high),
            )
        )
    return sorted(bars, key=lambda b: b.swing, reverse=True)
