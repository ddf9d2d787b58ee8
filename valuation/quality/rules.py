"""The quality rules file: which checks measure each GB/T 36344 dimension, and how they are weighted.

A rules file is JSON (see docs/quality.md and data/quality/orders_rules.json). Keys:

- ``dataset``, ``description``: what is profiled; ``as_of``: the reference date of timeliness;
- ``null_values``: texts counted as missing (default "", "NULL", "null", "NA", "N/A", "None"); a value
  that is blank after trimming spaces is always missing;
- ``columns``: per column, its declared ``type`` (string / integer / number / date / datetime /
  boolean, with an optional strftime ``format`` for dates), ``regex`` (full match), ``codes`` (a code
  list) and ``length`` (min / max characters). Each is a 规范性 conformance check on non-missing values;
  the declared type also tells row rules how to read the column (numbers, or dates as day numbers);
- ``completeness.required``: fields that must not be missing (完整性);
- ``consistency``: ``key`` (columns that must identify a record: duplicate keys fail), ``rules``
  (cross-field row rules, :mod:`valuation.quality.expressions`), ``foreign_keys`` (values must exist
  in a column of another table) — 一致性;
- ``accuracy``: ``rules`` (validation rules such as ``amount > 0``) and ``references`` (a value must
  equal the authoritative value of its key in a reference table), each optionally on a ``sample``
  fraction of the records where checking is costly — 准确性;
- ``timeliness``: a date column and the promised update frequency (or ``max_age_days``) — 时效性;
- ``accessibility.metrics``: declared availability and access figures with their source — 可访问性;
- ``weights``: ``given`` (six weights summing to 1) or ``ahp`` (a 6 × 6 judgement matrix in the order
  accuracy, consistency, completeness, conformance, timeliness, accessibility); equal 1/6 if absent.

Reference tables are named by path, relative to the rules file; the shell loads them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from base import DEFAULT_SEED
from base.models import FrozenModel
from valuation.models import QualityDimension

from .expressions import DEFAULT_TOLERANCE, Expression, ExpressionError, parse_expression

RULES_SCHEMA_VERSION = "1"
DEFAULT_NULL_VALUES: tuple[str, ...] = ("", "NULL", "null", "NA", "N/A", "None")
WEIGHT_TOLERANCE = 1e-9

Name = Annotated[str, Field(min_length=1, max_length=200)]
Fraction = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class ColumnType(StrEnum):
    """Declared type of a column; checked on the text of each non-missing value."""

    STRING = "string"  # any text
    INTEGER = "integer"  # [+-]digits
    NUMBER = "number"  # decimal, optional exponent
    DATE = "date"  # strftime format, default %Y-%m-%d
    DATETIME = "datetime"  # strftime format, default ISO 8601 (a date alone is accepted)
    BOOLEAN = "boolean"  # true/false, 1/0, yes/no, 是/否 (any case)


NUMERIC_TYPES = (ColumnType.INTEGER, ColumnType.NUMBER)
DATE_TYPES = (ColumnType.DATE, ColumnType.DATETIME)


class UpdateFrequency(StrEnum):
    """Promised update frequency; a record is timely if its age is at most one cycle (plus grace)."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


CYCLE_DAYS: dict[UpdateFrequency, int] = {
    UpdateFrequency.DAILY: 1,
    UpdateFrequency.WEEKLY: 7,
    UpdateFrequency.MONTHLY: 31,
    UpdateFrequency.QUARTERLY: 92,
    UpdateFrequency.SEMIANNUAL: 183,
    UpdateFrequency.ANNUAL: 366,
}


def _compile(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc.msg} at position {exc.pos}") from None
    return pattern


def _expression(text: str) -> str:
    try:
        parse_expression(text)
    except ExpressionError as exc:
        raise ValueError(str(exc)) from None
    return text


