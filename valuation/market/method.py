"""The market method for one asset: value, Monte Carlo draws and tornado (DOMAIN §3.3).

    P = Σ_k w_k · Q_k·X1_k·X2_k·X3_k·X4_k·X5_k / Σ_k w_k     (equal weights: (1/m)·Σ)

X1 = q_target / q_comp; X2 supply and demand (stated, default 1.0); X3 = I(valuation month) /
I(comparable's month); X4 = (records_target / records_comp)^β; X5 = Π of the "other" items of the
adjustment table (rights type, exclusivity, region tier, remaining term, delivery form). At least three
comparables must remain after outlier screening. The arithmetic is in kernel.py; this module builds
the n = 1 arrays, calls the same functions as the batch, and writes the explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from valuation.context import ValuationContext
from valuation.errors import MissingInput, PriceIndexGap, TooFewComparables, WeightsDoNotSumToOne
from valuation.market import grid as g
from valuation.market import kernel
from valuation.market.adjustments import (
    X5_ITEMS,
    X5_LABELS_ZH,
    AdjustmentTable,
    CoefficientRow,
    Exclusivity,
    RegionTier,
    TermBand,
    X5Item,
)
from valuation.market.comparables import (
    DELIVERY_ORDER,
    RIGHTS_ORDER,
    Comparable,
    ComparableColumns,
    DeliveryForm,
)
from valuation.market.errors import (
    ComparableNotUsable,
    DatesOutOfOrder,
    RightsTermEnded,
    UnknownComparable,
    UnknownDeliveryForm,
)
from valuation.market.hedonic import hedonic_cross_check
from valuation.market.inputs import DEFAULT_OUTLIER_K, MarketInputs, OutlierRule, Weighting
from valuation.market.result import (
    Factor,
    GridRow,
    MarketDetail,
    MarketResult,
    Screening,
    SelectionScore,
    TargetProfile,
    X5ItemFactor,
)
from valuation.models import DataAsset, Figure, Method, TornadoBar
from valuation.price_index import month_number
from valuation.random import asset_keys
from valuation.uncertainty import TORNADO_PERCENTILES

MIN_COMPARABLES = 3
WEIGHT_TOLERANCE = 1e-6
DAYS_PER_YEAR = 365.25  # remaining term in years = days / 365.25
FORMULA = "P = Σ w_k·Q_k·X1_k·X2_k·X3_k·X4_k·X5_k / Σ w_k  (等权时 P = (1/m)·Σ Q_k·X1_k·X2_k·X3_k·X4_k·X5_k)"


def remaining_term_years(term_end: date | None, valuation_date: date) -> float | None:
    """Years from the valuation date to the end of the rights term (days / 365.25); None = not limited."""
    return None if term_end is None else (term_end - valuation_date).days / DAYS_PER_YEAR


def _month_label(month: int) -> str:
    return f"{month // 12}-{month % 12 + 1:02d}"


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(ids) if ids else "none"


@dataclass(frozen=True)
class _Prepared:
    """One asset's selection, grid and screening, as n = 1 arrays (shared by value, simulate, tornado)."""

    asset_id: str
    universe: tuple[Comparable, ...]
    source: str
    comps: ComparableColumns
    targets: g.Targets
    quality_basis: str
    term_years: float | None
    scores: g.Scores
    pool: np.ndarray
    grid: g.Grid
    kept: np.ndarray
    weights: np.ndarray
    centre: float
    low: float
    high: float
    outlier_k: float
    level_valuation: float
    comp_levels: np.ndarray
    x2_evidence: tuple[str, ...]
    x5_evidence: dict[tuple[int, X5Item], str]
    adjustments: AdjustmentTable

    @property
    def chosen(self) -> np.ndarray:
        return self.grid.index[0][self.grid.valid[0]]


def _check_weights(values: Sequence[float], asset_id: str, field: str, what: str) -> None:
    total = sum(values)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise WeightsDoNotSumToOne(
            f"{what} must sum to 1, got {total:g} ({', '.join(f'{v:g}' for v in values)})",
            asset_id=asset_id,
            field=field,
        )


