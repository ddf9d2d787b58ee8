"""Streaming batches (cli/stream.py and `dataval value` on CSV / Parquet): chunk by chunk in, appended
out, the same table as the whole-table run; refusals leave nothing written; the Dask engine from the CLI
against a scheduler address."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

from base.errors import InvalidInput
from bridges.data_files import load_adjustments, load_comparables, load_price_index
from cli.io import read_batch, write_csv
from cli.main import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, main
from cli.stream import BatchSource, TableSink, value_stream
from valuation.batch import BatchJob, output_columns
from valuation.context import ValuationContext
from valuation.executors import LocalExecutor
from valuation.runner import run_batch
from valuation.synthetic import synthetic_batch

VDATE = date(2025, 12, 31)
MARKET = {"database": load_comparables(), "adjustments": load_adjustments()}


def job(vdate: date, n_draws: int = 40) -> BatchJob:
    ctx = ValuationContext(valuation_date=vdate, price_index=load_price_index(), seed=9, n_draws=n_draws)
    return BatchJob(ctx, MARKET)


@pytest.fixture(scope="module")
def batch_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    t = synthetic_batch(300, seed=31, valuation_date=VDATE).astype({"cost_planning": object})
    t.loc[4, "cost_planning"] = "abc"
    t.loc[4, ["w_cost", "w_income", "w_market"]] = [1.0, 0.0, 0.0]
    t.loc[250, "asset_id"] = t.loc[10, "asset_id"]
    path = tmp_path_factory.mktemp("stream") / "batch.csv"
    t.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def whole(batch_csv: Path) -> pd.DataFrame:
    """The reference: the whole table read at once and valued in one call."""
    return run_batch(read_batch(batch_csv), job(VDATE).ctx, market_kwargs=MARKET).table


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        text = {n: "str" for n, k in output_columns() if k == "str"}
        return pd.read_csv(path, dtype=text, keep_default_na=False, na_values={
            n: [""] for n, _ in output_columns()}, encoding="utf-8-sig")
    return pd.read_parquet(path)


def _as_csv(df: pd.DataFrame, tmp_path: Path) -> pd.DataFrame:
    """``df`` as the CLI writes it to a CSV (money to the fen, ratios to 6 decimals) and reads back."""
    path = tmp_path / "whole.csv"
    write_csv(df, path)
    return _read(path)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    floats = [n for n, k in output_columns() if k == "float"]
    assert_frame_equal(a[floats], b[floats], check_exact=True)
    for n, k in output_columns():
        if k == "str":
            assert a[n].fillna("").tolist() == b[n].fillna("").tolist(), n


def test_csv_in_chunks_to_parquet_equals_the_whole_table(batch_csv: Path, whole: pd.DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    seen: list[tuple[int, int]] = []
    source = BatchSource(batch_csv, chunk_rows=64)
    assert source.total_rows == 300  # lines − header
    with TableSink(out) as sink:
        summary = value_stream(source, job, LocalExecutor(), sink=sink, progress=lambda d, t: seen.append((d, t)))
    assert summary.chunks == 5 and summary.n_assets == 300 and summary.n_failed == 2
    assert [d for d, _ in seen] == [64, 128, 192, 256, 300] and all(t == 300 for _, t in seen)
    assert pq.ParquetFile(out).metadata.num_row_groups == 5  # appended chunk by chunk
    _same(_read(out), whole)
    ok = whole["status"] == "ok"
    assert summary.total_concluded_value == pytest.approx(float(whole.loc[ok, "value"].sum()), rel=1e-13)


def test_parquet_folder_in_chunks_to_csv_equals_the_whole_table(batch_csv: Path, whole: pd.DataFrame,
                                                                tmp_path: Path) -> None:
    folder = tmp_path / "parts"
    folder.mkdir()
    table = read_batch(batch_csv)
    table.iloc[:170].to_parquet(folder / "part-0.parquet", index=False, row_group_size=50)
    table.iloc[170:].to_parquet(folder / "part-1.parquet", index=False, row_group_size=50)
    out = tmp_path / "results.csv"
    source = BatchSource(folder, chunk_rows=90)
    assert source.total_rows == 300
    with TableSink(out) as sink:
        summary = value_stream(source, job, LocalExecutor(threads=2), sink=sink)
    assert summary.n_assets == 300
    _same(_read(out), _as_csv(whole, tmp_path))


def test_a_second_valuation_date_is_refused_and_nothing_is_written(batch_csv: Path, tmp_path: Path) -> None:
    t = read_batch(batch_csv)
    t.loc[200, "valuation_date"] = "2025-06-30"
    src = tmp_path / "two_dates.csv"
    t.to_csv(src, index=False)
    out = tmp_path / "out.parquet"
    with pytest.raises(InvalidInput, match=r"row 202 has 2025-06-30, the batch 2025-12-31"), TableSink(out) as sink:
        value_stream(BatchSource(src, chunk_rows=64), job, LocalExecutor(), sink=sink)
    assert not out.exists() and not (tmp_path / "out.parquet.tmp").exists()


def test_cli_streams_and_refuses_cleanly(batch_csv: Path, whole: pd.DataFrame, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.parquet"
    code = main(["value", str(batch_csv), "--draws", "40", "--seed", "9", "-o", str(out), "--chunk-rows", "128",
                 "--threads", "2", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == EXIT_PARTIAL
    assert payload["summary"]["n_assets"] == 300 and payload["summary"]["chunks"] == 3
    assert len(payload["assets"]) == 300 and payload["assets"][5]["status"] == "ok"
    assert {e["field"] for e in payload["errors"]} == {"cost_planning", "asset_id"}
    _same(_read(out), whole)

    bad = read_batch(batch_csv).assign(colour="red")
    bad_path = tmp_path / "bad.csv"
    bad.to_csv(bad_path, index=False)
    refused = tmp_path / "refused.csv"
    code = main(["value", str(bad_path), "-o", str(refused), "--draws", "10"])
    assert code == EXIT_REFUSED and "unknown columns ['colour']" in capsys.readouterr().err
    assert not refused.exists() and not (tmp_path / "refused.csv.tmp").exists()


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_cli_dask_engine_at_a_scheduler_address(scheduler: str, batch_csv: Path, whole: pd.DataFrame,
                                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert scheduler.startswith("tcp://127.0.0.1:")
    out = tmp_path / "dask.csv"
    code = main(["value", str(batch_csv), "--engine", "dask", "--scheduler", scheduler, "--draws", "40",
                 "--seed", "9", "-o", str(out), "--chunk-rows", "100"])
    assert code == EXIT_PARTIAL
    assert "已评估 298 valued, 失败 2 failed" in capsys.readouterr().out
    _same(_read(out), _as_csv(whole, tmp_path))


def test_cli_refuses_a_scheduler_without_the_dask_engine(batch_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["value", str(batch_csv), "--scheduler", "tcp://127.0.0.1:1", "--draws", "5"])
    assert code == EXIT_REFUSED and "--scheduler needs --engine dask" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_a_clear_refusal() -> None:
    from base.errors import DatavalError
    from cli.dask_executor import DaskExecutor

    with pytest.raises(DatavalError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        DaskExecutor("tcp://127.0.0.1:9", connect_timeout="1s")  # the CLI waits the default 20 s


def test_small_batches_still_exit_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "ten.parquet"
    synthetic_batch(10, seed=3, valuation_date=VDATE).to_parquet(src, index=False)
    code = main(["value", str(src), "--draws", "20", "--chunk-rows", "3"])
    assert code == EXIT_OK and "已评估 10 valued, 失败 0 failed" in capsys.readouterr().out
