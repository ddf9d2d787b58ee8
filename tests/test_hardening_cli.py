"""Hardening of the shell and the pure packages: each test is named after the defect it pins down.

1. searches that narrow an amount stop (relative tolerance, iteration bound); a collateral too small
   for any loan gives maximum loan 0 with the reason;
2. one stated range for money (base/money.py), applied by every amount type and the batch reader;
3. batch dates that are no date and NaN in an amount are row errors;
4. no traceback: deep JSON, unreadable .xlsx, bad -o, a period that starts after it ends;
6. a kill -9 during an export leaves no openpyxl temporary file in TMPDIR;
7. dates out of their stated window, counts that are not integers ≥ 0, are refused.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from base.money import MAX_AMOUNT, check_amount, money, to_fen
from cli.main import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, EXIT_UNEXPECTED, main
from pledge.sizing import MAX_ITER, largest_amount_under, search_tolerance

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
PLEDGE = EXAMPLES / "pledges" / "logistics_12m_level.json"
BOOKS = EXAMPLES / "books" / "self_developed_dataset.json"
CASE = EXAMPLES / "parking_city_investment.json"
BATCH = EXAMPLES / "batch_1000.csv"
RANGE_MSG = "金额超出范围 amount out of range: expected |amount| ≤ 1,000,000,000,000,000 CNY, got 1e+308"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ defect 1
def test_shortfall_search_on_huge_collateral_stops() -> None:
    """A bisection on [0, 1e15] to 0.005 CNY never ended (float spacing there is 0.125): it stops at
    max(0.005, 1e-9 × hi) within MAX_ITER steps."""
    calls = 0

    def prob(a: float) -> float:
        nonlocal calls
        calls += 1
        return 0.0 if a <= 123_456_789_012_345.0 else 1.0

    found = largest_amount_under(prob, 0.05, 1e15)
    assert calls <= MAX_ITER + 2
    assert 123_456_789_012_345.0 - search_tolerance(1e15) <= found <= 123_456_789_012_345.0
    assert search_tolerance(1e15) == pytest.approx(1e6) and search_tolerance(1_000.0) == 0.005


def test_pledge_with_collateral_1e15_finishes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    case = _json(PLEDGE)
    case["collateral"]["values_by_method"] = {"cost": 1e15, "income": 1e15}
    case["collateral"]["concluded_value"] = 1e15
    case["borrower"]["annual_cash_flow"] = [1e15]
    case["simulation"]["n_paths"] = 2000
    start = time.monotonic()
    code, out, _ = run(capsys, "pledge", str(_write(tmp_path / "big.json", case)), "--json")
    assert code == EXIT_OK and time.monotonic() - start < 60
    assert json.loads(out)["max_loan"]["amount"] > 1e14


def test_collateral_too_small_for_any_loan_gives_zero_with_reason(capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path) -> None:
    """Was scipy's "f(a) and f(b) must have different signs" (fees at drawdown above a tiny loan)."""
    case = _json(PLEDGE)
    case["collateral"]["values_by_method"] = {"cost": 1.0, "income": 1.0}
    case["collateral"]["concluded_value"] = 1.0
    case["term_sheet"]["amount"] = 1.0
    code, out, _ = run(capsys, "pledge", str(_write(tmp_path / "small.json", case)), "--json")
    assert code == EXIT_OK
    result = json.loads(out)
    ml = result["max_loan"]
    assert ml["amount"] == 0.0 and ml["reason"].startswith("押品不足以支持任何贷款")
    assert result["schedule"]["all_in_annual_cost"] is None
    assert any(w.startswith("押品不足以支持任何贷款") for w in result["warnings"])
    code, out, _ = run(capsys, "pledge", str(tmp_path / "small.json"))
    assert code == EXIT_OK and "原因 reason: 押品不足以支持任何贷款" in out


# ------------------------------------------------------------------------------------------ defect 2
def test_amount_range_is_stated_in_the_floor() -> None:
    assert Decimal(10**15) == MAX_AMOUNT
    assert to_fen(MAX_AMOUNT) == 10**17 < 2**63
    assert check_amount(1e15) == 1e15
    with pytest.raises(ValueError, match="金额超出范围"):
        check_amount(1e308)
    with pytest.raises(ValueError, match="金额超出范围"):
        money(Decimal("1e40"))  # more digits than the context: a ValueError, not InvalidOperation


