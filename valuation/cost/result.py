"""Result of the cost method: value, figures and the build-up tables an appraiser discloses."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from base.models import FrozenModel
from valuation.models import Method, MethodResult, QualityDimension

from .ahp import AhpResult
from .inputs import CostCategory, DeltaBasis


class CostLineResult(FrozenModel):
    """One line of the build-up: historical amount restated to the valuation date (CNY)."""

    category: CostCategory
    label_zh: str
    item: str
    incurred_on: date
    historical: float
    index_factor: float = Field(description="I(valuation month) / I(incurred month); 1 when not restated")
    restated: float
    restated_flag: bool = Field(description="False when the amount was kept as given")
    evidence: str


class CategoryTotal(FrozenModel):
    """Total of one cost category, historical and restated (CNY), and how it was obtained."""

    category: CostCategory
    label_zh: str
    historical: float = Field(description="sum of the historical amounts; for a rate, the restated figure")
    restated: float
    source: Literal["lines", "rate", "none"]
    formula: str = ""


class RateDetail(FrozenModel):
    """A category computed from a rate: 机会成本 = r × base × years, 相关税费 = rate × base."""

    rate: float = Field(description="annual rate (机会成本) or tax rate")
    base_categories: tuple[CostCategory, ...]
    base: float = Field(description="CNY, restated")
    holding_years: float | None = Field(None, description="years (机会成本 only)")
    amount: float = Field(description="CNY")
    evidence: str = ""


class QualityDeltaDetail(FrozenModel):
    """δ_q = Σ w_j s_j with the weights, the scores, and where each came from."""

    weights: dict[QualityDimension, float]
    scores: dict[QualityDimension, float]
    weights_source: Literal["given", "ahp", "equal_default"]
    ahp: AhpResult | None = None
    scores_evidence: str = ""
    delta_quality: float


class LifeDeltaDetail(FrozenModel):
    """δ_life = remaining / (elapsed + remaining), remaining capped at the rights term (years)."""

    elapsed_years: float
    elapsed_from: date | None = Field(None, description="in_use_since, when elapsed was computed from it")
    remaining_years_stated: float
    term_years_left: float | None = Field(None, description="years from valuation date to rights_term_end")
    remaining_years_used: float
    capped_by_term: bool
    delta_life: float


class DeltaDetail(FrozenModel):
    """δ with its components."""

    basis: DeltaBasis
    quality: QualityDeltaDetail | None = None
    life: LifeDeltaDetail | None = None
    delta: float
    evidence: str = ""


class CostDetail(FrozenModel):
    """The method's tables: build-up lines, category totals, rate-based categories, C, δ and P."""

    lines: tuple[CostLineResult, ...]
    category_totals: tuple[CategoryTotal, ...]
    opportunity_rate: RateDetail | None = None
    tax_rate: RateDetail | None = None
    total_historical: float = Field(description="Σ historical amounts of the lines, CNY")
    total_cost: float = Field(description="C, replacement cost at the valuation date, CNY")
    delta: DeltaDetail
    value: float = Field(description="P = C × δ, CNY")
    price_index: str
    valuation_date: date
    valuation_index_level: float


class CostResult(MethodResult):
    """成本法 result: P = C × δ (docs/valuation.md §Cost method)."""

    method: Literal[Method.COST] = Method.COST
    detail: CostDetail
