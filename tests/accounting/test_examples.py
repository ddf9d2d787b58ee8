"""The sample cases of data/examples/books load, book at several dates, and dump to clean JSON."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from accounting import BookCase, BookResult, book

from .conftest import CHART, ROOT

EXAMPLES = sorted((ROOT / "data" / "examples" / "books").glob("*.json"))


def test_there_are_three_samples() -> None:
    assert {p.stem for p in EXAMPLES} >= {"self_developed_dataset", "purchased_authorized_dataset",
                                          "data_inventory"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("as_of", [date(2024, 6, 30), date(2024, 12, 31), date(2025, 12, 31), date(2027, 6, 30)])
def test_sample_books(path: Path, as_of: date) -> None:
    c = BookCase.model_validate_json(path.read_text("utf-8"))
    r = book(c, as_of, chart=CHART)
    assert r.all_checks_pass, [x for x in r.checks if not x.ok]
    dumped = r.model_dump(mode="json")
    text = json.dumps(dumped, ensure_ascii=False)
    assert BookResult.model_validate(json.loads(text)) == r


def test_appraisal_disclosure_from_the_valuation_used() -> None:
    c = BookCase.model_validate_json((ROOT / "data/examples/books/self_developed_dataset.json").read_text("utf-8"))
    r = book(c, date(2024, 12, 31), chart=CHART)
    (a,) = r.disclosures.appraisal
    assert a.material_effect
    for words in ("评报字〔2025〕第007号", "信息来源", "评估假设", "限制条件", "重要参数", "discount rate"):
        assert words in a.text_zh + a.text_en
    # 1,200,000.00 − 6 × 33,333.33 = 1,000,000.02; recoverable 600,000.00 → loss 400,000.02
    assert r.disclosures.impairments[0].loss == D("400000.02")
    assert [m.asset_id for m in r.disclosures.material_items] == ["D-SELF-01"]
