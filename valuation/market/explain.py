"""The market method's explanation: factor formulas and evidence per comparable, the screening, the
hedonic cross-check, the figures as a declarative table, the assumptions and the notes
(docs/valuation.md §Market method)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from valuation.explain import FigureRow, FigureTable, render_figures
from valuation.market import kernel
from valuation.market.adjustments import (
    X5_ITEMS,
    X5_LABELS_ZH,
    CoefficientRow,
    Exclusivity,
    RegionTier,
    TermBand,
    X5Item,
)
from valuation.market.comparables import DELIVERY_ORDER, RIGHTS_ORDER, ids_text
from valuation.market.hedonic import hedonic_cross_check
from valuation.market.inputs import AGGREGATION_LABELS, Aggregation, OutlierRule
from valuation.market.prepare import PreparedMarket
from valuation.market.result import (
    Factor,
    GridRow,
    HedonicSummary,
    MarketDetail,
    MarketResult,
    Screening,
    SelectionScore,
    TargetProfile,
    X5ItemFactor,
)
from valuation.models import bilingual
from valuation.price_index import month_label, month_number

FORMULA = "P = Σ w_k·Q_k·X1_k·X2_k·X3_k·X4_k·X5_k / Σ w_k  (等权时 P = (1/m)·Σ Q_k·X1_k·X2_k·X3_k·X4_k·X5_k)"
MEDIAN_FORMULA = "P = median_k(Q_k·X1_k·X2_k·X3_k·X4_k·X5_k)"


def formula_of(aggregation: Aggregation) -> str:
    return MEDIAN_FORMULA if aggregation is Aggregation.MEDIAN else FORMULA


class Explained(NamedTuple):
    """What the figures are read from: the prepared asset, its value and the screening's outcome."""

    p: PreparedMarket
    value: float
    pool_idx: np.ndarray
    removed_ids: list[str]
    adjusted_kept: np.ndarray
    screening: str
    weighting: str
    hedonic: HedonicSummary | None


def _hedonic(x: Explained) -> HedonicSummary:
    assert x.hedonic is not None  # shown only with a cross-check
    return x.hedonic


def _has_hedonic(x: Explained) -> bool:
    return x.hedonic is not None


FIGURES: FigureTable[Explained] = (
    FigureRow(
        key="target_quality",
        label_zh="目标数据质量 q",
        label_en="target data quality q",
        unit="ratio",
        value=lambda x: float(x.p.targets.quality[0]),
        formula="Σ w_j·s_j",
        evidence=lambda x: x.p.quality_basis,
    ),
    FigureRow(
        key="pool_size",
        label_zh="合格可比案例数",
        label_en="eligible comparables",
        unit="count",
        value=lambda x: float(len(x.pool_idx)),
        formula="filters, date ≤ valuation date, similarity ≥ min_similarity",
        evidence=lambda x: f"{x.p.source} comparables: {len(x.p.universe)}",
    ),
    FigureRow(
        key="selected",
        label_zh="入选可比案例数",
        label_en="comparables chosen",
        unit="count",
        value=lambda x: float(len(x.p.chosen)),
        formula=lambda x: (
            f"top {x.p.inputs.selection.top_k} by similarity" if x.p.source == "database" else "all inline"
        ),
        evidence=lambda x: ", ".join(str(x.p.comps.comp_id[c]) for c in x.p.chosen),
    ),
    FigureRow(
        key="kept",
        label_zh="筛选后可比案例数 m",
        label_en="comparables kept after screening m",
        unit="count",
        value=lambda x: float(len(x.adjusted_kept)),
        formula=lambda x: x.screening,
        evidence=lambda x: f"removed: {ids_text(x.removed_ids)}",
    ),
    FigureRow(
        key="adjusted_price_min",
        label_zh="调整后价格最小值",
        label_en="lowest adjusted price",
        unit="CNY",
        value=lambda x: float(x.adjusted_kept.min()),
        formula="min P'_k over kept comparables",
    ),
    FigureRow(
        key="adjusted_price_max",
        label_zh="调整后价格最大值",
        label_en="highest adjusted price",
        unit="CNY",
        value=lambda x: float(x.adjusted_kept.max()),
        formula="max P'_k over kept comparables",
    ),
    FigureRow(
        key="value",
        label_zh="市场法评估值 P",
        label_en="market-method value P",
        unit="CNY",
        value=lambda x: x.value,
        formula=lambda x: formula_of(x.p.inputs.aggregation),
        evidence=lambda x: x.weighting,
    ),
    FigureRow(
        key="hedonic_prediction",
        label_zh="特征价格模型预测值（交叉验证）",
        label_en="hedonic model prediction (cross-check)",
        unit="CNY",
        value=lambda x: _hedonic(x).prediction,
        formula=lambda x: _hedonic(x).formula,
        evidence=lambda x: f"OLS n = {_hedonic(x).n}, R² = {_hedonic(x).r_squared:.3f}",
        when=_has_hedonic,
    ),
    FigureRow(
        key="hedonic_interval_low",
        label_zh="预测区间下限 (90%)",
        label_en="prediction interval, lower bound (90 %)",
        unit="CNY",
        value=lambda x: _hedonic(x).interval_low,
        formula="exp(obs_ci_lower), alpha = 0.10",
        when=_has_hedonic,
    ),
    FigureRow(
        key="hedonic_interval_high",
        label_zh="预测区间上限 (90%)",
        label_en="prediction interval, upper bound (90 %)",
        unit="CNY",
        value=lambda x: _hedonic(x).interval_high,
        formula="exp(obs_ci_upper), alpha = 0.10",
        when=_has_hedonic,
    ),
)

