"""The market method for one asset: selection, adjustment grid and screening once
(docs/valuation.md §Market method).

    P = Σ_k w_k · Q_k·X1_k·X2_k·X3_k·X4_k·X5_k / Σ_k w_k     (equal weights: (1/m)·Σ)

X1 = q_target / q_comp; X2 supply and demand (stated, default 1.0); X3 = I(valuation month) /
I(comparable's month); X4 = (records_target / records_comp)^β; X5 = Π of the "other" items of the
adjustment table (rights type, exclusivity, region tier, remaining term, delivery form). At least three
comparables must remain after outlier screening.

:func:`prepare_market` checks the inputs, scores and screens the comparables and builds the n = 1 grid
with the same functions as the batch (grid.py, kernel.py); the :class:`PreparedMarket` it returns gives
the value with its explanation (:meth:`~PreparedMarket.value`, written by explain.py), the tornado and
the Monte Carlo draws, all with selection and screening held. :func:`value_market`,
:func:`tornado_market` and :func:`simulate_market` are the one-call forms.
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
    AdjustmentTable,
    X5Item,
)
from valuation.market.comparables import (
    DELIVERY_ORDER,
    RIGHTS_ORDER,
    Comparable,
    ComparableColumns,
    DeliveryForm,
    ids_text,
)
from valuation.market.errors import (
    ComparableNotUsable,
    DatesOutOfOrder,
    RightsNotHeld,
    RightsTermEnded,
    UnknownComparable,
    UnknownDeliveryForm,
)
from valuation.market.inputs import DEFAULT_OUTLIER_K, Aggregation, MarketInputs
from valuation.models import DataAsset, DataRight
from valuation.price_index import month_label, month_number

MIN_COMPARABLES = 3
WEIGHT_TOLERANCE = 1e-6
DAYS_PER_YEAR = 365.25  # remaining term in years = days / 365.25


def remaining_term_years(term_end: date | None, valuation_date: date) -> float | None:
    """Years from the valuation date to the end of the rights term (days / 365.25); None = not limited."""
    return None if term_end is None else (term_end - valuation_date).days / DAYS_PER_YEAR


@dataclass(frozen=True)
class PreparedMarket:
    """One asset's checked inputs, selection, grid and screening, as n = 1 arrays.

    ``universe`` is the inline comparables or the database; ``pool`` flags the comparables that passed
    the selection, ``grid`` holds the chosen ones (slots), ``kept`` those left after screening.
    """

    asset: DataAsset
    inputs: MarketInputs
    ctx: ValuationContext
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
    rights_valued: DataRight

    @property
    def median(self) -> bool:
        return self.inputs.aggregation is Aggregation.MEDIAN

    @property
    def chosen(self) -> np.ndarray:
        chosen: np.ndarray = self.grid.index[0][self.grid.valid[0]]
        return chosen


def _check_weights(values: Sequence[float], asset_id: str, field: str, what: str) -> None:
    total = sum(values)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise WeightsDoNotSumToOne(
            f"{what} must sum to 1, got {total:g} ({', '.join(f'{v:g}' for v in values)})",
            asset_id=asset_id,
            field=field,
        )


def several_rights_unnamed(held: list[str], field: str) -> str:
    """Why an asset holding several rights is refused when ``field`` names none (case file and batch alike)."""
    return (f"资产持有多项权利，须在 {field} 中列明本次评估的权利: the asset holds {held}; name the rights being "
            f"appraised in {field} (the rights-type adjustment X5 uses them, not the first listed)")


def rights_valued(asset: DataAsset, inputs: MarketInputs, adjustments: AdjustmentTable) -> DataRight:
    """The rights type the X5 item and the similarity use: the right valued, named in the case.

    One right held and none named: that right. Several held: ``rights_valued`` is required (never the
    first listed silently); several named: the one with the highest coefficient of the adjustment table
    (a bundle is priced at its strongest right). Each named right must be one the asset holds.
    """
    aid = asset.asset_id
    named = inputs.rights_valued
    if not named:
        if len(asset.rights) > 1:
            raise MissingInput(several_rights_unnamed([r.value for r in asset.rights], "market.rights_valued"),
                               asset_id=aid, field="market.rights_valued")
        return asset.rights[0]
    for i, r in enumerate(named):
        if r not in asset.rights:
            raise RightsNotHeld(
                f"评估的权利 {r.value} 不在资产持有的权利之中: rights_valued names {r.value}, but the asset holds "
                f"{[x.value for x in asset.rights]}",
                asset_id=aid,
                field=f"market.rights_valued[{i}]",
            )
    return strongest_right(named, adjustments)


def strongest_right(named: Sequence[DataRight], adjustments: AdjustmentTable) -> DataRight:
    """The right of ``named`` with the highest rights-type coefficient of the table, the first named on a
    tie (convention: a bundle is priced at its strongest right)."""
    return max(named, key=lambda r: (adjustments.rights_type[r].coefficient, -list(named).index(r)))


def _target(
    asset: DataAsset, inputs: MarketInputs, ctx: ValuationContext, rights: DataRight
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
        rights=np.array([RIGHTS_ORDER.index(rights)]),
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


def prepare_market(
    asset: DataAsset,
    inputs: MarketInputs,
    ctx: ValuationContext,
    *,
    database: Sequence[Comparable] = (),
    adjustments: AdjustmentTable | None = None,
) -> PreparedMarket:
    """Check the inputs, score and select the comparables, build the grid and screen it, once.

    ``database``: the comparables database (ignored when the inputs give comparables inline);
    ``adjustments``: the X5 coefficient table (data/market_adjustments.json).
    """
    aid = asset.asset_id
    if adjustments is None:
        raise MissingInput(
            "the market method needs the X5 coefficient table: load data/market_adjustments.json "
            "with AdjustmentTable.model_validate_json and pass adjustments=...",
            asset_id=aid,
            field="adjustments",
        )
    _check_inputs(asset, inputs, ctx)
    rights = rights_valued(asset, inputs, adjustments)
    targets, quality_basis, term = _target(asset, inputs, ctx, rights)
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
            f"({ids_text(list(comps.comp_id[chosen]))}) {where}",
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
            f"comparable {comps.comp_id[gaps[0]]} is dated {month_label(int(comps.month[gaps[0]]))}, "
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
            f"({inputs.outlier_rule.value}, k={k_rule:g}), {len(kept_ids)} kept ({ids_text(kept_ids)}); "
            f"removed: {ids_text(removed)}",
            asset_id=aid,
            field=field,
        )
    return PreparedMarket(
        asset=asset,
        inputs=inputs,
        ctx=ctx,
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
        rights_valued=rights,
    )


