"""Monte Carlo draws of the income method's inputs, one code path for a single asset and for a batch.

Draws depend only on (seed, asset id, input): input j uses ``uniforms(seed, key, STREAM_BASE + j,
n_draws)`` (base 0, share 1, discount rate 2, decay 3), its spread maps the uniforms to the input, and
the same kernel values every draw. The conventions of each spread are on
:class:`valuation.income.IncomeUncertainty`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from valuation.random import uniforms
from valuation.uncertainty import Spread

from . import kernel
from .inputs import IncomeForm, IncomeUncertainty

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


def draw_inputs(ki: KernelInputs, spreads: IncomeUncertainty, u: Mapping[str, Array | None]) -> DrawnInputs:
    """Inputs at the uniforms ``u[name]`` (L..., D); no uniform or no spread holds the input at base."""
    base = ki.base[..., None, :]
    u_base = u.get("base")
    if u_base is not None and spreads.base is not None:
        if ki.base_sd is not None:
            from scipy import special  # here: only an ETS forecast's sd needs the normal quantile

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
        ki,
        spreads,
        _factor(spreads.discount_rate, u.get("discount_rate")),
        _factor(spreads.decay, u.get("decay")),
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