_Row = CoefficientRow | RegionTier | TermBand


def _x5_item_factors(p: PreparedMarket, slot: int, comp: int) -> tuple[X5ItemFactor, ...]:
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


def explain_market(p: PreparedMarket, value: float) -> MarketResult:
    """The market result at ``value``: the grid with each factor's formula and evidence, the selection
    scores, the screening, the hedonic cross-check, the figures (:data:`FIGURES`), assumptions and notes."""
    asset, inputs, ctx = p.asset, p.inputs, p.ctx
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
                        f"I({month_label(valuation_month)}) / I({month_label(month_number(comp.date))}) = "
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
        rights_type=p.rights_valued,
        field=asset.field,
        region=asset.region,
        region_tier=adj.region_tiers[int(adj.tier_codes(p.targets.region_key)[0])].tier,
        delivery_form=DELIVERY_ORDER[int(p.targets.delivery[0])],
        exclusivity=asset.exclusivity,
        remaining_term_years=p.term_years,
    )
    m = int(kept.sum())
    adjusted_kept = grid.adjusted[0, : len(chosen)][kept]
    weighting_text = f"{AGGREGATION_LABELS[inputs.aggregation]} ({inputs.aggregation.value.replace('_', ' ')})"
    figures = render_figures(
        FIGURES,
        Explained(
            p, value, pool_idx, removed_ids, adjusted_kept, screening.description, weighting_text, hedonic
        ),
    )
    assumptions = [
        f"可比案例 comparables: {p.source}, {len(chosen)} chosen, {m} kept after screening; similarity = "
        "Σ weights × (field, rights type, region, delivery form, records, date, quality) components",
        f"X1 质量调整: target quality {q_t:.4f} ({p.quality_basis}) / comparable quality",
        f"X2 供求调整: {inputs.x2:g} — {inputs.x2_evidence}",
        f"X3 交易日期调整: {index_name}, valuation month {month_label(valuation_month)}",
        f"X4 规模调整: β = {inputs.beta:g} — {inputs.beta_evidence}",
        f"X5 其他因素: {adj.name} {adj.version} — {adj.source}",
        f"异常值筛选 outlier screen: {screening.description}",
        f"汇总方式 aggregation: {weighting_text}",
        f"评估的权利 rights valued: {'、'.join(bilingual(r.value) for r in (inputs.rights_valued or (p.rights_valued,)))}; "
        f"X5 权利类型 and similarity use {bilingual(p.rights_valued.value)}"
        + (" (the strongest right named: a bundle is priced at its strongest right)"
           if len(inputs.rights_valued) > 1 else "")
        + (f" — {inputs.rights_valued_evidence}" if inputs.rights_valued_evidence else ""),
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
        formula=formula_of(inputs.aggregation),
        figures=figures,
        assumptions=tuple(assumptions),
        notes=tuple(notes),
        detail=MarketDetail(
            target=target,
            source="inline" if p.source == "inline" else "database",
            pool_size=len(pool_idx),
            candidates=candidates,
            grid=tuple(rows),
            weighting=inputs.weighting,
            aggregation=inputs.aggregation,
            screening=screening,
            hedonic=hedonic,
            hedonic_note=hedonic_note,
        ),
    )
