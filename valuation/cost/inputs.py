"""Inputs of the cost method as they appear in a case file under the key "cost"
(docs/valuation.md §Cost method).

Structure and ranges are checked here by pydantic; rules that need the asset or the valuation date
(dates after the valuation date, weights summing to 1, both forms of one figure) are checked by
:func:`valuation.cost.prepare.check_cost_inputs` so the error can name the asset.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator

from base.messages import describe, dotted
from base.models import FrozenModel
from valuation.models import Money, QualityDimension, Rate, Years
from valuation.uncertainty import Spread

from .errors import InvalidCostInput


class CostCategory(StrEnum):
    """The five cost groups of docs/valuation.md §Cost method, direct cost split into
    construction and operation."""

    PLANNING = "planning"  # 前期费用
    DIRECT_CONSTRUCTION = "direct_construction"  # 直接成本—建设: 采集、获取、确认、描述、加工
    DIRECT_OPERATION = "direct_operation"  # 直接成本—运维: 存储、整合、安全、维护
    INDIRECT = "indirect"  # 间接成本: allocable software, hardware, premises, shared management
    OPPORTUNITY = "opportunity"  # 机会成本
    TAXES = "taxes"  # 相关税费


COST_CATEGORIES: tuple[CostCategory, ...] = tuple(CostCategory)

CATEGORY_LABELS_ZH: dict[CostCategory, str] = {
    CostCategory.PLANNING: "前期费用",
    CostCategory.DIRECT_CONSTRUCTION: "直接成本—建设",
    CostCategory.DIRECT_OPERATION: "直接成本—运维",
    CostCategory.INDIRECT: "间接成本",
    CostCategory.OPPORTUNITY: "机会成本",
    CostCategory.TAXES: "相关税费",
}

# Categories a rate-based 相关税费 may be levied on, in the order of the kernel's tax_base axis.
TAX_BASE_CATEGORIES: tuple[CostCategory, ...] = COST_CATEGORIES[:5]
# Default base of a rate-based 相关税费: the costs actually paid (前期, 直接—建设, 直接—运维, 间接). 机会成本
# is an imputed return on the capital tied up, not a payment: no tax is levied on it, so it is left out
# unless a case names it (and says why).
DEFAULT_TAX_BASE: tuple[CostCategory, ...] = TAX_BASE_CATEGORIES[:4]


class CostLine(FrozenModel):
    """One cost item: historical amount (CNY) with the date it was incurred and its evidence.

    ``restate=False`` keeps the amount as given (already a replacement cost at the valuation date).
    """

    category: CostCategory
    item: str = Field(min_length=1, description="what was paid for, e.g. 'data cleaning outsourcing'")
    amount: Money
    incurred_on: date
    evidence: str = Field("", description="invoice, timesheet, allocation key ...")
    restate: bool = True


class OpportunityRate(FrozenModel):
    """机会成本 by rate: r × (前期费用 + 直接成本 + 间接成本, restated) × holding_years (docs/valuation.md §Cost method)."""

    rate: Rate = Field(description="annual rate of return on the capital tied up")
    holding_years: Years = Field(description="average holding period of the capital, years")
    evidence: str = Field("", description="where r and the period come from (WACC, loan rate ...)")


class TaxRate(FrozenModel):
    """相关税费 by rate: rate × Σ restated totals of the ``base`` categories.

    相关税费 are the taxes and fees actually borne in forming the asset and not recoverable: the
    non-deductible part of input VAT, stamp duty and the like. Deductible input VAT of a general taxpayer
    is not a cost, so ``rate`` is the non-recoverable rate (e.g. 6 % × the non-deductible share), stated
    with its evidence.

    Default base: 前期费用 + 直接成本 (建设, 运维) + 间接成本 — the payments; 机会成本 is an imputed return,
    not a payment, and bears no tax (:data:`DEFAULT_TAX_BASE`). The batch columns use the same base.
    """

    rate: Rate
    base: tuple[CostCategory, ...] = Field(DEFAULT_TAX_BASE, min_length=1)
    evidence: str = Field("", description="the tax and the law or policy behind the rate")

    @field_validator("base")
    @classmethod
    def _base_without_taxes(cls, v: tuple[CostCategory, ...]) -> tuple[CostCategory, ...]:
        if CostCategory.TAXES in v:
            raise ValueError("expected tax-base categories other than 'taxes' (no tax on itself)")
        if len(set(v)) != len(v):
            raise ValueError(f"expected each tax-base category once, got {[c.value for c in v]}")
        return v


class DeltaBasis(StrEnum):
    """What the value adjustment coefficient δ rests on (docs/valuation.md §Cost method)."""

    QUALITY = "quality"  # δ = Σ w_j s_j
    LIFE = "life"  # δ = remaining / (elapsed + remaining)
    BOTH = "both"  # δ = δ_q × δ_life


BASIS_LABELS: dict[DeltaBasis, tuple[str, str]] = {
    DeltaBasis.QUALITY: ("数据质量", "data quality"),
    DeltaBasis.LIFE: ("剩余经济寿命", "remaining economic life"),
    DeltaBasis.BOTH: ("质量与寿命结合", "quality and life"),
}
"""(中文, English) of what δ rests on."""


NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class DeltaSpec(FrozenModel):
    """How δ is set.

    quality / both: scores come from the asset's ``quality``; weights are ``quality_weights`` (the six
    dimensions, each ≥ 0, summing to 1 within 1e-9), or derived from ``ahp_matrix`` (6 × 6, rows and
    columns in the order accuracy, consistency, completeness, conformance, timeliness, accessibility),
    or equal (1/6 each, stated as an assumption) when neither is given.
    life / both: ``remaining_years`` and either ``elapsed_years`` or ``in_use_since`` (elapsed = years
    from that date to the valuation date, y + m/12 + d/365). Remaining life is capped at the years left
    on the asset's ``rights_term_end``.
    """

    basis: DeltaBasis
    quality_weights: dict[QualityDimension, NonNegative] | None = None
    ahp_matrix: tuple[tuple[float, ...], ...] | None = None
    elapsed_years: Years | None = None
    in_use_since: date | None = None
    remaining_years: Years | None = None
    evidence: str = Field("", description="where the weights, judgements and lives come from")

    @field_validator("quality_weights")
    @classmethod
    def _six_weights(cls, v: dict[QualityDimension, float] | None) -> dict[QualityDimension, float] | None:
        if v is not None:
            missing = [d.value for d in QualityDimension if d not in v]
            if missing:
                raise ValueError(f"expected a weight for each of the six dimensions, missing {missing}")
        return v


def _default_spread() -> Spread:
    return Spread(dist="triangular", shift="multiply", low=0.9, high=1.1)


class CostUncertainty(FrozenModel):
    """Spread of each key input (None = held at its base value). Convention, overridable per asset:

    - each category total (restated, as given by lines): triangular(0.9, 1, 1.1) multiplicative;
    - δ: triangular(0.9, 1, 1.1) multiplicative, the result capped at 1 (and floored at 0);
    - opportunity rate (when 机会成本 is by rate): triangular(−1 pp, 0, +1 pp) additive, floored at 0;
    - holding years, tax rate: held at base (a stated period and a statutory rate) unless given.

    A category computed from a rate (机会成本, 相关税费) moves with its rate and base, not with its
    category spread. Drawn costs are floored at 0 and rates clipped to [0, 1].
    """

    planning: Spread | None = Field(default_factory=_default_spread)
    direct_construction: Spread | None = Field(default_factory=_default_spread)
    direct_operation: Spread | None = Field(default_factory=_default_spread)
    indirect: Spread | None = Field(default_factory=_default_spread)
    opportunity: Spread | None = Field(default_factory=_default_spread)
    taxes: Spread | None = Field(default_factory=_default_spread)
    delta: Spread | None = Field(default_factory=_default_spread)
    opportunity_rate: Spread | None = Field(
        default_factory=lambda: Spread(dist="triangular", shift="add", low=-0.01, high=0.01)
    )
    holding_years: Spread | None = None
    tax_rate: Spread | None = None


class CostInputs(FrozenModel):
    """Per-asset inputs of the cost method P = C × δ (docs/valuation.md §Cost method), case-file key "cost".

    ``lines`` build C; 机会成本 and 相关税费 come either as lines of their category or from
    ``opportunity`` / ``taxes`` (a rate), never both.
    """

    lines: tuple[CostLine, ...] = Field(min_length=1)
    opportunity: OpportunityRate | None = None
    taxes: TaxRate | None = None
    delta: DeltaSpec
    uncertainty: CostUncertainty = Field(default_factory=CostUncertainty)


def parse_cost_inputs(raw: Mapping[str, Any] | CostInputs, *, asset_id: str) -> CostInputs:
    """Validate the "cost" part of a case (JSON-like mapping) for one asset.

    Raises :class:`InvalidCostInput` naming the asset and the first bad field as a dotted path
    (e.g. ``cost.lines[2].amount``); the message lists every problem found.
    """
    if isinstance(raw, CostInputs):
        return raw
    try:
        return CostInputs.model_validate(raw)
    except ValidationError as exc:
        problems = [(dotted(("cost", *e["loc"])), _expected(describe(dict(e)))) for e in exc.errors()]
        message = problems[0][1]
        if len(problems) > 1:
            message = "; ".join(f"{path}: {text}" for path, text in problems)
        raise InvalidCostInput(message, asset_id=asset_id, field=problems[0][0]) from exc


def _expected(text: str) -> str:
    """pydantic's wording as "expected …, got …"."""
    text = text.replace("Value error, ", "")
    return re.sub(r"^(Input|Tuple|List|Dictionary|String) should (be|have)", "expected", text)
