"""What an appraiser gives the market method for one asset (case file key "market").

Comparables come either inline (``comparables``: the appraiser's own set, all used) or from the
database the shell passes in, chosen by ``selection`` (filters, then the ``top_k`` most similar).
Coefficients follow docs/valuation.md §Market method: X1 quality, X2 supply and demand, X3 date (price index),
X4 volume (records ratio ^ β), X5 other factors (coefficient table, see adjustments.py).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from base.models import FrozenModel
from valuation.market.adjustments import X5Item
from valuation.market.comparables import Comparable, DeliveryForm
from valuation.models import QUALITY_DIMENSIONS, DataRight, Score
from valuation.uncertainty import Spread


class Weighting(StrEnum):
    """How the adjusted prices are averaged: P = Σ w_k·P'_k / Σ w_k."""

    EQUAL = "equal"  # w_k = 1: the guidance's (1/m)·Σ (docs/valuation.md §Market method)
    SIMILARITY = "similarity"  # w_k = similarity score of comparable k


class Aggregation(StrEnum):
    """How the kept comparables' adjusted prices P'_k become the value P (stated in the case).

    mean: P = (1/m)·Σ P'_k, the guidance's formula (default); similarity_weighted: P = Σ S_k·P'_k / Σ S_k
    with S_k the similarity score; median: the median of the P'_k (robust to one odd comparable).
    """

    MEAN = "mean"
    SIMILARITY_WEIGHTED = "similarity_weighted"
    MEDIAN = "median"


AGGREGATION_LABELS: dict[Aggregation, str] = {
    Aggregation.MEAN: "算术平均 P = (1/m)·Σ P'_k (指导意见公式)",
    Aggregation.SIMILARITY_WEIGHTED: "相似度加权平均 P = Σ S_k·P'_k / Σ S_k",
    Aggregation.MEDIAN: "中位数 P = median(P'_k)",
}


class OutlierRule(StrEnum):
    """Screening of the adjusted prices, on ln P' (see kernel.screen_outliers)."""

    MAD = "mad"  # outside median ± k × 1.4826 × MAD (k default 3)
    IQR = "iqr"  # outside [Q1 − k·IQR, Q3 + k·IQR] (k default 1.5)
    NONE = "none"


DEFAULT_OUTLIER_K: dict[OutlierRule, float] = {
    OutlierRule.MAD: 3.0,
    OutlierRule.IQR: 1.5,
    OutlierRule.NONE: 0.0,
}


class SimilarityWeights(FrozenModel):
    """Weights of the similarity components; they must sum to 1 (see kernel.similarity_components).

    Defaults: field 0.25, rights type 0.15, region 0.10, delivery form 0.10, records 0.15,
    date 0.10, quality 0.15 (field and rights first: the guidance lists them first among the
    similarity requirements of comparables, 中评协〔2023〕17号).
    """

    field: Score = 0.25
    rights_type: Score = 0.15
    region: Score = 0.10
    delivery_form: Score = 0.10
    records: Score = 0.15
    date: Score = 0.10
    quality: Score = 0.15

    def vector(self) -> tuple[float, ...]:
        return (
            self.field,
            self.rights_type,
            self.region,
            self.delivery_form,
            self.records,
            self.date,
            self.quality,
        )


class QualityWeights(FrozenModel):
    """Weights of the six GB/T 36344 dimensions for the target's quality score (must sum to 1)."""

    accuracy: Score = 1 / 6
    consistency: Score = 1 / 6
    completeness: Score = 1 / 6
    conformance: Score = 1 / 6
    timeliness: Score = 1 / 6
    accessibility: Score = 1 / 6

    def vector(self) -> tuple[float, ...]:
        return tuple(getattr(self, d.value) for d in QUALITY_DIMENSIONS)


