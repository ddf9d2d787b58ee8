"""Batch income method: one row per asset, vectorized over (n_assets, max_periods) with a coverage mask.

Each row is the flat equivalent of a case file's income inputs with a ``projection``
(B_k = income_base_y1 × (1 + income_growth)^(k−1) × length_k), the form's share from one column
(direct ``income_margin``, split ``income_split_rate`` K_1, excess earnings 1 − ``income_contributory_rate``,
incremental 1), a finite ``income_economic_life`` capped by the shared ``rights_term_end``, and the
default :class:`IncomeUncertainty` (or the one passed as ``uncertainty=``). Rows of different forms
mix freely.

A split row names its base in ``income_split_base`` as a case file does (``split_base``): ``revenue``
(销售收入分成, ``income_base_y1`` is the revenue R_1, ≥ 0) or ``profit`` (利润分成, ``income_base_y1`` is
the profit P_1 — EBIT or the case's defined profit — and may be negative). On revenue a K above 15 %
is refused unless ``income_split_rate_reason`` says why (the case file's rule and wording, naming the
row's asset and ``income_split_rate``). ``income_profit_margin`` (销售利润率) shows the conversion:
implied profit share K / margin on revenue, revenue royalty equivalent K × margin on profit. A split
row with a blank base is refused, naming ``income_split_base``, as a case file refuses a split without
``split_base``. An indefinite life with a terminal value, forecast rows, contributory charges and ETS
histories need a case file.

The discount rate's basis is ``income_rate_basis`` (blank = after_tax). Draws use the streams of
:func:`simulate_income`, so a row's draws equal those of the same asset valued alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuation import compiled
from valuation.batch_reader import RowReader, Wording
from valuation.batch_types import SHARED_COLUMNS, BatchColumn, BatchMethodOutput, Bounds, ModelField
from valuation.context import ValuationContext

from . import kernel
from .draws import (
    STREAM_BASE,
    STREAM_OFFSETS,
    KernelInputs,
    draw_inputs,
    scalar_draws,
    share_factors,
    stream_uniforms,
    value_drawn,
)
from .inputs import (
    MAX_REVENUE_SPLIT_RATE,
    DiscountRateSpec,
    IncomeForm,
    IncomeInputs,
    IncomeUncertainty,
    Projection,
    SplitBase,
    TaxBasis,
    Timing,
    revenue_split_rate_message,
    split_base_unnamed,
)

DRAW_CHUNK_CELLS = 262_144  # rows × draws × periods per Monte Carlo step: 2 MB arrays, near the cache

INCOME_BATCH_COLUMNS: tuple[BatchColumn, ...] = (
    BatchColumn(
        "income_form",
        "str",
        True,
        "",
        "收益口径 direct / split / excess_earnings / incremental",
        ModelField(IncomeInputs, "form"),
    ),
    BatchColumn(
        "income_base_y1",
        "float",
        True,
        "CNY",
        "首年收益基数 B_1, CNY a year: revenue (direct; split on revenue), profit P_1 (split on profit, may be "
        "negative), earnings E_1 (excess_earnings), increment (incremental); a partial first period gets "
        "B_1 × f; in a batch within ±1e15",
        ModelField(Projection, "base_y1"),
        Bounds(-1e15, 1e15),  # batch only: a bound on the projected amounts (a case file has none)
    ),
    BatchColumn(
        "income_growth",
        "float",
        False,
        "rate",
        "增长率 g of the base, annual, > −1; blank = 0",
        ModelField(Projection, "growth"),
    ),
    BatchColumn(
        "income_split_rate",
        "float",
        False,
        "ratio",
        "分成率 K_1 in (0, 1]; split rows only",
        ModelField(IncomeInputs, "split_rate"),
    ),
    BatchColumn(
        "income_margin",
        "float",
        False,
        "ratio",
        "利润率: share of revenue left after own costs, [0, 1]; direct rows only",
        ModelField(IncomeInputs, "margin"),
    ),
    BatchColumn(
        "income_contributory_rate",
        "float",
        False,
        "ratio",
        "贡献资产扣除比例: contributory charges as a share of E_t, [0, 1); excess_earnings rows only",
        ModelField(IncomeInputs, "contributory_rate"),
    ),
    BatchColumn(
        "income_decay",
        "float",
        False,
        "rate",
        "衰减率 d in [0, 1): contribution × (1 − d)^(t−1); blank = 0",
        ModelField(IncomeInputs, "decay"),
    ),
    BatchColumn(
        "income_economic_life",
        "float",
        True,
        "years",
        "经济寿命, years in (0, 100]; capped by rights_term_end",
        ModelField(IncomeInputs, "economic_life"),
    ),
    BatchColumn(
        "income_discount_rate",
        "float",
        True,
        "rate",
        "折现率 i, annual, in (0, 1)",
        None,  # batch only: the rate itself, where a case file builds it up (DiscountRateSpec)
        Bounds(0, 1, low_open=True, high_open=True),
    ),
    BatchColumn(
        "income_timing", "str", False, "", "end | mid (期末/期中); blank = end", ModelField(IncomeInputs, "timing")
    ),
    BatchColumn(
        "income_first_period_years",
        "float",
        False,
        "years",
        "首期长度 f in (0, 1]; blank = 1",
        ModelField(IncomeInputs, "first_period_years"),
    ),
    BatchColumn(
        "income_tax_rate",
        "float",
        False,
        "rate",
        "所得税税率 T in [0, 1): converts pre_tax flows, F × (1 − T)",
        ModelField(IncomeInputs, "tax_rate"),
    ),
    BatchColumn(
        "income_cash_flow_basis",
        "str",
        False,
        "",
        "收益口径 after_tax | pre_tax; blank = after_tax",
        ModelField(IncomeInputs, "cash_flow_basis"),
    ),
    BatchColumn(
        "income_rate_basis",
        "str",
        False,
        "",
        "折现率口径 after_tax | pre_tax; blank = after_tax",
        ModelField(DiscountRateSpec, "basis"),
    ),
    BatchColumn(
        "income_split_base",
        "str",
        False,
        "",
        "分成基数 revenue | profit (销售收入分成 / 利润分成): what K multiplies, income_base_y1 being R_1 or the "
        "profit P_1 (EBIT or the defined profit); required on split rows, used by no other form",
        ModelField(IncomeInputs, "split_base"),
    ),
    BatchColumn(
        "income_split_rate_reason",
        "str",
        False,
        "",
        f"分成率理由: why a K above {MAX_REVENUE_SPLIT_RATE:.0%} holds on revenue (without it such a row is refused)",
        ModelField(IncomeInputs, "split_rate_reason"),
    ),
    BatchColumn(
        "income_profit_margin",
        "float",
        False,
        "ratio",
        "销售利润率 profit / revenue of period 1, in (0, 1]; split rows only, shown: implied profit share "
        "K / margin (revenue split), revenue royalty equivalent K × margin (profit split)",
        ModelField(IncomeInputs, "profit_margin"),
    ),
)

# A row's cells are read against these fields (valuation.batch_reader), the errors worded as below.
_COLUMNS: tuple[BatchColumn, ...] = SHARED_COLUMNS + INCOME_BATCH_COLUMNS
_WORDING = Wording(
    invalid="invalid_input",
    missing="invalid_input",
    not_number="expected {what} (a number), got {raw!r}",
    out_of_range="expected {what} {bounds}, got {value:g}",
    blank="{what} is required for this row, got a blank",
)

_SHARE_COLUMN: dict[IncomeForm, str] = {
    IncomeForm.DIRECT: "income_margin",
    IncomeForm.SPLIT: "income_split_rate",
    IncomeForm.EXCESS_EARNINGS: "income_contributory_rate",
}
# Columns only a split row uses (a case file refuses split_base and profit_margin with another form).
_SPLIT_ONLY = ("income_split_base", "income_profit_margin")


def _draws(
    ki: KernelInputs, spreads: IncomeUncertainty, seed: int, keys: np.ndarray, n_draws: int, *, fast: bool
) -> np.ndarray:
    """Draws (L, n_draws) of rows ``ki``: draw_inputs + value_drawn, or — the same figures — the
    compiled loop (valuation.compiled.income) over assets × draws × periods, fed with the inputs'
    factors per draw (valuation.compiled.factors) and numpy's decay and discount factors (powers).
    ``fast``: the batch's choice, compiled.use."""
    if not fast or ki.base_sd is not None or ki.terminal_growth is not None:
        return value_drawn(ki, draw_inputs(ki, spreads, stream_uniforms(seed, keys, n_draws)))
    from valuation.compiled.income import income_draws

    f = {name: None if getattr(spreads, name) is None
         else compiled.factors(getattr(spreads, name), seed, keys, STREAM_BASE + offset, n_draws, fast=True)
         for name, offset in STREAM_OFFSETS.items()}
    rate, decay = scalar_draws(ki, spreads, f["discount_rate"], f["decay"])
    shape = (len(keys), n_draws, ki.base.shape[-1])
    decayed = kernel.decay_factors(decay, shape[-1])  # (L, D or 1, T): a held input is not repeated
    discount = kernel.discount_factors(rate, ki.times[..., None, :])
    return income_draws(
        ki.base,
        ki.share,
        f["base"],
        spreads.base is None or spreads.base.shift == "multiply",
        ki.floor_base,
        None if spreads.share is None or f["share"] is None else share_factors(ki, spreads.share, f["share"]),
        spreads.share is None or spreads.share.shift == "multiply",
        ki.tax[:, None] * ki.grid.coverage,
        np.broadcast_to(decayed, shape),
        np.broadcast_to(discount, shape),
    )


