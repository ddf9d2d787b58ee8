"""The CLI end to end on the bundled examples: `dataval value <each>.json --json`, the batch, schema, template."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli.main import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, main

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
CASES = sorted(EXAMPLES.glob("*.json"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_there_are_three_sample_engagements() -> None:
    assert {p.stem for p in CASES} >= {"parking_city_investment", "logistics_data_product", "credit_scoring_internal"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_value_example_json(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "value", str(case), "--json", "--draws", "300")
    assert code == EXIT_OK
    summary = json.loads(out)
    assert summary["errors"] == []
    for a in summary["assets"]:
        # concluded = Σ w_m V_m over the methods run (to the fen, each term rounded to the fen)
        expected = sum(a["weights"][m] * v for m, v in a["methods"].items())
        assert a["concluded_value"] == pytest.approx(expected, abs=0.02)
        r = a["range"]
        assert r["p5"] <= r["p50"] <= r["p95"]
        assert set(a["method_ranges"]) == set(a["methods"])


def test_full_json_carries_the_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "value", str(EXAMPLES / "parking_city_investment.json"), "--json", "--full",
                       "--draws", "100")
    assert code == EXIT_OK
    result = json.loads(out)["result"]
    v = result["valuations"][0]
    for method in ("cost", "income", "market"):
        assert v[method]["formula"] and v[method]["figures"], method
    assert v["conclusion"]["analysis"] and v["conclusion"]["tornado"]
    assert len(result["inputs_fingerprint"]) == 64


def test_value_sample_batch(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_path = tmp_path / "results.parquet"
    code, out, _ = run(capsys, "value", str(EXAMPLES / "batch_1000.csv"), "--json", "--draws", "200",
                       "-o", str(out_path))
    assert code == EXIT_OK
    payload = json.loads(out)
    assert payload["summary"]["n_assets"] == 1000 and payload["summary"]["n_ok"] == 1000
    first = payload["assets"][0]
    assert first["p5"] <= first["p50"] <= first["p95"]
    tidy = pd.read_parquet(out_path)
    assert len(tidy) == 1000 and (tidy["status"] == "ok").all()
    weighted = (tidy[["value_cost", "value_income", "value_market"]].fillna(0).to_numpy()
                * tidy[["w_cost", "w_income", "w_market"]].to_numpy()).sum(axis=1)
    assert weighted == pytest.approx(tidy["value"].to_numpy(), rel=1e-12)


def test_batch_with_bad_rows_values_the_rest(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table = pd.read_csv(EXAMPLES / "batch_1000.csv", dtype={"asset_id": str}).head(6)
    table = table.astype({"cost_planning": object, "w_cost": float})
    table.loc[0, "cost_planning"] = -5          # negative cost
    table.loc[1, "cost_planning"] = "abc"       # text in a number column
    table.loc[2, ["w_cost", "w_income", "w_market"]] = [0.5, 0.4, 0.0]  # weights sum to 0.9
    table.loc[3, "asset_id"] = table.loc[4, "asset_id"]  # duplicate id
    for row in (0, 1):
        table.loc[row, ["w_cost", "w_income", "w_market"]] = [1.0, 0.0, 0.0]
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    code, out, _ = run(capsys, "value", str(path), "--json", "--draws", "50")
    assert code == EXIT_PARTIAL
    payload = json.loads(out)
    errors = payload["errors"]
    fields = {(e["asset_id"], e["field"]) for e in errors}
    ids = table["asset_id"].tolist()
    assert (ids[0], "cost_planning") in fields
    assert (ids[1], "cost_planning") in fields
    assert any(e["asset_id"] == ids[2] and e["rule"] == "weights_sum" for e in errors)
    assert any(e["field"] == "asset_id" and "repeated" in e["message"] for e in errors)
    status = {a["asset_id"]: a["status"] for a in payload["assets"]}
    assert status[ids[5]] == "ok"
    assert payload["summary"]["n_failed"] == 4


def test_schema_and_batch_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == EXIT_OK
    schema = json.loads(out)
    assert {"engagement", "assets"} <= set(schema["properties"])
    code, out, _ = run(capsys, "schema", "--batch")
    names = {c["name"] for c in json.loads(out)}
    assert {"asset_id", "w_cost", "cost_planning", "income_form", "market_beta"} <= names


def test_template_round_trip_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    xlsx = tmp_path / "case.xlsx"
    code, _, _ = run(capsys, "template", "-o", str(xlsx))
    assert code == EXIT_OK and xlsx.exists()
    code, out, _ = run(capsys, "value", str(xlsx), "--json", "--draws", "100")
    assert code == EXIT_OK
    from_xlsx = json.loads(out)
    code, out, _ = run(capsys, "value", str(EXAMPLES / "parking_city_investment.json"), "--json", "--draws", "100")
    assert json.loads(out)["assets"] == from_xlsx["assets"]


def test_refused_input_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"engagement": {', encoding="utf-8")
    code, _, err = run(capsys, "value", str(bad))
    assert code == EXIT_REFUSED and "not valid JSON at line 1" in err
    code, _, err = run(capsys, "value", str(tmp_path / "missing.json"))
    assert code == EXIT_REFUSED and "file not found" in err


def test_output_closed_by_the_reader_is_not_a_traceback() -> None:
    """``dataval value batch.csv --json | head``: the reader leaves early; no traceback on stderr."""
    import subprocess
    import sys

    batch = Path(__file__).resolve().parents[1] / "data" / "examples" / "batch_1000.csv"
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "value", str(batch), "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10) == b'{\n  "summa'
    proc.stdout.close()  # the JSON of 1,000 assets is far larger than the pipe's buffer
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def _must_not_run(*_: object, **__: object) -> None:
    raise AssertionError("valuation ran before -o was refused")


@pytest.fixture
def no_valuation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every way `dataval value` reads or values an input fails the test if it is called."""
    import cli.io
    import cli.stream
    import valuation.engine
    import valuation.runner

    for module, name in ((valuation.runner, "run_batch"), (cli.stream, "value_stream"),
                         (cli.io, "read_batch"), (valuation.engine, "value_case"), (cli.io, "read_case")):
        monkeypatch.setattr(module, name, _must_not_run)


