"""`dataval export`, and `-o x.xlsx` on `book` and `value`: exit codes, sheets, nothing written on refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cli.main import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, main
from tests.ledger_export.conftest import EXAMPLES, HAND_BOOKS

BOOKS = EXAMPLES / "books" / "purchased_authorized_dataset.json"
CASE = EXAMPLES / "parking_city_investment.json"
PLEDGE = EXAMPLES / "pledges" / "logistics_12m_level.json"


def test_export_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.xlsx"
    assert main(["export", str(BOOKS), "--as-of", "2025-12-31", "--valuation", str(CASE), "--pledge", str(PLEDGE),
                 "--preparer", "李四", "-o", str(out)]) == EXIT_OK
    assert "全部通过 ALL PASS" in capsys.readouterr().out
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "封面 Cover" and wb.sheetnames[-1] == "校验 Checks"
    assert {"凭证 Journal", "成本法 Cost", "收益法 Income", "市场法 Market", "授信摘要 Summary"} <= set(wb.sheetnames)
    cover = {r[0]: r[1] for r in wb["封面 Cover"].iter_rows(values_only=True) if r and r[0]}
    assert cover["编制人 preparer"] == "李四"
    assert not list(tmp_path.glob("*.tmp"))


def test_book_and_value_write_xlsx_and_json(tmp_path: Path) -> None:
    xlsx, js = tmp_path / "books.xlsx", tmp_path / "books.json"
    assert main(["book", str(HAND_BOOKS), "--as-of", "2025-12-31", "-o", str(xlsx)]) == EXIT_OK
    assert main(["book", str(HAND_BOOKS), "--as-of", "2025-12-31", "-o", str(js)]) == EXIT_OK
    assert json.loads(js.read_text(encoding="utf-8"))["case_id"] == "BOOK-HAND-01"
    names = load_workbook(xlsx).sheetnames
    assert names[1] == "凭证 Journal" and "成本法 Cost" not in names and "授信摘要 Summary" not in names
    wp = tmp_path / "wp.xlsx"
    assert main(["value", str(CASE), "--draws", "200", "-o", str(wp)]) == EXIT_OK
    names = load_workbook(wp).sheetnames
    assert "评估结论 Conclusion" in names and "凭证 Journal" not in names


def test_refusals_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.xlsx"
    assert main(["export", str(BOOKS), "-o", str(out)]) == EXIT_REFUSED  # no --as-of
    assert "--as-of" in capsys.readouterr().err
    assert main(["export", "-o", str(out)]) == EXIT_REFUSED
    assert main(["export", str(BOOKS), "--as-of", "2025-12-31", "-o", str(tmp_path / "out.csv")]) == EXIT_REFUSED
    assert ".xlsx" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
    out.write_bytes(b"an earlier workbook")
    bad = json.loads(PLEDGE.read_text(encoding="utf-8"))
    bad["term_sheet"]["amount"] = -5
    bad_path = tmp_path / "bad_pledge.json"
    bad_path.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["export", str(BOOKS), "--as-of", "2025-12-31", "--pledge", str(bad_path), "-o", str(out)]) \
        == EXIT_REFUSED
    assert "term_sheet.amount" in capsys.readouterr().err
    assert out.read_bytes() == b"an earlier workbook"  # untouched


def test_refused_event_partial_with_collect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = json.loads(HAND_BOOKS.read_text(encoding="utf-8"))
    raw["events"].append({"kind": "ready_for_use", "event_id": "R2", "asset_id": "H-01", "date": "2025-03-01"})
    books = tmp_path / "books.json"
    books.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    assert main(["export", str(books), "--as-of", "2025-12-31", "-o", str(out)]) == EXIT_REFUSED
    assert not out.exists()
    assert main(["export", str(books), "--as-of", "2025-12-31", "--collect", "-o", str(out)]) == EXIT_PARTIAL
    assert "R2" in capsys.readouterr().err
    notes = [r for r in load_workbook(out)["附注 Notes"].iter_rows(values_only=True) if r and r[0] == "R2"]
    assert notes and notes[0][4] == "invalid_event"  # the rejected event is listed with its rule
