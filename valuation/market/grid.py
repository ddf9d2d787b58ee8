"""Selection, adjustment grid and simulation on arrays: shared by the single-asset path and the batch.

A :class:`Targets` holds n assets as columns; the database is a :class:`ComparableColumns` of M rows.
Everything here works on whole arrays through the kernels (kernel.py); there is no loop per asset or
per draw (loops run over the few comparable slots, or over row chunks that bound memory).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from valuation import compiled
from valuation.errors import PriceIndexGap
from valuation.market import kernel
from valuation.market.adjustments import AdjustmentTable
from valuation.market.comparables import ComparableColumns
from valuation.market.inputs import MarketUncertainty, Weighting
from valuation.price_index import PriceIndex
from valuation.random import stream_starts, uniforms

STREAM_BASE = 300
STREAM_BETA = STREAM_BASE + 0
STREAM_X2 = STREAM_BASE + 1
STREAM_BOOTSTRAP = STREAM_BASE + 2  # bootstrap slot j draws from stream 302 + j: independent of m and k
SIM_CELLS = 500_000  # assets × slots × draws per simulation chunk (4 MB arrays: memory and cache bound)


@dataclass(frozen=True)
class Targets:
    """n target assets as columns (n,); codes index RIGHTS_ORDER / DELIVERY_ORDER.

    ``term_years`` is the remaining rights term at the valuation date (NaN: not limited).
    """

    field_key: np.ndarray
    region_key: np.ndarray
    rights: np.ndarray
    delivery: np.ndarray
    exclusivity: np.ndarray
    records: np.ndarray
    quality: np.ndarray
    term_years: np.ndarray
    beta: np.ndarray
    x2: np.ndarray
    top_k: np.ndarray
    field_only: np.ndarray

    def take(self, rows: np.ndarray) -> Targets:
        return Targets(**{k: v[rows] for k, v in self.__dict__.items()})


def _joint_codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of two string arrays over their joint vocabulary (equal strings, equal codes)."""
    both = np.concatenate([np.asarray(a, dtype=str), np.asarray(b, dtype=str)])
    _, inverse = np.unique(both, return_inverse=True)
    return inverse[: len(a)], inverse[len(a) :]


@dataclass(frozen=True)
class Scores:
    """Similarity of every (asset, comparable) pair, (n, M), with its components and field match."""

    score: np.ndarray
    components: tuple[np.ndarray, ...]
    same_field: np.ndarray


def score(
    targets: Targets,
    comps: ComparableColumns,
    adjustments: AdjustmentTable,
    valuation_month: int,
    weights: tuple[float, ...],
) -> Scores:
    """Similarity scores (kernel.similarity_components) of n targets against M comparables."""
    tf, cf = _joint_codes(targets.field_key, comps.field_key)
    tr, cr = _joint_codes(targets.region_key, comps.region_key)
    same_field = tf[:, None] == cf[None, :]
    components = kernel.similarity_components(
        same_field=same_field,
        same_rights=targets.rights[:, None] == comps.rights[None, :],
        same_region=tr[:, None] == cr[None, :],
        same_tier=adjustments.tier_codes(targets.region_key)[:, None]
        == adjustments.tier_codes(comps.region_key)[None, :],
        same_delivery=targets.delivery[:, None] == comps.delivery[None, :],
        log10_records_gap=np.log10(targets.records)[:, None] - np.log10(comps.records)[None, :],
        months_gap=(valuation_month - comps.month)[None, :].astype(np.float64),
        quality_gap=targets.quality[:, None] - comps.quality[None, :],
    )
    s = kernel.similarity(components, weights)
    return Scores(np.broadcast_to(s, same_field.shape), components, same_field)


def eligible(
    targets: Targets, comps: ComparableColumns, scores: Scores, valuation_ordinal: int
) -> np.ndarray:
    """(n, M): dated on or before the valuation date, and of the target's field where field_only."""
    not_after = (comps.ordinal <= valuation_ordinal)[None, :]
    ok: np.ndarray = not_after & (~targets.field_only[:, None] | scores.same_field)
    return ok