def _target(
    asset: DataAsset, inputs: MarketInputs, ctx: ValuationContext
) -> tuple[g.Targets, str, float | None]:
    """The target's attributes as n = 1 columns, the basis of its quality, its remaining term."""
    aid = asset.asset_id
    if inputs.target_quality is not None:
        quality = float(inputs.target_quality)
        basis = f"explicit target score {quality:g}" + (
            f" ({inputs.target_quality_evidence})" if inputs.target_quality_evidence else ""
        )
    else:
        if asset.quality is None:
            raise MissingInput(
                "X1 needs the target's quality: give asset.quality (six scores) or "
                "market.target_quality; got neither",
                asset_id=aid,
                field="asset.quality",
            )
        weights = inputs.quality_weights.vector()
        _check_weights(weights, aid, "market.quality_weights", "quality weights")
        quality = float(kernel.target_quality(np.array(asset.quality.vector()), weights))
        basis = (
            "Σ w_j·s_j over the six GB/T 36344 dimensions, weights "
            + ", ".join(f"{w:.4g}" for w in weights)
            + (f"; scores: {asset.quality.evidence}" if asset.quality.evidence else "")
        )
    if not asset.records:
        raise MissingInput(
            f"X4 = (records_target / records_comp)^β needs the target's record count > 0, "
            f"got {asset.records!r}",
            asset_id=aid,
            field="asset.records",
        )
    if asset.delivery_form is None:
        raise MissingInput(
            "X5 and the similarity need the target's delivery form (api / file / data_service / "
            "sandbox), got none",
            asset_id=aid,
            field="asset.delivery_form",
        )
    try:
        delivery = DeliveryForm.parse(asset.delivery_form)
    except ValueError as exc:
        raise UnknownDeliveryForm(str(exc), asset_id=aid, field="asset.delivery_form") from None
    term = remaining_term_years(asset.rights_term_end, ctx.valuation_date)
    if term is not None and term < 0:
        raise RightsTermEnded(
            f"the rights term ended on {asset.rights_term_end}, before the valuation date "
            f"{ctx.valuation_date}",
            asset_id=aid,
            field="asset.rights_term_end",
        )
    targets = g.Targets(
        field_key=np.array([asset.field.strip().lower()], dtype=object),
        region_key=np.array([asset.region.strip().lower()], dtype=object),
        rights=np.array([RIGHTS_ORDER.index(asset.rights[0])]),
        delivery=np.array([DELIVERY_ORDER.index(delivery)]),
        exclusivity=np.array([asset.exclusivity]),
        records=np.array([float(asset.records)]),
        quality=np.array([quality]),
        term_years=np.array([np.nan if term is None else term]),
        beta=np.array([inputs.beta]),
        x2=np.array([inputs.x2]),
        top_k=np.array([inputs.selection.top_k]),
        field_only=np.array([inputs.selection.field_only]),
    )
    return targets, basis, term


def _filters(comps: ComparableColumns, inputs: MarketInputs) -> np.ndarray:
    """(M,) the selection's attribute and date-window filters (empty filter = any)."""
    sel = inputs.selection
    ok = np.ones(len(comps), dtype=bool)
    if sel.fields:
        ok &= np.isin(comps.field_key, [f.strip().lower() for f in sel.fields])
    if sel.regions:
        ok &= np.isin(comps.region_key, [r.strip().lower() for r in sel.regions])
    if sel.rights_types:
        ok &= np.isin(comps.rights, [RIGHTS_ORDER.index(r) for r in sel.rights_types])
    if sel.delivery_forms:
        ok &= np.isin(comps.delivery, [DELIVERY_ORDER.index(d) for d in sel.delivery_forms])
    if sel.date_from is not None:
        ok &= comps.ordinal >= sel.date_from.toordinal()
    if sel.date_to is not None:
        ok &= comps.ordinal <= sel.date_to.toordinal()
    return ok


def _check_inputs(asset: DataAsset, inputs: MarketInputs, ctx: ValuationContext) -> None:
    aid = asset.asset_id
    sel = inputs.selection
    _check_weights(sel.weights.vector(), aid, "market.selection.weights", "similarity weights")
    if sel.date_from is not None and sel.date_to is not None and sel.date_from > sel.date_to:
        raise DatesOutOfOrder(
            f"selection date window starts {sel.date_from}, after its end {sel.date_to}",
            asset_id=aid,
            field="market.selection.date_from",
        )
    seen: set[str] = set()
    for i, c in enumerate(inputs.comparables):
        if c.comp_id in seen:
            raise UnknownComparable(
                f"comparable id {c.comp_id} is repeated",
                asset_id=aid,
                field=f"market.comparables[{i}].comp_id",
            )
        seen.add(c.comp_id)
        if c.date > ctx.valuation_date:
            raise ComparableNotUsable(
                f"comparable {c.comp_id} is dated {c.date}, after the valuation date {ctx.valuation_date}: "
                "a transaction not yet known at the valuation date cannot be used",
                asset_id=aid,
                field=f"market.comparables[{i}].date",
            )


