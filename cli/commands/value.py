"""``dataval value``: one engagement (JSON / Excel case) or a flat batch (CSV / Parquet / Excel)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from base import DEFAULT_SEED
from base.errors import DatavalError
from cli.commands.common import EXIT_OK, EXIT_PARTIAL, draws, dump, integer, iso_date
from cli.i18n import h, label, pad
from cli.progress import ProgressBar


def _case_summary(result: Any) -> dict[str, Any]:
    rows = []
    for v in result.valuations:
        c = v.conclusion
        rows.append(
            {
                "asset_id": v.asset.asset_id,
                "name": v.asset.name,
                "methods": {r.method.value: round(r.value, 2) for r in v.method_results()},
                "weights": {w.method.value: w.weight for w in c.weights},
                "concluded_value": round(c.value, 2),
                "range": None
                if c.value_range is None
                else {"p5": round(c.value_range.p5, 2), "p50": round(c.value_range.p50, 2),
                      "p95": round(c.value_range.p95, 2)},
                "method_ranges": {
                    m.value: {"p5": round(r.p5, 2), "p50": round(r.p50, 2), "p95": round(r.p95, 2)}
                    for m, r in c.method_ranges.items()
                },
            }
        )
    return {
        "case_id": result.engagement.case_id,
        "valuation_date": str(result.engagement.valuation_date),
        "purpose": result.engagement.purpose.value,
        "value_type": result.engagement.value_type.value,
        "assets": rows,
        "errors": [e.model_dump() for e in result.errors],
    }


def _print_case_text(summary: dict[str, Any]) -> None:
    print(f"案例 case {summary['case_id']} · 评估基准日 valuation date {summary['valuation_date']} · "
          f"评估目的 purpose {label(summary['purpose'], 'method')} · "
          f"价值类型 value type {label(summary['value_type'], 'method')}")
    for a in summary["assets"]:
        print(f"\n{a['asset_id']}  {a['name']}")
        for m, v in a["methods"].items():
            print(f"  {pad(label(m, 'method'), 26)} {v:>18,.2f} CNY  权重 weight {a['weights'].get(m, 0):.0%}")
        print(f"  {pad('评估结论 concluded', 26)} {a['concluded_value']:>18,.2f} CNY")
        if a["range"]:
            r = a["range"]
            print(f"  价值区间 range P5 {r['p5']:,.2f} · P50 {r['p50']:,.2f} · P95 {r['p95']:,.2f}")
    for e in summary["errors"]:
        print(f"\n错误 error  {e['asset_id']} {e['field'] or ''}: {e['message']}", file=sys.stderr)


def _value_case(path: Path, args: argparse.Namespace) -> int:
    from bridges.data_files import load_market_data, load_price_index
    from cli.io import read_case, write_text

    case, load_errors = read_case(path)
    from valuation.engine import value_case  # once the case is read: a refused case loads no method

    if args.seed is not None or args.draws is not None:
        sim = case.simulation.model_copy(
            update={k: v for k, v in (("seed", args.seed), ("n_draws", args.draws)) if v is not None}
        )
        case = case.model_copy(update={"simulation": sim})
    result = value_case(
        case,
        default_price_index=load_price_index(),
        market_data=load_market_data(),
        prior_errors=load_errors,
        progress=ProgressBar("估值中 valuing", force=args.progress),
    )
    summary = _case_summary(result)
    if args.output:
        out = Path(args.output)  # suffix and folder checked by _check_output before any work
        if out.suffix.lower() == ".xlsx":
            from cli.commands.export import write_xlsx

            write_xlsx(out, valuation=(path, case, result, case.price_index or load_price_index()))
        else:
            write_text(dump(result.model_dump(mode="json")), out)
    if args.disclosure:
        from valuation.disclosure import appraisal_disclosure

        for v in result.valuations:
            print(appraisal_disclosure(result.engagement, v))
    elif args.json:
        print(dump({**summary, "result": result.model_dump(mode="json") if args.full else None}))
    else:
        _print_case_text(summary)
    return EXIT_PARTIAL if result.errors else EXIT_OK


def _executor(args: argparse.Namespace) -> Any:
    """The executor chosen by --engine (local threads, or Dask at --scheduler / a LocalCluster)."""
    from cli.executors import make_executor

    if args.engine == "dask":
        return make_executor("dask", address=args.scheduler, n_workers=args.workers)
    if args.scheduler:
        raise DatavalError("参数冲突 --scheduler needs --engine dask")
    return make_executor("local", threads=args.threads)


def _batch_ctx(vdate: Any, args: argparse.Namespace) -> Any:
    from bridges.data_files import load_price_index
    from valuation.context import ValuationContext

    return ValuationContext(
        valuation_date=vdate,
        price_index=load_price_index(),
        seed=args.seed if args.seed is not None else DEFAULT_SEED,
        n_draws=args.draws if args.draws is not None else 1000,
    )


def _value_streamed(path: Path, args: argparse.Namespace) -> int:
    """CSV / Parquet in, CSV / Parquet out, chunk by chunk (cli/stream.py): bounded memory."""
    from bridges.data_files import load_market_data
    from cli.stream import BatchSource, TableSink, value_stream
    from valuation.batch import BatchJob

    md = load_market_data()
    source = BatchSource(path, chunk_rows=args.chunk_rows)
    sink = TableSink(Path(args.output)) if args.output else None
    rows = f"{source.total_rows:,} " if source.total_rows is not None else ""
    with _executor(args) as executor:
        try:
            summary = value_stream(
                source,
                lambda vdate: BatchJob(_batch_ctx(vdate, args),
                                       {"database": md.database, "adjustments": md.adjustments}),
                executor,
                sink=sink,
                valuation_date=args.valuation_date,
                progress=ProgressBar(f"估值中 valuing {rows}assets ({executor.describe()})", force=args.progress),
                keep_records=args.json,
            )
        except BaseException:
            if sink is not None:
                sink.abort()
            raise
    if sink is not None:
        sink.commit()
    report = {
        "source": path.name,
        "valuation_date": str(summary.valuation_date),
        "n_assets": summary.n_assets,
        "n_ok": summary.n_ok,
        "n_failed": summary.n_failed,
        "total_concluded_value": round(summary.total_concluded_value, 2),
        "seed": args.seed if args.seed is not None else DEFAULT_SEED,
        "n_draws": args.draws if args.draws is not None else 1000,
        "engine": args.engine,
        "chunks": summary.chunks,
    }
    _report_batch(report, summary.errors, summary.records or [], args, n_errors=summary.n_errors)
    return EXIT_PARTIAL if summary.n_errors else EXIT_OK


def _report_batch(summary: dict[str, Any], errors: list[Any], records: list[dict[str, Any]],
                  args: argparse.Namespace, *, n_errors: int) -> None:
    if args.json:
        print(dump({"summary": summary, "assets": records, "errors": [e.__dict__ for e in errors]}))
        return
    print(f"批量评估 batch {summary['source']}: 已评估 {summary['n_ok']:,} valued, 失败 {summary['n_failed']:,} failed; "
          f"评估结论合计 total concluded value {summary['total_concluded_value']:,.2f} CNY")
    for e in errors[:20]:
        print(f"  错误 error {e.asset_id} {e.field or ''}: {e.message}", file=sys.stderr)
    if n_errors > 20:
        print(f"  …另有 {n_errors - 20} 项 and {n_errors - 20} more (见 --json 或 -o; use --json or -o)", file=sys.stderr)


def _value_batch(path: Path, args: argparse.Namespace) -> int:
    import numpy as np

    from bridges.data_files import load_market_data, load_price_index
    from cli.io import batch_valuation_date, read_batch, write_table
    from cli.stream import can_stream
    from valuation.context import ValuationContext
    from valuation.runner import run_batch

    if can_stream(path):  # -o, if given, is .csv / .parquet (_check_output)
        return _value_streamed(path, args)
    table = read_batch(path)
    vdate = batch_valuation_date(table, args.valuation_date, source=path.name)
    ctx = ValuationContext(
        valuation_date=vdate,
        price_index=load_price_index(),
        seed=args.seed if args.seed is not None else DEFAULT_SEED,
        n_draws=args.draws if args.draws is not None else 1000,
    )
    md = load_market_data()
    with _executor(args) as executor:
        result = run_batch(
            table,
            ctx,
            market_kwargs={"database": md.database, "adjustments": md.adjustments},
            progress=ProgressBar(f"估值中 valuing {len(table):,} assets", force=args.progress),
            executor=executor,
            chunk_rows=args.chunk_rows,
        )
    if args.output:
        write_table(result.table, Path(args.output))
    tidy = result.table
    ok = tidy["status"] == "ok"
    summary = {
        "source": path.name,
        "valuation_date": str(vdate),
        "n_assets": len(tidy),
        "n_ok": int(ok.sum()),
        "n_failed": int((~ok).sum()),
        "total_concluded_value": round(float(np.nansum(tidy.loc[ok, "value"])), 2),
        "seed": ctx.seed,
        "n_draws": ctx.n_draws,
    }
    from cli.stream import records_of

    _report_batch(summary, result.errors, records_of(tidy) if args.json else [], args,
                  n_errors=len(result.errors))
    return EXIT_PARTIAL if result.errors else EXIT_OK


def _check_output(args: argparse.Namespace, *, case: bool) -> None:
    """Refuse a ``-o`` that could not be written, before anything is read or valued.

    A case writes ``.json`` or ``.xlsx``; a batch writes ``.csv`` or ``.parquet``; either way the
    target's folder must exist and be writable.
    """
    from cli.io import check_destination, check_table_output

    if not args.output:
        return
    out = Path(args.output)
    if case and out.suffix.lower() not in (".json", ".xlsx"):
        raise DatavalError(f"输出格式不符 -o for a case writes the full result as .json or the workpapers as .xlsx, "
                           f"got {out.name}")
    if not case:
        check_table_output(out)
    check_destination(out)


def cmd_value(args: argparse.Namespace) -> int:
    from cli.io import is_case_file

    path = Path(args.path)
    case = is_case_file(path)
    _check_output(args, case=case)
    return _value_case(path, args) if case else _value_batch(path, args)


def add_parser(sub: Any) -> None:
    v = sub.add_parser("value", help=h("value"), description=h("value"))
    v.add_argument("path", help=h("value.path"))
    v.add_argument("--json", action="store_true", help=h("value.--json"))
    v.add_argument("--full", action="store_true", help=h("value.--full"))
    v.add_argument("--disclosure", action="store_true", help=h("value.--disclosure"))
    v.add_argument("-o", "--output", help=h("value.-o"))
    v.add_argument("--seed", type=integer, help=h("value.--seed", seed=DEFAULT_SEED))
    v.add_argument("--draws", type=draws, help=h("value.--draws"))
    v.add_argument("--valuation-date", type=iso_date, help=h("value.--valuation-date"))
    v.add_argument("--progress", action="store_true", help=h("progress"))
    v.add_argument("--engine", choices=("local", "dask"), default="local", help=h("value.--engine"))
    v.add_argument("--scheduler", help=h("value.--scheduler"))
    v.add_argument("--workers", type=integer, default=2, help=h("value.--workers"))
    v.add_argument("--threads", type=integer, default=1, help=h("value.--threads"))
    v.add_argument("--chunk-rows", type=integer, default=50_000, help=h("value.--chunk-rows"))
    v.set_defaults(fn=cmd_value)