def comparable_levels(price_index: PriceIndex, months: np.ndarray) -> np.ndarray:
    """Index level of each comparable's month, NaN where the month is outside the series."""
    try:
        return price_index.levels(months)
    except PriceIndexGap:
        uniq, inverse = np.unique(months, return_inverse=True)
        out = np.full(len(uniq), np.nan)
        for i, m in enumerate(uniq):  # only the few distinct months, on the rare path of a gap
            with contextlib.suppress(PriceIndexGap):
                out[i] = price_index.levels(np.array([m]))[0]
        return out[inverse]


@dataclass(frozen=True)
class Grid:
    """The adjustment grid of n assets × k comparable slots (invalid slots padded, ``valid`` False)."""

    index: np.ndarray
    valid: np.ndarray
    similarity: np.ndarray
    price: np.ndarray
    comp_quality: np.ndarray
    x1: np.ndarray
    x2: np.ndarray
    x3: np.ndarray
    records_ratio: np.ndarray
    x4: np.ndarray
    x5_items: tuple[np.ndarray, ...]
    x5: np.ndarray
    adjusted: np.ndarray

    def take(self, rows: np.ndarray) -> Grid:
        """The grid of some assets (rows of every array)."""
        arrays = {k: v[rows] for k, v in self.__dict__.items() if k != "x5_items"}
        return replace(self, x5_items=tuple(a[rows] for a in self.x5_items), **arrays)

    def with_overrides(self, x2: np.ndarray, x5_items: tuple[np.ndarray, ...]) -> Grid:
        """The grid with X2 and X5 items replaced (appraiser's per-comparable overrides)."""
        x5 = kernel.other_factor(x5_items)
        return replace(
            self,
            x2=x2,
            x5_items=x5_items,
            x5=x5,
            adjusted=kernel.adjusted_price(self.price, self.x1, x2, self.x3, self.x4, x5),
        )


def build_grid(
    targets: Targets,
    comps: ComparableColumns,
    index: np.ndarray,
    valid: np.ndarray,
    scores: Scores,
    adjustments: AdjustmentTable,
    level_valuation: float,
    comp_levels: np.ndarray,
) -> Grid:
    """X1..X5 and the adjusted prices P' of the chosen comparables (docs/valuation.md §Market method)."""
    rows = np.arange(index.shape[0])[:, None]
    col = (slice(None), None)
    price = comps.price[index]
    comp_quality = comps.quality[index]
    x1 = kernel.quality_factor(targets.quality[col], comp_quality)
    x2 = np.broadcast_to(targets.x2[col], index.shape).astype(np.float64)
    x3 = kernel.date_factor(level_valuation, comp_levels[index])
    records_ratio = targets.records[col] / comps.records[index]
    x4 = kernel.volume_factor(records_ratio, targets.beta[col])
    rc, ec, tc, bc, dc = (
        adjustments.rights_coefficients(),
        adjustments.exclusivity_coefficients(),
        adjustments.tier_coefficients(),
        adjustments.term_coefficients(),
        adjustments.delivery_coefficients(),
    )
    t_tier, c_tier = adjustments.tier_codes(targets.region_key), adjustments.tier_codes(comps.region_key)
    t_band, c_band = (
        adjustments.term_band_codes(targets.term_years),
        adjustments.term_band_codes(comps.term_years),
    )
    items = (
        rc[targets.rights][col] / rc[comps.rights[index]],
        ec[targets.exclusivity.astype(np.int64)][col] / ec[comps.exclusivity[index].astype(np.int64)],
        tc[t_tier][col] / tc[c_tier[index]],
        bc[t_band][col] / bc[c_band[index]],
        dc[targets.delivery][col] / dc[comps.delivery[index]],
    )
    x5 = kernel.other_factor(items)
    return Grid(
        index=index,
        valid=valid,
        similarity=scores.score[rows, index],
        price=price,
        comp_quality=comp_quality,
        x1=x1,
        x2=x2,
        x3=x3,
        records_ratio=records_ratio,
        x4=x4,
        x5_items=items,
        x5=x5,
        adjusted=kernel.adjusted_price(price, x1, x2, x3, x4, x5),
    )


def weights_of(grid: Grid, weighting: Weighting) -> np.ndarray:
    """w_k per slot: 1 (equal) or the similarity score."""
    return np.ones_like(grid.price) if weighting is Weighting.EQUAL else grid.similarity


