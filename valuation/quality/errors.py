"""Quality-profiling rules broken (GB/T 36344, docs/quality.md).
Messages name the rule (dotted path) and column.

Added to the tree of base/errors.py under ``ValuationError``::

    InvalidQualityRules      a rules file that fails validation (bad regex, bad expression, bad weights ...)
                             (also an ``InvalidInput``)
    MissingColumn            a rule names a column the data (or a reference table) does not have
    AmbiguousReference       a reference table repeats a key, so the reference value is not defined
    DimensionNotMeasured     a profile without a score on one of the six dimensions cannot drive δ or X1
"""

from __future__ import annotations

from base.errors import InvalidInput
from valuation.errors import ValuationError


class InvalidQualityRules(ValuationError, InvalidInput):
    """A quality rules file that fails validation: unknown key, bad regex, bad expression, bad weights."""

    rule = "invalid_quality_rules"


class MissingColumn(ValuationError):
    """A rule refers to a column that the profiled table (or a reference table) does not have."""

    rule = "missing_column"


class AmbiguousReference(ValuationError):
    """A reference table must hold one row per key to give one reference value."""

    rule = "ambiguous_reference"


class DimensionNotMeasured(ValuationError):
    """A quality profile has no score on a dimension (no rules, or nothing to check)."""

    rule = "dimension_not_measured"