class Selection(FrozenModel):
    """How comparables are chosen from the database.

    Filters (empty tuple = any): fields, regions, rights types, delivery forms, a date window; comparables
    dated after the valuation date are always left out. ``field_only`` keeps the target's own field.
    Among those passing the filters with similarity ≥ ``min_similarity`` (the qualifying pool), the
    ``top_k`` most similar are used (ties: database order).
    """

    field_only: bool = False
    fields: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    rights_types: tuple[DataRight, ...] = ()
    delivery_forms: tuple[DeliveryForm, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    top_k: int = Field(8, ge=3, le=100)
    min_similarity: Score = 0.0
    weights: SimilarityWeights = SimilarityWeights()


class X2Override(FrozenModel):
    """X2 (supply and demand) of one comparable, replacing the asset-wide ``x2``."""

    comp_id: str = Field(min_length=1)
    value: float = Field(gt=0, allow_inf_nan=False)
    evidence: str = Field(min_length=1)


class X5Override(FrozenModel):
    """One X5 item of one comparable, replacing the table's ratio."""

    comp_id: str = Field(min_length=1)
    item: X5Item
    value: float = Field(gt=0, allow_inf_nan=False)
    evidence: str = Field(min_length=1)


class MarketUncertainty(FrozenModel):
    """Spreads of the key inputs (valuation.uncertainty.Spread), for the Monte Carlo and the tornado.

    Convention: the simulation resamples the kept comparables (bootstrap: m indices per draw, floor(u·m),
    slot j from stream 302 + j) and draws β (stream 300) and X2 (stream 301, one factor shared by all
    comparables) from their spreads; target quality and price level are moved only in the
    tornado (the bootstrap already carries the comparables' price dispersion). Defaults: β ± 0.2
    (additive triangular; draws are clipped to [0, 1] since the guidance requires β ≤ 1), X2 × [0.9, 1.1],
    target quality × [0.9, 1.1] (clipped at 1), price level × [0.85, 1.15], all triangular.
    """

    beta: Spread = Spread(dist="triangular", shift="add", low=-0.2, high=0.2)
    x2: Spread = Spread(dist="triangular", shift="multiply", low=0.9, high=1.1)
    target_quality: Spread = Spread(dist="triangular", shift="multiply", low=0.9, high=1.1)
    price_level: Spread = Spread(dist="triangular", shift="multiply", low=0.85, high=1.15)


class MarketInputs(FrozenModel):
    """Per-asset inputs of the market method (docs/valuation.md §Market method).

    ``target_quality`` (score in [0, 1]) replaces the weighted mean of the asset's six quality
    scores. ``beta`` is the X4 exponent, 0 < β ≤ 1 (default 0.5: price grows with the square root of
    volume, a common scale-discount convention; state the evidence in ``beta_evidence``). ``x2`` is
    the supply-and-demand factor applied to every comparable (default 1.0: market in balance), with
    per-comparable overrides.

    ``aggregation`` (default mean, the guidance's (1/m)·Σ) states how the adjusted prices are combined:
    mean, similarity_weighted or median; it is used by the value, the tornado and the simulation.
    ``rights_valued`` names the rights being appraised; required when the asset holds several rights,
    it sets the target's rights type for X5 and the similarity (several: the one with the highest
    coefficient of the adjustment table — a bundle is priced at its strongest right).
    """

    comparables: tuple[Comparable, ...] = ()
    selection: Selection = Selection()
    target_quality: Score | None = None
    target_quality_evidence: str = ""
    quality_weights: QualityWeights = QualityWeights()
    beta: float = Field(0.5, gt=0, le=1, allow_inf_nan=False)
    beta_evidence: str = (
        "β = 0.5: 规模折扣惯例 (price grows with the square root of volume), stated convention"
    )
    x2: float = Field(1.0, gt=0, allow_inf_nan=False)
    x2_evidence: str = (
        "供需基本平衡，X2 = 1.0 (no supply-demand difference found between target and comparables)"
    )
    x2_overrides: tuple[X2Override, ...] = ()
    x5_overrides: tuple[X5Override, ...] = ()
    weighting: Weighting = Weighting.EQUAL
    aggregation: Aggregation = Aggregation.MEAN
    rights_valued: tuple[DataRight, ...] = ()
    rights_valued_evidence: str = ""
    outlier_rule: OutlierRule = OutlierRule.MAD
    outlier_k: float | None = Field(None, gt=0, allow_inf_nan=False, description="None: rule's default")
    uncertainty: MarketUncertainty = MarketUncertainty()

    @model_validator(mode="before")
    @classmethod
    def _aggregation_and_weighting(cls, data: Any) -> Any:
        """``aggregation`` is the case's statement; the older ``weighting`` (equal / similarity) is read as
        mean / similarity_weighted. Given both, they must agree; the one not given follows the other."""
        if not isinstance(data, dict):
            return data
        agg, weighting = data.get("aggregation"), data.get("weighting")
        agg = agg.value if isinstance(agg, Aggregation) else agg
        weighting = weighting.value if isinstance(weighting, Weighting) else weighting
        implied = {"mean": "equal", "median": "equal", "similarity_weighted": "similarity"}
        if agg is None and weighting is not None:
            return {**data, "aggregation": "similarity_weighted" if weighting == "similarity" else "mean"}
        if agg is not None and weighting is None and agg in implied:
            return {**data, "weighting": implied[agg]}
        if agg in implied and weighting is not None and implied[agg] != weighting:
            raise ValueError(
                f"aggregation {agg!r} and weighting {weighting!r} disagree; give aggregation only "
                "(mean, similarity_weighted or median)"
            )
        return data