def revalue(
    grid: Grid,
    kept: np.ndarray,
    weights: np.ndarray,
    *,
    price: np.ndarray | None = None,
    x1: np.ndarray | None = None,
    x2: np.ndarray | None = None,
    x4: np.ndarray | None = None,
    median: bool = False,
) -> np.ndarray:
    """P (weighted mean, or median) of P' with some inputs replaced (tornado), kept set and weights held."""
    adjusted = kernel.adjusted_price(
        grid.price if price is None else price,
        grid.x1 if x1 is None else x1,
        grid.x2 if x2 is None else x2,
        grid.x3,
        grid.x4 if x4 is None else x4,
        grid.x5,
    )
    return kernel.aggregate(adjusted, weights, kept, median)


def simulate(
    grid: Grid,
    kept: np.ndarray,
    weights: np.ndarray,
    beta: np.ndarray,
    uncertainty: MarketUncertainty,
    seed: int,
    keys: np.ndarray,
    n_draws: int,
    progress: Callable[[int], None] | None = None,
    median: bool = False,
) -> np.ndarray:
    """Monte Carlo draws (n, n_draws) of the market value (convention: inputs.MarketUncertainty).

    Per draw: β from stream 300 (clipped to [0, 1]), a common X2 multiplier/addend from stream 301,
    and a bootstrap of the m kept comparables, slot j (j < m) picking floor(u·m) with u from stream
    302 + j; selection and screening held at base.
    """
    n, k = grid.price.shape
    out = np.full((n, n_draws), np.nan)
    if n == 0 or n_draws == 0 or k == 0:
        return out
    m_all = kept.sum(axis=1)
    order_all = np.argsort(~kept, axis=1, kind="stable")  # kept comparables first, in grid order
    step = max(1, SIM_CELLS // (k * n_draws))
    fast = compiled.use(n * n_draws) and not median  # one choice for the call: the same figures either way
    x2_compiled = compiled.encode([uncertainty.x2]) if fast else None
    for start in range(0, n, step):
        r = slice(start, min(n, start + step))
        key = keys[r]
        f_beta = compiled.factors(uncertainty.beta, seed, key, STREAM_BETA, n_draws, fast=fast)  # factor(uniforms)
        beta_d = np.clip(uncertainty.beta.apply_factor(beta[r][:, None], f_beta), 0.0, 1.0)
        if x2_compiled is not None:  # the same figures, X2 to the bootstrap in one compiled loop
            from valuation.compiled.market import bootstrap_draws

            out[r] = bootstrap_draws(
                kernel.volume_factor(grid.records_ratio[r][:, :, None], beta_d[:, None, :]),
                grid.price[r] * grid.x1[r], grid.x2[r], grid.x3[r], grid.x5[r], weights[r], order_all[r],
                m_all[r], x2_compiled, stream_starts(seed, key, STREAM_X2),
                np.column_stack([stream_starts(seed, key, STREAM_BOOTSTRAP + j) for j in range(k)]),
            )
            if progress is not None:
                progress(r.stop)
            continue
        u_x2 = uniforms(seed, key, STREAM_X2, n_draws)
        x2_d = uncertainty.x2.apply(grid.x2[r][:, :, None], u_x2[:, None, :])
        x4_d = kernel.volume_factor(grid.records_ratio[r][:, :, None], beta_d[:, None, :])
        # P' = Q·X1·X2·X3·X4·X5 in that order (kernel.adjusted_price), multiplied in place
        adjusted = (grid.price[r] * grid.x1[r])[:, :, None] * x2_d
        adjusted *= grid.x3[r][:, :, None]
        adjusted *= x4_d
        adjusted *= grid.x5[r][:, :, None]
        del x2_d, x4_d

        def slot_uniforms(rows: np.ndarray, j: int, key: np.ndarray = key) -> np.ndarray:
            return uniforms(seed, key[rows], STREAM_BOOTSTRAP + j, n_draws)  # slot j: stream 302 + j

        if median:
            out[r] = kernel.bootstrap_median(adjusted, kept[r], slot_uniforms)
        else:
            out[r] = kernel.bootstrap_mean_streams(adjusted, weights[r], m_all[r], order_all[r], slot_uniforms)
        if progress is not None:
            progress(r.stop)
    return out
