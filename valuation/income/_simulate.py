"""Monte Carlo and tornado of the income method, one code path for a single asset and for a batch.

Draws depend only on (seed, asset id, input): input j uses ``uniforms(seed, key, STREAM_BASE + j,
n_draws)`` (base 0, share 1, discount rate 2, decay 3), its spread maps the uniforms to the input, and
the same kernel values every draw. The conventions of each spread are on
:class:`valuation.income.IncomeUncertainty`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import special

from valuation.context import ValuationContext
from valuation.models import DataAsset, Method, TornadoBar
from valuation.random import asset_keys, uniforms
from valuation.uncertainty import TORNADO_PERCENTILES, Spread

from . import kernel
from ._inputs import IncomeForm, IncomeInputs, IncomeUncertainty
from ._prepare import PreparedIncome, prepare_income

STREAM_BASE = 200
STREAM_OFFSETS: dict[str, int] = {"base": 0, "share": 1, "discount_rate": 2, "decay": 3}
DECAY_DRAW_RANGE: tuple[float, float] = (-0.5, 0.95)

Array = kernel.Array

BASE_LABELS_ZH: dict[IncomeForm, str] = {
    IncomeForm.DIRECT: "数据资产收入",
    IncomeForm.SPLIT: "企业收入(分成基数)",
    IncomeForm.EXCESS_EARNINGS: "企业收益",
    IncomeForm.INCREMENTAL: "增量收益",
}
SHARE_LABELS_ZH: dict[IncomeForm, str] = {
    IncomeForm.DIRECT: "利润率",
    IncomeForm.SPLIT: "分成率",
    IncomeForm.EXCESS_EARNINGS: "扣除贡献资产后比例",
    IncomeForm.INCREMENTAL: "份额",
}


@dataclass(frozen=True)
class KernelInputs:
    """Scenarios with leading shape L: period arrays (L..., T), the others (L...).

    ``base_sd`` (ETS) replaces the base spread where it is not NaN; ``terminal_growth`` None = no
    terminal value for any scenario.
    """

    base: Array
    base_sd: Array | None
    floor_base: np.ndarray
    share: Array
    share_uncertain: np.ndarray
    decay: Array
    tax: Array
    rate: Array
    rate_floor: Array
    grid: kernel.PeriodGrid
    times: Array
    terminal_growth: Array | None


@dataclass(frozen=True)
class DrawnInputs:
    """Inputs per draw: base and share (L..., D, T), rate and decay (L..., D) (D may be 1 = held)."""

    base: Array
    share: Array
    rate: Array
    decay: Array


def kernel_inputs(p: PreparedIncome) -> KernelInputs:
    """The single asset's arrays, leading shape ()."""
    return KernelInputs(
        base=p.base,
        base_sd=p.base_sd,
        floor_base=np.asarray(p.floor_base_at_zero),
        share=p.share,
        share_uncertain=np.asarray(p.share_uncertain),
        decay=np.asarray(p.decay, dtype=np.float64),
        tax=np.asarray(p.tax, dtype=np.float64),
        rate=np.asarray(p.rate, dtype=np.float64),
        rate_floor=np.asarray(p.rate_floor, dtype=np.float64),
        grid=p.grid,
        times=p.times,
        terminal_growth=None
        if p.terminal_growth is None
        else np.asarray(p.terminal_growth, dtype=np.float64),
    )


def draw_inputs(ki: KernelInputs, spreads: IncomeUncertainty, u: Mapping[str, Array | None]) -> DrawnInputs:
    """Inputs at the uniforms ``u[name]`` (L..., D); no uniform or no spread holds the input at base."""
    base = ki.base[..., None, :]
    u_base = u.get("base")
    if u_base is not None and spreads.base is not None:
        if ki.base_sd is not None:
            z = special.ndtri(u_base)[..., None]
            base = base + z * ki.base_sd[..., None, :]
        else:
            base = spreads.base.apply(base, u_base[..., None])
        if ki.floor_base.any():
            floor = np.broadcast_to(ki.floor_base[..., None, None], base.shape)
            if np.broadcast_shapes(np.shape(base), floor.shape) == np.shape(base) and base.flags.writeable:
                np.maximum(base, 0.0, out=base, where=floor)  # in place: = where(floor, max(base, 0), base)
            else:
                base = np.where(floor, np.maximum(base, 0.0), base)
    share = ki.share[..., None, :]
    u_share = u.get("share")
    if u_share is not None and spreads.share is not None:
        factor = share_factors(ki, spreads.share, spreads.share.factor(u_share))[..., None]
        share = share * factor if spreads.share.shift == "multiply" else share + factor
    rate, decay = scalar_draws(
        ki, spreads, _factor(spreads.discount_rate, u.get("discount_rate")), _factor(spreads.decay, u.get("decay"))
    )
    return DrawnInputs(base=base, share=share, rate=rate, decay=decay)