def _overrides(
    inputs: MarketInputs,
    aid: str,
    universe_ids: dict[str, int],
    chosen: np.ndarray,
    grid: g.Grid,
) -> tuple[g.Grid, tuple[str, ...], dict[tuple[int, X5Item], str]]:
    """Apply the per-comparable X2 and X5 overrides to the grid (n = 1)."""
    slot_of = {int(c): j for j, c in enumerate(chosen)}
    x2 = grid.x2.copy()
    x2_evidence = [inputs.x2_evidence] * len(chosen)
    items = [it.copy() for it in grid.x5_items]
    x5_evidence: dict[tuple[int, X5Item], str] = {}
    seen: set[tuple[str, str]] = set()
    overrides = [
        ("x2_overrides", i, o.comp_id, "x2", o.value, o.evidence) for i, o in enumerate(inputs.x2_overrides)
    ]
    overrides += [
        ("x5_overrides", i, o.comp_id, o.item.value, o.value, o.evidence)
        for i, o in enumerate(inputs.x5_overrides)
    ]
    for name, i, comp_id, what, value, evidence in overrides:
        field = f"market.{name}[{i}].comp_id"
        if comp_id not in universe_ids:
            raise UnknownComparable(
                f"override names comparable {comp_id}, which is neither inline nor in the database",
                asset_id=aid,
                field=field,
            )
        if (comp_id, what) in seen:
            raise UnknownComparable(
                f"{what} of comparable {comp_id} is overridden twice", asset_id=aid, field=field
            )
        seen.add((comp_id, what))
        slot = slot_of.get(universe_ids[comp_id])
        if slot is None:
            continue  # not chosen: reported in the notes
        if what == "x2":
            x2[0, slot] = value
            x2_evidence[slot] = evidence
        else:
            item = X5Item(what)
            items[X5_ITEMS.index(item)][0, slot] = value
            x5_evidence[(slot, item)] = evidence
    return grid.with_overrides(x2, tuple(items)), tuple(x2_evidence), x5_evidence


