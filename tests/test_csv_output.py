"""CSVs the CLI writes open cleanly in Excel on Windows: UTF-8 with a BOM (Chinese names intact), money to
the fen (half-up, base.money), other floats to a fixed number of decimals; pledge amounts printed to the fen."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cli.io import RATIO_DECIMALS, is_money, write_csv
from cli.main import EXIT_OK, main
from tests.conftest import require

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
PLEDGE = EXAMPLES / "pledges" / "logistics_12m_level.json"
BOM = b"\xef\xbb\xbf"
CENT = Decimal("0.01")
AT_MOST_2 = re.compile(r"-?\d+(\.\d{1,2})?")
FORMULA_NAME = "=1+1 公式"

# the batch results' money columns (valuation/batch.py output_columns): values, their P5/P50/P95, CNY figures
BATCH_MONEY = ["value", "p5", "p50", "p95", "cost_C", "cost_opportunity", "cost_taxes", "income_cash_flow_1",
               "market_adjusted_min", "market_adjusted_max"] + [
    f"{m}{s}" for m in ("cost", "income", "market") for s in ("_p5", "_p50", "_p95")] + [
    f"value_{m}" for m in ("cost", "income", "market")]
BATCH_RATIOS = ["w_cost", "w_income", "w_market", "cost_index_factor", "cost_delta", "cost_delta_quality",
                "income_tax_factor", "market_target_quality", "market_similarity_mean"]


def _quiet_main(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return code, out.getvalue()


def _to_fen(x: float | str) -> Decimal:
    """Half-up to the fen, from the number's shortest decimal text (as JSON and repr write it)."""
    return Decimal(str(x)).quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """12 assets of the sample batch (one named like a formula) valued once to CSV with --json, and once
    to Parquet (full precision)."""
    tmp = tmp_path_factory.mktemp("csv_output")
    src = pd.read_csv(EXAMPLES / "batch_1000.csv", dtype=str, keep_default_na=False).head(12)
    src.loc[3, "name"] = FORMULA_NAME
    source = tmp / "batch.csv"
    src.to_csv(source, index=False, encoding="utf-8")
    results = tmp / "results.csv"
    code, out = _quiet_main("value", str(source), "--json", "--draws", "200", "-o", str(results))
    assert code == EXIT_OK
    full = tmp / "results.parquet"
    assert _quiet_main("value", str(source), "--draws", "200", "-o", str(full))[0] == EXIT_OK
    with results.open(encoding="utf-8-sig", newline="") as f:  # as Excel reads it: the BOM says UTF-8
        rows = list(csv.DictReader(f))
    return {"tmp": tmp, "source": src, "path": results, "json": json.loads(out), "rows": rows,
            "full": pd.read_parquet(full)}


def test_batch_csv_has_a_bom_and_the_chinese_names_round_trip(batch: dict[str, Any]) -> None:
    raw = batch["path"].read_bytes()
    assert raw.startswith(BOM) and not raw[3:].startswith(BOM) and raw.count(BOM) == 1
    names = list(batch["source"]["name"])
    assert all(re.search(r"[\u4e00-\u9fff]", n) for n in names)
    table = pd.read_csv(batch["path"], encoding="utf-8-sig", dtype={"asset_id": str})
    assert table.columns[0] == "asset_id"  # the BOM is not part of the first header
    assert list(table["asset_id"]) == list(batch["source"]["asset_id"])
    rows = batch["rows"]
    assert next(iter(rows[0])) == "asset_id"
    shown = [r["name"] for r in rows]
    assert shown[3] == "'" + FORMULA_NAME  # a formula-like name stays inert (quote prefix), as before
    assert shown[:3] + shown[4:] == names[:3] + names[4:]
    assert list(table["name"]) == shown


def test_money_columns_are_to_the_fen_and_no_float_noise(batch: dict[str, Any]) -> None:
    rows = batch["rows"]
    columns = list(rows[0])
    assert set(BATCH_MONEY) <= set(columns)
    assert all(is_money(c) for c in BATCH_MONEY)
    assert not any(is_money(c) for c in BATCH_RATIOS)
    for c in BATCH_MONEY:
        cells = [r[c] for r in rows if r[c] != ""]
        assert cells, c
        bad = [v for v in cells if not AT_MOST_2.fullmatch(v)]
        assert not bad, (c, bad)
    for c in BATCH_RATIOS:
        assert all(len(v.partition(".")[2]) <= RATIO_DECIMALS for v in (r[c] for r in rows)), c
    text = batch["path"].read_text(encoding="utf-8-sig")
    assert not re.search(r"\d\.\d{7,}", text)  # no 5563648.118951208 anywhere


def test_csv_value_is_the_json_value_rounded_half_up(batch: dict[str, Any]) -> None:
    assets = {a["asset_id"]: a for a in batch["json"]["assets"]}
    for r in batch["rows"]:
        a = assets[r["asset_id"]]
        # e.g. 21223959.751224205 → 21,223,959.75: Decimal("21223959.75").quantize(0.01, ROUND_HALF_UP)
        assert Decimal(r["value"]) == _to_fen(a["value"]), r["asset_id"]


