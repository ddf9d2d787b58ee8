"""Batch income method: one row per asset, vectorized over (n_assets, max_periods) with a coverage mask.

Each row is the flat equivalent of a case file's income inputs with a ``projection``
(B_k = income_base_y1 × (1 + income_growth)^(k−1) × length_k), the form's share from one column
(direct ``income_margin``, split ``income_split_rate`` K_1, excess earnings 1 − ``income_contributory_rate``,
incremental 1), a finite ``income_economic_life`` capped by the shared ``rights_term_end``, and the
default :class:`IncomeUncertainty` (or the one passed as ``uncertainty=``). Rows of different forms
mix freely. An indefinite life with a terminal value, forecast rows, contributory charges and ETS
histories need a case file.

The discount rate's basis is ``income_rate_basis`` (blank = after_tax). Draws use the streams of
:func:`simulate_income`, so a row's draws equal those of the same asset valued alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from base.errors import AssetError
from valuation import compiled
from valuation.batch_types import BatchColumn, BatchMethodOutput, blank_cells
from valuation.context import ValuationContext

from . import kernel
from ._inputs import MAX_PERIODS, IncomeForm, IncomeUncertainty, TaxBasis, Timing
from ._simulate import (
    STREAM_BASE,
    STREAM_OFFSETS,
    KernelInputs,
    draw_inputs,
    scalar_draws,
    share_factors,
    stream_uniforms,
    value_drawn,
)

DRAW_CHUNK_CELLS = 262_144  # rows × draws × periods per Monte Carlo step: 2 MB arrays, near the cache

INCOME_BATCH_COLUMNS: tuple[BatchColumn, ...] = (
    BatchColumn("income_form", "str", True, "", "收益口径 direct / split / excess_earnings / incremental"),
    BatchColumn(
        "income_base_y1",
        "float",
        True,
        "CNY",
        "首年收益基数 B_1, CNY a year: revenue (direct, split), earnings E_1 (excess_earnings), increment "
        "(incremental); a partial first period gets B_1 × f",
    ),
    BatchColumn("income_growth", "float", False, "rate", "增长率 g of the base, annual, > −1; blank = 0"),
    BatchColumn("income_split_rate", "float", False, "ratio", "分成率 K_1 in (0, 1]; split rows only"),
    BatchColumn(
        "income_margin",
        "float",
        False,
        "ratio",
        "利润率: share of revenue left after own costs, [0, 1]; direct rows only",
    ),
    BatchColumn(
        "income_contributory_rate",
        "float",
        False,
        "ratio",
        "贡献资产扣除比例: contributory charges as a share of E_t, [0, 1); excess_earnings rows only",
    ),
    BatchColumn(
        "income_decay", "float", False, "rate", "衰减率 d in [0, 1): contribution × (1 − d)^(t−1); blank = 0"
    ),
    BatchColumn(
        "income_economic_life",
        "float",
        True,
        "years",
        "经济寿命, years in (0, 100]; capped by rights_term_end",
    ),
    BatchColumn("income_discount_rate", "float", True, "rate", "折现率 i, annual, in (0, 1)"),
    BatchColumn("income_timing", "str", False, "", "end | mid (期末/期中); blank = end"),
    BatchColumn("income_first_period_years", "float", False, "years", "首期长度 f in (0, 1]; blank = 1"),
    BatchColumn(
        "income_tax_rate",
        "float",
        False,
        "rate",
        "所得税税率 T in [0, 1): converts pre_tax flows, F × (1 − T)",
    ),
    BatchColumn(
        "income_cash_flow_basis", "str", False, "", "收益口径 after_tax | pre_tax; blank = after_tax"
    ),
    BatchColumn("income_rate_basis", "str", False, "", "折现率口径 after_tax | pre_tax; blank = after_tax"),
)

_SHARE_COLUMN: dict[IncomeForm, str] = {
    IncomeForm.DIRECT: "income_margin",
    IncomeForm.SPLIT: "income_split_rate",
    IncomeForm.EXCESS_EARNINGS: "income_contributory_rate",
}


class _Rows:
    """Column readers that record one AssetError per bad cell and keep a mask of bad rows."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.n = len(table)
        self.ids = table["asset_id"].astype("string").fillna("").to_numpy(dtype=object)
        self.bad = np.zeros(self.n, dtype=bool)
        self.errors: list[AssetError] = []

    def fail(self, rows: np.ndarray, rule: str, column: str, message: str | Sequence[str]) -> None:
        idx = np.flatnonzero(rows)
        for j, i in enumerate(idx):
            text = message if isinstance(message, str) else message[j]
            self.errors.append(AssetError(str(self.ids[i]), rule, column, text))
        self.bad[idx] = True

    def raw(self, column: str) -> tuple[pd.Series, np.ndarray]:
        if column in self.table.columns:
            raw = self.table[column].reset_index(drop=True)
        else:
            raw = pd.Series([None] * self.n, dtype=object)
        return raw, blank_cells(raw)

    def numbers(
        self,
        column: str,
        *,
        required: np.ndarray | bool,
        default: float,
        low: float,
        high: float,
        low_open: bool = False,
        high_open: bool = False,
        what: str,
    ) -> np.ndarray:
        """Float column: text, blanks where required and values outside the range become errors."""
        raw, blank = self.raw(column)
        num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        text = ~blank & ~np.isfinite(num)
        self.fail(
            text, "invalid_input", column, [f"expected {what} (a number), got {v!r}" for v in raw[text]]
        )
        missing = blank & np.asarray(required, dtype=bool)
        self.fail(missing, "invalid_input", column, f"{what} is required for this row, got a blank")
        given = ~blank & np.isfinite(num)
        below = (num <= low) if low_open else (num < low)
        above = (num >= high) if high_open else (num > high)
        out = given & (below | above)
        bounds = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        self.fail(out, "invalid_input", column, [f"expected {what} in {bounds}, got {v:g}" for v in num[out]])
        return np.where(given & ~out, num, default)

    def choices(self, column: str, allowed: Sequence[str], *, default: str | None, what: str) -> np.ndarray:
        """Text column of fixed choices (case and spaces ignored)."""
        raw, blank = self.raw(column)
        text = raw.astype("string").fillna("").str.strip().str.lower().to_numpy(dtype=object)
        unknown = ~blank & ~np.isin(text, list(allowed))
        self.fail(
            unknown,
            "invalid_input",
            column,
            [f"expected {what}: one of {list(allowed)}, got {v!r}" for v in raw[unknown]],
        )
        if default is None:
            self.fail(blank, "invalid_input", column, f"{what} is required, got a blank")
        return np.where(blank | unknown, default or "", text)  # "" = no valid choice (already an error)

    def given(self, column: str) -> np.ndarray:
        return ~self.raw(column)[1]

    def dates(self, column: str, *, what: str) -> np.ndarray:
        """Date column ('YYYY-MM-DD' text or datetime64) as datetime64[D]; blank = NaT."""
        raw, blank = self.raw(column)
        if pd.api.types.is_datetime64_any_dtype(raw.dtype):
            parsed = pd.to_datetime(raw)
        else:
            parsed = pd.to_datetime(
                raw.where(~blank, None).astype("string"), errors="coerce", format="ISO8601"
            )
        values = parsed.to_numpy(dtype="datetime64[D]")
        bad = ~blank & np.isnat(values)
        self.fail(
            bad,
            "invalid_input",
            column,
            [f"expected {what} as a date YYYY-MM-DD, got {v!r}" for v in raw[bad]],
        )
        return np.where(bad, np.datetime64("NaT"), values)


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
    rows = _Rows(table)
    n = rows.n
    keys = np.asarray(keys, dtype=np.uint64)

    form_text = rows.choices(
        "income_form", [f.value for f in IncomeForm], default=None, what="the income form"
    )
    forms = {f: form_text == f.value for f in IncomeForm}
    revenue_form = forms[IncomeForm.DIRECT] | forms[IncomeForm.SPLIT]
    base_y1 = rows.numbers(
        "income_base_y1", required=True, default=0.0, low=-1e15, high=1e15, what="B_1 (CNY a year)"
    )
    negative = revenue_form & (base_y1 < 0)
    rows.fail(
        negative,
        "invalid_input",
        "income_base_y1",
        [f"expected revenue >= 0 CNY for a direct or split row, got {v:g}" for v in base_y1[negative]],
    )
    growth = rows.numbers(
        "income_growth", required=False, default=0.0, low=-1, high=1, low_open=True, what="growth"
    )
    share = np.ones(n)
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
            value = rows.numbers(
                column, required=is_form, default=1.0, low=0, high=1, low_open=True, what="K_1"
            )
            share = np.where(is_form, value, share)
        elif form is IncomeForm.DIRECT:
            value = rows.numbers(column, required=is_form, default=1.0, low=0, high=1, what="the margin")
            share = np.where(is_form, value, share)
        else:
            value = rows.numbers(
                column,
                required=is_form,
                default=0.0,
                low=0,
                high=1,
                high_open=True,
                what="the contributory rate",
            )
            share = np.where(is_form, 1.0 - value, share)
    decay = rows.numbers(
        "income_decay", required=False, default=0.0, low=0, high=1, high_open=True, what="the decay"
    )
    life = rows.numbers(
        "income_economic_life",
        required=True,
        default=1.0,
        low=0,
        high=MAX_PERIODS,
        low_open=True,
        what="the economic life in years (finite in a batch)",
    )
    rate = rows.numbers(
        "income_discount_rate",
        required=True,
        default=0.1,
        low=0,
        high=1,
        low_open=True,
        high_open=True,
        what="the discount rate",
    )
    mid = (
        rows.choices("income_timing", [t.value for t in Timing], default=Timing.END.value, what="timing")
        == "mid"
    )
    first = rows.numbers(
        "income_first_period_years",
        required=False,
        default=1.0,
        low=0,
        high=1,
        low_open=True,
        what="the first period in years",
    )
    tax_rate = rows.numbers(
        "income_tax_rate", required=False, default=0.0, low=0, high=1, high_open=True, what="the tax rate"
    )
    bases = [b.value for b in TaxBasis]
    pre_tax_flows = (
        rows.choices("income_cash_flow_basis", bases, default="after_tax", what="the cash-flow basis")
        == "pre_tax"
    )
    pre_tax_rate = (
        rows.choices("income_rate_basis", bases, default="after_tax", what="the rate basis") == "pre_tax"
    )
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

    term_end = rows.dates("rights_term_end", what="the end of the rights term")
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
    }
    return BatchMethodOutput(values=values, draws=draws, errors=rows.errors, extra=extra)