def share_factors(ki: KernelInputs, spread: Spread, factor: Array) -> Array:
    """The share's factor (or addend) per row and draw (L..., D): the spread's ``factor`` where the form's
    share is uncertain, the neutral 1 (or 0) elsewhere — cheap, no period axis."""
    neutral = 1.0 if spread.shift == "multiply" else 0.0
    return np.where(ki.share_uncertain[..., None], factor, neutral)


def scalar_draws(
    ki: KernelInputs, spreads: IncomeUncertainty, rate_factor: Array | None, decay_factor: Array | None
) -> tuple[Array, Array]:
    """The discount rate, floored at ``ki.rate_floor``, and the decay, clipped to DECAY_DRAW_RANGE, per
    draw (L..., D; D = 1 when held), from their spreads' factors (None = held at base; overwritten)."""
    rate = np.maximum(_shifted(spreads.discount_rate, ki.rate, rate_factor), ki.rate_floor[..., None])
    decay = np.clip(_shifted(spreads.decay, ki.decay, decay_factor), *DECAY_DRAW_RANGE)
    return rate, decay


def _factor(spread: Spread | None, u: Array | None) -> Array | None:
    return None if u is None or spread is None else spread.factor(u)


def _shifted(spread: Spread | None, value: Array, factor: Array | None) -> Array:
    held = value[..., None]
    return held if factor is None or spread is None else spread.apply_factor(held, factor)


def value_drawn(ki: KernelInputs, drawn: DrawnInputs) -> Array:
    """P for every draw (L..., D), by :func:`kernel.income_value`."""
    grid = kernel.PeriodGrid(*(a[..., None, :] for a in ki.grid))
    growth = None if ki.terminal_growth is None else ki.terminal_growth[..., None]
    return kernel.income_value(
        drawn.base,
        drawn.share,
        drawn.decay,
        ki.tax[..., None],
        grid,
        ki.times[..., None, :],
        drawn.rate,
        growth,
    )


def stream_uniforms(seed: int, keys: np.ndarray, n_draws: int) -> dict[str, Array]:
    """The four input streams of the assets ``keys``: each (len(keys), n_draws)."""
    return {name: uniforms(seed, keys, STREAM_BASE + j, n_draws) for name, j in STREAM_OFFSETS.items()}


def simulate_income(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> np.ndarray:
    """Monte Carlo draws of the income value, shape (ctx.n_draws,), CNY."""
    prepared = prepare_income(asset, inputs, ctx.valuation_date)
    if ctx.n_draws == 0:
        return np.empty(0)
    u = {
        name: v[0] for name, v in stream_uniforms(ctx.seed, asset_keys([asset.asset_id]), ctx.n_draws).items()
    }
    ki = kernel_inputs(prepared)
    return value_drawn(ki, draw_inputs(ki, inputs.uncertainty, u))


def tornado_income(asset: DataAsset, inputs: IncomeInputs, ctx: ValuationContext) -> list[TornadoBar]:
    """Each key input at its spread's 5th and 95th percentile, the others at base; largest swing first."""
    prepared = prepare_income(asset, inputs, ctx.valuation_date)
    ki = kernel_inputs(prepared)
    spreads = inputs.uncertainty
    at = np.array(TORNADO_PERCENTILES)
    form = inputs.form
    base_label = BASE_LABELS_ZH[form] + ("(ETS预测区间)" if prepared.base_sd is not None else "")
    candidates = [
        ("base", base_label, spreads.base),
        ("share", SHARE_LABELS_ZH[form], spreads.share if prepared.share_uncertain else None),
        ("discount_rate", "折现率", spreads.discount_rate),
        ("decay", "衰减率", spreads.decay),
    ]
    bars = []
    for name, label, spread in candidates:
        if spread is None:
            continue
        drawn = draw_inputs(ki, spreads, {name: at})
        values = value_drawn(ki, drawn)
        base_input, low_input, high_input = _shown_input(name, ki, drawn)
        bars.append(
            TornadoBar(
                method=Method.INCOME,
                input_name=name,
                label_zh=label,
                base_input=base_input,
                low_input=low_input,
                high_input=high_input,
                value_at_low=float(values[0]),
                value_at_high=float(values[1]),
            )
        )
    bars.sort(key=lambda b: b.swing, reverse=True)
    return bars


def _shown_input(name: str, ki: KernelInputs, drawn: DrawnInputs) -> tuple[float, float, float]:
    """The input shown on a bar: period 1 for the base and share paths, the rate and decay themselves."""
    if name == "base":
        return float(ki.base[0]), float(drawn.base[0, 0]), float(drawn.base[1, 0])
    if name == "share":
        return float(ki.share[0]), float(drawn.share[0, 0]), float(drawn.share[1, 0])
    if name == "discount_rate":
        return float(ki.rate), float(drawn.rate[0]), float(drawn.rate[1])
    return float(ki.decay), float(drawn.decay[0]), float(drawn.decay[1])
