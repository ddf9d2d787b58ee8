"""The shipped pledge case and books case that fit together: `dataval pledge … --books …` reads the holding
from the books and books the pledge as restricted. Figures by hand from the two files and data/bank_policy.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import EXIT_OK, main

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
PLEDGE = EXAMPLES / "pledges" / "self_developed_with_books.json"
BOOKS = EXAMPLES / "books" / "self_developed_dataset.json"


def test_the_pledge_example_fits_the_books_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pledge", str(PLEDGE), "--books", str(BOOKS), "--json"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    col = out["collateral"]
    # haircut 0.5 × 15 % (cost) + 0.5 × 20 % (income) = 17.5 %; 900,000.00 × (1 − 0.175) = 742,500.00
    assert col["method_haircut"] == pytest.approx(0.175) and col["collateral_value"] == pytest.approx(742_500.00)
    # pledge-rate limit 742,500.00 × 30 % = 222,750.00 binds; 200,000.00 requested is within it
    assert out["max_loan"]["amount"] == pytest.approx(222_750.00) and out["max_loan"]["within_limit"]
    item = next(i for i in out["restricted_items"] if i["asset_id"] == "D-SELF-01")
    # the books: cost 1,200,000.00 ready 2024-07-01, 36 months → 33,333.33 a month, 6 months 199,999.98;
    # impaired at 2024-12-31 to 600,000.00; 2025: 600,000.00 / 30 = 20,000.00 × 12 = 240,000.00;
    # carrying at 2025-12-31 600,000.00 − 240,000.00 = 360,000.00
    assert float(item["carrying_amount"]) == pytest.approx(360_000.00)
    assert float(item["period_amortization"]) == pytest.approx(240_000.00)
    assert item["pledgee"].startswith("示例城市商业银行")