def _prepare(
    asset: DataAsset,
    inputs: MarketInputs,
    ctx: ValuationContext,
    database: Sequence[Comparable],
    adjustments: AdjustmentTable | None,
) -> _Prepared:
    aid = asset.asset_id
    if adjustments is None:
        raise MissingInput(
            "the market method needs the X5 coefficient table: load data/market_adjustments.json "
            "with AdjustmentTable.model_validate_json and pass adjustments=...",
            asset_id=aid,
            field="adjustments",
        )
    _check_inputs(asset, inputs, ctx)
    targets, quality_basis, term = _target(asset, inputs, ctx)
    inline = bool(inputs.comparables)
    universe = tuple(inputs.comparables) if inline else tuple(database)
    comps = ComparableColumns.of(universe)
    valuation_month = month_number(ctx.valuation_date)
    scores = g.score(targets, comps, adjustments, valuation_month, inputs.selection.weights.vector())
    if inline:
        pool = np.ones((1, len(comps)), dtype=bool)
        top_k = np.array([len(comps)])
        field = "market.comparables"
        where = f"of the {len(comps)} inline comparables"
    else:
        pool = (
            g.eligible(targets, comps, scores, ctx.valuation_date.toordinal())
            & _filters(comps, inputs)[None, :]
            & (scores.score >= inputs.selection.min_similarity)
        )
        top_k = targets.top_k
        field = "market.selection"
        where = (
            f"of the {len(comps)} database comparables, counting those dated on or before "
            f"{ctx.valuation_date} that pass the selection "
            f"{inputs.selection.model_dump(mode='json', exclude={'weights'}, exclude_defaults=True)}"
        )
    index, valid = kernel.select_top_k(scores.score, pool, top_k)
    chosen = index[0][valid[0]]
    if len(chosen) < MIN_COMPARABLES:
        raise TooFewComparables(
            f"market method needs at least {MIN_COMPARABLES} comparables, {len(chosen)} qualified "
            f"({_ids(list(comps.comp_id[chosen]))}) {where}",
            asset_id=aid,
            field=field,
        )
    try:
        level_valuation = ctx.price_index.level(ctx.valuation_date, field="valuation_date")
    except PriceIndexGap as exc:
        raise exc.with_asset(aid) from None
    comp_levels = g.comparable_levels(ctx.price_index, comps.month)
    gaps = [c for c in chosen if np.isnan(comp_levels[c])]
    if gaps:
        raise PriceIndexGap(
            f"comparable {comps.comp_id[gaps[0]]} is dated {_month_label(int(comps.month[gaps[0]]))}, "
            f"outside the {ctx.price_index.name} series: X3 cannot be computed",
            asset_id=aid,
            field=field,
        )
    grid = g.build_grid(targets, comps, index, valid, scores, adjustments, level_valuation, comp_levels)
    universe_ids = {c.comp_id: i for i, c in enumerate(universe)}
    grid, x2_evidence, x5_evidence = _overrides(inputs, aid, universe_ids, chosen, grid)
    k_rule = inputs.outlier_k if inputs.outlier_k is not None else DEFAULT_OUTLIER_K[inputs.outlier_rule]
    kept, centre, low, high = kernel.screen_outliers(
        np.log(grid.adjusted), grid.valid, inputs.outlier_rule, k_rule
    )
    if kept.sum() < MIN_COMPARABLES:
        kept_ids = list(comps.comp_id[index[0][kept[0]]])
        removed = [
            str(comps.comp_id[c]) for j, c in enumerate(index[0]) if grid.valid[0, j] and not kept[0, j]
        ]
        raise TooFewComparables(
            f"market method needs at least {MIN_COMPARABLES} comparables after outlier screening "
            f"({inputs.outlier_rule.value}, k={k_rule:g}), {len(kept_ids)} kept ({_ids(kept_ids)}); "
            f"removed: {_ids(removed)}",
            asset_id=aid,
            field=field,
        )
    return _Prepared(
        asset_id=aid,
        universe=universe,
        source="inline" if inline else "database",
        comps=comps,
        targets=targets,
        quality_basis=quality_basis,
        term_years=term,
        scores=scores,
        pool=pool[0],
        grid=grid,
        kept=kept,
        weights=g.weights_of(grid, inputs.weighting),
        centre=float(centre[0]),
        low=float(low[0]),
        high=float(high[0]),
        outlier_k=k_rule,
        level_valuation=level_valuation,
        comp_levels=comp_levels,
        x2_evidence=x2_evidence,
        x5_evidence=x5_evidence,
        adjustments=adjustments,
    )


# ---------------------------------------------------------------------------------- the contract
def value_market(
    asset: DataAsset,
    inputs: MarketInputs,
    ctx: ValuationContext,
    *,
    database: Sequence[Comparable] = (),
    adjustments: AdjustmentTable | None = None,
) -> MarketResult:
    """Market-method value of one asset in CNY, with the full adjustment grid (DOMAIN §3.3).

    ``database``: the comparables database (ignored when the inputs give comparables inline);
    ``adjustments``: the X5 coefficient table (data/market_adjustments.json).
    """
    p = _prepare(asset, inputs, ctx, database, adjustments)
    value = float(kernel.weighted_mean(p.grid.adjusted, p.weights, p.kept)[0])
    return _result(p, asset, inputs, ctx, value)


def simulate_market(
    asset: DataAsset,
    inputs: MarketInputs,
    ctx: ValuationContext,
    *,
    database: Sequence[Comparable] = (),
    adjustments: AdjustmentTable | None = None,
) -> np.ndarray:
    """Monte Carlo draws of the market value, shape (ctx.n_draws,), CNY.

    Convention (inputs.MarketUncertainty): β (stream 300) and X2 (stream 301) from their spreads, and a
    bootstrap of the m kept comparables (slot j from stream 302 + j); selection and screening held.
    """
    p = _prepare(asset, inputs, ctx, database, adjustments)
    draws = g.simulate(
        p.grid,
        p.kept,
        p.weights,
        p.targets.beta,
        inputs.uncertainty,
        ctx.seed,
        asset_keys([asset.asset_id]),
        ctx.n_draws,
    )
    return draws[0]


