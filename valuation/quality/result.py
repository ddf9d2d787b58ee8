"""The quality profile: every check with its counts, the six dimension scores, the weights, Q.

A profile is a value (frozen). Loading one from JSON re-checks its arithmetic — each dimension's
score against its checks' counts, Q against the weights and scores — so a report whose figures were
typed over is refused rather than trusted.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from base.models import FrozenModel
from valuation.cost.ahp import AhpResult
from valuation.models import LABELS_ZH, QUALITY_DIMENSIONS, QualityDimension

PROFILE_SCHEMA_VERSION = "1"
MAX_EXAMPLES = 5
_SCORE_TOLERANCE = 1e-9


class CheckKind(StrEnum):
    """What a check tests."""

    REQUIRED = "required"  # 完整性: not missing
    TYPE = "type"  # 规范性: declared type (and date format)
    REGEX = "regex"  # 规范性: pattern
    CODES = "codes"  # 规范性: code list
    LENGTH = "length"  # 规范性: number of characters
    DUPLICATE_KEY = "duplicate_key"  # 一致性: key identifies one record
    ROW_RULE = "row_rule"  # 一致性 (cross-field) / 准确性 (validation): a row rule
    FOREIGN_KEY = "foreign_key"  # 一致性: value exists in another table
    REFERENCE = "reference"  # 准确性: value equals the reference value
    AGE = "age"  # 时效性: record age within the update cycle
    DECLARED = "declared"  # 可访问性: declared figure achieved / total


KIND_LABELS_ZH: dict[CheckKind, str] = {
    CheckKind.REQUIRED: "必填非空",
    CheckKind.TYPE: "类型格式",
    CheckKind.REGEX: "正则",
    CheckKind.CODES: "代码表",
    CheckKind.LENGTH: "长度",
    CheckKind.DUPLICATE_KEY: "主键重复",
    CheckKind.ROW_RULE: "行规则",
    CheckKind.FOREIGN_KEY: "跨表引用",
    CheckKind.REFERENCE: "参照值比对",
    CheckKind.AGE: "记录时效",
    CheckKind.DECLARED: "声明指标",
}


class ScoringMethod(StrEnum):
    """How a dimension's score comes from its checks."""

    POOLED = "pooled"  # Σ passed / Σ checked over the dimension's checks
    MEAN_OF_RATIOS = "mean_of_ratios"  # mean of achieved / total of the declared metrics


class CheckResult(FrozenModel):
    """One check with its evidence counts.

    ``checked`` values were tested, ``passed`` of them passed; ``not_checked`` records were left out
    (missing or unparsable value, outside the sample, key not in the reference table). For declared
    metrics the counts are the declared ``achieved`` and ``total`` (any unit). ``failed_records`` are
    the first failing record numbers (1 = first data row).
    """

    check_id: str = Field(description="dotted path of the rule in the rules file, e.g. columns.phone.regex")
    dimension: QualityDimension
    kind: CheckKind
    name: str
    columns: tuple[str, ...] = ()
    rule: str = Field("", description="what is tested: the pattern, expression, code list, limit ...")
    checked: int | float = Field(ge=0)
    passed: int | float = Field(ge=0)
    not_checked: int = Field(0, ge=0)
    sample: float = Field(1.0, gt=0, le=1, description="fraction of records drawn for checking")
    unit: str = Field("values", description="what is counted: values, records, keys, or a declared unit")
    failed_records: tuple[int, ...] = ()
    note: str = ""
    evidence: str = ""

    @model_validator(mode="after")
    def _counts(self) -> CheckResult:
        if self.passed > self.checked:
            raise ValueError(f"{self.check_id}: passed {self.passed:g} > checked {self.checked:g}")
        return self

    @property
    def failed(self) -> float:
        return self.checked - self.passed

    @property
    def rate(self) -> float | None:
        """passed / checked, None when nothing was checked."""
        return self.passed / self.checked if self.checked > 0 else None


