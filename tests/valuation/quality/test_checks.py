"""Each kind of check on a few hand-made records: what counts as missing, passed, failed, not checked."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from valuation.models import QualityDimension
from valuation.quality import (
    AmbiguousReference,
    CheckResult,
    DimensionNotMeasured,
    MemoryKeyCounter,
    MissingColumn,
    QualityProfile,
    QualityRules,
    count_duplicates,
    profile_frame,
    quality_scores,
)
from valuation.random import asset_key, uniforms


def _frame(**cols: list[Any]) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in cols.items()})


def _profile(frame: pd.DataFrame, rules: dict[str, Any], **kw: Any) -> QualityProfile:
    return profile_frame(frame, QualityRules.model_validate({"dataset": "t", **rules}), **kw)


def _check(profile: QualityProfile, check_id: str) -> CheckResult:
    return {c.check_id: c for c in profile.checks()}[check_id]


def _counts(c: CheckResult) -> tuple[float, float, int]:
    return c.checked, c.passed, c.not_checked


def test_missing_is_na_blank_or_a_null_text() -> None:
    f = _frame(a=["x", "", "   ", None, "NULL", "N/A", "n/a", "0"])
    p = _profile(f, {"completeness": {"required": ["a"]}})
    # missing: '', '   ', None, 'NULL', 'N/A' → 5; 'n/a' (not in the default list) and '0' are values
    assert _counts(_check(p, "completeness.required[0]")) == (8, 3, 0)
    assert p.dimension("completeness").score == pytest.approx(3 / 8)
    p = _profile(f, {"null_values": ["n/a", "0"], "completeness": {"required": ["a"]}})
    # own list: '', '   ', None always missing, plus 'n/a' and '0' → 5 missing; 'NULL' and 'N/A' are values
    assert _counts(_check(p, "completeness.required[0]")) == (8, 3, 0)
    assert _check(p, "completeness.required[0]").failed_records == (2, 3, 4, 7, 8)


@pytest.mark.parametrize(
    ("spec", "values", "passed"),
    [
        ({"type": "integer"}, ["12", "+3", "-0", "1.0", "1e3", " 7", "七"], 3),
        ({"type": "number"}, ["1.5", "-2", ".5", "1e-3", "3.", "1,000", "abc", "inf", "nan", "0x10"], 5),
        ({"type": "date"}, ["2024-02-29", "2023-02-29", "2024/01/01", "2024-01-01 10:00", "2024-12-31"], 2),
        ({"type": "date", "format": "%d/%m/%Y"}, ["31/01/2024", "2024-01-31", "01/31/2024"], 1),
        ({"type": "datetime"}, ["2024-01-01T10:00:00", "2024-01-01 10:00", "2024-01-01", "yesterday"], 3),
        ({"type": "boolean"}, ["TRUE", "false", "1", "0", "Yes", "no", "是", "否", "maybe", "2"], 8),
        ({"codes": ["paid", "shipped"]}, ["paid", "shipped", "Paid", "paid ", "refunded"], 2),
        ({"regex": "C[0-9]{5}"}, ["C00001", "c00001", "C000011", "C0001", "XC00001"], 1),
        ({"length": {"min": 2, "max": 4}}, ["ab", "abcd", "a", "abcde", "杭州", "黑龙江省"], 4),
    ],
)
def test_conformance_checks_count_non_missing_values(spec: dict[str, Any], values: list[str], passed: int) -> None:
    f = _frame(x=[*values, "", None])  # two missing values: not checked
    p = _profile(f, {"columns": {"x": spec}})
    (check,) = p.dimension("conformance").checks
    assert _counts(check) == (len(values), passed, 2)
    assert p.dimension("conformance").score == pytest.approx(passed / len(values))


def test_timeliness_age_in_calendar_days() -> None:
    # as of 2025-12-31, monthly (31 days): 12-31 age 0 ok, 11-30 age 31 ok, 11-29 age 32 stale,
    # 2026-01-01 after as_of, 12-31 23:59 counts as 12-31, 'bad' and '' not checked
    f = _frame(d=["2025-12-31", "2025-11-30", "2025-11-29", "2026-01-01", "2025-12-31 23:59", "bad", ""])
    p = _profile(f, {"as_of": "2025-12-31", "timeliness": {"column": "d", "update_frequency": "monthly"}})
    t = _check(p, "timeliness")
    assert _counts(t) == (5, 3, 2)
    assert t.failed_records == (3, 4)
    assert "最新 newest 2026-01-01, 最早 oldest 2025-11-29" in t.note and "dated after as_of: 1" in t.note
    # --as-of (the argument) wins over the rules' date: as of 2026-02-01, 2026-01-01 is 31 days old (timely)
    # and the two 2025-12-31 dates are 32 days old (stale)
    p = _profile(f, {"as_of": "2025-12-31", "timeliness": {"column": "d", "update_frequency": "monthly"}},
                 as_of=date(2026, 2, 1))
    assert _counts(_check(p, "timeliness")) == (5, 1, 2)
    assert "timeliness as of 2026-02-01 (from --as-of)" in p.notes[0]


def test_timeliness_without_a_reference_date_is_refused() -> None:
    from valuation.quality import InvalidQualityRules

    with pytest.raises(InvalidQualityRules, match="give 'as_of' in the rules file or --as-of"):
        _profile(_frame(d=["2025-01-01"]), {"timeliness": {"column": "d", "max_age_days": 3}})


def test_duplicate_keys_across_chunks_trimmed_and_composite() -> None:
    f = _frame(a=["1", "2", " 1", "3", "2", "1", None, "4"], b=["x", "x", "x", "y", "y", "x", "x", "x"])
    single = _profile(f, {"consistency": {"key": ["a"]}}, chunk_rows=3)
    # keys 1, 2, 1, 3, 2, 1, (missing), 4 → records 3, 5, 6 repeat an earlier key; record 7 not checked
    assert _counts(_check(single, "consistency.key")) == (7, 4, 1)
    assert _check(single, "consistency.key").failed_records == (3, 5, 6)
    pair = _profile(f, {"consistency": {"key": ["a", "b"]}}, chunk_rows=2)
    # pairs (1,x) (2,x) (1,x) (3,y) (2,y) (1,x) – (4,x) → records 3 and 6 repeat
    assert _check(pair, "consistency.key").failed_records == (3, 6)
    assert pair.dimension("consistency").score == pytest.approx(5 / 7)


def test_count_duplicates_keeps_the_first_occurrence() -> None:
    hashes = np.array([5, 9, 5, 5, 9, 1], dtype=np.uint64)
    n, first = count_duplicates(hashes, np.arange(1, 7))
    assert n == 3 and first.tolist() == [3, 4, 5]
    counter = MemoryKeyCounter()
    counter.add(hashes[:2], np.arange(1, 3))
    counter.add(hashes[2:], np.arange(3, 7))
    assert counter.duplicates() == (3, (3, 4, 5))


def test_row_rules_skip_missing_and_unreadable_values() -> None:
    f = _frame(q=["2", "3", "", "x", "4"], p=["1.5", "2", "2", "2", "abc"], amt=["3", "7", "4", "8", "8"])
    p = _profile(f, {"columns": {"q": {"type": "integer"}, "p": {"type": "number"}},
                     "consistency": {"rules": [{"name": "amt", "check": "amt == q * p", "tolerance": 0.01}]}})
    # records 3 (q missing), 4 (q 'x'), 5 (p 'abc') not checked; 2 × 1.5 = 3 ok, 3 × 2 = 6 ≠ 7
    rule = _check(p, "consistency.rules[0]")
    assert _counts(rule) == (2, 1, 3) and rule.failed_records == (2,)


def test_row_rules_read_dates_as_day_numbers() -> None:
    f = _frame(o=["2025-01-01", "2025-01-10", "2025/01/05"], s=["2025-01-31", "2025-03-01", "2025-01-06"])
    p = _profile(f, {"columns": {"o": {"type": "date"}, "s": {"type": "date"}},
                     "consistency": {"rules": [{"name": "within 30 days", "check": "0 <= s - o <= 30"}]}})
    # 30 days ok; 50 days fails; record 3 has an unreadable order date
    assert _counts(_check(p, "consistency.rules[0]")) == (2, 1, 1)


def test_foreign_keys_and_reference_values() -> None:
    ref = _frame(id=["A", "B", "C"], city=["杭州", "上海", "北京"], score=["1.00", "2.50", "x"])
    f = _frame(cid=["A", " B", "D", "", "C", "A"], city=["杭州", "上海", "杭州", "上海", "南京", "上海"],
               score=["1", "2.504", "1", "1", "1", "1.02"])
    rules = {
        "consistency": {"foreign_keys": [{"name": "fk", "column": "cid", "table": "ref.csv", "ref_column": "id"}]},
        "accuracy": {"references": [
            {"name": "city", "key": "cid", "column": "city", "table": "ref.csv", "ref_key": "id", "ref_column": "city"},
            {"name": "score", "key": "cid", "column": "score", "table": "ref.csv", "ref_key": "id",
             "ref_column": "score", "tolerance": 0.005},
        ]},
    }
    p = _profile(f, rules, references={"ref.csv": ref})
    # fk: 5 non-missing keys (trimmed ' B' matches B), D unknown
    assert _counts(_check(p, "consistency.foreign_keys[0]")) == (5, 4, 1)
    # city: records 1 A ok, 2 B ok, 5 C 南京≠北京, 6 A 上海≠杭州; 3 (D unknown) and 4 (no key) not checked
    city = _check(p, "accuracy.references[0]")
    assert _counts(city) == (4, 2, 2) and city.failed_records == (5, 6)
    # score as numbers ±0.005: 1 vs 1.00 ok, 2.504 vs 2.50 ok, C's reference 'x' unreadable, 1.02 vs 1.00 fails
    assert _counts(_check(p, "accuracy.references[1]")) == (3, 2, 3)


def test_a_reference_table_with_repeated_keys_is_refused() -> None:
    ref = _frame(id=["A", "A", "B"], city=["杭州", "上海", "北京"])
    rules = {"accuracy": {"references": [
        {"name": "city", "key": "cid", "column": "city", "table": "ref.csv", "ref_key": "id", "ref_column": "city"}]}}
    with pytest.raises(AmbiguousReference, match="1 rows repeat a key of column 'id'") as exc:
        _profile(_frame(cid=["A"], city=["杭州"]), rules, references={"ref.csv": ref})
    assert exc.value.field == "accuracy.references[0].ref_key"


def test_rules_on_missing_columns_are_refused_before_reading() -> None:
    rules = {"columns": {"phone": {"regex": "1[0-9]{10}"}},
             "consistency": {"rules": [{"name": "r", "check": "amount > 0"}]}}
    with pytest.raises(MissingColumn) as exc:
        _profile(_frame(tel=["1"], amt=["2"]), rules)
    msg = str(exc.value)
    assert "has no column 'phone' (used by columns.phone); 'amount' (used by consistency.rules[0].check)" in msg
    assert "its columns are: 'tel', 'amt'" in msg and exc.value.field == "columns.phone"
    ref_rules = {"consistency": {"foreign_keys": [{"name": "fk", "column": "a", "table": "r.csv", "ref_column": "id"}]}}
    with pytest.raises(MissingColumn, match=r"reference table r\.csv has no column 'id'"):
        _profile(_frame(a=["1"]), ref_rules, references={"r.csv": _frame(key=["1"])})


def test_sampled_rules_check_the_same_records_whatever_the_chunks() -> None:
    n = 2000
    f = _frame(x=[str(i) for i in range(n)])
    rules = {"accuracy": {"rules": [{"name": "never", "check": "x < 0", "sample": 0.25}]}}
    a = _profile(f, rules, chunk_rows=n)
    b = _profile(f, rules, chunk_rows=333)
    assert a == b
    c = _check(a, "accuracy.rules[0]")
    # the documented draw: record r is checked when u(seed, rule, r) < 0.25
    u = uniforms(20240101, np.arange(1, n + 1, dtype=np.uint64), asset_key("accuracy.rules[0]") >> 2, 1)[:, 0]
    assert c.checked == int((u < 0.25).sum()) and c.checked + c.not_checked == n
    assert abs(c.checked - n * 0.25) < 4 * (n * 0.25 * 0.75) ** 0.5  # within 4 standard deviations
    assert c.sample == 0.25 and c.passed == 0
    other = _profile(f, {**rules, "seed": 7}, chunk_rows=n)
    assert _check(other, "accuracy.rules[0]").failed_records != c.failed_records
    assert any("sampled checks" in note for note in a.notes)


def test_dimension_without_checks_is_not_measured() -> None:
    p = _profile(_frame(a=["1", ""]), {"completeness": {"required": ["a"]}})
    assert p.dimension("completeness").score == 0.5
    assert p.missing_dimensions() == tuple(d for d in QualityDimension if d != QualityDimension.COMPLETENESS)
    assert p.quality_score is None
    with pytest.raises(DimensionNotMeasured, match="has none on: 准确性 accuracy, 一致性 consistency"):
        quality_scores(p, report="r.json", asset_id="A1")


def test_a_report_with_figures_typed_over_is_refused() -> None:
    f = _frame(a=["1", "", "3", "4"])
    p = _profile(f, {"completeness": {"required": ["a"]}})
    raw = p.model_dump(mode="json")
    raw["dimensions"][2]["score"] = 0.95  # completeness is 3/4
    with pytest.raises(ValidationError, match="does not follow from its checks"):
        QualityProfile.model_validate(raw)
    raw = p.model_dump(mode="json")
    raw["dimensions"][2]["checks"][0]["passed"] = 5
    with pytest.raises(ValidationError, match="passed 5 > checked 4"):
        QualityProfile.model_validate(raw)
    assert QualityProfile.model_validate(p.model_dump(mode="json")) == p  # an honest report round-trips


def test_text_lookup_is_exact_even_when_hashes_collide() -> None:
    from valuation.quality.checks import TextLookup

    lookup = TextLookup(pd.Series(["A", "B", "杭州"], dtype="str"))
    texts = pd.Series(["B", "C", "杭州", None, "A"], dtype="str")
    assert lookup.positions(texts).tolist() == [1, -1, 2, -1, 0]
    # forged hashes: every text claims the hash of "A" — the text comparison refuses the false matches
    forged = np.full(5, lookup._sorted[0], dtype=np.uint64)
    first = int(lookup._order[0])
    expected = [first if t == lookup.values[first] else -1 for t in ["B", "C", "杭州", None, "A"]]
    assert lookup.positions(texts, forged).tolist() == expected
    # two reference values sharing a hash: the sorted search takes over and still finds exact rows
    lookup._unique = False
    assert lookup.positions(texts).tolist() == [1, -1, 2, -1, 0]
