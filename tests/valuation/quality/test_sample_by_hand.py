"""The bundled sample (1,000 orders, planted defects): every dimension's score computed by hand.

The defects and the records they sit on are listed in data/generators/quality_sample.py; each sits
on its own records, so a check's counts follow from the plan:

completeness — 5 required fields × 1,000 records; blank phone 20, blank customer 10, amount "NULL" 5.
conformance — one check per non-missing value: order_id, order_date, ship_date, status, quantity,
    unit_price, updated_at on 1,000 values each; customer_id on 990 (10 blank), amount on 995
    (5 null), phone on 980 (20 blank). Failures: order_date format 7, status code 12, phone 15.
consistency — key on 1,000 records, 8 repeat an earlier order_id; ship ≥ order on 993 (7 order
    dates unreadable), 9 fail; amount = q × p on 995 (5 null amounts), 11 fail; foreign key on 990
    (10 blank), 6 unknown customers.
accuracy — 0 < quantity ≤ 1000 on 1,000, 4 zero; unit_price > 0 on 1,000, 3 negative; city against
    the master on 1,000 − 10 blank − 6 unknown customers = 984, 14 wrong.
timeliness — 1,000 dates, 25 older than one month before 2025-12-31, 2 after it.
accessibility — declared: 8,742/8,760 hours, 1,994,000/2,000,000 calls, 11/12 fields.
weights — the AHP matrix is consistent (a_ij = v_i/v_j, v = 4, 2, 2, 1, 1, 2), so w = v/12, CR = 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.valuation.quality.conftest import ORDERS, generator, read_text_csv, references, sample_rules
from valuation.models import QualityDimension
from valuation.quality import QualityProfile, profile_frame, quality_scores

COMPLETENESS = (5 * 1000 - 20 - 10 - 5) / (5 * 1000)
CONFORMANCE_CHECKED = 7 * 1000 + 990 + 995 + 980
CONFORMANCE = (CONFORMANCE_CHECKED - 7 - 12 - 15) / CONFORMANCE_CHECKED
CONSISTENCY_CHECKED = 1000 + 993 + 995 + 990
CONSISTENCY = (CONSISTENCY_CHECKED - 8 - 9 - 11 - 6) / CONSISTENCY_CHECKED
ACCURACY_CHECKED = 1000 + 1000 + 984
ACCURACY = (ACCURACY_CHECKED - 4 - 3 - 14) / ACCURACY_CHECKED
TIMELINESS = (1000 - 25 - 2) / 1000
ACCESSIBILITY = (8742 / 8760 + 1994000 / 2000000 + 11 / 12) / 3
WEIGHTS = {"accuracy": 4 / 12, "consistency": 2 / 12, "completeness": 2 / 12, "conformance": 1 / 12,
           "timeliness": 1 / 12, "accessibility": 2 / 12}
SCORES = {"accuracy": ACCURACY, "consistency": CONSISTENCY, "completeness": COMPLETENESS,
          "conformance": CONFORMANCE, "timeliness": TIMELINESS, "accessibility": ACCESSIBILITY}
Q = sum(WEIGHTS[k] * SCORES[k] for k in SCORES)


@pytest.fixture(scope="module")
def profile() -> QualityProfile:
    return profile_frame(read_text_csv(ORDERS), sample_rules(), references=references(), chunk_rows=128)


def test_six_scores_and_q_by_hand(profile: QualityProfile) -> None:
    assert profile.records == 1000
    for dim, expected in SCORES.items():
        assert profile.dimension(dim).score == pytest.approx(expected, abs=1e-12), dim
    assert profile.weighting.source.value == "ahp"
    assert profile.weighting.ahp is not None and profile.weighting.ahp.cr == pytest.approx(0, abs=1e-9)
    assert profile.weighting.as_dict() == pytest.approx(WEIGHTS, abs=1e-12)
    assert profile.quality_score == pytest.approx(Q, abs=1e-12)


def test_dimension_counts_by_hand(profile: QualityProfile) -> None:
    counts = {d.dimension.value: (d.checked, d.passed) for d in profile.dimensions}
    assert counts["completeness"] == (5000, 4965)
    assert counts["conformance"] == (CONFORMANCE_CHECKED, CONFORMANCE_CHECKED - 34)
    assert counts["consistency"] == (CONSISTENCY_CHECKED, CONSISTENCY_CHECKED - 34)
    assert counts["accuracy"] == (ACCURACY_CHECKED, ACCURACY_CHECKED - 21)
    assert counts["timeliness"] == (1000, 973)
    assert counts["accessibility"] == (None, None)  # declared metrics in hours, calls, fields: no sum


def test_each_check_counts_and_failing_records_follow_the_plan(profile: QualityProfile) -> None:
    plan = generator().plan()
    first = {k: v[:5] for k, v in plan.items()}
    by_id = {c.check_id: c for c in profile.checks()}
    expected = {
        # check id: (checked, passed, not checked, the defects it finds)
        "completeness.required[1]": (1000, 990, 0, ("customer_blank",)),
        "completeness.required[3]": (1000, 995, 0, ("amount_null",)),
        "completeness.required[4]": (1000, 980, 0, ("phone_blank",)),
        "columns.customer_id.regex": (990, 990, 10, ()),
        "columns.order_date.type": (1000, 993, 0, ("order_date_format",)),
        "columns.status.codes": (1000, 988, 0, ("status_unknown",)),
        "columns.amount.type": (995, 995, 5, ()),
        "columns.phone.regex": (980, 965, 20, ("phone_malformed",)),
        "consistency.key": (1000, 992, 0, ("duplicate_id",)),
        "consistency.rules[0]": (993, 984, 7, ("ship_before_order",)),
        "consistency.rules[1]": (995, 984, 5, ("amount_mismatch",)),
        "consistency.foreign_keys[0]": (990, 984, 10, ("customer_unknown",)),
        "accuracy.rules[0]": (1000, 996, 0, ("quantity_zero",)),
        "accuracy.rules[1]": (1000, 997, 0, ("price_negative",)),
        "accuracy.references[0]": (984, 970, 16, ("city_wrong",)),
        "timeliness": (1000, 973, 0, ("stale", "future")),
    }
    for check_id, (checked, passed, not_checked, defects) in expected.items():
        c = by_id[check_id]
        assert (c.checked, c.passed, c.not_checked) == (checked, passed, not_checked), check_id
        planted = sorted(r for d in defects for r in plan[d])[:5]
        assert list(c.failed_records) == planted, check_id
    assert first["duplicate_id"] == by_id["consistency.key"].failed_records
    # the first-failing list is capped at five records
    assert len(by_id["timeliness"].failed_records) == 5
    assert "晚于基准日 dated after as_of: 2" in by_id["timeliness"].note


def test_accessibility_is_the_mean_of_declared_ratios(profile: QualityProfile) -> None:
    access = profile.dimension(QualityDimension.ACCESSIBILITY)
    assert [(c.passed, c.checked) for c in access.checks] == [(8742, 8760), (1994000, 2000000), (11, 12)]
    assert access.score == pytest.approx(((1 - 18 / 8760) + (1 - 6000 / 2000000) + (1 - 1 / 12)) / 3, abs=1e-12)


def test_chunk_size_does_not_change_anything(profile: QualityProfile) -> None:
    again = profile_frame(read_text_csv(ORDERS), sample_rules(), references=references(), chunk_rows=1000)
    assert again == profile
    odd = profile_frame(read_text_csv(ORDERS), sample_rules(), references=references(), chunk_rows=97)
    assert odd == profile


def test_quality_scores_for_valuation_carry_the_counts(profile: QualityProfile) -> None:
    q = quality_scores(profile, report="orders_profile.json")
    assert q.vector() == pytest.approx(tuple(SCORES[d.value] for d in QualityDimension), abs=1e-12)
    assert "orders_profile.json" in q.evidence
    assert "完整性 completeness 0.9930 = 4,965/5,000 passed" in q.evidence
    assert "一致性 consistency 0.9915 = 3,944/3,978 passed" in q.evidence
    assert "Q = 0.9876" in q.evidence and "CR 0.0000" in q.evidence


def test_generator_reproduces_the_sample_byte_for_byte(tmp_path: Path) -> None:
    g = generator()
    g.write_orders(tmp_path / "orders.csv")
    g.write_customers(tmp_path / "customers.csv")
    assert (tmp_path / "orders.csv").read_bytes() == ORDERS.read_bytes()
    assert (tmp_path / "customers.csv").read_bytes() == (ORDERS.parent / "customers.csv").read_bytes()
    plan = g.plan()
    records = [r for rs in plan.values() for r in rs]
    assert len(records) == len(set(records)) == sum(g.DEFECT_COUNTS.values())  # disjoint defects
