"""`dataval portfolio`: the sample loan book from a folder and from a {"loans": [...]} file, per-loan rows
out, bad books refused naming the case."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli.main import EXIT_OK, EXIT_REFUSED, main

PLEDGES = Path(__file__).resolve().parents[1] / "data" / "examples" / "pledges"


def test_folder_and_loans_file_give_the_same_book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "loans.csv"
    assert main(["portfolio", str(PLEDGES), "--paths", "800", "--json", "-o", str(out)]) == EXIT_OK
    folder = json.loads(capsys.readouterr().out)
    loans = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(PLEDGES.glob("*.json"))]
    book = tmp_path / "book.json"
    book.write_text(json.dumps({"loans": loans}, ensure_ascii=False), encoding="utf-8")
    assert main(["portfolio", str(book), "--paths", "800", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == folder
    assert folder["n_loans"] == 4 and folder["n_paths"] == 800
    # 1,500,000 + 1,500,000 + 2,500,000 + 200,000 lent (the four term sheets)
    assert folder["total_exposure"] == 5_700_000.0
    rows = pd.read_csv(out, encoding="utf-8-sig")
    assert list(rows["loan_id"]) == ["LN-2025-0001", "LN-2025-0002", "LN-2025-0003", "LN-2025-0630"]
    # the CSV carries each shortfall to the fen: the sum is within half a fen a loan of the engine's total
    assert rows["expected_shortfall"].sum() == pytest.approx(folder["expected_total_shortfall"], abs=0.005 * 4)


def test_bad_books_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["portfolio", str(empty)]) == EXIT_REFUSED
    assert "no pledge case" in capsys.readouterr().err
    raw = json.loads((PLEDGES / "logistics_12m_level.json").read_text(encoding="utf-8"))
    raw["term_sheet"]["term_months"] = 0
    book = tmp_path / "book.json"
    book.write_text(json.dumps({"loans": [raw]}), encoding="utf-8")
    assert main(["portfolio", str(book)]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "book.json loans[0]" in err and "term_months" in err


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_the_book_on_dask_equals_the_local_book(scheduler: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portfolio", str(PLEDGES), "--paths", "600", "--json"]) == EXIT_OK
    local = json.loads(capsys.readouterr().out)
    assert main(["portfolio", str(PLEDGES), "--paths", "600", "--json", "--engine", "dask", "--scheduler",
                 scheduler, "--loans-per-task", "1"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out) == local
    assert main(["portfolio", str(PLEDGES), "--scheduler", scheduler]) == EXIT_REFUSED
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