def tornado_market(
    asset: DataAsset,
    inputs: MarketInputs,
    ctx: ValuationContext,
    *,
    database: Sequence[Comparable] = (),
    adjustments: AdjustmentTable | None = None,
) -> list[TornadoBar]:
    """Value at the 5th / 95th percentile of β, target quality, X2 and the comparables' price level.

    One input moves at a time, the others stay at base; selection and screening are held. β is clipped
    to [0, 1] and target quality to [0, 1]. Bars sorted by swing, largest first.
    """
    p = _prepare(asset, inputs, ctx, database, adjustments)
    grid, kept, w, unc = p.grid, p.kept, p.weights, inputs.uncertainty
    lo_p, hi_p = TORNADO_PERCENTILES

    def bar(
        name: str, label: str, base: float, low: float, high: float, v_low: np.ndarray, v_high: np.ndarray
    ) -> TornadoBar:
        return TornadoBar(
            method=Method.MARKET,
            input_name=name,
            label_zh=label,
            base_input=base,
            low_input=low,
            high_input=high,
            value_at_low=float(v_low[0]),
            value_at_high=float(v_high[0]),
        )

    beta = inputs.beta
    b_lo, b_hi = (min(1.0, max(0.0, b)) for b in unc.beta.tornado_range(beta))
    q = float(p.targets.quality[0])
    q_lo, q_hi = (min(1.0, max(0.0, v)) for v in unc.target_quality.tornado_range(q))
    x_lo, x_hi = unc.x2.tornado_range(inputs.x2)
    l_lo, l_hi = unc.price_level.tornado_range(1.0)
    bars = [
        bar(
            "beta",
            "规模调整指数 β",
            beta,
            b_lo,
            b_hi,
            g.revalue(grid, kept, w, x4=kernel.volume_factor(grid.records_ratio, b_lo)),
            g.revalue(grid, kept, w, x4=kernel.volume_factor(grid.records_ratio, b_hi)),
        ),
        bar(
            "target_quality",
            "目标数据质量",
            q,
            q_lo,
            q_hi,
            g.revalue(grid, kept, w, x1=kernel.quality_factor(q_lo, grid.comp_quality)),
            g.revalue(grid, kept, w, x1=kernel.quality_factor(q_hi, grid.comp_quality)),
        ),
        bar(
            "x2",
            "供求调整系数 X2",
            inputs.x2,
            x_lo,
            x_hi,
            g.revalue(grid, kept, w, x2=unc.x2.apply(grid.x2, lo_p)),
            g.revalue(grid, kept, w, x2=unc.x2.apply(grid.x2, hi_p)),
        ),
        bar(
            "price_level",
            "可比案例价格水平",
            1.0,
            l_lo,
            l_hi,
            g.revalue(grid, kept, w, price=grid.price * l_lo),
            g.revalue(grid, kept, w, price=grid.price * l_hi),
        ),
    ]
    return sorted(bars, key=lambda b: b.swing, reverse=True)


# ---------------------------------------------------------------------------------- explanation
_Row = CoefficientRow | RegionTier | TermBand