def value_income_batch(
    table: pd.DataFrame,
    ctx: ValuationContext,
    keys: np.ndarray,
    *,
    uncertainty: IncomeUncertainty | None = None,
    draw_chunk_cells: int = DRAW_CHUNK_CELLS,
) -> BatchMethodOutput:
    """Income values (CNY) of every row, their draws (n, ctx.n_draws), per-row errors and intermediates.

    Parameters
    ----------
    table
        Shared columns plus :data:`INCOME_BATCH_COLUMNS`, one row per asset, any index.
    keys
        ``asset_keys`` of the rows (uint64, shape (n,)), for the random streams.
    uncertainty
        Spreads of base, share, discount rate and decay for every row; the defaults when None.
    draw_chunk_cells
        Bound on rows × draws × periods computed at once (memory of the Monte Carlo).
    """
    spreads = uncertainty or IncomeUncertainty()
    rows = RowReader(table, _COLUMNS, _WORDING)
    n = rows.n
    keys = np.asarray(keys, dtype=np.uint64)

    def number(column: str, what: str, fill: float, required: bool | np.ndarray | None = None) -> np.ndarray:
        """The column's values: the field's default where blank, ``fill`` where there is no usable value."""
        value = rows.numbers(column, what=what, required=required).value
        return np.where(np.isnan(value), fill, value)

    form_text = rows.choice("income_form", what="the income form")
    forms = {f: form_text == f.value for f in IncomeForm}
    is_split = forms[IncomeForm.SPLIT]
    split_base = rows.choice("income_split_base", what="the split base (revenue or profit)")
    on_profit = is_split & (split_base == SplitBase.PROFIT.value)
    on_revenue = is_split & (split_base == SplitBase.REVENUE.value)
    rows.fail(is_split & ~rows.given("income_split_base"), "invalid_input", "income_split_base",
              split_base_unnamed("income_split_base"))
    for column in _SPLIT_ONLY:
        misplaced = (form_text != "") & ~is_split & rows.given(column)
        rows.fail(
            misplaced,
            "invalid_input",
            column,
            [f"{column} is only used by form split, got it with form {t}" for t in form_text[misplaced]],
        )
    revenue_form = forms[IncomeForm.DIRECT] | (is_split & ~on_profit)
    base_y1 = number("income_base_y1", "B_1 (CNY a year)", 0.0)
    negative = revenue_form & (base_y1 < 0)
    rows.fail(
        negative,
        "invalid_input",
        "income_base_y1",
        [f"expected revenue >= 0 CNY for a direct or split-on-revenue row, got {v:g}" for v in base_y1[negative]],
    )
    growth = number("income_growth", "growth", 0.0)
    share = np.ones(n)
    k_given = np.zeros(n, dtype=bool)  # a usable K_1 on a split row
    for form, column in _SHARE_COLUMN.items():
        is_form = forms[form]
        misplaced = (form_text != "") & ~is_form & rows.given(column)
        rows.fail(
            misplaced,
            "invalid_input",
            column,
            [
                f"{column} is only used by form {form.value}, got it with form {t}"
                for t in form_text[misplaced]
            ],
        )
        if form is IncomeForm.SPLIT:
            k_1 = rows.numbers(column, what="K_1", required=is_form)
            k_given = is_form & k_1.given
            share = np.where(is_form, np.where(np.isnan(k_1.value), 1.0, k_1.value), share)
        elif form is IncomeForm.DIRECT:
            share = np.where(is_form, number(column, "the margin", 1.0, required=is_form), share)
        else:
            value = number(column, "the contributory rate", 0.0, required=is_form)
            share = np.where(is_form, 1.0 - value, share)
    reason = rows.raw("income_split_rate_reason").astype("string").fillna("").str.strip().to_numpy(dtype=object)
    too_high = on_revenue & k_given & (share > MAX_REVENUE_SPLIT_RATE) & (reason == "")
    rows.fail(
        too_high,
        "invalid_input",
        "income_split_rate",
        [
            revenue_split_rate_message(k, reason="income_split_rate_reason", base="income_split_base")
            for k in share[too_high]
        ],
    )
    margin = rows.numbers("income_profit_margin", what="the profit margin (profit / revenue)").value
    decay = number("income_decay", "the decay", 0.0)
    life = number("income_economic_life", "the economic life in years (finite in a batch)", 1.0)
    rate = number("income_discount_rate", "the discount rate", 0.1, required=True)
    mid = rows.choice("income_timing", what="timing") == Timing.MID.value
    first = number("income_first_period_years", "the first period in years", 1.0)
    tax_rate = number("income_tax_rate", "the tax rate", 0.0)
    pre_tax_flows = rows.choice("income_cash_flow_basis", what="the cash-flow basis") == TaxBasis.PRE_TAX.value
    pre_tax_rate = rows.choice("income_rate_basis", what="the rate basis") == TaxBasis.PRE_TAX.value
    tax_given = rows.given("income_tax_rate")
    rows.fail(
        ~pre_tax_flows & pre_tax_rate,
        "basis_mismatch",
        "income_rate_basis",
        "after-tax cash flows cannot be discounted at a pre-tax rate; expected an after-tax rate",
    )
    convert = pre_tax_flows & ~pre_tax_rate
    rows.fail(
        convert & ~tax_given,
        "basis_mismatch",
        "income_tax_rate",
        "pre-tax cash flows with an after-tax rate need income_tax_rate to convert them (F × (1 − T))",
    )
    rows.fail(
        ~convert & tax_given,
        "invalid_input",
        "income_tax_rate",
        "income_tax_rate converts pre_tax flows for an after_tax rate; it is not used by this row",
    )
    tax = np.where(convert, 1.0 - tax_rate, 1.0)

    term_end, _ = rows.dates("rights_term_end", what="the end of the rights term")
    valuation_day = np.datetime64(ctx.valuation_date, "D")
    lapsed = ~np.isnat(term_end) & (term_end <= valuation_day)
    rows.fail(
        lapsed,
        "horizon",
        "rights_term_end",
        [
            f"the rights term ended on {d}, on or before the valuation date {ctx.valuation_date}; "
            "a lapsed right has no income horizon"
            for d in term_end[lapsed]
        ],
    )
    term_years = np.where(np.isnat(term_end) | lapsed, np.inf, kernel.year_fractions(valuation_day, term_end))
    horizon = np.minimum(life, term_years)
    binding = np.where(term_years <= life, "rights_term_end", "economic_life").astype(object)

    ok = ~rows.bad
    periods = kernel.periods_needed(first, horizon)
    n_periods = int(periods[ok].max()) if ok.any() else 1
    grid = kernel.period_grid(first, horizon, n_periods)
    times = kernel.discount_times(grid, mid)
    base = kernel.projected_base(base_y1, growth, grid.length)
    values = kernel.income_value(base, share[:, None], decay, tax, grid, times, rate)
    flows_1 = kernel.cash_flows(base[:, :1], share[:, None], decay, tax, grid.coverage[:, :1])[:, 0]
    values = np.where(ok, values, np.nan)

    draws = None
    if ctx.n_draws > 0:
        draws = np.full((n, ctx.n_draws), np.nan)
        # Rows by number of periods: a chunk pads to its longest horizon, so similar rows go together
        # (padding never changes a figure, kernel.sum_periods; it only costs time).
        good = np.flatnonzero(ok)
        good = good[np.argsort(periods[good], kind="stable")]
        per_chunk = max(1, draw_chunk_cells // (ctx.n_draws * n_periods))
        fast = compiled.use(good.size * ctx.n_draws)  # one choice for the batch
        for start in range(0, good.size, per_chunk):
            idx = good[start : start + per_chunk]
            width = int(periods[idx].max())
            ki = KernelInputs(
                base=base[idx, :width],
                base_sd=None,
                floor_base=revenue_form[idx],
                share=np.broadcast_to(share[idx, None], (idx.size, width)),
                share_uncertain=~forms[IncomeForm.INCREMENTAL][idx],
                decay=decay[idx],
                tax=tax[idx],
                rate=rate[idx],
                rate_floor=np.zeros(idx.size),
                grid=kernel.PeriodGrid(*(a[idx, :width] for a in grid)),
                times=times[idx, :width],
                terminal_growth=None,
            )
            draws[idx] = _draws(ki, spreads, ctx.seed, keys[idx], ctx.n_draws, fast=fast)

    binding[~ok] = None
    extra = {
        "income_horizon_years": np.where(ok, horizon, np.nan),
        "income_periods": np.where(ok, periods, 0).astype(np.int64),
        "income_binding_cap": binding,
        "income_cash_flow_1": np.where(ok, flows_1, np.nan),
        "income_tax_factor": np.where(ok, tax, np.nan),
        "income_split_base": np.where(ok & is_split, split_base, np.full(n, None, dtype=object)),
        "income_implied_profit_share": np.where(ok & on_revenue, share / margin, np.nan),
        "income_implied_revenue_rate": np.where(ok & on_profit, share * margin, np.nan),
    }
    return BatchMethodOutput(values=values, draws=draws, errors=rows.errors, extra=extra)
