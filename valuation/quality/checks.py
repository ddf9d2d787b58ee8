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
        self._hashes: dict[str, np.ndarray] = {}
        self._valid: dict[str, np.ndarray] = {}
        self._values: dict[str, np.ndarray] = {}

    def text(self, col: str) -> pd.Series:
        return self.frame[col]

    def stripped(self, col: str) -> pd.Series:
        if col not in self._stripped:
            self._stripped[col] = self.frame[col].str.strip()
        return self._stripped[col]

    def hashes(self, col: str) -> np.ndarray:
        """64-bit hashes of the trimmed texts of a column (keys, foreign keys, references)."""
        if col not in self._hashes:
            self._hashes[col] = text_hashes(self.stripped(col))
        return self._hashes[col]

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
            return present & s.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
        if kind in DATE_TYPES:
            days = self._days(s.where(present), spec)
            self._values[col] = days
            valid: np.ndarray = present & np.isfinite(days)
            return valid
        if kind == ColumnType.BOOLEAN:
            return present & self.stripped(col).str.lower().isin(BOOLEAN_TEXTS).to_numpy(dtype=bool)
        return present

    @staticmethod
    def _days(s: pd.Series, spec: ColumnSpec) -> np.ndarray:
        """Days since 1970-01-01 of each value (NaN: missing or not in the format).

        Dates repeat a lot, so the distinct texts are parsed once and spread back by their codes.
        """
        fmt = spec.format or ("%Y-%m-%d" if spec.type == ColumnType.DATE else "ISO8601")
        codes, uniques = pd.factorize(s)
        parsed = pd.to_datetime(pd.Series(uniques, dtype="str"), format=fmt, errors="coerce", utc=True)
        days = np.append(((parsed - EPOCH) / DAY).to_numpy(dtype=np.float64, na_value=np.nan), np.nan)
        return days[codes]  # code −1 (missing) takes the appended NaN

    @staticmethod
    def _numbers(s: pd.Series, ok: np.ndarray) -> np.ndarray:
        """Floats of the values flagged ``ok`` (texts already matching the number pattern), NaN elsewhere."""
        kept = s.where(ok)
        try:
            values = kept.astype("float64[pyarrow]").to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):  # not Arrow-backed text: the slower general parser
            values = pd.to_numeric(kept, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isfinite(values), values, np.nan)

    def values(self, col: str, *, as_date: bool = False) -> np.ndarray:
        """Float values of a column for row rules and timeliness (NaN where missing or unreadable).

        Declared integer / number: the number; date / datetime: days since 1970-01-01. An undeclared
        column is read as a number, or as an ISO 8601 date when ``as_date``.
        """
        spec = self.rules.columns.get(col)
        if spec is None:
            spec = ColumnSpec(type=ColumnType.DATETIME if as_date else ColumnType.NUMBER)
            key = f"{col}\x00{spec.type.value}"
        else:
            key = col
        if key not in self._values:
            if spec.type in DATE_TYPES:
                self._values[key] = self._days(self.frame[col].where(self.present(col)), spec)
            else:
                ok = self.type_valid(col) if key == col else self._parse(col, spec)
                self._values[key] = self._numbers(self.frame[col], ok)
        return self._values[key]


def text_hashes(s: pd.Series) -> np.ndarray:
    """64-bit hashes of texts (the same text gives the same hash in any chunk), shape (n,), uint64."""
    return np.asarray(pd.util.hash_array(s.astype("str").array), dtype=np.uint64)


class TextLookup:
    """Exact lookup of texts in the distinct values of a reference column.

    A hash table of the values' 64-bit hashes finds the candidate row of each text; the texts are
    then compared, so a hash collision can never make a wrong match. (Should two reference values
    share a hash, a sorted array with a search replaces the table.)
    """

    def __init__(self, values: pd.Series) -> None:
        self.values = values.astype("str").reset_index(drop=True)
        h = text_hashes(self.values)
        self._table = pd.Index(h)
        self._unique = bool(self._table.is_unique)
        self._order = np.argsort(h, kind="stable")
        self._sorted = h[self._order]

    def __len__(self) -> int:
        return len(self.values)

    def positions(self, texts: pd.Series, hashes: np.ndarray | None = None) -> np.ndarray:
        """Row of each text in the reference values, −1 where absent (or missing), shape (n,).

        ``hashes`` are :func:`text_hashes` of ``texts`` when the caller has them already.
        """
        n = len(texts)
        if n == 0 or len(self.values) == 0:
            return np.full(n, -1, dtype=np.int64)
        h = text_hashes(texts) if hashes is None else hashes
        if self._unique:
            pos = np.asarray(self._table.get_indexer(h), dtype=np.int64)
        else:
            at = np.minimum(np.searchsorted(self._sorted, h), len(self._sorted) - 1)
            pos = np.where(self._sorted[at] == h, self._order[at], -1)
        hit = np.flatnonzero(pos >= 0)
        if hit.size:
            found = self.values.iloc[pos[hit]].reset_index(drop=True)
            mine = texts.iloc[hit].reset_index(drop=True)
            same = (mine == found).fillna(False).to_numpy(dtype=bool)
            pos[hit[~same]] = -1
        return pos


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
    allowed: TextLookup = field(default_factory=lambda: TextLookup(pd.Series([], dtype="str")))

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        col = self.columns[0]
        present = view.present(col)
        return present, present & (self.allowed.positions(view.stripped(col), view.hashes(col)) >= 0)


@dataclass
class ReferenceValueCheck(Check):
    ref_keys: TextLookup = field(default_factory=lambda: TextLookup(pd.Series([], dtype="str")))
    ref_values: pd.Series = field(default_factory=lambda: pd.Series([], dtype="str"))
    tolerance: float | None = None

    def evaluate(self, view: ChunkView) -> tuple[np.ndarray, np.ndarray]:
        key, col = self.columns
        idx = self.ref_keys.positions(view.stripped(key), view.hashes(key))
        checked = self.sampled(view) & view.present(key) & view.present(col) & (idx >= 0)
        if not checked.any():
            return checked, checked
        mine = view.stripped(col)
        expected = self.ref_values.iloc[np.where(checked, idx, 0)].set_axis(mine.index)
        if self.tolerance is None:
            same = (mine == expected).fillna(False).to_numpy(dtype=bool)
            return checked, checked & same
        a = ChunkView._numbers(mine, mine.str.fullmatch(NUMBER_PATTERN).fillna(False).to_numpy(dtype=bool))
        b = ChunkView._numbers(expected, expected.str.fullmatch(NUMBER_PATTERN).fillna(False).to_numpy(dtype=bool))
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
) -> tuple[TextLookup, pd.Series]:
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
    return TextLookup(keys), values.reset_index(drop=True)


def allowed_values(table: pd.DataFrame, column: str) -> TextLookup:
    """Distinct non-blank trimmed values of a reference column."""
    s = table[column].astype("str").str.strip()
    s = s[s.notna() & (s != "")]
    return TextLookup(s.drop_duplicates())


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