def _x5_item_factors(p: _Prepared, slot: int, comp: int) -> tuple[X5ItemFactor, ...]:
    adj, t, c = p.adjustments, p.targets, p.comps
    t_tier = int(adj.tier_codes(t.region_key)[0])
    c_tier = int(adj.tier_codes(c.region_key[comp : comp + 1])[0])
    t_band = int(adj.term_band_codes(t.term_years)[0])
    c_band = int(adj.term_band_codes(c.term_years[comp : comp + 1])[0])
    t_rights, c_rights = RIGHTS_ORDER[int(t.rights[0])], RIGHTS_ORDER[int(c.rights[comp])]
    t_del, c_del = DELIVERY_ORDER[int(t.delivery[0])], DELIVERY_ORDER[int(c.delivery[comp])]
    t_ex, c_ex = bool(t.exclusivity[0]), bool(c.exclusivity[comp])
    ex_key = {True: Exclusivity.EXCLUSIVE, False: Exclusivity.NON_EXCLUSIVE}
    term_t = "不限" if np.isnan(t.term_years[0]) else f"{t.term_years[0]:.2f} 年"
    term_c = "不限" if np.isnan(c.term_years[comp]) else f"{c.term_years[comp]:g} 年"
    tier_t, tier_c = adj.region_tiers[t_tier], adj.region_tiers[c_tier]
    rows: dict[X5Item, tuple[str, _Row, _Row]]
    rows = {
        X5Item.RIGHTS_TYPE: (
            f"{t_rights.value} / {c_rights.value}",
            adj.rights_type[t_rights],
            adj.rights_type[c_rights],
        ),
        X5Item.EXCLUSIVITY: (
            f"{ex_key[t_ex].value} / {ex_key[c_ex].value}",
            adj.exclusivity[ex_key[t_ex]],
            adj.exclusivity[ex_key[c_ex]],
        ),
        X5Item.REGION: (
            f"{t.region_key[0]} ({tier_t.tier}) / {c.region_key[comp]} ({tier_c.tier})",
            tier_t,
            tier_c,
        ),
        X5Item.REMAINING_TERM: (
            f"{term_t} ({adj.term_band_label(t_band)}) / {term_c} ({adj.term_band_label(c_band)})",
            adj.remaining_term[t_band],
            adj.remaining_term[c_band],
        ),
        X5Item.DELIVERY_FORM: (
            f"{t_del.value} / {c_del.value}",
            adj.delivery_form[t_del],
            adj.delivery_form[c_del],
        ),
    }
    out = []
    for i, item in enumerate(X5_ITEMS):
        value = float(p.grid.x5_items[i][0, slot])
        what, row_t, row_c = rows[item]
        override = p.x5_evidence.get((slot, item))
        if override is not None:
            formula, evidence = f"override {value:.4f}", f"appraiser override: {override}"
        else:
            formula = f"target / comparable = {what}: {row_t.coefficient:g} / {row_c.coefficient:g}"
            evidence = f"{adj.name} {item.value}: target row «{row_t.basis}»; comparable row «{row_c.basis}»"
        out.append(
            X5ItemFactor(
                item=item, label_zh=X5_LABELS_ZH[item], value=value, formula=formula, evidence=evidence
            )
        )
    return tuple(out)


