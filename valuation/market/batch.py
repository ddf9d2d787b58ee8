"""Market method over a flat table, one row per asset, all rows at once (docs/valuation.md §Market method).

Target attributes come from the shared batch columns: field, region, rights, records, exclusivity,
delivery_form, the six quality scores (target quality = equal-weight mean), rights_term_end; the market
columns below set top_k, β, X2, the same-field restriction, the aggregation and the rights valued, each
checked against the field of :class:`MarketInputs` it stands for.

Rights valued (``market_rights_valued``, ';'-separated, the case file's ``rights_valued``): each right named
must be one the asset holds (``rights``), and several named are priced at the one with the highest
rights-type coefficient of the table (the case file's rule, prepare.strongest_right). Blank: the right
the asset holds when it holds one; an asset holding several is refused, naming ``market_rights_valued``,
as a case file refuses it without ``rights_valued``. The output's ``market_rights_valued`` shows the
right used.
Aggregation (``market_aggregation``): mean, similarity_weighted or median, for the value and the
bootstrap; blank follows the batch's ``weighting`` option (mean by default).

Selection is an (assets × comparables) similarity matrix with top-k by argpartition, the grid is
(n, k) arrays, the draws (n, n_draws) use the streams of simulate_market, so a row gets the same
figures as the equivalent single asset.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from base.errors import AssetError, InvalidInput
from valuation.batch_reader import RowReader, Wording
from valuation.batch_types import (
    SHARED_COLUMNS,
    BatchColumn,
    BatchMethodOutput,
    Bounds,
    ModelField,
    blank_cells,
)
from valuation.context import ValuationContext
from valuation.errors import MissingInput, PriceIndexGap, TooFewComparables
from valuation.market import grid as g
from valuation.market import kernel
from valuation.market.adjustments import AdjustmentTable
from valuation.market.comparables import (
    DELIVERY_ORDER,
    RIGHTS_ORDER,
    Comparable,
    ComparableColumns,
    DeliveryForm,
)
from valuation.market.errors import RightsNotHeld, RightsTermEnded, UnknownDeliveryForm
from valuation.market.inputs import (
    DEFAULT_OUTLIER_K,
    Aggregation,
    MarketInputs,
    MarketUncertainty,
    OutlierRule,
    QualityWeights,
    Selection,
    Weighting,
)
from valuation.market.prepare import DAYS_PER_YEAR, MIN_COMPARABLES, several_rights_unnamed, strongest_right
from valuation.models import QUALITY_DIMENSIONS, DataRight
from valuation.price_index import month_number

_DEFAULTS = MarketInputs()
ROW_BLOCK = 2048  # assets per block: bounds the (block × M) similarity matrices

MARKET_BATCH_COLUMNS: tuple[BatchColumn, ...] = (
    BatchColumn(
        "market_top_k",
        "int",
        False,
        "count",
        f"市场法可比案例数 comparables chosen by similarity, 3–100 (blank: {Selection().top_k})",
        ModelField(Selection, "top_k"),
    ),
    BatchColumn(
        "market_beta",
        "float",
        False,
        "ratio",
        f"规模调整指数 β of X4 = (records_target/records_comp)^β, 0 < β ≤ 1 (blank: {_DEFAULTS.beta})",
        ModelField(MarketInputs, "beta"),
    ),
    BatchColumn(
        "market_x2",
        "float",
        False,
        "ratio",
        f"供求调整系数 X2 applied to every comparable, > 0 (blank: {_DEFAULTS.x2})",
        ModelField(MarketInputs, "x2"),
    ),
    BatchColumn(
        "market_field_only",
        "bool",
        False,
        "",
        "仅同领域案例 restrict comparables to the asset's field (blank: false)",
        ModelField(Selection, "field_only"),
    ),
    BatchColumn(
        "market_aggregation",
        "str",
        False,
        "",
        "汇总方式 mean | similarity_weighted | median: how the kept adjusted prices P'_k become P, for the "
        "value and the bootstrap (blank: the batch's weighting option, mean by default)",
        ModelField(MarketInputs, "aggregation"),
    ),
    BatchColumn(
        "market_rights_valued",
        "str",
        False,
        "",
        "评估的权利 ';'-separated rights being appraised, each held by the asset (rights); several: priced at "
        "the one with the highest rights-type coefficient (blank: the one right held; required when several are held)",
        ModelField(MarketInputs, "rights_valued"),
    ),
)

# A row's cells are read against these fields (valuation.batch_reader), the errors worded as below.
_COLUMNS: tuple[BatchColumn, ...] = SHARED_COLUMNS + MARKET_BATCH_COLUMNS
_WORDING = Wording(
    invalid=InvalidInput.rule,
    missing=MissingInput.rule,
    not_number="{what} must be a number, got {raw!r}",
    out_of_range="{what} must be {integer}{bounds}, got {value:g}",
    blank="{what} is blank; the market method needs it",
    not_date="{what} must be a date YYYY-MM-DD, got {raw!r}",
)
RECORDS_ABOVE_ZERO = Bounds(0.0, low_open=True)  # the market's own need: X4 = (records_target / records_comp)^β

def _text(rows: RowReader, col: str, default: str) -> np.ndarray:
    text = rows.raw(col).astype("string").fillna("").str.strip().str.lower().to_numpy(dtype=object)
    return np.where(text == "", default, text)


def _delivery(check: RowReader) -> np.ndarray:
    raw = check.raw("delivery_form")
    blank = blank_cells(raw)
    check.fail(
        blank,
        MissingInput.rule,
        "delivery_form",
        "delivery form is blank; X5 and the similarity need it (api / file / data_service / sandbox)",
    )
    text = raw.astype("string").fillna("").to_numpy(dtype=object)
    uniq, inverse = np.unique(text.astype(str), return_inverse=True)
    codes = np.full(len(uniq), -1)
    for i, u in enumerate(uniq):  # the few distinct spellings, not the rows
        with contextlib.suppress(ValueError):
            codes[i] = DELIVERY_ORDER.index(DeliveryForm.parse(u))
    out = codes[inverse]
    bad = (out < 0) & ~blank
    check.fail(
        bad,
        UnknownDeliveryForm.rule,
        "delivery_form",
        [f"delivery form must be one of {[f.value for f in DeliveryForm]}, got {v!r}" for v in text[bad]],
    )
    forms: np.ndarray = np.maximum(out, 0)
    return forms


_CODES_OF_RIGHTS = {r.value: i for i, r in enumerate(RIGHTS_ORDER)}
Problem = tuple[str, str, str]  # (rule, column, message)


def _right_valued(held_cell: str, named_cell: str, adjustments: AdjustmentTable) -> tuple[int, list[Problem]]:
    """The code (RIGHTS_ORDER) of the right one row is valued for, or −1 and its problems."""
    held = [p.strip() for p in held_cell.split(";") if p.strip()]
    if not named_cell:
        first = held_cell.split(";")[0].strip()
        if first == "":
            return -1, [(MissingInput.rule, "rights", "rights is blank; the right held is the rights type matched")]
        if first not in _CODES_OF_RIGHTS:
            return -1, [(InvalidInput.rule, "rights",
                         f"first right must be one of {[r.value for r in DataRight]}, got {first!r}")]
        if len(held) > 1:
            return -1, [(MissingInput.rule, "market_rights_valued",
                         several_rights_unnamed(held, "market_rights_valued"))]
        return _CODES_OF_RIGHTS[first], []
    named = [p.strip() for p in named_cell.split(";") if p.strip()]
    unknown = [p for p in named if p not in _CODES_OF_RIGHTS]
    if unknown:
        return -1, [(InvalidInput.rule, "market_rights_valued",
                     f"unknown right(s) {unknown}; expected one or more of {[r.value for r in DataRight]}, "
                     "';'-separated")]
    not_held = [p for p in named if p not in held]
    if not_held:
        return -1, [(RightsNotHeld.rule, "market_rights_valued",
                     f"评估的权利 {', '.join(not_held)} 不在资产持有的权利之中: market_rights_valued names "
                     f"{not_held}, but the asset holds {held}")]
    return _CODES_OF_RIGHTS[strongest_right([DataRight(p) for p in named], adjustments).value], []


def _split_pair(pair: str) -> tuple[str, str]:
    held, named = pair.split("\x1f", 1)
    return held, named


def _rights(check: RowReader, adjustments: AdjustmentTable) -> np.ndarray:
    """The rights type of each row (a code of RIGHTS_ORDER): the strongest right named in
    market_rights_valued, or the one right held when it is blank."""
    def text(column: str) -> pd.Series:
        return check.raw(column).astype("string").fillna("").str.strip()

    # each distinct (rights, rights valued) pair once: a batch repeats a few values
    codes, pairs = pd.factorize(text("rights") + "\x1f" + text("market_rights_valued"))
    found = [_right_valued(*_split_pair(str(pair)), adjustments) for pair in pairs]
    out = np.array([code for code, _ in found] + [-1], dtype=np.int64)[codes]
    for j, (_, problems) in enumerate(found):
        if problems:
            mask = codes == j
            for rule, column, message in problems:
                check.fail(mask, rule, column, message)
    rights: np.ndarray = np.maximum(out, 0)
    return rights


def _aggregation(check: RowReader, weighting: Weighting) -> np.ndarray:
    """Each row's aggregation; a blank cell follows the batch's ``weighting`` (equal: mean)."""
    given = check.given("market_aggregation")
    chosen = check.choice("market_aggregation", what="market_aggregation")
    default = Aggregation.SIMILARITY_WEIGHTED if weighting is Weighting.SIMILARITY else Aggregation.MEAN
    out: np.ndarray = np.where(given, chosen, default.value).astype(object)
    return out


def _term_years(ctx: ValuationContext, check: RowReader) -> np.ndarray:
    ends, _ = check.dates("rights_term_end", what="rights_term_end")
    days = (ends - np.datetime64(ctx.valuation_date, "D")).astype(np.float64)
    years = np.where(np.isnat(ends), np.nan, days) / DAYS_PER_YEAR
    with np.errstate(invalid="ignore"):
        ended = (years < 0) & ~check.bad
    check.fail(
        ended,
        RightsTermEnded.rule,
        "rights_term_end",
        [
            f"the rights term ended on {v}, before the valuation date {ctx.valuation_date}"
            for v in check.raw("rights_term_end").to_numpy(dtype=object)[ended]
        ],
    )
    return years


def _targets(ctx: ValuationContext, check: RowReader, adjustments: AdjustmentTable) -> g.Targets:
    """Target columns of every row; rows with a problem are reported and marked in ``check.bad``."""
    scores = np.column_stack(
        [check.numbers(f"q_{d.value}", what=f"quality score q_{d.value}").value for d in QUALITY_DIMENSIONS]
    )
    records = check.numbers("records", what="records (X4 needs the target's record count)", required=True,
                            bounds=RECORDS_ABOVE_ZERO).value
    return g.Targets(
        field_key=_text(check, "field", "general"),
        region_key=_text(check, "region", "national"),
        rights=_rights(check, adjustments),
        delivery=_delivery(check),
        exclusivity=check.flag("exclusivity", what="exclusivity"),
        records=records,
        quality=kernel.target_quality(scores, QualityWeights().vector()),
        term_years=_term_years(ctx, check),
        beta=check.numbers("market_beta", what="β").value,
        x2=check.numbers("market_x2", what="X2").value,
        top_k=np.nan_to_num(check.numbers("market_top_k", what="top_k").value, nan=0).astype(np.int64),
        field_only=check.flag("market_field_only", what="market_field_only"),
    )


def value_market_batch(
    table: pd.DataFrame,
    ctx: ValuationContext,
    keys: np.ndarray,
    *,
    database: Sequence[Comparable] = (),
    adjustments: AdjustmentTable | None = None,
    weighting: Weighting = Weighting.EQUAL,
    outlier_rule: OutlierRule = OutlierRule.MAD,
    outlier_k: float | None = None,
    uncertainty: MarketUncertainty | None = None,
) -> BatchMethodOutput:
    """Market values (CNY) of every row; bad rows become AssetError records and NaN, the rest are valued.

    ``database`` and ``adjustments`` as for value_market; ``outlier_rule``, ``outlier_k`` and
    ``uncertainty`` apply to every row (defaults: those of MarketInputs), ``weighting`` to the rows whose
    ``market_aggregation`` is blank. Draws (n, ctx.n_draws) when ctx.n_draws > 0. ``extra``: market_pool,
    market_selected, market_kept, market_target_quality, market_similarity_mean, market_adjusted_min,
    market_adjusted_max, market_comparables (kept ids), market_aggregation, market_rights_valued (the
    right X5 and the similarity used).
    """
    if adjustments is None:
        raise MissingInput(
            "the market method needs the X5 coefficient table: pass adjustments=AdjustmentTable "
            "(data/market_adjustments.json)",
            field="adjustments",
        )
    unc = uncertainty or MarketUncertainty()
    k_rule = outlier_k if outlier_k is not None else DEFAULT_OUTLIER_K[outlier_rule]
    n = len(table)
    check = RowReader(table, _COLUMNS, _WORDING)
    ids = check.ids
    targets = _targets(ctx, check, adjustments)
    aggregation = _aggregation(check, weighting)
    comps = ComparableColumns.of(database)
    valuation_month = month_number(ctx.valuation_date)
    level_valuation = ctx.price_index.level(ctx.valuation_date, field="valuation_date")
    comp_levels = g.comparable_levels(ctx.price_index, comps.month)
    weights_vec = Selection().weights.vector()

    values = np.full(n, np.nan)
    draws = np.full((n, ctx.n_draws), np.nan) if ctx.n_draws > 0 else None
    extra = {
        name: np.full(n, np.nan)
        for name in (
            "market_pool",
            "market_selected",
            "market_kept",
            "market_target_quality",
            "market_similarity_mean",
            "market_adjusted_min",
            "market_adjusted_max",
        )
    }
    extra["market_comparables"] = np.full(n, None, dtype=object)
    extra["market_aggregation"] = np.full(n, None, dtype=object)
    extra["market_rights_valued"] = np.full(n, None, dtype=object)
    good = np.flatnonzero(~check.bad)
    for start in range(0, len(good), ROW_BLOCK):
        rows = good[start : start + ROW_BLOCK]
        t = targets.take(rows)
        scores = g.score(t, comps, adjustments, valuation_month, weights_vec)
        pool = g.eligible(t, comps, scores, ctx.valuation_date.toordinal())
        index, valid = kernel.select_top_k(scores.score, pool, t.top_k)
        count = valid.sum(axis=1)
        extra["market_pool"][rows] = pool.sum(axis=1)
        extra["market_selected"][rows] = count
        few = count < MIN_COMPARABLES
        for i in np.flatnonzero(few):
            chosen = comps.comp_id[index[i][valid[i]]]
            check.errors.append(
                AssetError(
                    str(ids[rows[i]]),
                    TooFewComparables.rule,
                    "market_field_only" if t.field_only[i] else "market_top_k",
                    f"market method needs at least {MIN_COMPARABLES} comparables, {count[i]} qualified "
                    f"({', '.join(chosen) or 'none'}) from the database of {len(comps)} dated on or before "
                    f"{ctx.valuation_date}" + (" in the asset's field" if t.field_only[i] else ""),
                )
            )
        if len(comps) == 0 or few.all():
            continue
        live = np.flatnonzero(~few)
        t, index, valid, scores = (
            t.take(live),
            index[live],
            valid[live],
            g.Scores(scores.score[live], scores.components, scores.same_field[live]),
        )
        rows = rows[live]
        gap = (valid & np.isnan(comp_levels[index])).any(axis=1)
        for i in np.flatnonzero(gap):
            check.errors.append(
                AssetError(
                    str(ids[rows[i]]),
                    PriceIndexGap.rule,
                    "market_top_k",
                    f"a chosen comparable is dated outside the {ctx.price_index.name} "
                    "series: X3 cannot be computed",
                )
            )
        grid = g.build_grid(t, comps, index, valid, scores, adjustments, level_valuation, comp_levels)
        kept, _, _, _ = kernel.screen_outliers(np.log(grid.adjusted), valid, outlier_rule, k_rule)
        m = kept.sum(axis=1)
        few_kept = (m < MIN_COMPARABLES) & ~gap
        for i in np.flatnonzero(few_kept):
            kept_ids = comps.comp_id[index[i][kept[i]]]
            removed = comps.comp_id[index[i][valid[i] & ~kept[i]]]
            check.errors.append(
                AssetError(
                    str(ids[rows[i]]),
                    TooFewComparables.rule,
                    "market_top_k",
                    f"market method needs at least {MIN_COMPARABLES} comparables after outlier screening "
                    f"({outlier_rule.value}, k={k_rule:g}), {m[i]} kept ({', '.join(kept_ids) or 'none'}); "
                    f"removed: {', '.join(removed) or 'none'}",
                )
            )
        fine = ~(gap | few_kept)
        agg = aggregation[rows]
        median = agg == Aggregation.MEDIAN.value
        # w_k: 1 (mean, median), the similarity score (similarity_weighted), as grid.weights_of
        w = np.where((agg == Aggregation.SIMILARITY_WEIGHTED.value)[:, None], grid.similarity,
                     np.ones_like(grid.price))
        v = kernel.weighted_mean(grid.adjusted, w, kept)
        if median.any():
            v[median] = kernel.masked_median(grid.adjusted[median], kept[median])
        values[rows[fine]] = v[fine]
        extra["market_kept"][rows] = m
        extra["market_target_quality"][rows] = t.quality
        with np.errstate(invalid="ignore"):
            extra["market_similarity_mean"][rows] = kernel.weighted_mean(
                grid.similarity, np.ones_like(w), kept
            )
            extra["market_adjusted_min"][rows] = np.where(kept, grid.adjusted, np.inf).min(axis=1)
            extra["market_adjusted_max"][rows] = np.where(kept, grid.adjusted, -np.inf).max(axis=1)
        used = np.where(kept, comps.comp_id[index], "")
        extra["market_comparables"][rows] = [";".join(x for x in r if x) for r in used]
        extra["market_aggregation"][rows] = agg
        extra["market_rights_valued"][rows] = np.array([r.value for r in RIGHTS_ORDER], dtype=object)[t.rights]
        if draws is not None:
            sim = np.full((len(rows), ctx.n_draws), np.nan)
            for med in (False, True):  # the median's bootstrap takes the median of each resample
                sel = np.flatnonzero(median == med)
                if sel.size:
                    sim[sel] = g.simulate(grid.take(sel), kept[sel], w[sel], t.beta[sel], unc, ctx.seed,
                                          np.asarray(keys)[rows[sel]], ctx.n_draws, median=med)
            draws[rows[fine]] = sim[fine]
    return BatchMethodOutput(values=values, draws=draws, errors=check.errors, extra=extra)