def test_csv_money_is_the_full_figure_rounded_half_up(batch: dict[str, Any]) -> None:
    """Against the Parquet output (full precision): every money cell = Decimal(repr(x)) half-up to 0.01."""
    full = batch["full"].set_index("asset_id")
    for r in batch["rows"]:
        for c in BATCH_MONEY:
            x = full.at[r["asset_id"], c]
            if pd.isna(x):
                assert r[c] == ""
            else:
                assert Decimal(r[c]) == Decimal(repr(float(x))).quantize(CENT, rounding=ROUND_HALF_UP), (c, x)


def test_half_a_fen_rounds_up_as_the_ledger_does(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"name": ["甲", "乙", "丙", "丁"], "amount": [2.675, 0.125, -0.001, float("nan")],
                            "prob_shortfall": [0.1234567891, 1 / 3, 0.0, 1.0]}), out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    # 2.675 is read as "2.675" (its repr; the binary 2.67499… would give 2.67) and 0.125 goes up, not to even
    assert [r["amount"] for r in rows] == ["2.68", "0.13", "0.00", ""]
    assert [r["prob_shortfall"] for r in rows] == ["0.123457", "0.333333", "0.0", "1.0"]
    assert [r["name"] for r in rows] == ["甲", "乙", "丙", "丁"]


def test_loan_book_csv_is_for_excel_too(tmp_path: Path) -> None:
    out = tmp_path / "loans.csv"
    assert _quiet_main("portfolio", str(EXAMPLES / "pledges"), "--paths", "400", "-o", str(out))[0] == EXIT_OK
    assert out.read_bytes().startswith(BOM)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    money_cols = ["amount", "collateral_value", "liquidation_value", "expected_shortfall", "conditional_shortfall",
                  "el_ineligible", "el_eligible"]
    for c in money_cols:
        assert is_money(c) and all(AT_MOST_2.fullmatch(r[c]) for r in rows), c
    for c in ("prob_shortfall", "prob_shortfall_final"):
        assert not is_money(c) and all(len(r[c].partition(".")[2]) <= RATIO_DECIMALS for r in rows), c


def test_pledge_amounts_are_printed_to_the_fen() -> None:
    from bridges.data_files import load_bank_policy
    from pledge import assess, case_from_dict

    engine = assess(case_from_dict(json.loads(PLEDGE.read_text(encoding="utf-8")), load_bank_policy()))
    expected = Decimal(repr(engine.max_loan.amount)).quantize(CENT, rounding=ROUND_HALF_UP)

    code, out = _quiet_main("pledge", str(PLEDGE))
    assert code == EXIT_OK
    shown = re.search(r"最高可贷额度 maximum loan\s+([\d,]+\.\d+) CNY", out)
    assert shown is not None
    assert re.fullmatch(r"[\d,]+\.\d{2}", shown.group(1)) and Decimal(shown.group(1).replace(",", "")) == expected

    code, out = _quiet_main("pledge", str(PLEDGE), "--json")
    assert code == EXIT_OK
    result = json.loads(out)
    ml = result["max_loan"]
    assert Decimal(str(ml["amount"])) == expected  # e.g. 1874007.619564344 → 1874007.62
    amounts = [ml["amount"], ml["requested"], ml["headroom"], result["collateral"]["collateral_value"],
               result["collateral"]["liquidation"]["liquidation_value"], result["simulation"]["expected_shortfall"],
               result["simulation"]["conditional_shortfall"], result["loss"]["el_eligible"],
               *result["collateral"]["values_by_method"].values(), *(c["amount"] for c in ml["constraints"]),
               *(p[k] for p in result["path"] for k in ("exposure", "liquidation_value", "value_p5", "value_p95")),
               *(s["value_at_breach"] for s in result["reverse_stress"])]
    assert all(AT_MOST_2.fullmatch(repr(float(a))) for a in amounts), amounts
    assert result["collateral"]["liquidation"]["discount_factor"] == pytest.approx(1 / 1.05)  # ratios untouched


def test_libreoffice_reads_the_chinese_names_of_the_batch_csv(batch: dict[str, Any], tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice (soffice)")
    assert soffice is not None
    from openpyxl import load_workbook

    out = tmp_path / "xlsx"
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--infilter=CSV:44,34,76", "--convert-to", "xlsx", "--outdir", str(out), str(batch["path"])],
                   check=True, capture_output=True, timeout=180)
    ws = load_workbook(out / "results.xlsx", read_only=True).active
    assert ws is not None
    header, first = (list(r) for r in ws.iter_rows(min_row=1, max_row=2, values_only=True))
    assert header[0] == "asset_id"
    assert first[header.index("name")] == batch["rows"][0]["name"]
    assert first[header.index("value")] == pytest.approx(float(batch["rows"][0]["value"]), abs=1e-9)