def _result(
    p: _Prepared, asset: DataAsset, inputs: MarketInputs, ctx: ValuationContext, value: float
) -> MarketResult:
    grid, comps = p.grid, p.comps
    chosen = p.chosen
    kept = p.kept[0][: len(chosen)]
    w = np.where(kept, p.weights[0][: len(chosen)], 0.0)
    w_norm = w / w.sum()
    q_t = float(p.targets.quality[0])
    valuation_month = month_number(ctx.valuation_date)
    index_name = f"{ctx.price_index.name}" + (
        f" ({ctx.price_index.source})" if ctx.price_index.source else ""
    )
    rule = inputs.outlier_rule
    rows = []
    removed_ids = []
    for j, c in enumerate(chosen):
        comp = p.universe[int(c)]
        log_p = float(np.log(grid.adjusted[0, j]))
        reason = ""
        if not kept[j]:
            removed_ids.append(comp.comp_id)
            side = "below" if log_p < p.low else "above"
            reason = (
                f"ln P' = {log_p:.4f} is {side} the {rule.value} fence "
                f"[{p.low:.4f}, {p.high:.4f}] (P' = {grid.adjusted[0, j]:,.0f} CNY)"
            )
        rows.append(
            GridRow(
                comp_id=comp.comp_id,
                venue=comp.venue,
                date=comp.date,
                rights_type=comp.rights_type,
                field=comp.field,
                region=comp.region,
                delivery_form=comp.delivery_form,
                similarity=float(grid.similarity[0, j]),
                price=comp.price,
                x1=Factor(
                    value=float(grid.x1[0, j]),
                    formula=f"q_target / q_comp = {q_t:.4f} / {comp.quality:g}",
                    evidence=f"target: {p.quality_basis}; comparable: quality score of its record",
                ),
                x2=Factor(
                    value=float(grid.x2[0, j]), formula=f"X2 = {grid.x2[0, j]:g}", evidence=p.x2_evidence[j]
                ),
                x3=Factor(
                    value=float(grid.x3[0, j]),
                    formula=(
                        f"I({_month_label(valuation_month)}) / I({_month_label(month_number(comp.date))}) = "
                        f"{p.level_valuation:.4f} / {p.comp_levels[int(c)]:.4f}"
                    ),
                    evidence=f"price index: {index_name}",
                ),
                x4=Factor(
                    value=float(grid.x4[0, j]),
                    formula=(
                        f"(records_target / records_comp)^β = "
                        f"({asset.records:,} / {comp.records:,})^{inputs.beta:g}"
                    ),
                    evidence=inputs.beta_evidence,
                ),
                x5=Factor(
                    value=float(grid.x5[0, j]),
                    formula="X5 = Π items (rights type × exclusivity × region × "
                    "remaining term × delivery form)",
                    evidence=f"{p.adjustments.name}: {p.adjustments.source}",
                ),
                x5_items=_x5_item_factors(p, j, int(c)),
                adjusted_price=float(grid.adjusted[0, j]),
                weight=float(w_norm[j]),
                kept=bool(kept[j]),
                removal_reason=reason,
            )
        )
    finite = np.isfinite(p.low) and np.isfinite(p.high)
    screening = Screening(
        rule=rule,
        k=p.outlier_k,
        centre_log=None if np.isnan(p.centre) else p.centre,
        low_log=p.low if finite else None,
        high_log=p.high if finite else None,
        low_cny=float(np.exp(p.low)) if finite else None,
        high_cny=float(np.exp(p.high)) if finite else None,
        removed=tuple(removed_ids),
        description={
            OutlierRule.MAD: (
                f"remove ln P' outside median ± {p.outlier_k:g} × 1.4826 × MAD (none removed if MAD = 0)"
            ),
            OutlierRule.IQR: f"remove ln P' outside [Q1 − {p.outlier_k:g}·IQR, Q3 + {p.outlier_k:g}·IQR]",
            OutlierRule.NONE: "no outlier screening",
        }[rule],
    )
    pool_idx = np.flatnonzero(p.pool)
    chosen_set = set(chosen.tolist())
    candidates = tuple(
        SelectionScore(
            comp_id=str(comps.comp_id[i]),
            score=float(p.scores.score[0, i]),
            components={
                name: float(np.broadcast_to(c, p.scores.score.shape)[0, i])
                for name, c in zip(kernel.SIMILARITY_COMPONENTS, p.scores.components, strict=True)
            },
            chosen=int(i) in chosen_set,
        )
        for i in pool_idx[np.argsort(-p.scores.score[0, pool_idx], kind="stable")]
    )
    hedonic, hedonic_note = hedonic_cross_check(
        comps.take(pool_idx),
        records=float(asset.records or 0),
        quality=q_t,
        exclusive=asset.exclusivity,
        rights=int(p.targets.rights[0]),
        delivery=int(p.targets.delivery[0]),
        valuation_month=valuation_month,
        market_value=value,
    )
    adj = p.adjustments
    target = TargetProfile(
        quality=q_t,
        quality_basis=p.quality_basis,
        records=int(asset.records or 0),
        rights_type=asset.rights[0],
        field=asset.field,
        region=asset.region,
        region_tier=adj.region_tiers[int(adj.tier_codes(p.targets.region_key)[0])].tier,
        delivery_form=DELIVERY_ORDER[int(p.targets.delivery[0])],
        exclusivity=asset.exclusivity,
        remaining_term_years=p.term_years,
    )
    m = int(kept.sum())
    adjusted_kept = grid.adjusted[0, : len(chosen)][kept]
    weighting_text = (
        "equal weights w_k = 1/m"
        if inputs.weighting is Weighting.EQUAL
        else "weights proportional to the similarity score"
    )
    figures = [
        Figure(
            name="target_quality",
            label_zh="目标数据质量 q",
            value=q_t,
            unit="ratio",
            formula="Σ w_j·s_j",
            evidence=p.quality_basis,
        ),
        Figure(
            name="pool_size",
            label_zh="合格可比案例数",
            value=float(len(pool_idx)),
            unit="count",
            formula="filters, date ≤ valuation date, similarity ≥ min_similarity",
            evidence=f"{p.source} comparables: {len(p.universe)}",
        ),
        Figure(
            name="selected",
            label_zh="入选可比案例数",
            value=float(len(chosen)),
            unit="count",
            formula=f"top {inputs.selection.top_k} by similarity" if p.source == "database" else "all inline",
            evidence=", ".join(str(comps.comp_id[c]) for c in chosen),
        ),
        Figure(
            name="kept",
            label_zh="筛选后可比案例数 m",
            value=float(m),
            unit="count",
            formula=screening.description,
            evidence=f"removed: {_ids(removed_ids)}",
        ),
        Figure(
            name="adjusted_price_min",
            label_zh="调整后价格最小值",
            value=float(adjusted_kept.min()),
            unit="CNY",
            formula="min P'_k over kept comparables",
        ),
        Figure(
            name="adjusted_price_max",
            label_zh="调整后价格最大值",
            value=float(adjusted_kept.max()),
            unit="CNY",
            formula="max P'_k over kept comparables",
        ),
        Figure(
            name="value",
            label_zh="市场法评估值 P",
            value=value,
            unit="CNY",
            formula=FORMULA,
            evidence=weighting_text,
        ),
    ]
    if hedonic is not None:
        figures += [
            Figure(
                name="hedonic_prediction",
                label_zh="特征价格模型预测值（交叉验证）",
                value=hedonic.prediction,
                unit="CNY",
                formula=hedonic.formula,
                evidence=f"OLS n = {hedonic.n}, R² = {hedonic.r_squared:.3f}",
            ),
            Figure(
                name="hedonic_interval_low",
                label_zh="预测区间下限 (90%)",
                value=hedonic.interval_low,
                unit="CNY",
                formula="exp(obs_ci_lower), alpha = 0.10",
            ),
            Figure(
                name="hedonic_interval_high",
                label_zh="预测区间上限 (90%)",
                value=hedonic.interval_high,
                unit="CNY",
                formula="exp(obs_ci_upper), alpha = 0.10",
            ),
        ]
    assumptions = [
        f"可比案例 comparables: {p.source}, {len(chosen)} chosen, {m} kept after screening; similarity = "
        "Σ weights × (field, rights type, region, delivery form, records, date, quality) components",
        f"X1 质量调整: target quality {q_t:.4f} ({p.quality_basis}) / comparable quality",
        f"X2 供求调整: {inputs.x2:g} — {inputs.x2_evidence}",
        f"X3 交易日期调整: {index_name}, valuation month {_month_label(valuation_month)}",
        f"X4 规模调整: β = {inputs.beta:g} — {inputs.beta_evidence}",
        f"X5 其他因素: {adj.name} {adj.version} — {adj.source}",
        f"异常值筛选 outlier screen: {screening.description}",
        f"加权 weighting: {weighting_text}",
        "模拟与敏感性: selection and screening held at base; Monte Carlo resamples the kept comparables and "
        "draws β and X2 from their stated spreads",
    ]
    if any("ILLUSTRATIVE" in p.universe[int(c)].note.upper() for c in chosen):
        assumptions.append(
            "可比案例含示例数据 (ILLUSTRATIVE synthetic transactions): not evidence for a real appraisal"
        )
    notes = []
    chosen_ids = {str(comps.comp_id[c]) for c in chosen}
    for comp_id in [o.comp_id for o in inputs.x2_overrides] + [o.comp_id for o in inputs.x5_overrides]:
        if comp_id not in chosen_ids:
            notes.append(f"override for {comp_id} not used: the comparable was not chosen")
    if hedonic_note:
        notes.append(hedonic_note)
    elif hedonic is not None and not hedonic.market_value_inside:
        notes.append(
            f"market value {value:,.0f} CNY lies outside the hedonic 90 % prediction interval "
            f"[{hedonic.interval_low:,.0f}, {hedonic.interval_high:,.0f}]: review the comparables"
        )
    return MarketResult(
        asset_id=asset.asset_id,
        value=value,
        formula=FORMULA,
        figures=tuple(figures),
        assumptions=tuple(assumptions),
        notes=tuple(notes),
        detail=MarketDetail(
            target=target,
            source="inline" if p.source == "inline" else "database",
            pool_size=len(pool_idx),
            candidates=candidates,
            grid=tuple(rows),
            weighting=inputs.weighting,
            screening=screening,
            hedonic=hedonic,
            hedonic_note=hedonic_note,
        ),
    )
