"""`dataval profile`: the sample in three formats, the Excel report recalculated by LibreOffice, bad
input refused with nothing written, and a valuation case whose quality is a profile (δ and X1)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook, load_workbook

from base.errors import InvalidInput
from cli.main import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, main
from cli.profiling import SpillingKeyCounter, profile_file
from tests.conftest import require
from tests.valuation.quality.test_sample_by_hand import (
    ACCESSIBILITY,
    ACCURACY,
    COMPLETENESS,
    CONFORMANCE,
    CONSISTENCY,
    SCORES,
    TIMELINESS,
    WEIGHTS,
    Q,
)
from valuation.quality import MemoryKeyCounter, QualityProfile

ROOT = Path(__file__).resolve().parents[1]
QUALITY = ROOT / "data" / "quality"
ORDERS, RULES = QUALITY / "orders.csv", QUALITY / "orders_rules.json"
PARKING = ROOT / "data" / "examples" / "parking_city_investment.json"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _profile_args(*extra: str) -> list[str]:
    return ["profile", str(ORDERS), "--rules", str(RULES), *extra]


# ---------------------------------------------------------------------------------------------------
# the sample


def test_profile_json_and_both_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xlsx, report = tmp_path / "q.xlsx", tmp_path / "q.json"
    code, out, _ = _run(capsys, *_profile_args("--json", "-o", str(xlsx), "-o", str(report)))
    assert code == EXIT_OK
    summary = json.loads(out)["summary"]
    assert summary["records"] == 1000 and summary["weights_source"] == "ahp"
    assert summary["scores"] == pytest.approx(SCORES, abs=1e-12)
    assert summary["weights"] == pytest.approx(WEIGHTS, abs=1e-12)
    assert summary["quality_score"] == pytest.approx(Q, abs=1e-12)
    saved = QualityProfile.model_validate_json(report.read_text(encoding="utf-8"))
    assert saved.quality_score == pytest.approx(Q, abs=1e-12)
    assert saved.source.name == "orders.csv" and saved.source.format == "csv" and len(saved.source.sha256) == 64
    assert saved.rules_source == "orders_rules.json"
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["质量概览 Summary", "检查明细 Checks", "权重 Weights", "说明 Notes"]
    assert {"quality_score", "quality_accuracy"} <= set(wb.defined_names)


def test_profile_text_lists_failures(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, *_profile_args())
    assert code == EXIT_OK
    assert "完整性 completeness" in out and "0.9930" in out and "(4,965/5,000 passed)" in out
    assert "columns.phone.regex: 15 of 980 values failed" in out
    assert f"综合质量 Q = Σ w·s {Q:.4f}" in out


def _typed_copies(tmp_path: Path) -> tuple[Path, Path]:
    """The sample as typed Parquet and Excel (ints, floats, dates; NULL amounts as empty cells)."""
    frame = pd.read_csv(ORDERS, dtype=str, keep_default_na=False)
    amount = [None if a == "NULL" else float(a) for a in frame["amount"]]
    typed = {
        "order_id": [int(x) for x in frame["order_id"]],
        "customer_id": list(frame["customer_id"]),
        "city": list(frame["city"]),
        "order_date": list(frame["order_date"]),  # holds 2025/03/05 typos: stays text
        "ship_date": [date.fromisoformat(x) for x in frame["ship_date"]],
        "status": list(frame["status"]),
        "quantity": [int(x) for x in frame["quantity"]],
        "unit_price": [float(x) for x in frame["unit_price"]],
        "amount": amount,
        "phone": list(frame["phone"]),
        "updated_at": [datetime.fromisoformat(x) for x in frame["updated_at"]],
    }
    parquet = tmp_path / "orders.parquet"
    table = pa.table({k: pa.array(v) for k, v in typed.items()})
    assert table.schema.field("updated_at").type == pa.timestamp("us")
    pq.write_table(table, parquet, row_group_size=300)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(typed))
    for row in zip(*typed.values(), strict=True):
        ws.append([None if v == "" else v for v in row])
    ws.append([None] * len(typed))  # a formatted but empty row at the end is no record
    xlsx = tmp_path / "orders.xlsx"
    wb.save(xlsx)
    return parquet, xlsx


def test_csv_parquet_and_excel_give_the_same_counts(tmp_path: Path) -> None:
    parquet, xlsx = _typed_copies(tmp_path)
    base = profile_file(ORDERS, RULES)
    for path, chunk in ((parquet, 128), (xlsx, 250)):
        other = profile_file(path, RULES, chunk_rows=chunk)
        assert other.records == 1000
        assert other.dimensions == base.dimensions, path.suffix
        assert other.quality_score == base.quality_score
    assert profile_file(xlsx, RULES, sheet="Sheet").source.sheet == "Sheet"


def test_small_csv_blocks_change_nothing(tmp_path: Path) -> None:
    small = profile_file(ORDERS, RULES, block_bytes=4096)  # ≈ 40 records a block
    assert small == profile_file(ORDERS, RULES)


def test_reference_date_from_the_command_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, *_profile_args("--json", "--as-of", "2026-03-31"))
    assert code == EXIT_OK
    summary = json.loads(out)["summary"]
    # as of 2026-03-31 every updated_at is older than 31 days: the newest, 2026-01-15, is 75 days old
    assert summary["as_of"] == "2026-03-31" and summary["scores"]["timeliness"] == 0


def test_spilled_keys_count_like_keys_in_memory(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    hashes = rng.integers(0, 2**64 - 1, 20_000, dtype=np.uint64, endpoint=True)
    hashes[rng.choice(20_000, 300, replace=False)] = hashes[rng.choice(100, 300)]  # repeats of early keys
    records = np.arange(1, 20_001)
    memory = MemoryKeyCounter()
    for partitions in (1, 8, 64):
        folder = tmp_path / str(partitions)
        folder.mkdir()
        spill = SpillingKeyCounter(folder, partitions=partitions, buffer_pairs=5_000)
        for lo in range(0, 20_000, 3_000):
            spill.add(hashes[lo : lo + 3_000], records[lo : lo + 3_000])
            if partitions == 1:
                memory.add(hashes[lo : lo + 3_000], records[lo : lo + 3_000])
        assert spill.duplicates() == memory.duplicates()
    expected = len(hashes) - len(np.unique(hashes))
    assert memory.duplicates()[0] == expected


# ---------------------------------------------------------------------------------------------------
# the Excel report, recalculated by a real spreadsheet program


def test_report_formulas_recalculated_by_libreoffice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    require(soffice is not None, "LibreOffice (soffice)")
    assert soffice is not None
    report = tmp_path / "q.xlsx"
    assert _run(capsys, *_profile_args("-o", str(report)))[0] == EXIT_OK
    out = tmp_path / "recalc"
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "xlsx", "--outdir", str(out), str(report)],
                   check=True, capture_output=True, timeout=180)
    wb = load_workbook(out / "q.xlsx", data_only=True)
    summary = wb["质量概览 Summary"]
    rows = {str(r[0].value).split()[-1]: r for r in summary.iter_rows() if r[0].value}
    for dim, expected in (("accuracy", ACCURACY), ("consistency", CONSISTENCY), ("completeness", COMPLETENESS),
                          ("conformance", CONFORMANCE), ("timeliness", TIMELINESS), ("accessibility", ACCESSIBILITY)):
        assert rows[dim][4].value == pytest.approx(expected, abs=1e-12), dim
        assert rows[dim][5].value == pytest.approx(WEIGHTS[dim], abs=1e-12), dim
    assert rows["completeness"][2].value == 5000 and rows["completeness"][3].value == 4965
    q_row = next(r for r in summary.iter_rows() if str(r[0].value).startswith("综合质量"))
    assert q_row[4].value == pytest.approx(Q, abs=1e-12)
    checks = wb["检查明细 Checks"]
    phone = next(r for r in checks.iter_rows(min_row=2) if r[0].value == "columns.phone.regex")
    assert (phone[7].value, phone[8].value, phone[9].value) == (980, 965, 15)
    assert phone[10].value == pytest.approx(965 / 980, abs=1e-12)
    weights = wb["权重 Weights"]
    figures = {r[0].value: r[1].value for r in weights.iter_rows() if r[0].value}
    assert figures["一致性比率 CR = CI/RI (< 0.10)"] == pytest.approx(0, abs=1e-9)
    assert figures["合计 total"] == pytest.approx(1, abs=1e-12)


# ---------------------------------------------------------------------------------------------------
# bad input: a clear message, exit 2, nothing written


def _refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, data: Path, rules: Path = RULES) -> str:
    out = tmp_path / "never.json"
    xlsx = tmp_path / "never.xlsx"
    code, _, err = _run(capsys, "profile", str(data), "--rules", str(rules), "-o", str(out), "-o", str(xlsx))
    assert code == EXIT_REFUSED, err
    assert not out.exists() and not xlsx.exists()
    assert not list(tmp_path.glob("*.tmp"))
    return err


def _rules(tmp_path: Path, change: Any) -> Path:
    raw = json.loads(RULES.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    shutil.copy(QUALITY / "customers.csv", tmp_path / "customers.csv")
    return path


def test_unreadable_files_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "file not found" in _refused(capsys, tmp_path, tmp_path / "missing.csv")
    bad_parquet = tmp_path / "broken.parquet"
    bad_parquet.write_bytes(b"PAR1 this is not parquet")
    assert "broken.parquet: not a readable Parquet file" in _refused(capsys, tmp_path, bad_parquet)
    bad_xlsx = tmp_path / "broken.xlsx"
    bad_xlsx.write_bytes(b"PK\x03\x04 truncated zip")
    assert "broken.xlsx: not a readable .xlsx workbook" in _refused(capsys, tmp_path, bad_xlsx)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("订单号,金额\n1,2\n".encode("gbk"))
    assert "gbk.csv: not UTF-8 text" in _refused(capsys, tmp_path, gbk)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty.csv: the file is empty" in _refused(capsys, tmp_path, empty)
    txt = tmp_path / "orders.txt"
    txt.write_text("a,b\n", encoding="utf-8")
    assert "profiling reads .csv, .parquet or .xlsx files, got '.txt'" in _refused(capsys, tmp_path, txt)
    twice = tmp_path / "twice.csv"
    twice.write_text("order_id,order_id\n1,2\n", encoding="utf-8")
    assert "the header repeats column names ['order_id']" in _refused(capsys, tmp_path, twice)


def test_a_file_broken_mid_way_names_where_reading_stopped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ORDERS.read_text(encoding="utf-8").splitlines()
    ragged = tmp_path / "ragged.csv"
    body = lines[1:] * 5
    body[3_000] += ",extra"  # record 3,001 has 12 fields
    ragged.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    err = _refused(capsys, tmp_path, ragged)
    assert "ragged.csv: cannot read the table after record" in err and "Expected 11 columns, got 12" in err
    # in 64 KiB blocks (≈ 640 records) the good blocks before the bad one are read first
    with pytest.raises(InvalidInput, match=r"after record [1-9][0-9,]* \(ArrowInvalid: CSV parse error") as exc:
        profile_file(ragged, RULES, block_bytes=1 << 16)
    stopped = int(str(exc.value).split("after record ")[1].split(" ")[0].replace(",", ""))
    assert 0 < stopped <= 3_000
    latin = tmp_path / "latin.csv"
    bad = lines[1].split(",")
    bad[2] = "Montréal"
    latin.write_bytes(("\n".join([lines[0], *lines[1:] * 2]) + "\n").encode("utf-8") + (",".join(bad) + "\n").encode("latin-1"))
    err = _refused(capsys, tmp_path, latin)
    assert "latin.csv: cannot read the table after record" in err and "UTF8" in err


def test_rule_on_a_missing_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def rename(raw: dict[str, Any]) -> None:
        raw["columns"]["mobile"] = raw["columns"].pop("phone")
        raw["completeness"]["required"][4] = "mobile"

    err = _refused(capsys, tmp_path, ORDERS, _rules(tmp_path, rename))
    assert "[field columns.mobile] the table orders.csv has no column 'mobile' (used by columns.mobile)" in err
    assert "its columns are: 'order_id', 'customer_id', 'city'" in err

    def ref_column(raw: dict[str, Any]) -> None:
        raw["accuracy"]["references"][0]["ref_column"] = "town"

    err = _refused(capsys, tmp_path, ORDERS, _rules(tmp_path, ref_column))
    assert "the reference table customers.csv has no column 'town' (used by accuracy.references[0].ref_column)" in err


def test_invalid_regex_and_other_bad_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def regex(raw: dict[str, Any]) -> None:
        raw["columns"]["phone"]["regex"] = "1[3-9][0-9{9}"

    err = _refused(capsys, tmp_path, ORDERS, _rules(tmp_path, regex))
    assert "rules.json: the quality rules are not valid" in err
    assert "columns.phone.regex: invalid regular expression '1[3-9][0-9{9}': unterminated character set at position 6" in err  # the [ after 1[3-9]

    def expression(raw: dict[str, Any]) -> None:
        raw["consistency"]["rules"][0]["check"] = "ship_date >= "

    assert "consistency.rules[0].check: not a valid expression" in _refused(
        capsys, tmp_path, ORDERS, _rules(tmp_path, expression))

    def unknown(raw: dict[str, Any]) -> None:
        raw["timeliness"]["frequency"] = "monthly"

    assert "timeliness.frequency: 未知的键 (unknown key" in _refused(capsys, tmp_path, ORDERS, _rules(tmp_path, unknown))

    def no_table(raw: dict[str, Any]) -> None:
        raw["consistency"]["foreign_keys"][0]["table"] = "clients.csv"

    assert "reference table 'clients.csv' of rules.json: 文件不存在 file not found" in _refused(
        capsys, tmp_path, ORDERS, _rules(tmp_path, no_table))
    broken = tmp_path / "broken.json"
    broken.write_text('{"dataset": "x",', encoding="utf-8")
    assert "broken.json: not valid JSON at line 1" in _refused(capsys, tmp_path, ORDERS, broken)


def test_bad_output_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, *_profile_args("-o", str(tmp_path / "q.csv")))
    assert code == EXIT_REFUSED and "-o writes the report as .xlsx or .json, got q.csv" in err


def test_an_unmeasured_dimension_exits_3_and_still_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "partial.json"
    rules.write_text(json.dumps({"dataset": "x", "completeness": {"required": ["order_id", "phone"]}}), encoding="utf-8")
    out = tmp_path / "partial_report.json"
    code, text, err = _run(capsys, "profile", str(ORDERS), "--rules", str(rules), "-o", str(out))
    assert code == EXIT_PARTIAL and "not measured: accuracy, consistency, conformance" in err
    assert "完整性 completeness" in text and "0.9900" in text  # (2,000 − 20 blank phones) / 2,000
    assert QualityProfile.model_validate_json(out.read_text(encoding="utf-8")).quality_score is None


# ---------------------------------------------------------------------------------------------------
# a valuation case whose quality is a profile


def _case_with_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str], *, keep_weights: bool) -> Path:
    report = tmp_path / "reports" / "orders_profile.json"
    report.parent.mkdir()
    assert _run(capsys, *_profile_args("-o", str(report)))[0] == EXIT_OK
    raw = json.loads(PARKING.read_text(encoding="utf-8"))
    asset = raw["assets"][0]
    asset["asset"]["quality"] = {"profile": "reports/orders_profile.json"}  # relative to the case file
    if not keep_weights:
        del asset["cost"]["delta"]["quality_weights"]
    case = tmp_path / "case.json"
    case.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return case


def _value(capsys: pytest.CaptureFixture[str], case: Path) -> dict[str, Any]:
    code, out, err = _run(capsys, "value", str(case), "--json", "--full", "--draws", "0")
    assert code == EXIT_OK, err
    result: dict[str, Any] = json.loads(out)["result"]["valuations"][0]
    return result


def _comparable_quality() -> dict[str, float]:
    with (ROOT / "data" / "comparables.csv").open(encoding="utf-8") as f:
        return {r["comp_id"]: float(r["quality"]) for r in csv.DictReader(f)}


def test_value_with_profiled_quality_drives_delta_and_x1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    v = _value(capsys, _case_with_profile(tmp_path, capsys, keep_weights=False))
    quality = v["asset"]["quality"]
    assert {k: quality[k] for k in SCORES} == pytest.approx(SCORES, abs=1e-12)
    assert "orders_profile.json" in quality["evidence"] and "4,965/5,000 passed" in quality["evidence"]
    figures = {f["name"]: f["value"] for f in v["cost"]["figures"]}
    # the case states no quality weights: the profile's AHP weights (4, 2, 2, 1, 1, 2)/12 are used, so δ_q = Q
    assert figures["delta_quality"] == pytest.approx(Q, abs=1e-12)
    # δ = δ_q × δ_life, δ_life = remaining / (elapsed + remaining) = 2.5 / (1.75 + 2.5)
    assert figures["delta"] == pytest.approx(Q * 2.5 / (1.75 + 2.5), abs=1e-12)
    assert figures["P"] == pytest.approx(figures["C"] * Q * 2.5 / 4.25, rel=1e-12)
    delta = v["cost"]["detail"]["delta"]
    assert delta["quality"]["weights_source"] == "ahp" and "weights from quality profile" in delta["evidence"]
    # market: target quality = Q, X1 = Q / comparable quality
    market = v["market"]["detail"]
    assert market["target"]["quality"] == pytest.approx(Q, abs=1e-12)
    comps = _comparable_quality()
    for row in market["grid"]:
        assert row["x1"]["value"] == pytest.approx(Q / comps[row["comp_id"]], rel=1e-12)


def test_the_case_own_weights_win(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    v = _value(capsys, _case_with_profile(tmp_path, capsys, keep_weights=True))
    own = json.loads(PARKING.read_text(encoding="utf-8"))["assets"][0]["cost"]["delta"]["quality_weights"]
    # 0.25·accuracy + 0.15·consistency + 0.20·completeness + 0.10·conformance + 0.20·timeliness + 0.10·access
    expected = sum(own[k] * SCORES[k] for k in SCORES)
    figures = {f["name"]: f["value"] for f in v["cost"]["figures"]}
    assert figures["delta_quality"] == pytest.approx(expected, abs=1e-12)
    assert expected != pytest.approx(Q, abs=1e-6)


def _case_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], quality: Any) -> str:
    raw = json.loads(PARKING.read_text(encoding="utf-8"))
    raw["assets"][0]["asset"]["quality"] = quality
    case = tmp_path / "bad_case.json"
    case.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    code, _, err = _run(capsys, "value", str(case), "--json")
    assert code == EXIT_REFUSED
    return err


def test_bad_profile_references_name_asset_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _case_refused(tmp_path, capsys, {"profile": "nowhere.json"})
    assert "PARK-001" in err and "asset.quality.profile" in err and "file not found" in err
    err = _case_refused(tmp_path, capsys, {"profile": "x.json", "accuracy": 0.9})
    assert "asset.quality" in err and "only the key 'profile'" in err
    # a report whose figures were typed over is refused
    good = tmp_path / "r.json"
    assert _run(capsys, *_profile_args("-o", str(good)))[0] == EXIT_OK
    raw = json.loads(good.read_text(encoding="utf-8"))
    raw["dimensions"][0]["score"] = 1.0
    (tmp_path / "typed_over.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    err = _case_refused(tmp_path, capsys, {"profile": "typed_over.json"})
    assert "not a valid dataval quality profile report" in err and "does not follow from its checks" in err
    # a profile that measured only completeness cannot give six scores
    partial_rules = tmp_path / "partial.json"
    partial_rules.write_text(json.dumps({"dataset": "x", "completeness": {"required": ["phone"]}}), encoding="utf-8")
    assert _run(capsys, "profile", str(ORDERS), "--rules", str(partial_rules), "-o", str(tmp_path / "p.json"))[0] == 3
    err = _case_refused(tmp_path, capsys, {"profile": "p.json"})
    assert "expected a score on all six GB/T 36344 dimensions" in err and "准确性 accuracy" in err


def test_an_excel_table_whose_sheet_is_damaged_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The sheet's XML is parsed as its rows are read: a cut-short sheet is a refusal (exit 2), no report."""
    from tests.xlsx_damage import cut_sheet

    _, xlsx = _typed_copies(tmp_path)
    damaged = cut_sheet(xlsx, tmp_path / "damaged.xlsx", "Sheet")
    out = tmp_path / "report.json"
    assert main(["profile", str(damaged), "--rules", str(RULES), "-o", str(out)]) == EXIT_REFUSED
    assert "无法读取表格 damaged.xlsx [Sheet]: cannot read the table after record" in capsys.readouterr().err
    assert not out.exists()
