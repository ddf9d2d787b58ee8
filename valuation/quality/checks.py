"""The checks built from a rules file, each evaluated vectorized on one chunk of records.

A chunk is a DataFrame of text columns (the shell turns CSV, Parquet and Excel cells into text; a
missing cell is NA). Every check returns two boolean arrays over the chunk's records: which were
checked and which of those passed. Conventions (docs/quality.md):

- missing = NA, blank after trimming spaces, or one of the rules' ``null_values``;
- conformance checks test the text of non-missing values as it is (no trimming);
- row rules and timeliness read numbers and dates only from values that pass the declared type;
  a record whose value is missing or unreadable is not checked by them;
- a sampled rule checks record r when u(seed, rule, r) < sample, u the counter-based uniform of
  :mod:`valuation.random` keyed by the record number: the same records whatever the chunk size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from valuation.models import QualityDimension
from valuation.random import asset_key, uniforms

from .errors import AmbiguousReference
from .expressions import Expression
from .result import CheckKind
from .rules import DATE_TYPES, ColumnSpec, ColumnType, QualityRules

INTEGER_PATTERN = r"[+-]?[0-9]+"
NUMBER_PATTERN = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
BOOLEAN_TEXTS = ("true", "false", "1", "0", "yes", "no", "是", "否")
DAY = pd.Timedelta(days=1)
EPOCH = pd.Timestamp("1970-01-01", tz="UTC")

TYPE_RULES: dict[ColumnType, str] = {
    ColumnType.INTEGER: f"整数 integer /{INTEGER_PATTERN}/",
    ColumnType.NUMBER: f"数值 number /{NUMBER_PATTERN}/",
    ColumnType.BOOLEAN: "布尔 boolean " + "/".join(BOOLEAN_TEXTS),
}


def epoch_days(d: date) -> int:
    """Day number of a date (days since 1970-01-01), the unit of dates in row rules."""
    return (d - date(1970, 1, 1)).days


class ChunkView:
    """One chunk with cached per-column masks and parsed values."""

    def __init__(self, frame: pd.DataFrame, rules: QualityRules, records: np.ndarray) -> None:
        self.frame = frame
        self.rules = rules
        self.records = records
        self.n = len(frame)
        self._missing: dict[str, np.ndarray] = {}
        self._stripped: dict[str, pd.Series] = {}
        self._valid: dict[str, np.ndarray] = {}
        self._values: dict[str, np.ndarray] = {}

    def text(self, col: str) -> pd.Series:
        return self.frame[col]

    def stripped(self, col: str) -> pd.Series:
        if col not in self._stripped:
            self._stripped[col] = self.frame[col].str.strip()
        return self._stripped[col]

    def missing(self, col: str) -> np.ndarray:
        if col not in self._missing:
            s = self.frame[col]
            nulls = [*self.rules.null_values, ""]
            self._missing[col] = (s.isna() | self.stripped(col).isin(nulls)).to_numpy(dtype=bool)
        return self._missing[col]

    def present(self, col: str) -> np.ndarray:
        return ~self.missing(col)

    def type_valid(self, col: str) -> np.ndarray:
        """Non-missing values passing the column's declared type (undeclared: any text)."""
        if col not in self._valid:
            spec = self.rules.columns.get(col) or ColumnSpec()
            self._valid[col] = self._parse(col, spec)
        return self._valid[col]

    def _parse(self, col: str, spec: ColumnSpec) -> np.ndarray:
        present = self.present(col)
        s = self.frame[col]
        kind = spec.type
        if kind in (ColumnType.INTEGER, ColumnType.NUMBER):
            pattern = INTEGER_PATTERN if kind == ColumnType.INTEGER else NUMBER_PATTERN
            ok = present & s.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
            values = pd.to_numeric(s.where(ok), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
            ok &= np.isfinite(values)
            self._values[col] = np.where(ok, values, np.nan)
            return ok
        if kind in DATE_TYPES:
            days = self._days(s.where(present), spec)
            ok = present & np.isfinite(days)
            self._values[col] = days
            return ok
        if kind == ColumnType.BOOLEAN:
            return present & self.stripped(col).str.lower().isin(BOOLEAN_TEXTS).to_numpy(dtype=bool)
        return present

    @staticmethod
    def _days(s: pd.Series, spec: ColumnSpec) -> np.ndarray:
        fmt = spec.format or ("%Y-%m-%d" if spec.type == ColumnType.DATE else "ISO8601")
        parsed = pd.to_datetime(s, format=fmt, errors="coerce", utc=True)
        return ((parsed - EPOCH) / DAY).to_numpy(dtype=np.float64, na_value=np.nan)

    def values(self, col: str, *, as_date: bool = False) -> np.ndarray:
        """Float values of a column for row rules and timeliness (NaN where missing or unreadable).

        Declared integer / number: the number; date / datetime: days since 1970-01-01. An undeclared
        column is read as a number, or as an ISO 8601 date when ``as_date``.
        """
        if col not in self.rules.columns:
            key = f"{col}\x00{'date' if as_date else 'number'}"
            if key not in self._values:
                spec = ColumnSpec(type=ColumnType.DATETIME if as_date else ColumnType.NUMBER)
                present = self.present(col)
                if as_date:
                    self._values[key] = self._days(self.frame[col].where(present), spec)
                else:
                    s = self.frame[col]
                    ok = present & s.str.fullmatch(NUMBER_PATTERN).fillna(False).to_numpy(dtype=bool)
                    self._values[key] = pd.to_numeric(s.where(ok), errors="coerce").to_numpy(
                        dtype=np.float64, na_value=np.nan
                    )
            return self._values[key]
        self.type_valid(col)
        return self._values[col]


@dataclass
class Check:
    """A check's identity (what the report shows) and how it is evaluated on a chunk."""

    check_id: str
    dimension: QualityDimension
    kind: CheckKind
    name: str
    columns: tuple[str, ...]
    rule: str
    unit: str = "values"
    sample: float = 1.0
    evidence: str = ""

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        """(checked, passed) boolean arrays over the chunk; passed implies checked."""
        raise NotImplementedError

    def sampled(self, view: ChunkView) -> np.ndarray:
        if self.sample >= 1.0:
            return np.ones(view.n, dtype=bool)
        stream = asset_key(self.check_id) >> 2
        u = uniforms(view.rules.seed, view.records.astype(np.uint64), stream, 1)[:, 0]
        return np.asarray(u < self.sample)


@dataclass
class Required(Check):
    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        return np.ones(view.n, dtype=bool), view.present(self.columns[0])


@dataclass
class TypeCheck(Check):
    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        col = self.columns[0]
        return view.present(col), view.type_valid(col)


@dataclass
class RegexCheck(Check):
    pattern: str = ""

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        col = self.columns[0]
        present = view.present(col)
        ok = view.text(col).str.fullmatch(self.pattern).fillna(False).to_numpy(dtype=bool)
        return present, present & ok


@dataclass
class CodesCheck(Check):
    codes: tuple[str, ...] = ()

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        col = self.columns[0]
        present = view.present(col)
        return present, present & view.text(col).isin(self.codes).to_numpy(dtype=bool)


@dataclass
class LengthCheck(Check):
    min_len: int | None = None
    max_len: int | None = None

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        col = self.columns[0]
        present = view.present(col)
        n = view.text(col).str.len().to_numpy(dtype=np.float64, na_value=np.nan)
        ok = present.copy()
        if self.min_len is not None:
            ok &= n >= self.min_len
        if self.max_len is not None:
            ok &= n <= self.max_len
        return present, ok


@dataclass
class RowRuleCheck(Check):
    expression: Expression | None = None
    tolerance: float = 0.0

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        assert self.expression is not None
        values = {c: view.values(c) for c in self.expression.columns}
        checked = self.sampled(view)
        for v in values.values():
            checked &= np.isfinite(v)
        return checked, checked & self.expression.evaluate(values, self.tolerance)


@dataclass
class ForeignKeyCheck(Check):
    allowed: pd.Index = field(default_factory=lambda: pd.Index([], dtype=object))

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        col = self.columns[0]
        present = view.present(col)
        return present, present & view.stripped(col).isin(self.allowed).to_numpy(dtype=bool)


@dataclass
class ReferenceValueCheck(Check):
    ref_keys: pd.Index = field(default_factory=lambda: pd.Index([], dtype=object))
    ref_values: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    tolerance: float | None = None

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        key, col = self.columns
        idx = self.ref_keys.get_indexer(pd.Index(view.stripped(key).to_numpy(dtype=object)))
        checked = self.sampled(view) & view.present(key) & view.present(col) & (idx >= 0)
        mine = view.stripped(col).to_numpy(dtype=object)
        expected = self.ref_values[np.where(checked, idx, 0)] if self.ref_values.size else np.empty(view.n, object)
        if self.tolerance is None:
            same = np.zeros(view.n, dtype=bool)
            same[checked] = mine[checked] == expected[checked]
            return checked, same
        a = pd.to_numeric(pd.Series(mine), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        b = pd.to_numeric(pd.Series(expected), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        checked &= np.isfinite(a) & np.isfinite(b)
        with np.errstate(invalid="ignore"):
            return checked, checked & (np.abs(a - b) <= self.tolerance)


@dataclass
class AgeCheck(Check):
    as_of_day: int = 0
    max_age: int = 0
    newest: float = -np.inf
    oldest: float = np.inf
    future: int = 0

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        days = np.floor(view.values(self.columns[0], as_date=True))
        checked = np.isfinite(days)
        age = self.as_of_day - days
        if checked.any():
            self.newest = max(self.newest, float(days[checked].max()))
            self.oldest = min(self.oldest, float(days[checked].min()))
            self.future += int((checked & (age < 0)).sum())
        return checked, checked & (age >= 0) & (age <= self.max_age)

    def note(self) -> str:
        if not np.isfinite(self.newest):
            return ""
        first = date(1970, 1, 1).toordinal()
        newest, oldest = date.fromordinal(first + int(self.newest)), date.fromordinal(first + int(self.oldest))
        return f"最新 newest {newest}, 最早 oldest {oldest}; 晚于基准日 dated after as_of: {self.future}"


def reference_lookup(
    table_name: str, table: pd.DataFrame, key: str, value: str, *, where: str
) -> tuple[pd.Index, np.ndarray]:
    """Key index and values of a reference table (trimmed text); repeated keys are refused."""
    keys = table[key].astype("str").str.strip()
    present = keys.notna() & (keys != "")
    keys = keys[present]
    repeated = keys[keys.duplicated()]
    if len(repeated):
        examples = ", ".join(repr(k) for k in repeated.unique()[:3])
        raise AmbiguousReference(
            f"reference table {table_name}: {len(repeated):,} rows repeat a key of column {key!r} "
            f"(e.g. {examples}); a reference table needs one row per key",
            field=where,
        )
    values = table.loc[present, value].astype("str").str.strip()
    return pd.Index(keys.to_numpy(dtype=object)), values.to_numpy(dtype=object)


def allowed_values(table: pd.DataFrame, column: str) -> pd.Index:
    """Distinct non-blank trimmed values of a reference column."""
    s = table[column].astype("str").str.strip()
    s = s[s.notna() & (s != "")]
    return pd.Index(pd.unique(s.to_numpy(dtype=object)))


def build_checks(
    rules: QualityRules, *, as_of: date | None, references: Mapping[str, pd.DataFrame]
) -> list[Check]:
    """Every data check of the rules, in report order (declared accessibility metrics are separate)."""
    dim = QualityDimension
    checks: list[Check] = []
    for i, col in enumerate(rules.completeness.required):
        checks.append(Required(f"completeness.required[{i}]", dim.COMPLETENESS, CheckKind.REQUIRED,
                               f"{col} 必填 required", (col,), "非空 not missing", unit="records"))
    for col, spec in rules.columns.items():
        base = f"columns.{col}"
        label = f"{spec.label} {col}".strip() if spec.label else col
        if spec.type != ColumnType.STRING:
            rule = TYPE_RULES.get(spec.type) or (
                f"{'日期 date' if spec.type == ColumnType.DATE else '日期时间 datetime'} "
                f"{spec.format or ('%Y-%m-%d' if spec.type == ColumnType.DATE else 'ISO 8601')}"
            )
            checks.append(TypeCheck(f"{base}.type", dim.CONFORMANCE, CheckKind.TYPE, f"{label} 类型 type",
                                    (col,), rule))
        if spec.regex is not None:
            checks.append(RegexCheck(f"{base}.regex", dim.CONFORMANCE, CheckKind.REGEX, f"{label} 格式 pattern",
                                     (col,), spec.regex, pattern=spec.regex))
        if spec.codes is not None:
            shown = ", ".join(spec.codes[:12]) + (f" … ({len(spec.codes)} codes)" if len(spec.codes) > 12 else "")
            checks.append(CodesCheck(f"{base}.codes", dim.CONFORMANCE, CheckKind.CODES, f"{label} 代码表 code list",
                                     (col,), shown, codes=spec.codes))
        if spec.length is not None:
            lo, hi = spec.length.min, spec.length.max
            checks.append(LengthCheck(f"{base}.length", dim.CONFORMANCE, CheckKind.LENGTH, f"{label} 长度 length",
                                      (col,), f"{lo if lo is not None else 0} ≤ len ≤ {hi if hi is not None else '∞'}",
                                      min_len=lo, max_len=hi))
    for where, dimension, rows in (("consistency", dim.CONSISTENCY, rules.consistency.rules),
                                   ("accuracy", dim.ACCURACY, rules.accuracy.rules)):
        for i, r in enumerate(rows):
            expr = r.expression()
            checks.append(RowRuleCheck(f"{where}.rules[{i}]", dimension, CheckKind.ROW_RULE, r.name, expr.columns,
                                       r.check, unit="records", sample=r.sample, evidence=r.evidence,
                                       expression=expr, tolerance=r.tolerance))
    for i, fk in enumerate(rules.consistency.foreign_keys):
        checks.append(ForeignKeyCheck(f"consistency.foreign_keys[{i}]", dim.CONSISTENCY, CheckKind.FOREIGN_KEY,
                                      fk.name, (fk.column,), f"{fk.column} ∈ {fk.table}[{fk.ref_column}]",
                                      evidence=fk.evidence,
                                      allowed=allowed_values(references[fk.table], fk.ref_column)))
    for i, ref in enumerate(rules.accuracy.references):
        where = f"accuracy.references[{i}]"
        keys, values = reference_lookup(ref.table, references[ref.table], ref.ref_key, ref.ref_column,
                                        where=f"{where}.ref_key")
        tol = "" if ref.tolerance is None else f" (±{ref.tolerance:g})"
        checks.append(ReferenceValueCheck(where, dim.ACCURACY, CheckKind.REFERENCE, ref.name, (ref.key, ref.column),
                                          f"{ref.column} = {ref.table}[{ref.ref_column}] by {ref.key} → {ref.ref_key}{tol}",
                                          unit="records", sample=ref.sample, evidence=ref.evidence,
                                          ref_keys=keys, ref_values=values, tolerance=ref.tolerance))
    t = rules.timeliness
    if t is not None:
        assert as_of is not None  # the profiler refuses timeliness without as_of
        basis = f"max_age_days {t.max_age_days}" if t.max_age_days is not None else (
            f"{t.update_frequency} + grace {t.grace_days}" if t.grace_days else f"{t.update_frequency}")
        checks.append(AgeCheck("timeliness", dim.TIMELINESS, CheckKind.AGE, f"{t.column} 记录时效 record age",
                               (t.column,), f"0 ≤ {as_of} − {t.column} ≤ {t.max_age} days ({basis})",
                               unit="records", evidence=t.evidence, as_of_day=epoch_days(as_of), max_age=t.max_age))
    return checks
