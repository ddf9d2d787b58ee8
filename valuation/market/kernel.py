"""The market method's arithmetic, once, as numpy kernels (docs/valuation.md §Market method).

    P = Σ_k w_k · Q_k·X1_k·X2_k·X3_k·X4_k·X5_k / Σ_k w_k      (w_k = 1: the guidance's (1/m)·Σ)

Shapes: leading axis = assets (n,), then comparables (slot axis, k or M), then Monte Carlo draws (D)
last where there is one. The single-asset path (n = 1), the Monte Carlo, the tornado and the batch
all call these functions. Sums over comparables run slot by slot in a fixed order, so an asset gets
bit-identical figures whether its row is padded to a batch's width or not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from valuation.market.inputs import OutlierRule as OutlierRule  # re-exported (benchmarks/bare_kernel.py)

SIMILARITY_COMPONENTS: tuple[str, ...] = (
    "field",
    "rights_type",
    "region",
    "delivery_form",
    "records",
    "date",
    "quality",
)
RECORDS_DECADES_TO_ZERO = 3.0  # records similarity reaches 0 at three orders of magnitude apart
MONTHS_TO_ZERO = 48.0  # date similarity reaches 0 at four years apart
MAD_TO_SD = 1.4826  # MAD × 1.4826 estimates the standard deviation of a normal sample


def target_quality(scores: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """Target quality q = Σ_j w_j·s_j over the six GB/T 36344 dimensions (last axis of ``scores``)."""
    total = np.zeros(np.shape(scores)[:-1])
    for j, w in enumerate(weights):
        total = total + w * scores[..., j]
    return total


def similarity_components(
    *,
    same_field: np.ndarray,
    same_rights: np.ndarray,
    same_region: np.ndarray,
    same_tier: np.ndarray,
    same_delivery: np.ndarray,
    log10_records_gap: np.ndarray,
    months_gap: np.ndarray,
    quality_gap: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The seven similarity components in [0, 1], in :data:`SIMILARITY_COMPONENTS` order.

    field, rights type, delivery form: 1 if the same, else 0; region: 1 same region, 0.5 same tier of
    the adjustment table, else 0; records: 1 − |log10(r_target / r_comp)| / 3, floored at 0;
    date: 1 − months between transaction and valuation date / 48, floored at 0;
    quality: 1 − |q_target − q_comp|.
    """
    one = np.float64(1.0)
    return (
        np.where(same_field, one, 0.0),
        np.where(same_rights, one, 0.0),
        np.where(same_region, one, np.where(same_tier, 0.5, 0.0)),
        np.where(same_delivery, one, 0.0),
        np.clip(1.0 - np.abs(log10_records_gap) / RECORDS_DECADES_TO_ZERO, 0.0, 1.0),
        np.clip(1.0 - np.abs(months_gap) / MONTHS_TO_ZERO, 0.0, 1.0),
        np.clip(1.0 - np.abs(quality_gap), 0.0, 1.0),
    )


