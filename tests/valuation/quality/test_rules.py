"""The rules file: what is refused, with a message that says what was expected and where."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from tests.valuation.quality.conftest import RULES
from valuation.errors import InconsistentJudgementMatrix
from valuation.quality import (
    CYCLE_DAYS,
    InvalidQualityRules,
    QualityRules,
    TimelinessRules,
    UpdateFrequency,
    resolve_weights,
)
from valuation.quality.result import WeightsSource


def _raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(RULES.read_text(encoding="utf-8"))
    return raw


def _refused(raw: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as exc:
        QualityRules.model_validate(raw)
    return str(exc.value)


def test_the_sample_rules_are_valid() -> None:
    rules = QualityRules.model_validate(_raw())
    assert rules.tables() == ("customers.csv",)
    used = rules.columns_used()
    assert used["city"] == "accuracy.references[0].column"
    assert used["order_id"] == "columns.order_id"
    assert rules.reference_columns() == {
        "customers.csv": {"customer_id": "consistency.foreign_keys[0].ref_column",
                          "city": "accuracy.references[0].ref_column"}
    }


def test_invalid_regex_names_the_pattern_and_position() -> None:
    raw = _raw()
    raw["columns"]["phone"]["regex"] = "1[3-9][0-9{9}"
    msg = _refused(raw)
    assert "columns.phone.regex" in msg
    assert "invalid regular expression '1[3-9][0-9{9}'" in msg and "unterminated character set" in msg


def test_bad_row_rule_is_refused_at_load() -> None:
    raw = _raw()
    raw["consistency"]["rules"][0]["check"] = "ship_date >= order_date.year"
    msg = _refused(raw)
    assert "consistency.rules.0.check" in msg and "unsupported element" in msg


def test_row_rule_on_a_text_column_is_refused() -> None:
    raw = _raw()
    raw["accuracy"]["rules"][0]["check"] = "status > 0"
    msg = _refused(raw)
    assert "column 'status' is declared string" in msg and "accuracy.rules[0]" in msg


def test_format_only_for_dates_and_must_read_back() -> None:
    raw = _raw()
    raw["columns"]["status"]["format"] = "%Y"
    assert "format is for date and datetime columns" in _refused(raw)
    raw = _raw()
    raw["columns"]["order_date"]["format"] = "YYYY-MM-DD"
    assert "expected a strftime format" in _refused(raw)


def test_unknown_keys_and_bad_values_are_refused() -> None:
    raw = _raw()
    raw["completness"] = {"required": ["order_id"]}
    assert "completness" in _refused(raw) and "Extra inputs are not permitted" in _refused(raw)
    raw = _raw()
    raw["accuracy"]["rules"][0]["sample"] = 0
    assert "accuracy.rules.0.sample" in _refused(raw)
    raw = _raw()
    raw["columns"]["phone"]["length"] = {"min": 12, "max": 11}
    assert "expected min ≤ max" in _refused(raw)
    raw = _raw()
    raw["accessibility"]["metrics"][0]["achieved"] = 9000
    assert "expected achieved ≤ total" in _refused(raw)
    raw = _raw()
    raw["accessibility"]["metrics"][0]["source"] = ""
    assert "accessibility.metrics.0.source" in _refused(raw)


def test_timeliness_needs_exactly_one_limit() -> None:
    assert "exactly one of update_frequency and max_age_days" in _refused(
        {"dataset": "x", "timeliness": {"column": "d", "update_frequency": "daily", "max_age_days": 3}}
    )
    t = TimelinessRules(column="d", update_frequency=UpdateFrequency.WEEKLY, grace_days=2)
    assert t.max_age == 7 + 2
    assert TimelinessRules(column="d", max_age_days=45).max_age == 45
    assert CYCLE_DAYS[UpdateFrequency.MONTHLY] == 31


def test_repeated_rule_names_are_refused() -> None:
    raw = _raw()
    raw["accuracy"]["rules"][1]["name"] = raw["consistency"]["rules"][0]["name"]
    assert "rule names must be unique" in _refused(raw)


def test_given_weights_must_cover_six_and_sum_to_one() -> None:
    six = {"accuracy": 0.3, "consistency": 0.2, "completeness": 0.2, "conformance": 0.1, "timeliness": 0.1,
           "accessibility": 0.1}
    w = resolve_weights(QualityRules.model_validate({"dataset": "x", "weights": {"given": six}}).weights)
    assert w.source == WeightsSource.GIVEN and w.weights == (0.3, 0.2, 0.2, 0.1, 0.1, 0.1)
    five = {k: v for k, v in six.items() if k != "accessibility"}
    assert "missing ['accessibility']" in _refused({"dataset": "x", "weights": {"given": five}})
    assert "sum to 1, got 1.1" in _refused({"dataset": "x", "weights": {"given": {**six, "accuracy": 0.4}}})
    assert "exactly one of 'given' and 'ahp'" in _refused({"dataset": "x", "weights": {"evidence": "x"}})


def test_equal_weights_when_none_are_given() -> None:
    w = resolve_weights(None)
    assert w.source == WeightsSource.EQUAL and w.weights == (1 / 6,) * 6


def test_ahp_matrix_must_be_consistent_and_six_by_six() -> None:
    # accuracy 9× consistency, consistency 9× completeness, but completeness 9× accuracy: CR far above 0.10
    m = [[1.0] * 6 for _ in range(6)]
    m[0][1], m[1][0] = 9, 1 / 9
    m[1][2], m[2][1] = 9, 1 / 9
    m[2][0], m[0][2] = 9, 1 / 9
    rules = QualityRules.model_validate({"dataset": "x", "weights": {"ahp": m}})
    with pytest.raises(InconsistentJudgementMatrix, match=r"CR < 0\.10") as exc:
        resolve_weights(rules.weights)
    assert exc.value.field == "weights.ahp"
    small = QualityRules.model_validate({"dataset": "x", "weights": {"ahp": [[1, 2], [0.5, 1]]}})
    with pytest.raises(InvalidQualityRules, match="expected a 6 × 6 matrix"):
        resolve_weights(small.weights)
