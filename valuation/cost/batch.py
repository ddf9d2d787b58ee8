"""Cost method over a flat table, one row per asset, vectorized (docs/valuation.md §Cost method).

Flat simplification of :class:`~valuation.cost.inputs.CostInputs`: one historical amount per
category (前期, 直接—建设, 直接—运维, 间接), all restated from one date; 机会成本 and 相关税费 only by
rate; δ by quality (scores from the shared q_* columns, weights from the ``quality_weights`` or
``quality_ahp_matrix`` keyword, equal 1/6 by default), life (elapsed / remaining years, remaining
capped at ``rights_term_end``) or both. A row gives the same value and the same Monte Carlo draws as
the single asset whose inputs are its flat equivalent (one line per non-blank category, dated
cost_incurred_on; ``opportunity`` and ``taxes`` by rate with the default tax base).

Bad rows become :class:`~base.errors.AssetError` records and NaN values; good rows are still valued.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from valuation import compiled
from valuation.batch_reader import RowReader, Wording, interval
from valuation.batch_types import SHARED_COLUMNS, BatchColumn, BatchMethodOutput, ModelField
from valuation.context import ValuationContext
from valuation.errors import MissingInput, PriceIndexGap, WeightsDoNotSumToOne
from valuation.models import QUALITY_DIMENSIONS
from valuation.price_index import month_number

from . import kernel
from .ahp import ahp_weights
from .draws import STREAM_BASE, draw_drivers
from .errors import ConflictingInputs, DateAfterValuationDate, InvalidCostInput
from .inputs import (
    DEFAULT_TAX_BASE,
    TAX_BASE_CATEGORIES,
    CostLine,
    CostUncertainty,
    DeltaBasis,
    DeltaSpec,
    OpportunityRate,
    TaxRate,
)
from .prepare import EQUAL_WEIGHTS, WEIGHT_TOLERANCE

AMOUNT_COLUMNS: tuple[str, ...] = ("cost_planning", "cost_construction", "cost_operation", "cost_indirect")
QUALITY_COLUMNS: tuple[str, ...] = tuple(f"q_{d.value}" for d in QUALITY_DIMENSIONS)
DRAW_CELLS_PER_CHUNK = 250_000  # rows × draws evaluated at once: bounds temporary memory, stays near the cache

_AMOUNT = ModelField(CostLine, "amount")  # one line per non-blank category

COST_BATCH_COLUMNS: tuple[BatchColumn, ...] = (
    BatchColumn("cost_planning", "float", True, "CNY", "前期费用, historical; blank = none", _AMOUNT),
    BatchColumn(
        "cost_construction",
        "float",
        True,
        "CNY",
        "直接成本—建设 (采集、获取、确认、描述、加工), historical; blank = none",
        _AMOUNT,
    ),
    BatchColumn(
        "cost_operation",
        "float",
        True,
        "CNY",
        "直接成本—运维 (存储、整合、安全、维护), historical; blank = none",
        _AMOUNT,
    ),
    BatchColumn(
        "cost_indirect", "float", True, "CNY", "间接成本 (分摊的软硬件、场地、管理), historical; blank = none", _AMOUNT
    ),
    BatchColumn(
        "cost_incurred_on",
        "date",
        True,
        "",
        "发生日期: the four amounts are restated from this date to the valuation date",
        ModelField(CostLine, "incurred_on"),
    ),
    BatchColumn(
        "cost_opportunity_rate",
        "float",
        False,
        "annual rate",
        "机会成本率 r on (前期 + 直接 + 间接); blank = no opportunity cost",
        ModelField(OpportunityRate, "rate"),
    ),
    BatchColumn(
        "cost_holding_years",
        "float",
        False,
        "years",
        "资本占用年限, needed with cost_opportunity_rate",
        ModelField(OpportunityRate, "holding_years"),
    ),
    BatchColumn(
        "cost_tax_rate",
        "float",
        False,
        "rate",
        "相关税费率 (non-recoverable) on 前期 + 直接 + 间接, not on 机会成本; blank = no related taxes",
        ModelField(TaxRate, "rate"),
    ),
    BatchColumn(
        "cost_delta_basis", "str", True, "", "价值调整系数 δ basis: quality / life / both", ModelField(DeltaSpec, "basis")
    ),
    BatchColumn(
        "cost_elapsed_years",
        "float",
        False,
        "years",
        "已使用年限, for basis life / both",
        ModelField(DeltaSpec, "elapsed_years"),
    ),
    BatchColumn(
        "cost_remaining_years",
        "float",
        False,
        "years",
        "剩余经济寿命, for basis life / both (capped at rights_term_end)",
        ModelField(DeltaSpec, "remaining_years"),
    ),
)

# A row's cells are read against these fields (valuation.batch_reader), the errors worded as below.
_COLUMNS: tuple[BatchColumn, ...] = SHARED_COLUMNS + COST_BATCH_COLUMNS
_WORDING = Wording(
    invalid=InvalidCostInput.rule,
    missing=MissingInput.rule,
    not_number="expected {what}, got text {raw!r}",
    out_of_range="expected {what} {bounds}, got {value:g}",
    blank="expected {what}, got a blank cell",
    not_choice="expected {what} {choices}, got {raw!r}",
    blank_choice="expected {what} {choices}, got a blank cell",
    not_date="expected a date YYYY-MM-DD, got {raw!r}",
    range=lambda b: f"≥ {b.low:g}" if math.isinf(b.high) and not b.low_open else f"in {interval(b)}",
    list_choices=" / ".join,
)


def _weights(
    quality_weights: Mapping[str, float] | None, quality_ahp_matrix: Sequence[Sequence[float]] | None
) -> np.ndarray:
    """Quality weights for the whole batch (six, in QUALITY_DIMENSIONS order); equal 1/6 by default."""
    field = "quality_weights"
    if quality_weights is not None and quality_ahp_matrix is not None:
        raise ConflictingInputs("expected quality_weights or quality_ahp_matrix, got both", field=field)
    if quality_ahp_matrix is not None:
        a = np.asarray(quality_ahp_matrix, dtype=np.float64)
        if a.shape != (6, 6):
            raise InvalidCostInput(
                f"expected a 6 × 6 AHP matrix in the order {[d.value for d in QUALITY_DIMENSIONS]}, "
                f"got shape {a.shape}",
                field="quality_ahp_matrix",
            )
        return np.array(ahp_weights(a, field="quality_ahp_matrix").weights)
    if quality_weights is None:
        return EQUAL_WEIGHTS
    names = [d.value for d in QUALITY_DIMENSIONS]
    unknown = sorted(set(quality_weights) - set(names))
    missing = [d for d in names if d not in quality_weights]
    if unknown or missing:
        raise InvalidCostInput(
            f"expected weights for exactly {names}, got unknown {unknown} and missing {missing}", field=field
        )
    try:
        w = np.array([float(quality_weights[d]) for d in names])
    except (TypeError, ValueError) as exc:
        raise InvalidCostInput(f"expected numbers, got {dict(quality_weights)!r}", field=field) from exc
    if not np.isfinite(w).all() or (w < 0).any():
        raise InvalidCostInput(
            f"expected each weight to be a number ≥ 0, got {dict(quality_weights)!r}", field=field
        )
    if abs(w.sum() - 1.0) > WEIGHT_TOLERANCE:
        raise WeightsDoNotSumToOne(
            f"expected the six quality weights to sum to 1 (within {WEIGHT_TOLERANCE:g}), got {w.sum():.12g}",
            field=field,
        )
    return w


def _draws(
    drivers: kernel.CostDrivers,
    in_use: Mapping[str, np.ndarray],
    spreads: CostUncertainty,
    *,
    seed: int,
    keys: np.ndarray,
    n_draws: int,
) -> np.ndarray:
    """P per asset and draw (n, n_draws): the compiled loop when it applies (valuation.compiled), else
    draw_drivers + cost_build_up in pieces of DRAW_CELLS_PER_CHUNK cells — the same figures."""
    n = len(keys)
    if compiled.use(n * n_draws):
        from valuation.compiled.cost import cost_draws
        encoded = compiled.encode([getattr(spreads, name) for name in kernel.CostDrivers._fields])
        if encoded is not None:
            moving = np.column_stack([in_use.get(name, np.zeros(n, dtype=bool)) for name in kernel.CostDrivers._fields])
            bounds = np.array([kernel.INPUT_BOUNDS[name] for name in kernel.CostDrivers._fields])
            return cost_draws(drivers, moving, encoded, bounds=bounds, seed=seed, keys=keys,
                              stream_base=STREAM_BASE, n_draws=n_draws)
    draws = np.empty((n, n_draws))
    tax_base = np.array([1.0 if c in DEFAULT_TAX_BASE else 0.0 for c in TAX_BASE_CATEGORIES])
    step = max(1, DRAW_CELLS_PER_CHUNK // n_draws)
    for start in range(0, n, step):
        part = slice(start, min(n, start + step))
        drawn = draw_drivers(
            kernel.CostDrivers(*(x[part] for x in drivers)),
            {k: v[part] for k, v in in_use.items()},
            spreads,
            seed=seed,
            keys=keys[part],
            n_draws=n_draws,
        )
        draws[part] = kernel.cost_build_up(drawn, tax_base).value
    return draws


def value_cost_batch(
    table: pd.DataFrame,
    ctx: ValuationContext,
    keys: np.ndarray,
    *,
    quality_weights: Mapping[str, float] | None = None,
    quality_ahp_matrix: Sequence[Sequence[float]] | None = None,
    uncertainty: CostUncertainty | None = None,
) -> BatchMethodOutput:
    """Cost method P = C × δ for every row of ``table`` (shared columns + :data:`COST_BATCH_COLUMNS`).

    Parameters
    ----------
    table
        One row per asset, as read from CSV/Parquet.
    ctx
        Valuation date, price index, seed and n_draws.
    keys
        Asset keys (uint64, :func:`valuation.random.asset_keys`) of the rows, shape (n,).
    quality_weights
        Weights of the six quality dimensions by name (each ≥ 0, summing to 1); equal 1/6 if None.
    quality_ahp_matrix
        Alternatively a 6 × 6 AHP pairwise matrix (rows/columns in QUALITY_DIMENSIONS order).
    uncertainty
        Spreads of the drivers; the documented defaults of :class:`CostUncertainty` if None.

    Returns
    -------
    BatchMethodOutput
        values (n,) CNY; draws (n, n_draws) or None; errors; extra intermediate columns
        (cost_index_factor, cost_C, cost_opportunity, cost_taxes, cost_delta_quality, cost_delta_life,
        cost_remaining_years_used, cost_delta).
    """
    weights = _weights(quality_weights, quality_ahp_matrix)
    spreads = uncertainty or CostUncertainty()
    table = table.reset_index(drop=True)
    n = len(table)
    rows = RowReader(table, _COLUMNS, _WORDING)

    def flag(mask: np.ndarray, rule: str, column: str, template: str, got: np.ndarray | None = None) -> None:
        """One error per flagged row; ``{got}`` in the template is ``got`` of the row."""
        if got is None:
            rows.fail(mask, rule, column, template)
        else:
            rows.fail(mask, rule, column, [template.format(got=g) for g in got[mask]])

    def number(column: str, what: str, **kw: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(value, 0 where there is none; given; blank) of a number column."""
        cells = rows.numbers(column, what=what, **kw)
        return np.where(cells.given, cells.value, 0.0), cells.given, cells.blank

    # Cost amounts (CNY, historical); blank = no cost in the category.
    amounts, amount_given, amount_blank = [], [], []
    for col in AMOUNT_COLUMNS:
        value, given, blank = number(col, "an amount in CNY", required=False)
        amounts.append(value)
        amount_given.append(given)
        amount_blank.append(blank)
    any_amount = ~np.logical_and.reduce(amount_blank)
    flag(
        ~any_amount,
        MissingInput.rule,
        AMOUNT_COLUMNS[0],
        f"expected at least one cost amount in {list(AMOUNT_COLUMNS)}, got none",
    )

    # Incurred date → restatement factor I(valuation month) / I(incurred month).
    incurred, blank = rows.dates("cost_incurred_on", what="the date the costs were incurred")
    flag(
        blank & any_amount,
        MissingInput.rule,
        "cost_incurred_on",
        "expected the date the costs were incurred, got a blank cell",
    )
    valuation_day = np.datetime64(ctx.valuation_date, "D")
    late = ~np.isnat(incurred) & (incurred > valuation_day)
    flag(
        late,
        DateAfterValuationDate.rule,
        "cost_incurred_on",
        f"expected a date on or before the valuation date {ctx.valuation_date}, got {{got}}",
        incurred,
    )
    index_months = [int(k[:4]) * 12 + int(k[5:7]) - 1 for k in ctx.price_index.points]
    first, last = min(index_months), max(index_months)
    first_month, last_month = f"{first // 12}-{first % 12 + 1:02d}", f"{last // 12}-{last % 12 + 1:02d}"
    series = f"the {ctx.price_index.name} series ({first_month} to {last_month})"
    months = incurred.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    dated = ~np.isnat(incurred) & ~late
    outside = dated & ((months < first) | (months > last))
    flag(
        outside,
        PriceIndexGap.rule,
        "cost_incurred_on",
        f"expected a date within {series}, got {{got}}",
        incurred,
    )
    valuation_level = 1.0
    if first <= month_number(ctx.valuation_date) <= last:
        valuation_level = ctx.price_index.level(ctx.valuation_date)
    else:
        flag(
            np.ones(n, dtype=bool),
            PriceIndexGap.rule,
            "valuation_date",
            f"expected the valuation date {ctx.valuation_date} within {series}",
        )
    levels = np.ones(n)
    levels[dated & ~outside] = ctx.price_index.levels(months[dated & ~outside])
    factor = kernel.index_factor(levels, valuation_level)
    restated = [kernel.restate(a, factor) for a in amounts]

    # 机会成本 and 相关税费 by rate.
    opportunity_rate, opportunity_given, _ = number("cost_opportunity_rate", "an annual rate", required=False)
    holding_years, _, _ = number("cost_holding_years", "holding years", required=opportunity_given)
    holding_years = np.where(opportunity_given, holding_years, 0.0)
    tax_rate, tax_given, _ = number("cost_tax_rate", "a tax rate", required=False)

    # δ basis.
    basis = rows.choice("cost_delta_basis", what="δ basis")
    known = basis != ""
    use_quality = np.isin(basis, [DeltaBasis.QUALITY.value, DeltaBasis.BOTH.value])
    use_life = np.isin(basis, [DeltaBasis.LIFE.value, DeltaBasis.BOTH.value])

    # Quality scores (shared q_* columns), read where δ uses quality.
    scores = np.column_stack(
        [number(col, "a quality score", where=use_quality, required=use_quality)[0] for col in QUALITY_COLUMNS]
    )

    # Economic life (years), read where δ uses life; the remaining life is capped by the rights term.
    elapsed, _, elapsed_blank = number("cost_elapsed_years", "elapsed years", required=use_life)
    remaining_stated, _, remaining_blank = number("cost_remaining_years", "remaining years", required=use_life)
    for col, col_blank in (("cost_elapsed_years", elapsed_blank), ("cost_remaining_years", remaining_blank)):
        flag(
            known & ~use_life & ~col_blank,
            ConflictingInputs.rule,
            col,
            "expected a blank cell or δ basis life / both, got basis {got!r} (which does not use life)",
            basis,
        )
    term_end, _ = rows.dates("rights_term_end", what="the end of the rights term")
    term_left = kernel.years_between(np.full(n, valuation_day), term_end)
    remaining = kernel.capped_remaining_life(remaining_stated, term_left)
    flag(
        use_life & ~rows.bad & (elapsed + remaining <= 0),
        InvalidCostInput.rule,
        "cost_remaining_years",
        "expected elapsed + remaining economic life > 0 (after the cap at rights_term_end), got {got:g}",
        elapsed + remaining,
    )

    ok = ~rows.bad
    with np.errstate(divide="ignore", invalid="ignore"):
        delta_quality = kernel.quality_delta(weights, scores)
        delta_life = kernel.life_delta(elapsed, remaining)
    delta = np.where(ok, kernel.combined_delta(delta_quality, delta_life, use_quality, use_life), 1.0)
    zero = np.zeros(n)
    drivers = kernel.CostDrivers(
        planning=np.where(ok, restated[0], 0.0),
        direct_construction=np.where(ok, restated[1], 0.0),
        direct_operation=np.where(ok, restated[2], 0.0),
        indirect=np.where(ok, restated[3], 0.0),
        opportunity=zero,
        taxes=zero,
        opportunity_rate=np.where(ok, opportunity_rate, 0.0),
        holding_years=np.where(ok, holding_years, 0.0),
        tax_rate=np.where(ok, tax_rate, 0.0),
        delta=delta,
    )
    tax_base = np.array([1.0 if c in DEFAULT_TAX_BASE else 0.0 for c in TAX_BASE_CATEGORIES])
    build = kernel.cost_build_up(drivers, tax_base)

    draws = None
    if ctx.n_draws > 0:
        in_use = {
            "planning": amount_given[0],
            "direct_construction": amount_given[1],
            "direct_operation": amount_given[2],
            "indirect": amount_given[3],
            "opportunity_rate": opportunity_given,
            "holding_years": opportunity_given,
            "tax_rate": tax_given,
            "delta": np.ones(n, dtype=bool),
        }
        draws = _draws(drivers, in_use, spreads, seed=ctx.seed, keys=np.asarray(keys, dtype=np.uint64),
                       n_draws=ctx.n_draws)
        draws[~ok] = np.nan

    def masked(x: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
        return np.where(ok if where is None else ok & where, x, np.nan)

    return BatchMethodOutput(
        values=masked(build.value),
        draws=draws,
        errors=rows.errors,
        extra={
            "cost_index_factor": masked(factor),
            "cost_C": masked(build.total_cost),
            "cost_opportunity": masked(build.opportunity),
            "cost_taxes": masked(build.taxes),
            "cost_delta_quality": masked(delta_quality, use_quality),
            "cost_delta_life": masked(delta_life, use_life),
            "cost_remaining_years_used": masked(remaining, use_life),
            "cost_delta": masked(delta),
        },
    )
