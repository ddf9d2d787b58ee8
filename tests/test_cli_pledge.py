"""`dataval pledge` on the sample pledge cases: text, JSON and the credit memo workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli.main import EXIT_OK, EXIT_REFUSED, main

PLEDGES = sorted((Path(__file__).resolve().parents[1] / "data" / "examples" / "pledges").glob("*.json"))


@pytest.mark.parametrize("case", PLEDGES, ids=lambda p: p.stem)
def test_pledge_json_and_memo(case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    memo = tmp_path / "memo.xlsx"
    assert main(["pledge", str(case), "--json", "-o", str(memo)]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    ml = result["max_loan"]
    assert ml["amount"] == pytest.approx(min(c["amount"] for c in ml["constraints"]))
    wb = load_workbook(memo)
    summary = wb["授信摘要 Summary"]
    formulas = [c.value for row in summary.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert any(f.startswith("=MIN(") for f in formulas)  # maximum loan = MIN of the limits
    assert any("MAX(0," in f for f in formulas)  # liquidation value
    assert "max_loan" in wb.defined_names
    schedule = wb["还款计划 Schedule"]
    assert schedule.cell(2, 6).value == "=D2+E2"  # payment = interest + principal
    n = len(result["schedule"]["rows"])
    principal = sum(schedule.cell(i, 5).value for i in range(2, n + 2))
    assert principal == pytest.approx(result["schedule"]["amount"], abs=0.005)  # principal repays the loan


def test_pledge_bad_case_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = json.loads(PLEDGES[0].read_text(encoding="utf-8"))
    raw["term_sheet"]["term_months"] = -3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["pledge", str(bad)]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "term_sheet.term_months" in err and "-3" in err


BOOKS = Path(__file__).resolve().parents[1] / "data" / "examples" / "books" / "purchased_authorized_dataset.json"


def _pledge_on_books_asset(tmp_path: Path, asset_id: str = "D-BUY-01", drawdown: str = "2025-03-15") -> Path:
    raw = json.loads(PLEDGES[0].read_text(encoding="utf-8"))
    raw["collateral"]["asset_id"] = asset_id
    raw["term_sheet"]["drawdown_date"] = drawdown
    raw["holding"] = {"holds_asset": False, "existing_pledges": []}  # replaced by what the books say
    path = tmp_path / "pledge.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def test_pledge_is_booked_as_restricted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # books without their own 2025-06-30 pledge: drawdown 2025-03-15 on D-BUY-01, held and unpledged
    books = json.loads(BOOKS.read_text(encoding="utf-8"))
    books["events"] = [e for e in books["events"] if e["kind"] not in ("pledge", "pledge_release")]
    books_path = tmp_path / "books.json"
    books_path.write_text(json.dumps(books, ensure_ascii=False), encoding="utf-8")
    case = _pledge_on_books_asset(tmp_path)
    assert main(["pledge", str(case), "--books", str(books_path), "--json"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    items = out["restricted_items"]
    assert items and all(i["asset_id"] == "D-BUY-01" for i in items)
    ours = next(i for i in items if i["registration"] == out["restriction"]["pledge_registration_number"])
    assert ours["pledgee"] == out["restriction"]["pledgee"]
    assert ours["pledged_on"] == "2025-03-15" and ours["pledged_at_period_end"] is True  # year end 2025
    assert float(ours["carrying_amount"]) > 0 and float(ours["period_amortization"]) > 0


def test_second_pledge_and_asset_not_held_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the books pledge D-BUY-01 on 2025-06-30 until 2026-06-30: a pledge on 2025-07-15 is a second pledge
    case = _pledge_on_books_asset(tmp_path, drawdown="2025-07-15")
    assert main(["pledge", str(case), "--books", str(BOOKS)]) == EXIT_REFUSED
    assert "already pledged" in capsys.readouterr().err
    other = _pledge_on_books_asset(tmp_path, asset_id="NOT-ON-BOOKS")
    assert main(["pledge", str(other), "--books", str(BOOKS)]) == EXIT_REFUSED
    assert "does not hold" in capsys.readouterr().err


def test_html_memo_is_self_contained_and_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = json.loads(PLEDGES[0].read_text(encoding="utf-8"))
    raw["collateral"]["name"] = "<script>alert(1)</script>数据集"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    memo = tmp_path / "memo.html"
    assert main(["pledge", str(case), "--json", "-o", str(memo)]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    html = memo.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;数据集" in html
    assert f"{result['max_loan']['amount']:,.2f}" in html
    assert html.count("<svg") == 2  # LTV and coverage paths
    assert "http" not in html.replace("http://www.w3.org/2000/svg", "")  # no external resources