def test_huge_amount_refused_by_value(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    case = _json(CASE)
    case["assets"][0]["cost"]["lines"][0]["amount"] = 1e308
    code, out, err = run(capsys, "value", str(_write(tmp_path / "c.json", case)), "--json")
    assert code == EXIT_REFUSED and "cost.lines[0].amount" in err and RANGE_MSG in err and out == ""


@pytest.mark.parametrize("command", ["book", "export"])
def test_huge_amount_refused_by_book_and_export(command: str, capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    books = _json(BOOKS)
    books["events"][0]["cost_lines"][0]["amount"] = 1e308
    path = _write(tmp_path / "b.json", books)
    extra = ["-o", str(tmp_path / "out.xlsx")] if command == "export" else []
    code, _, err = run(capsys, command, str(path), "--as-of", "2025-12-31", *extra)
    assert code == EXIT_REFUSED and RANGE_MSG in err and "cost_lines[0].amount" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json"]


@pytest.mark.parametrize("where", ["term_sheet.amount", "collateral.concluded_value", "borrower.annual_cash_flow"])
def test_huge_amount_refused_by_pledge(where: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    case = _json(PLEDGE)
    part, name = where.split(".")
    case[part][name] = [1e308] if name == "annual_cash_flow" else 1e308
    code, _, err = run(capsys, "pledge", str(_write(tmp_path / "p.json", case)))
    assert code == EXIT_REFUSED and RANGE_MSG in err and where in err


def test_boolean_is_not_an_amount() -> None:
    from valuation.cost.inputs import CostLine

    with pytest.raises(ValidationError, match="true/false is not a number"):
        CostLine.model_validate({"category": "planning", "item": "x", "amount": True, "incurred_on": "2024-01-01"})


# ------------------------------------------------------------------------------------------ defect 3
def _batch(tmp_path: Path, edits: dict[tuple[int, str], str]) -> Path:
    table = pd.read_csv(BATCH, dtype=str, keep_default_na=False).head(4)
    for (row, column), value in edits.items():
        table.loc[row, column] = value
    path = tmp_path / "batch.csv"
    table.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("bad", ["2025-02-30", "garbage"])
def test_batch_valuation_date_that_is_no_date_is_a_row_error(bad: str, capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    path = _batch(tmp_path, {(1, "valuation_date"): bad})
    code, out, _ = run(capsys, "value", str(path), "--json", "--draws", "0")
    assert code == EXIT_PARTIAL
    payload = json.loads(out)
    assert payload["summary"]["n_failed"] == 1
    [error] = payload["errors"]
    assert error["field"] == "valuation_date" and "row 3" in error["message"] and repr(bad) in error["message"]


def test_batch_nan_amount_is_a_row_error_not_a_blank(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _batch(tmp_path, {(2, "cost_planning"): "NaN"})
    code, out, _ = run(capsys, "value", str(path), "--json", "--draws", "0")
    assert code == EXIT_PARTIAL
    [error] = json.loads(out)["errors"]
    assert error["field"] == "cost_planning" and "'NaN'" in error["message"]


def test_batch_huge_amount_is_a_row_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _batch(tmp_path, {(0, "cost_planning"): "1e308"})
    code, out, _ = run(capsys, "value", str(path), "--json", "--draws", "0")
    assert code == EXIT_PARTIAL
    [error] = json.loads(out)["errors"]
    assert error["field"] == "cost_planning" and error["message"].startswith("金额超出范围 cost_planning out of range")


# ------------------------------------------------------------------------------------------ defect 4
def test_deeply_nested_json_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for argv in (["value", str(deep)], ["book", str(deep), "--as-of", "2025-12-31"], ["pledge", str(deep)]):
        code, _, err = run(capsys, *argv)
        assert code == EXIT_REFUSED and "JSON 嵌套过深" in err and "Traceback" not in err


@pytest.mark.parametrize("kind", ["empty", "truncated"])
def test_unreadable_xlsx_case_is_refused(kind: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "case.xlsx"
    if kind == "empty":
        path.write_bytes(b"")
    else:
        assert main(["template", "-o", str(tmp_path / "full.xlsx")]) == EXIT_OK
        path.write_bytes((tmp_path / "full.xlsx").read_bytes()[:3000])
    capsys.readouterr()
    code, _, err = run(capsys, "value", str(path))
    assert code == EXIT_REFUSED and "BadZipFile" in err and err.startswith("dataval: 无法读取")


@pytest.mark.parametrize("command", ["export", "book", "pledge", "template", "profile"])
@pytest.mark.parametrize("target", ["missing", "folder"])
def test_bad_output_path_is_refused(command: str, target: str, capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:
    suffix = ".json" if command == "book" else ".xlsx"
    out = tmp_path / "missing" / f"out{suffix}" if target == "missing" else tmp_path / f"dir{suffix}"
    if target == "folder":
        out.mkdir()
    argv = {
        "export": ["export", str(BOOKS), "--as-of", "2025-12-31"],
        "book": ["book", str(BOOKS), "--as-of", "2025-12-31"],
        "pledge": ["pledge", str(PLEDGE)],
        "template": ["template"],
        "profile": ["profile", str(ROOT / "data" / "quality" / "orders.csv"),
                    "--rules", str(ROOT / "data" / "quality" / "orders_rules.json")],
    }[command]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, stdout, err = run(capsys, *argv, "-o", str(out))
    assert code == EXIT_REFUSED and "Traceback" not in err and stdout == ""
    assert ("输出文件夹不存在" if target == "missing" else "输出路径是文件夹") in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", ["book", "export"])
def test_period_start_after_as_of_is_refused(command: str, capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    extra = ["-o", str(tmp_path / "x.xlsx")] if command == "export" else []
    code, _, err = run(capsys, command, str(BOOKS), "--as-of", "2025-01-31", "--period-start", "2025-06-01", *extra)
    assert code == EXIT_REFUSED and "期间起点晚于截止日" in err
    assert list(tmp_path.iterdir()) == []


def test_unexpected_error_is_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import cli.commands.schema as schema

    def boom(args: Any) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(schema, "cmd_schema", boom)
    monkeypatch.delenv("DATAVAL_DEBUG", raising=False)
    code, _, err = run(capsys, "schema")
    assert code == EXIT_UNEXPECTED and err.count("\n") == 1 and "内部错误" in err and "DATAVAL_DEBUG=1" in err
    monkeypatch.setenv("DATAVAL_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["schema"])


# ------------------------------------------------------------------------------------------ defect 6
KILLED_EXPORT = """
import sys, time
import ledger_export.workbook as wb
save = wb.Book.save
def slow(self, path):
    print("spooled", flush=True)
    time.sleep(120)
    save(self, path)
wb.Book.save = slow
from cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_kill_during_export_leaves_no_openpyxl_temp_files(tmp_path: Path) -> None:
    tmpdir, dest = tmp_path / "tmpdir", tmp_path / "dest"
    tmpdir.mkdir()
    dest.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_EXPORT, "export", str(BOOKS), "--as-of", "2025-12-31",
         "--valuation", str(CASE), "-o", str(dest / "wp.xlsx")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "spooled"  # every sheet spooled, the save not begun
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert [p.name for p in tmpdir.iterdir() if "openpyxl" in p.name] == []
    assert not (dest / "wp.xlsx").exists()
    assert [p.name for p in dest.iterdir() if "openpyxl" in p.name]  # they were in the destination folder


# ------------------------------------------------------------------------------------------ defect 7
def test_dates_out_of_window_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    case = _json(CASE)
    case["assets"][0]["asset"]["rights_term_end"] = "2200-01-01"
    code, _, err = run(capsys, "value", str(_write(tmp_path / "c.json", case)))
    assert code == EXIT_REFUSED and "日期超出范围" in err and "rights_term_end" in err

    case = _json(CASE)
    case["engagement"]["valuation_date"] = "1850-06-30"
    code, _, err = run(capsys, "value", str(_write(tmp_path / "c.json", case)))
    assert code == EXIT_REFUSED and "日期超出范围" in err

    books = _json(BOOKS)
    books["events"][0]["date"] = "0001-01-01"
    code, _, err = run(capsys, "book", str(_write(tmp_path / "b.json", books)), "--as-of", "2025-12-31")
    assert code == EXIT_REFUSED and "日期超出范围" in err and "events[0]" in err

    pledge = copy.deepcopy(_json(PLEDGE))
    pledge["term_sheet"]["drawdown_date"] = "2090-01-01"
    pledge["term_sheet"]["beyond_life_reason"] = "test"
    code, _, err = run(capsys, "pledge", str(_write(tmp_path / "p.json", pledge)))
    assert code == EXIT_REFUSED and "日期超出范围" in err


@pytest.mark.parametrize("records", [-1, 1.5, True])
def test_counts_are_integers_at_least_zero(records: Any) -> None:
    from valuation.models import DataAsset

    asset = {"asset_id": "A", "name": "n", "rights": ["holding"], "source": "purchase", "records": records}
    with pytest.raises(ValidationError):
        DataAsset.model_validate(asset)
    assert DataAsset.model_validate({**asset, "records": 12.0}).records == 12


def test_pledge_rates_have_stated_ranges(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    case = _json(PLEDGE)
    case["collateral"]["dynamics"]["volatility"] = 50.0
    code, _, err = run(capsys, "pledge", str(_write(tmp_path / "p.json", case)))
    assert code == EXIT_REFUSED and "collateral.dynamics.volatility" in err


def test_batch_results_csv_escapes_formula_like_cells(tmp_path: Path) -> None:
    """`dataval value batch.csv -o results.csv`: a name a spreadsheet would run as a formula is written inert
    (quote prefix, as the workbooks and the dashboard's download do); amounts stay numbers."""
    from cli.main import main

    src = pd.read_csv(EXAMPLES / "batch_1000.csv", dtype=str, keep_default_na=False).head(3)
    src.loc[0, "name"] = '=HYPERLINK("http://evil.example","点我")'
    batch = tmp_path / "batch.csv"
    src.to_csv(batch, index=False)
    out = tmp_path / "results.csv"
    assert main(["value", str(batch), "-o", str(out)]) in (0, 3)
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and ',=HYPERLINK' not in text