def similarity(components: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """Similarity score S = Σ_c weight_c · component_c, in [0, 1] when the weights sum to 1."""
    total = np.zeros(np.broadcast_shapes(*(np.shape(c) for c in components)))
    for c, w in zip(components, weights, strict=True):
        total = total + w * c
    return total


def select_top_k(score: np.ndarray, eligible: np.ndarray, top_k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``top_k[i]`` most similar eligible comparables of each asset, in database order.

    Parameters
    ----------
    score, eligible : (n, M) similarity and eligibility of every (asset, comparable) pair
    top_k : (n,) how many to keep per asset

    Returns
    -------
    index : (n, k_max) database positions of the chosen comparables, ascending, padded with 0
    valid : (n, k_max) which slots hold a chosen comparable

    Ties at the cut are broken by database order, so the choice does not depend on k_max or on the
    other rows of a batch. The k-th best score comes from ``np.argpartition``.
    """
    n, m = score.shape
    top_k = np.asarray(top_k, dtype=np.int64)
    k_max = int(top_k.max()) if n else 0
    if m == 0 or k_max == 0:
        return np.zeros((n, k_max), dtype=np.int64), np.zeros((n, k_max), dtype=bool)
    s = np.where(eligible, score, -np.inf)
    k_eff = min(k_max, m)
    best = np.argpartition(-s, k_eff - 1, axis=1)[:, :k_eff]
    best_scores = -np.sort(-np.take_along_axis(s, best, axis=1), axis=1)  # descending
    cut = best_scores[np.arange(n), np.minimum(top_k, k_eff) - 1]
    above = s > cut[:, None]
    at_cut = s == cut[:, None]
    room = top_k - above.sum(axis=1)
    chosen = (above | (at_cut & (np.cumsum(at_cut, axis=1) <= room[:, None]))) & eligible
    rows, cols = np.nonzero(chosen)
    counts = chosen.sum(axis=1)
    starts = np.cumsum(counts) - counts
    slot = np.arange(len(rows)) - starts[rows]
    index = np.zeros((n, k_max), dtype=np.int64)
    index[rows, slot] = cols
    valid = np.arange(k_max)[None, :] < counts[:, None]
    return index, valid


def quality_factor(quality_target: np.ndarray | float, quality_comp: np.ndarray) -> np.ndarray:
    """X1 = target quality / comparable quality."""
    x1: np.ndarray = np.asarray(quality_target) / np.asarray(quality_comp)
    return x1


def date_factor(level_valuation: np.ndarray | float, level_comp: np.ndarray) -> np.ndarray:
    """X3 = I(valuation month) / I(comparable's month)."""
    x3: np.ndarray = np.asarray(level_valuation) / np.asarray(level_comp)
    return x3


def volume_factor(records_ratio: np.ndarray, beta: np.ndarray | float) -> np.ndarray:
    """X4 = (records_target / records_comp)^β, 0 < β ≤ 1.

    Both operands are expanded to full contiguous arrays first: numpy evaluates a power with a
    broadcast (stride-0) exponent through another routine than an elementwise one, and the two can
    differ in the last bit; one layout keeps single, tornado and batch figures bit-identical.
    """
    r, b = np.broadcast_arrays(np.asarray(records_ratio, np.float64), np.asarray(beta, np.float64))
    x4: np.ndarray = np.power(np.ascontiguousarray(r), np.ascontiguousarray(b))
    return x4


def other_factor(items: Sequence[np.ndarray]) -> np.ndarray:
    """X5 = product of the "other" items (rights type, exclusivity, region, remaining term, delivery)."""
    total = np.asarray(items[0])
    for item in items[1:]:
        total = total * item
    return total


def adjusted_price(
    price: np.ndarray, x1: np.ndarray, x2: np.ndarray, x3: np.ndarray, x4: np.ndarray, x5: np.ndarray
) -> np.ndarray:
    """P'_k = Q_k × X1 × X2 × X3 × X4 × X5 (CNY)."""
    adjusted: np.ndarray = price * x1 * x2 * x3 * x4 * x5
    return adjusted


def _quantile_of_sorted(sorted_rows: np.ndarray, count: np.ndarray, p: float) -> np.ndarray:
    """Linear-interpolated quantile p of the first ``count`` values of each sorted row."""
    pos = p * (np.maximum(count, 1) - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(count, 1) - 1)
    a = np.take_along_axis(sorted_rows, lo[:, None], axis=1)[:, 0]
    b = np.take_along_axis(sorted_rows, hi[:, None], axis=1)[:, 0]
    return np.where(count > 0, a + (pos - lo) * (b - a), np.nan)


def screen_outliers(
    log_prices: np.ndarray, valid: np.ndarray, rule: OutlierRule, k: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Screen the adjusted prices on the log scale, per asset (row).

    MAD rule: keep ln P' within median ± k × 1.4826 × MAD (MAD = median |ln P' − median|); when
    MAD = 0 nothing is removed. IQR rule: keep ln P' within [Q1 − k·IQR, Q3 + k·IQR] (linear
    quantiles). NONE: keep all.

    Returns kept (n, k), centre (n,) (median, or NaN for NONE), low and high fences (n,) on ln P'.
    """
    count = valid.sum(axis=1)
    x = np.where(valid, log_prices, np.inf)
    s = np.sort(x, axis=1)
    n = len(count)
    if rule is OutlierRule.NONE:
        low, high = np.full(n, -np.inf), np.full(n, np.inf)
        centre = np.full(n, np.nan)
    elif rule is OutlierRule.MAD:
        centre = _quantile_of_sorted(s, count, 0.5)
        dev = np.sort(np.where(valid, np.abs(log_prices - centre[:, None]), np.inf), axis=1)
        mad = _quantile_of_sorted(dev, count, 0.5)
        half = np.where(mad > 0, k * MAD_TO_SD * mad, np.inf)
        low, high = centre - half, centre + half
    else:
        centre = _quantile_of_sorted(s, count, 0.5)
        q1 = _quantile_of_sorted(s, count, 0.25)
        q3 = _quantile_of_sorted(s, count, 0.75)
        iqr = q3 - q1
        low, high = q1 - k * iqr, q3 + k * iqr
    with np.errstate(invalid="ignore"):
        kept = valid & (log_prices >= low[:, None]) & (log_prices <= high[:, None])
    return kept, centre, low, high


def weighted_mean(values: np.ndarray, weights: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Σ_k w_k·v_k / Σ_k w_k over the slot axis 1, masked slots left out (values may carry draws last)."""
    num = np.zeros(values.shape[:1] + values.shape[2:])
    den = np.zeros(values.shape[:1] + (1,) * (values.ndim - 2))
    for j in range(values.shape[1]):
        w = np.where(mask[:, j], weights[:, j], 0.0).reshape(den.shape)
        num = num + np.where(w > 0, w * np.nan_to_num(values[:, j]), 0.0)
        den = den + w
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def masked_median(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Median over the slot axis 1 of the unmasked values (values may carry draws last); NaN if none."""
    m = mask.reshape(mask.shape + (1,) * (values.ndim - 2))
    x = np.where(m, values, np.nan)
    out = np.full(x.shape[:1] + x.shape[2:], np.nan)
    some = mask.any(axis=1)
    if some.any():
        out[some] = np.nanmedian(x[some], axis=1)
    return out


def aggregate(values: np.ndarray, weights: np.ndarray, mask: np.ndarray, median: bool) -> np.ndarray:
    """P from the adjusted prices: the median, or Σ w_k·P'_k / Σ w_k (w = 1: the mean)."""
    return masked_median(values, mask) if median else weighted_mean(values, weights, mask)


def bootstrap_median(
    values: np.ndarray, kept: np.ndarray, uniforms_of: Callable[[np.ndarray, int], np.ndarray]
) -> np.ndarray:
    """Bootstrap of the kept comparables' median: per draw, m indices floor(u·m) (slot j's uniforms from
    ``uniforms_of(rows, j)``, as :func:`bootstrap_mean_streams`), the median of those. values (n, k, D)."""
    n, _, n_draws = values.shape
    out = np.full((n, n_draws), np.nan)
    order = np.argsort(~kept, axis=1, kind="stable")
    draw = np.arange(n_draws)
    for i in range(n):
        m = int(kept[i].sum())
        if m == 0:
            continue
        picks = np.empty((m, n_draws))
        for j in range(m):
            idx = np.minimum(np.floor(uniforms_of(np.array([i]), j)[0] * m).astype(np.int64), m - 1)
            picks[j] = values[i, order[i, idx], draw]
        out[i] = np.median(picks, axis=0)
    return out


def bootstrap_mean(values: np.ndarray, weights: np.ndarray, kept: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Bootstrap of the kept comparables: per draw, m indices floor(u·m), weighted mean of those.

    values (n, k, D) adjusted prices per draw; weights, kept (n, k); u (n, k, D) uniforms, slot j of
    draw d in u[:, j, d] (slots ≥ m unused). Index i < m counts the kept comparables in grid order.
    Returns (n, D).
    """
    n, k, n_draws = values.shape
    order = np.argsort(~kept, axis=1, kind="stable").reshape(-1)  # kept comparables first, in grid order
    flat_values = np.ascontiguousarray(values).reshape(-1)
    flat_weights = np.where(kept, weights, 0.0).reshape(-1)
    m = kept.sum(axis=1)
    m_col, last = m[:, None], np.maximum(m, 1)[:, None] - 1
    row = (np.arange(n) * k)[:, None]
    draw = np.arange(n_draws)[None, :]
    num = np.zeros((n, n_draws))
    den = np.zeros_like(num)
    for j in range(int(m.max(initial=0))):
        active = (j < m)[:, None]
        slot = order.take(row + np.minimum(np.floor(u[:, j, :] * m_col).astype(np.int64), last))
        v = flat_values.take((row + slot) * n_draws + draw)
        wj = flat_weights.take(row + slot)
        num = num + np.where(active, wj * v, 0.0)
        den = den + np.where(active, wj, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def bootstrap_mean_streams(
    values: np.ndarray,
    weights: np.ndarray,
    m: np.ndarray,
    order: np.ndarray,
    uniforms_of: Callable[[np.ndarray, int], np.ndarray],
) -> np.ndarray:
    """:func:`bootstrap_mean` with the uniforms drawn on demand: the same figures, less work.

    values (n, k, D); weights (n, k); m (n,) kept comparables per asset; order (n, k) slot positions,
    kept first (``argsort(~kept, kind="stable")``); ``uniforms_of(rows, j)`` the uniforms (len(rows), D)
    of slot j for those rows. Rows are visited in decreasing m, so slot j only touches (and only draws
    uniforms for) the assets that have more than j kept comparables; with equal weights (all 1) the
    weights are not gathered, since Σ 1·v / Σ 1 = Σ v / m exactly.
    """
    n, k, n_draws = values.shape
    perm = np.argsort(-m, kind="stable")
    m_sorted = m[perm]
    flat_values = np.ascontiguousarray(values).reshape(-1)
    flat_order = np.ascontiguousarray(order).reshape(-1)
    row = (perm * k)[:, None]
    draw = np.arange(n_draws)[None, :]
    kept_weights = np.where(np.arange(k)[None, :] < m[:, None],
                            np.take_along_axis(weights, order, axis=1), 1.0)
    equal = bool(np.all(kept_weights == 1.0))
    flat_weights = np.ascontiguousarray(weights, dtype=np.float64).reshape(-1)  # picked slots are kept ones
    num = np.zeros((n, n_draws))
    den = None if equal else np.zeros((n, n_draws))
    for j in range(int(m.max(initial=0))):
        c = int(np.searchsorted(-m_sorted, -j, side="left"))  # rows with m > j form the prefix [0, c)
        if c == 0:
            break
        m_col = m_sorted[:c, None]
        pick = np.floor(uniforms_of(perm[:c], j) * m_col).astype(np.int64)
        np.minimum(pick, m_col - 1, out=pick)
        pick += row[:c]
        slot = flat_order.take(pick)
        slot += row[:c]
        if den is not None:
            wj = flat_weights.take(slot)
        slot *= n_draws
        slot += draw
        v = flat_values.take(slot)
        if den is None:
            num[:c] += v
        else:
            num[:c] += wj * v
            den[:c] += wj
    out = np.empty_like(num)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[perm] = num / (m_sorted[:, None].astype(np.float64) if den is None else den)
    return out
