"""No raw enum value and no untranslated library message in what the CLI prints for the sample runs (text,
the appraisal disclosure, refusals)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from cli.main import main
from tests.raw_values import offending, raw_values

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "data" / "examples"
RUNS = [
    ["value", str(EX / "parking_city_investment.json")],
    ["value", str(EX / "credit_scoring_internal.json"), "--disclosure"],
    ["value", str(EX / "logistics_data_product.json"), "--disclosure"],
    ["value", str(EX / "batch_1000.csv")],
    ["book", str(EX / "books" / "self_developed_dataset.json"), "--as-of", "2025-12-31"],
    ["book", str(EX / "books" / "data_inventory.json"), "--as-of", "2025-12-31"],
    ["book", str(EX / "books" / "opening_balances.json"), "--as-of", "2025-12-31"],
    ["pledge", str(EX / "pledges" / "retail_6m_bullet_over_limit.json")],
    ["pledge", str(EX / "pledges" / "self_developed_with_books.json"), "--books",
     str(EX / "books" / "self_developed_dataset.json")],
    ["portfolio", str(EX / "pledges"), "--paths", "200"],
    ["--help"],
    ["--lang", "en", "pledge", str(EX / "pledges" / "retail_6m_bullet_over_limit.json")],
    ["--lang", "en", "value", str(EX / "credit_scoring_internal.json"), "--disclosure"],
    ["--lang", "en", "book", str(EX / "books" / "data_inventory.json"), "--as-of", "2025-12-31"],
]


def test_the_scan_knows_the_raw_values() -> None:
    values = raw_values()
    assert {"value_in_use", "ltv_max", "internal_rd", "direct_construction"} <= values
    assert offending(["价值类型 value type: 在用价值 (value in use)"], values) == []
    assert offending(["价值类型: value_in_use"], values) != []


@pytest.mark.parametrize("argv", RUNS, ids=lambda a: " ".join(Path(x).name for x in a[:4]))
def test_sample_runs_print_no_raw_value(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with contextlib.suppress(SystemExit):  # --help exits
        main(argv)
    out = capsys.readouterr()
    assert offending([out.out, out.err], raw_values()) == []


def test_refusals_print_no_raw_value_nor_library_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = json.loads((EX / "parking_city_investment.json").read_text(encoding="utf-8"))
    raw["engagement"]["purpose"] = "tax"
    raw["assets"][0]["cost"]["lines"][0]["amount"] = -5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert main(["value", str(bad)]) == 2
    out = capsys.readouterr()
    assert offending([out.out, out.err], raw_values()) == []
