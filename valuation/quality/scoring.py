"""From counts to scores: the six dimensions, their weights, Q, and the scores a valuation uses.

    s_j = Σ passed / Σ checked over dimension j's checks          (accuracy … timeliness)
    s_accessibility = mean(achieved / total) over declared metrics  (figures in different units)
    Q = Σ_j w_j · s_j,  w given (summing to 1), by AHP (valuation.cost.ahp), or equal 1/6

The cost method's δ_quality and the market method's X1 take the six scores (docs/valuation.md §Cost method,
docs/valuation.md §Market method).
"""

from __future__ import annotations

from pathlib import PurePath

from valuation.cost.ahp import ahp_weights
from valuation.models import LABELS_ZH, QUALITY_DIMENSIONS, QualityScores

from .errors import DimensionNotMeasured, InvalidQualityRules
from .result import QualityProfile, QualityWeighting, WeightsSource
from .rules import WeightsSpec

EQUAL_WEIGHTS_NOTE = "等权 equal weights 1/6 (no weights in the rules file; stated as an assumption)"


def resolve_weights(spec: WeightsSpec | None) -> QualityWeighting:
    """The six weights from the rules file; AHP matrices must pass CR < 0.10."""
    if spec is None:
        return QualityWeighting(source=WeightsSource.EQUAL, weights=(1 / 6,) * 6, evidence=EQUAL_WEIGHTS_NOTE)
    if spec.given is not None:
        return QualityWeighting(
            source=WeightsSource.GIVEN,
            weights=tuple(float(spec.given[d]) for d in QUALITY_DIMENSIONS),
            evidence=spec.evidence,
        )
    assert spec.ahp is not None
    ahp = ahp_weights(spec.ahp, field="weights.ahp")
    if ahp.n != len(QUALITY_DIMENSIONS):
        raise InvalidQualityRules(
            f"expected a 6 × 6 matrix (accuracy, consistency, completeness, conformance, timeliness, "
            f"accessibility), got {ahp.n} × {ahp.n}",
            field="weights.ahp",
        )
    return QualityWeighting(source=WeightsSource.AHP, weights=ahp.weights, ahp=ahp, evidence=spec.evidence)


def _fmt_count(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}"


def evidence_text(profile: QualityProfile, report: str) -> str:
    """One paragraph citing the report, the file and each dimension's counts (for QualityScores.evidence)."""
    src = profile.source
    head = (
        f"数据质量画像 quality profile {report}: {profile.dataset}, {src.name}"
        + (f" sheet {src.sheet}" if src.sheet else "")
        + f", {profile.records:,} 条记录 records"
        + (f", as of {profile.as_of}" if profile.as_of else "")
        + (f", sha256 {src.sha256[:16]}…" if src.sha256 else "")
    )
    parts = []
    for d in profile.dimensions:
        label = f"{LABELS_ZH[d.dimension.value]} {d.dimension.value}"
        if d.score is None:
            parts.append(f"{label} not measured")
        elif d.method.value == "mean_of_ratios":
            parts.append(f"{label} {d.score:.4f} (mean of {len(d.checks)} declared metrics)")
        else:
            parts.append(f"{label} {d.score:.4f} = {_fmt_count(d.passed or 0)}/{_fmt_count(d.checked or 0)} passed")
    w = profile.weighting
    weights = f"weights {w.source.value}" + (f" (CR {w.ahp.cr:.4f})" if w.ahp is not None else "")
    q = "" if profile.quality_score is None else f"; 综合质量 Q = {profile.quality_score:.4f} ({weights})"
    return f"{head}. " + "; ".join(parts) + q


def quality_scores(profile: QualityProfile, *, report: str | PurePath = "", asset_id: str | None = None) -> QualityScores:
    """The six scores of a complete profile as the valuation's :class:`QualityScores` (counts as evidence)."""
    missing = profile.missing_dimensions()
    if missing:
        names = ", ".join(f"{LABELS_ZH[d.value]} {d.value}" for d in missing)
        raise DimensionNotMeasured(
            f"expected a score on all six GB/T 36344 dimensions, the profile {report or profile.dataset} "
            f"has none on: {names} (add rules for them and profile again)",
            asset_id=asset_id,
            field="asset.quality.profile",
        )
    scores = {d.dimension.value: float(d.score) for d in profile.dimensions if d.score is not None}
    name = PurePath(report).name if report else profile.dataset
    return QualityScores(**scores, evidence=evidence_text(profile, name))