class Length(FrozenModel):
    """Allowed number of characters."""

    min: int | None = Field(None, ge=0)
    max: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Length:
        if self.min is None and self.max is None:
            raise ValueError("expected min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"expected min ≤ max, got min {self.min} > max {self.max}")
        return self


class ColumnSpec(FrozenModel):
    """规范性 conformance rules of one column (each is one check per non-missing value)."""

    label: str = ""
    type: ColumnType = ColumnType.STRING
    format: str | None = Field(None, description="strftime format of a date / datetime column")
    regex: str | None = Field(None, description="Python regular expression the whole value must match")
    codes: tuple[str, ...] | None = Field(None, min_length=1, description="the code list (exact text)")
    length: Length | None = None

    @field_validator("regex")
    @classmethod
    def _valid_regex(cls, v: str | None) -> str | None:
        return None if v is None else _compile(v)

    @model_validator(mode="after")
    def _format_fits_type(self) -> ColumnSpec:
        if self.format is not None:
            if self.type not in DATE_TYPES:
                raise ValueError(f"format is for date and datetime columns, the type is {self.type.value!r}")
            if "%" not in self.format:
                raise ValueError(f"expected a strftime format such as '%Y-%m-%d', got {self.format!r}")
            sample = datetime(2024, 1, 31, 13, 45, 30)
            try:
                datetime.strptime(sample.strftime(self.format), self.format)
            except ValueError as exc:
                raise ValueError(f"format {self.format!r} does not read back what it writes: {exc}") from None
        return self


class CompletenessRules(FrozenModel):
    """完整性: the required fields (a missing value in one of them fails)."""

    required: tuple[Name, ...] = ()


class RowRule(FrozenModel):
    """A row rule (``check``) with a name; ``sample`` < 1 checks that fraction of the records."""

    name: Name
    check: str = Field(min_length=1)
    tolerance: float = Field(DEFAULT_TOLERANCE, ge=0, allow_inf_nan=False, description="for == and !=")
    sample: Fraction = 1.0
    evidence: str = ""

    @field_validator("check")
    @classmethod
    def _valid_check(cls, v: str) -> str:
        return _expression(v)

    def expression(self) -> Expression:
        return parse_expression(self.check)


class ForeignKey(FrozenModel):
    """一致性 across tables: each non-missing ``column`` value exists in ``ref_column`` of ``table``."""

    name: Name
    column: Name
    table: Name
    ref_column: Name
    evidence: str = ""


class ReferenceCheck(FrozenModel):
    """准确性 against reference values: ``column`` equals ``ref_column`` of the row of ``table`` whose
    ``ref_key`` equals this record's ``key``. Text is compared after trimming spaces; with
    ``tolerance`` the two are compared as numbers. Records whose key is not in the table are not
    checked (the foreign-key rule of consistency counts them)."""

    name: Name
    key: Name
    column: Name
    table: Name
    ref_key: Name
    ref_column: Name
    tolerance: float | None = Field(None, ge=0, allow_inf_nan=False)
    sample: Fraction = 1.0
    evidence: str = ""


class ConsistencyRules(FrozenModel):
    """一致性: duplicate keys, cross-field rules, cross-table (foreign-key) rules."""

    key: tuple[Name, ...] = ()
    rules: tuple[RowRule, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()


class AccuracyRules(FrozenModel):
    """准确性: validation rules and comparison with reference values."""

    rules: tuple[RowRule, ...] = ()
    references: tuple[ReferenceCheck, ...] = ()


class TimelinessRules(FrozenModel):
    """时效性: age of each record = as_of − the date in ``column`` (calendar days).

    A record is timely when 0 ≤ age ≤ max age, with max age = ``max_age_days``, or one cycle of
    ``update_frequency`` (daily 1, weekly 7, monthly 31, quarterly 92, semiannual 183, annual 366 days)
    plus ``grace_days``. A date after as_of fails (it cannot have been observed yet).
    """

    column: Name
    update_frequency: UpdateFrequency | None = None
    max_age_days: int | None = Field(None, ge=0)
    grace_days: int = Field(0, ge=0)
    evidence: str = ""

    @model_validator(mode="after")
    def _one_limit(self) -> TimelinessRules:
        if (self.update_frequency is None) == (self.max_age_days is None):
            raise ValueError("expected exactly one of update_frequency and max_age_days")
        return self

    @property
    def max_age(self) -> int:
        """Largest timely age in days."""
        if self.max_age_days is not None:
            return self.max_age_days
        assert self.update_frequency is not None
        return CYCLE_DAYS[self.update_frequency] + self.grace_days


class AccessMetric(FrozenModel):
    """One declared access figure: ``achieved`` out of ``total`` (e.g. 8,742 of 8,760 service hours)."""

    name: Name
    achieved: float = Field(ge=0, allow_inf_nan=False)
    total: float = Field(gt=0, allow_inf_nan=False)
    unit: str = ""
    source: str = Field(min_length=1, description="where the figure comes from (monitoring, SLA report ...)")

    @model_validator(mode="after")
    def _not_above_total(self) -> AccessMetric:
        if self.achieved > self.total:
            raise ValueError(f"expected achieved ≤ total, got {self.achieved:g} > {self.total:g}")
        return self


class AccessibilityRules(FrozenModel):
    """可访问性: declared availability and access metrics (the score is the mean of their ratios)."""

    metrics: tuple[AccessMetric, ...] = ()


class WeightsSpec(FrozenModel):
    """Weights of the six dimensions: ``given`` or by ``ahp``; equal 1/6 when the file has none."""

    given: dict[QualityDimension, float] | None = None
    ahp: tuple[tuple[float, ...], ...] | None = None
    evidence: str = ""

    @model_validator(mode="after")
    def _one_way(self) -> WeightsSpec:
        if (self.given is None) == (self.ahp is None):
            raise ValueError("expected exactly one of 'given' and 'ahp'")
        if self.given is not None:
            missing = [d.value for d in QualityDimension if d not in self.given]
            if missing:
                raise ValueError(f"expected a weight for each of the six dimensions, missing {missing}")
            bad = {k.value: v for k, v in self.given.items() if not (v >= 0)}
            if bad:
                raise ValueError(f"expected weights ≥ 0, got {bad}")
            total = sum(self.given.values())
            if abs(total - 1.0) > WEIGHT_TOLERANCE:
                raise ValueError(f"expected the six weights to sum to 1, got {total:.12g}")
        return self


class QualityRules(FrozenModel):
    """A rules file (see the module docstring)."""

    schema_version: str = RULES_SCHEMA_VERSION
    dataset: Name
    description: str = ""
    as_of: date | None = Field(None, description="reference date of timeliness (CLI --as-of overrides)")
    null_values: tuple[str, ...] = DEFAULT_NULL_VALUES
    seed: int = Field(DEFAULT_SEED, ge=0, lt=2**63, description="fixes which records a sampled rule checks")
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    completeness: CompletenessRules = CompletenessRules()
    consistency: ConsistencyRules = ConsistencyRules()
    accuracy: AccuracyRules = AccuracyRules()
    timeliness: TimelinessRules | None = None
    accessibility: AccessibilityRules = AccessibilityRules()
    weights: WeightsSpec | None = None

    @model_validator(mode="after")
    def _coherent(self) -> QualityRules:
        if self.schema_version != RULES_SCHEMA_VERSION:
            raise ValueError(f"schema_version {self.schema_version!r} is not supported (expected '1')")
        for where, rules in (("consistency", self.consistency.rules), ("accuracy", self.accuracy.rules)):
            for i, rule in enumerate(rules):
                for col in rule.expression().columns:
                    spec = self.columns.get(col)
                    if spec is not None and spec.type not in (*NUMERIC_TYPES, *DATE_TYPES):
                        raise ValueError(
                            f"{where}.rules[{i}] ({rule.name}): column {col!r} is declared {spec.type.value}; "
                            "row rules compare numbers and dates (declare it integer, number, date or datetime)"
                        )
        if self.timeliness is not None:
            spec = self.columns.get(self.timeliness.column)
            if spec is not None and spec.type not in DATE_TYPES:
                raise ValueError(
                    f"timeliness.column {self.timeliness.column!r} is declared {spec.type.value}; "
                    "expected a date or datetime column"
                )
        names = [r.name for r in (*self.consistency.rules, *self.accuracy.rules)]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"rule names must be unique, repeated: {repeated}")
        return self

    def column_type(self, column: str) -> ColumnType | None:
        spec = self.columns.get(column)
        return None if spec is None else spec.type

    def tables(self) -> tuple[str, ...]:
        """Reference tables named by the rules, in order of first use."""
        names = [fk.table for fk in self.consistency.foreign_keys] + [r.table for r in self.accuracy.references]
        return tuple(dict.fromkeys(names))

    def columns_used(self) -> dict[str, str]:
        """Every column of the profiled table a rule reads → the first rule (dotted path) reading it."""
        used: dict[str, str] = {}

        def add(col: str, where: str) -> None:
            used.setdefault(col, where)

        for col in self.columns:
            add(col, f"columns.{col}")
        for i, col in enumerate(self.completeness.required):
            add(col, f"completeness.required[{i}]")
        for i, col in enumerate(self.consistency.key):
            add(col, f"consistency.key[{i}]")
        for i, rule in enumerate(self.consistency.rules):
            for col in rule.expression().columns:
                add(col, f"consistency.rules[{i}].check")
        for i, fk in enumerate(self.consistency.foreign_keys):
            add(fk.column, f"consistency.foreign_keys[{i}].column")
        for i, rule in enumerate(self.accuracy.rules):
            for col in rule.expression().columns:
                add(col, f"accuracy.rules[{i}].check")
        for i, ref in enumerate(self.accuracy.references):
            add(ref.key, f"accuracy.references[{i}].key")
            add(ref.column, f"accuracy.references[{i}].column")
        if self.timeliness is not None:
            add(self.timeliness.column, "timeliness.column")
        return used

    def reference_columns(self) -> dict[str, dict[str, str]]:
        """Per reference table: columns read → the rule (dotted path) reading it."""
        out: dict[str, dict[str, str]] = {}
        for i, fk in enumerate(self.consistency.foreign_keys):
            out.setdefault(fk.table, {}).setdefault(fk.ref_column, f"consistency.foreign_keys[{i}].ref_column")
        for i, ref in enumerate(self.accuracy.references):
            cols = out.setdefault(ref.table, {})
            cols.setdefault(ref.ref_key, f"accuracy.references[{i}].ref_key")
            cols.setdefault(ref.ref_column, f"accuracy.references[{i}].ref_column")
        return out
