"""`dataval pledge` on the sample pledge cases: text, JSON and the credit memo workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dataval.cli import EXIT_OK, EXIT_REFUSED, main

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
