"""Run a rules file over a table chunk by chunk: counts accumulate, memory stays bounded.

    profiler = Profiler(rules, columns=header, source_name="orders.csv", references={...})
    for chunk in chunks:              # DataFrames of text columns, in record order
        profiler.add(chunk)
    profile = profiler.finish(SourceInfo(...))

Only counts, the first failing record numbers and the key hashes (see :mod:`valuation.quality.keys`)
are kept between chunks, so memory does not grow with the table except through the key store.
:func:`profile_frame` does the same for a DataFrame already in memory (notebooks, tests).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from valuation.models import LABELS_ZH, QUALITY_DIMENSIONS, QualityDimension

from .checks import AgeCheck, Check, ChunkView, build_checks
from .errors import InvalidQualityRules, MissingColumn
from .keys import KeyCounter, MemoryKeyCounter
from .result import (
    MAX_EXAMPLES,
    CheckKind,
    CheckResult,
    DimensionScore,
    QualityProfile,
    ScoringMethod,
    SourceInfo,
    combine,
    score_checks,
)
from .rules import QualityRules
from .scoring import resolve_weights

DEFAULT_CHUNK_ROWS = 100_000


@dataclass
class _Tally:
    checked: int = 0
    passed: int = 0
    not_checked: int = 0
    failed: list[int] = field(default_factory=list)

    def add(self, checked: np.ndarray, passed: np.ndarray, records: np.ndarray) -> None:
        passed = passed & checked
        c, p = int(checked.sum()), int(passed.sum())
        self.checked += c
        self.passed += p
        self.not_checked += checked.size - c
        if c > p and len(self.failed) < MAX_EXAMPLES:
            idx = np.flatnonzero(checked & ~passed)[: MAX_EXAMPLES - len(self.failed)]
            self.failed.extend(int(r) for r in records[idx])


def _missing_column_error(missing: dict[str, str], table: str, available: Sequence[str], *, what: str) -> MissingColumn:
    first_where = next(iter(missing.values()))
    listed = "; ".join(f"{col!r} (used by {where})" for col, where in missing.items())
    shown = ", ".join(repr(c) for c in list(available)[:40]) + (" …" if len(available) > 40 else "")
    return MissingColumn(
        f"{what} {table} has no column {listed}; its columns are: {shown or '(none)'}",
        field=first_where,
    )


class Profiler:
    """Accumulates the checks of ``rules`` over chunks of one table (see the module docstring).

    Parameters
    ----------
    rules
        The validated rules file.
    columns
        The table's column names (the header), to refuse rules on absent columns before reading.
    source_name
        The table's name, for messages.
    as_of
        Reference date of timeliness; default the rules' ``as_of``. Required when timeliness is ruled.
    references
        Reference tables by the name the rules use (their path as written), as DataFrames.
    key_counter
        Store of key hashes for duplicate keys (default in memory).
    """

    def __init__(
        self,
        rules: QualityRules,
        *,
        columns: Sequence[str],
        source_name: str,
        as_of: date | None = None,
        references: Mapping[str, pd.DataFrame] | None = None,
        key_counter: KeyCounter | None = None,
    ) -> None:
        self.rules = rules
        self.as_of = as_of or rules.as_of
        self.as_of_source = "--as-of" if as_of else ("rules" if rules.as_of else "")
        if rules.timeliness is not None and self.as_of is None:
            raise InvalidQualityRules(
                "timeliness needs a reference date: give 'as_of' in the rules file or --as-of", field="as_of"
            )
        used = rules.columns_used()
        absent = {c: w for c, w in used.items() if c not in set(columns)}
        if absent:
            raise _missing_column_error(absent, source_name, columns, what="the table")
        references = dict(references or {})
        for table, cols in rules.reference_columns().items():
            if table not in references:
                raise InvalidQualityRules(f"reference table {table!r} was not loaded", field=next(iter(cols.values())))
            ref_cols = [str(c) for c in references[table].columns]
            absent = {c: w for c, w in cols.items() if c not in ref_cols}
            if absent:
                raise _missing_column_error(absent, table, ref_cols, what="the reference table")
        self.weighting = resolve_weights(rules.weights)
        self.needed = tuple(c for c in columns if c in used)
        self.checks: list[Check] = build_checks(rules, as_of=self.as_of, references=references)
        self._tallies = [_Tally() for _ in self.checks]
        self._key_counter = key_counter if key_counter is not None else MemoryKeyCounter()
        self._key_tally = _Tally()
        self.records = 0

    def add(self, chunk: pd.DataFrame) -> None:
        """Check the next ``len(chunk)`` records (text columns; other dtypes are turned into text)."""
        n = len(chunk)
        if n == 0:
            return
        frame = chunk.loc[:, list(self.needed)]
        for col in self.needed:
            if not isinstance(frame[col].dtype, pd.StringDtype):
                frame[col] = frame[col].astype("str")
        records = np.arange(self.records + 1, self.records + n + 1, dtype=np.int64)
        view = ChunkView(frame, self.rules, records)
        for check, tally in zip(self.checks, self._tallies, strict=True):
            checked, passed = check.evaluate(view)
            tally.add(checked, passed, records)
        key = self.rules.consistency.key
        if key:
            complete = np.ones(n, dtype=bool)
            for col in key:
                complete &= view.present(col)
            if len(key) == 1:
                hashes = view.hashes(key[0])
            else:
                keyed = pd.DataFrame({c: view.stripped(c) for c in key})
                hashes = pd.util.hash_pandas_object(keyed, index=False).to_numpy(dtype=np.uint64)
            self._key_counter.add(hashes[complete], records[complete])
            self._key_tally.checked += int(complete.sum())
            self._key_tally.not_checked += int(n - complete.sum())
        self.records += n

    def finish(self, source: SourceInfo, *, rules_source: str = "", rules_sha256: str = "") -> QualityProfile:
        """The profile of everything added so far."""
        results: list[CheckResult] = []
        key = self.rules.consistency.key
        if key:
            dupes, first = self._key_counter.duplicates()
            results.append(
                CheckResult(
                    check_id="consistency.key",
                    dimension=QualityDimension.CONSISTENCY,
                    kind=CheckKind.DUPLICATE_KEY,
                    name=f"主键唯一 key unique ({', '.join(key)})",
                    columns=tuple(key),
                    rule="每个键只出现一次 each key once (later repeats fail; 64-bit hashes)",
                    checked=self._key_tally.checked,
                    passed=self._key_tally.checked - dupes,
                    not_checked=self._key_tally.not_checked,
                    unit="records",
                    failed_records=first,
                )
            )
        for check, tally in zip(self.checks, self._tallies, strict=True):
            results.append(
                CheckResult(
                    check_id=check.check_id,
                    dimension=check.dimension,
                    kind=check.kind,
                    name=check.name,
                    columns=check.columns,
                    rule=check.rule,
                    checked=tally.checked,
                    passed=tally.passed,
                    not_checked=tally.not_checked,
                    sample=check.sample,
                    unit=check.unit,
                    failed_records=tuple(tally.failed),
                    note=check.note() if isinstance(check, AgeCheck) else "",
                    evidence=check.evidence,
                )
            )
        for i, m in enumerate(self.rules.accessibility.metrics):
            results.append(
                CheckResult(
                    check_id=f"accessibility.metrics[{i}]",
                    dimension=QualityDimension.ACCESSIBILITY,
                    kind=CheckKind.DECLARED,
                    name=m.name,
                    rule="achieved / total (声明 declared)",
                    checked=m.total,
                    passed=m.achieved,
                    unit=m.unit or "declared",
                    evidence=m.source,
                )
            )
        notes: list[str] = []
        if self.as_of is not None and self.rules.timeliness is not None:
            notes.append(f"时效基准日 timeliness as of {self.as_of} (from {self.as_of_source})")
        dimensions = []
        for dim in QUALITY_DIMENSIONS:
            checks = tuple(r for r in results if r.dimension == dim)
            method = ScoringMethod.MEAN_OF_RATIOS if dim == QualityDimension.ACCESSIBILITY else ScoringMethod.POOLED
            score = score_checks(method, checks)
            note = ""
            if not checks:
                note = "未度量 not measured: the rules have no checks for this dimension"
            elif score is None:
                note = "未度量 not measured: no value could be checked"
            if note:
                notes.append(f"{LABELS_ZH[dim.value]} {dim.value}: {note}")
            dimensions.append(
                DimensionScore(
                    dimension=dim,
                    label_zh=LABELS_ZH[dim.value],
                    method=method,
                    score=score,
                    checked=sum(c.checked for c in checks) if method == ScoringMethod.POOLED else None,
                    passed=sum(c.passed for c in checks) if method == ScoringMethod.POOLED else None,
                    checks=checks,
                    note=note,
                )
            )
        sampled = [r.check_id for r in results if r.sample < 1]
        if sampled:
            notes.append(f"抽样 sampled checks (counter-based, seed {self.rules.seed}): {', '.join(sampled)}")
        if self.weighting.source.value == "equal":
            notes.append(self.weighting.evidence)
        scores = tuple(d.score for d in dimensions)
        return QualityProfile(
            dataset=self.rules.dataset,
            source=source,
            rules_source=rules_source,
            rules_sha256=rules_sha256,
            as_of=self.as_of,
            records=self.records,
            columns=self.needed,
            dimensions=tuple(dimensions),
            weighting=self.weighting,
            quality_score=combine(self.weighting.weights, scores),
            notes=tuple(notes),
        )


def profile_frame(
    frame: pd.DataFrame,
    rules: QualityRules,
    *,
    source: SourceInfo | None = None,
    as_of: date | None = None,
    references: Mapping[str, pd.DataFrame] | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> QualityProfile:
    """Profile a DataFrame in memory.

    Give text columns (``dtype=str``, empty cells as "" or NA) for the conventions of the shell's file
    readers; other columns are turned into text with ``astype("str")`` (so 5.0 reads "5.0").
    """
    src = source or SourceInfo(name="frame", format="dataframe")
    profiler = Profiler(rules, columns=[str(c) for c in frame.columns], source_name=src.name, as_of=as_of,
                        references=references)
    for start in range(0, len(frame), chunk_rows):
        profiler.add(frame.iloc[start : start + chunk_rows])
    return profiler.finish(src)
