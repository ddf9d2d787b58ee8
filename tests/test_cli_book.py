"""`dataval book` on the sample accounting cases: JSON parts, ties, refusals."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cli.main import EXIT_OK, EXIT_REFUSED, main

BOOKS = sorted((Path(__file__).resolve().parents[1] / "data" / "examples" / "books").glob("*.json"))


@pytest.mark.parametrize("case", BOOKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("as_of", ["2024-12-31", "2025-12-31"])
def test_book_json(case: Path, as_of: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["book", str(case), "--as-of", as_of, "--json"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    assert out["all_checks_pass"] is True
    tb = out["trial_balance"]
    assert Decimal(tb["total_closing_debit"]) == Decimal(tb["total_closing_credit"])
    for entry in out["journal"]:
        debit = sum(Decimal(line["debit"]) for line in entry["lines"])
        credit = sum(Decimal(line["credit"]) for line in entry["lines"])
        assert debit == credit
    assert {b["of_which_zh"] for b in out["balance_sheet"]} == {"其中：数据资源"}
    assert {"table_a", "table_b", "disclosures", "decisions"} <= set(out)


def test_book_refuses_bad_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = json.loads(BOOKS[0].read_text(encoding="utf-8"))
    raw["surprise"] = 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["book", str(bad), "--as-of", "2025-12-31"]) == EXIT_REFUSED
    assert "surprise" in capsys.readouterr().err


def test_book_needs_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["book", str(BOOKS[0]), "--as-of", "31/12/2025"])
    assert "expected a date YYYY-MM-DD" in capsys.readouterr().err
