"""What the market method returns: the value, the adjustment grid, the selection, the cross-check."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from base.models import FrozenModel
from valuation.market.adjustments import X5Item
from valuation.market.comparables import DeliveryForm
from valuation.market.inputs import Aggregation, OutlierRule, Weighting
from valuation.models import DataRight, Method, MethodResult


class Factor(FrozenModel):
    """One coefficient of the grid: value, the formula with its numbers, and the evidence behind it."""

    value: float
    formula: str
    evidence: str


class X5ItemFactor(Factor):
    """One "other" item of X5."""

    item: X5Item
    label_zh: str


class GridRow(FrozenModel):
    """One comparable in the adjustment grid (调整系数表).

    ``weight`` is w_k / Σ w over the kept comparables (0 when removed); ``adjusted_price`` is
    P'_k = Q_k·X1·X2·X3·X4·X5 in CNY.
    """

    comp_id: str
    venue: str
    date: date
    rights_type: DataRight
    field: str
    region: str
    delivery_form: DeliveryForm
    similarity: float
    price: float = Field(description="Q_k, CNY")
    x1: Factor
    x2: Factor
    x3: Factor
    x4: Factor
    x5: Factor
    x5_items: tuple[X5ItemFactor, ...]
    adjusted_price: float
    weight: float
    kept: bool
    removal_reason: str = ""


class SelectionScore(FrozenModel):
    """Similarity of one qualifying comparable, with its seven components (kernel.similarity_components)."""

    comp_id: str
    score: float
    components: dict[str, float]
    chosen: bool


class Screening(FrozenModel):
    """The outlier screen as applied: rule, k, centre and fences on ln P' (and in CNY)."""

    rule: OutlierRule
    k: float
    centre_log: float | None
    low_log: float | None
    high_log: float | None
    low_cny: float | None
    high_cny: float | None
    removed: tuple[str, ...]
    description: str


class TargetProfile(FrozenModel):
    """The target's attributes as the market method used them."""

    quality: float
    quality_basis: str
    records: int
    rights_type: DataRight
    field: str
    region: str
    region_tier: str
    delivery_form: DeliveryForm
    exclusivity: bool
    remaining_term_years: float | None


class HedonicCoefficient(FrozenModel):
    term: str
    estimate: float
    std_error: float
    p_value: float


class HedonicSummary(FrozenModel):
    """OLS of ln price on attributes over the qualifying pool, and the target's prediction (cross-check)."""

    formula: str
    n: int
    r_squared: float
    adj_r_squared: float
    coefficients: tuple[HedonicCoefficient, ...]
    target_terms: dict[str, float]
    prediction: float = Field(description="exp of the predicted ln price, CNY")
    interval_low: float = Field(description="90 % prediction interval, CNY")
    interval_high: float
    alpha: float
    market_value_inside: bool
    note: str = ""


class MarketDetail(FrozenModel):
    """The market method's tables: target, selection scores, adjustment grid, screening, hedonic."""

    target: TargetProfile
    source: Literal["inline", "database"]
    pool_size: int = Field(description="comparables qualifying under the filters")
    candidates: tuple[SelectionScore, ...]
    grid: tuple[GridRow, ...]
    weighting: Weighting
    aggregation: Aggregation = Aggregation.MEAN
    screening: Screening
    hedonic: HedonicSummary | None = None
    hedonic_note: str = ""


class MarketResult(MethodResult):
    """Market-method value (CNY) with its grid (docs/valuation.md §Market method)."""

    method: Literal[Method.MARKET] = Method.MARKET
    detail: MarketDetail