CASE_SUFFIX = "-o for a case writes the full result as .json or the workpapers as .xlsx, got "
BATCH_SUFFIX = "results are written as .csv or .parquet, got "


@pytest.mark.usefixtures("no_valuation")
@pytest.mark.parametrize(("source", "output", "expected"), [
    ("batch_1000.csv", "results.xlsx", BATCH_SUFFIX + "results.xlsx"),
    ("batch_1000.csv", "results.json", BATCH_SUFFIX + "results.json"),
    ("batch_1000.csv", "missing/results.parquet", "the folder {tmp}/missing does not exist"),
    ("batch_1000.csv", "folder.parquet", "-o {tmp}/folder.parquet is a folder: give a file name"),
    ("parking_city_investment.json", "results.csv", CASE_SUFFIX + "results.csv"),
    ("parking_city_investment.json", "missing/results.json", "the folder {tmp}/missing does not exist"),
    ("parking_city_investment.json", "folder.json", "-o {tmp}/folder.json is a folder: give a file name"),
], ids=["batch-xlsx", "batch-json", "batch-no-folder", "batch-is-folder", "case-csv", "case-no-folder",
        "case-is-folder"])
def test_bad_output_is_refused_before_any_valuation(source: str, output: str, expected: str,
                                                    capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A batch writes .csv / .parquet, a case .json / .xlsx, into an existing folder: anything else is refused
    with exit 2 before the input is read or valued (the readers and runners fail the test if called)."""
    if output.startswith("folder"):
        (tmp_path / output).mkdir()
    code, stdout, err = run(capsys, "value", str(EXAMPLES / source), "--progress", "-o", str(tmp_path / output))
    assert code == EXIT_REFUSED
    assert expected.format(tmp=tmp_path) in err and "valuing" not in err and stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ([output] if output.startswith("folder") else [])
