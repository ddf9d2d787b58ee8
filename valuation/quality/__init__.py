"""数据质量 data quality measured from the data (GB/T 36344-2018, docs/quality.md), pure.

The six dimensions — 准确性 accuracy, 一致性 consistency, 完整性 completeness, 规范性 conformance,
时效性 timeliness, 可访问性 accessibility — are scored in [0, 1] from counts of checks run over the
data (or, for accessibility, declared figures), and combined into Q = Σ w_j s_j with given or AHP
weights. The scores feed the cost method's δ and the market method's X1 as the asset's
:class:`valuation.models.QualityScores`, with the counts as evidence.

Public API:

- :class:`QualityRules` (the rules file) and its parts; :func:`parse_expression` (row rules);
- :class:`Profiler` (chunk by chunk), :func:`profile_frame` (a DataFrame in memory);
- :class:`QualityProfile`, :class:`DimensionScore`, :class:`CheckResult`, :class:`QualityWeighting`;
- :func:`resolve_weights`, :func:`score_checks`, :func:`combine`, :func:`quality_scores`;
- :class:`KeyCounter` (the duplicate-key store interface), :class:`MemoryKeyCounter`;
- errors: :class:`InvalidQualityRules`, :class:`MissingColumn`, :class:`AmbiguousReference`,
  :class:`DimensionNotMeasured`.

Reading files is the shell's job (``cli/profiling.py``); this package only sees DataFrames.
"""

from .errors import AmbiguousReference, DimensionNotMeasured, InvalidQualityRules, MissingColumn
from .expressions import Expression, ExpressionError, parse_expression
from .keys import KeyCounter, MemoryKeyCounter, count_duplicates
from .profiler import DEFAULT_CHUNK_ROWS, Profiler, profile_frame
from .result import (
    KIND_LABELS_ZH,
    PROFILE_SCHEMA_VERSION,
    CheckKind,
    CheckResult,
    DimensionScore,
    QualityProfile,
    QualityWeighting,
    ScoringMethod,
    SourceInfo,
    WeightsSource,
    combine,
    score_checks,
)
from .rules import (
    CYCLE_DAYS,
    DEFAULT_NULL_VALUES,
    AccessibilityRules,
    AccessMetric,
    AccuracyRules,
    ColumnSpec,
    ColumnType,
    CompletenessRules,
    ConsistencyRules,
    ForeignKey,
    Length,
    QualityRules,
    ReferenceCheck,
    RowRule,
    TimelinessRules,
    UpdateFrequency,
    WeightsSpec,
)
from .scoring import evidence_text, quality_scores, resolve_weights

__all__ = [
    "CYCLE_DAYS",
    "DEFAULT_CHUNK_ROWS",
    "DEFAULT_NULL_VALUES",
    "KIND_LABELS_ZH",
    "PROFILE_SCHEMA_VERSION",
    "AccessMetric",
    "AccessibilityRules",
    "AccuracyRules",
    "AmbiguousReference",
    "CheckKind",
    "CheckResult",
    "ColumnSpec",
    "ColumnType",
    "CompletenessRules",
    "ConsistencyRules",
    "DimensionNotMeasured",
    "DimensionScore",
    "Expression",
    "ExpressionError",
    "ForeignKey",
    "InvalidQualityRules",
    "KeyCounter",
    "Length",
    "MemoryKeyCounter",
    "MissingColumn",
    "Profiler",
    "QualityProfile",
    "QualityRules",
    "QualityWeighting",
    "ReferenceCheck",
    "RowRule",
    "ScoringMethod",
    "SourceInfo",
    "TimelinessRules",
    "UpdateFrequency",
    "WeightsSource",
    "WeightsSpec",
    "combine",
    "count_duplicates",
    "evidence_text",
    "parse_expression",
    "profile_frame",
    "quality_scores",
    "resolve_weights",
    "score_checks",
]