class DimensionScore(FrozenModel):
    """One dimension's score in [0, 1] (None: not measured) with the checks it comes from.

    ``checked`` and ``passed`` are the sums over the checks of a pooled dimension; they are None for
    accessibility, whose declared metrics are in different units (hours, calls, fields).
    """

    dimension: QualityDimension
    label_zh: str
    method: ScoringMethod
    score: float | None = Field(None, ge=0, le=1)
    checked: int | float | None = Field(None, ge=0)
    passed: int | float | None = Field(None, ge=0)
    checks: tuple[CheckResult, ...] = ()
    note: str = ""

    @model_validator(mode="after")
    def _score_from_checks(self) -> DimensionScore:
        expected = score_checks(self.method, self.checks)
        if (expected is None) != (self.score is None) or (
            expected is not None and self.score is not None and abs(expected - self.score) > _SCORE_TOLERANCE
        ):
            raise ValueError(
                f"{self.dimension.value}: score {self.score} does not follow from its checks "
                f"({self.method.value} gives {expected})"
            )
        if any(c.dimension != self.dimension for c in self.checks):
            raise ValueError(f"{self.dimension.value}: a check of another dimension is listed under it")
        return self

    @property
    def formula(self) -> str:
        if self.method == ScoringMethod.MEAN_OF_RATIOS:
            return "mean(achieved / total) over the declared metrics"
        return "Σ passed / Σ checked over the dimension's checks"


def score_checks(method: ScoringMethod, checks: tuple[CheckResult, ...]) -> float | None:
    """A dimension's score from its checks' counts (the one place this rule lives)."""
    if method == ScoringMethod.MEAN_OF_RATIOS:
        ratios = [c.rate for c in checks if c.rate is not None]
        return sum(ratios) / len(ratios) if ratios else None
    checked = sum(c.checked for c in checks)
    return sum(c.passed for c in checks) / checked if checked > 0 else None


class WeightsSource(StrEnum):
    GIVEN = "given"
    AHP = "ahp"
    EQUAL = "equal"


class QualityWeighting(FrozenModel):
    """Weights of the six dimensions in the order of :data:`QUALITY_DIMENSIONS`."""

    source: WeightsSource
    weights: tuple[float, ...] = Field(min_length=6, max_length=6)
    ahp: AhpResult | None = None
    evidence: str = ""

    def as_dict(self) -> dict[str, float]:
        return {d.value: w for d, w in zip(QUALITY_DIMENSIONS, self.weights, strict=True)}


class SourceInfo(FrozenModel):
    """The profiled file."""

    name: str
    format: str = Field(description="csv / parquet / xlsx")
    sheet: str | None = None
    sha256: str = ""
    size_bytes: int = Field(0, ge=0)


class QualityProfile(FrozenModel):
    """A data-quality profile under GB/T 36344 (docs/quality.md): Q = Σ w_j s_j over the six dimensions."""

    schema_version: str = PROFILE_SCHEMA_VERSION
    dataset: str
    source: SourceInfo
    rules_source: str = ""
    rules_sha256: str = ""
    as_of: date | None = None
    records: int = Field(ge=0)
    columns: tuple[str, ...] = ()
    dimensions: tuple[DimensionScore, ...]
    weighting: QualityWeighting
    quality_score: float | None = Field(None, ge=0, le=1, description="Q = Σ w_j s_j; None if a dimension is not measured")
    notes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _coherent(self) -> QualityProfile:
        if tuple(d.dimension for d in self.dimensions) != QUALITY_DIMENSIONS:
            raise ValueError(f"expected the six dimensions in the order {[d.value for d in QUALITY_DIMENSIONS]}")
        expected = combine(self.weighting.weights, self.scores())
        if (expected is None) != (self.quality_score is None) or (
            expected is not None and self.quality_score is not None
            and abs(expected - self.quality_score) > _SCORE_TOLERANCE
        ):
            raise ValueError(f"quality_score {self.quality_score} is not Σ w_j s_j = {expected}")
        return self

    def scores(self) -> tuple[float | None, ...]:
        """Dimension scores in the order of :data:`QUALITY_DIMENSIONS`."""
        return tuple(d.score for d in self.dimensions)

    def dimension(self, dim: QualityDimension | str) -> DimensionScore:
        return self.dimensions[QUALITY_DIMENSIONS.index(QualityDimension(dim))]

    def missing_dimensions(self) -> tuple[QualityDimension, ...]:
        return tuple(d.dimension for d in self.dimensions if d.score is None)

    def checks(self) -> tuple[CheckResult, ...]:
        return tuple(c for d in self.dimensions for c in d.checks)


def combine(weights: tuple[float, ...], scores: tuple[float | None, ...]) -> float | None:
    """Q = Σ w_j s_j (None when a score is missing); clipped to [0, 1] against round-off."""
    if any(s is None for s in scores):
        return None
    q = sum(w * s for w, s in zip(weights, scores, strict=True) if s is not None)
    return min(1.0, max(0.0, q))


def dimension_label(dim: QualityDimension) -> str:
    return f"{LABELS_ZH[dim.value]} {dim.value}"
