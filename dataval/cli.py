"""``dataval``: the command-line shell. Every command calls the same functions as the dashboard.

Exit codes: 0 done; 2 the input was refused (nothing written); 3 done, but some assets failed
(their errors are in the output).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from dataval import __version__
from dataval.errors import DatavalError
from dataval.progress import ProgressBar

EXIT_OK, EXIT_REFUSED, EXIT_PARTIAL = 0, 2, 3


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


def _market_data() -> Any:
    from dataval.data_files import load_adjustments, load_comparables
    from valuation.engine import MarketData

    return MarketData(database=load_comparables(), adjustments=load_adjustments())


# ---------------------------------------------------------------- value
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
    print(f"案例 case {summary['case_id']} · 评估基准日 valuation date {summary['valuation_date']}")
    for a in summary["assets"]:
        print(f"\n{a['asset_id']}  {a['name']}")
        for m, v in a["methods"].items():
            print(f"  {m:<8} {v:>18,.2f} CNY  weight {a['weights'].get(m, 0):.0%}")
        print(f"  评估结论 concluded {a['concluded_value']:>14,.2f} CNY")
        if a["range"]:
            r = a["range"]
            print(f"  区间 range P5 {r['p5']:,.2f} · P50 {r['p50']:,.2f} · P95 {r['p95']:,.2f}")
    for e in summary["errors"]:
        print(f"\n错误 error  {e['asset_id']} {e['field'] or ''}: {e['message']}", file=sys.stderr)


def _value_case(path: Path, args: argparse.Namespace) -> int:
    from dataval.data_files import load_price_index
    from dataval.io import read_case, write_text
    from valuation.engine import value_case

    case, load_errors = read_case(path)
    if args.seed is not None or args.draws is not None:
        sim = case.simulation.model_copy(
            update={k: v for k, v in (("seed", args.seed), ("n_draws", args.draws)) if v is not None}
        )
        case = case.model_copy(update={"simulation": sim})
    result = value_case(
        case,
        default_price_index=load_price_index(),
        market_data=_market_data(),
        prior_errors=load_errors,
        progress=ProgressBar("valuing", force=args.progress),
    )
    summary = _case_summary(result)
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() != ".json":
            raise DatavalError(f"-o for a case writes the full result as .json, got {out.name}")
        write_text(_dump(result.model_dump(mode="json")), out)
    if args.disclosure:
        from valuation.disclosure import appraisal_disclosure

        for v in result.valuations:
            print(appraisal_disclosure(result.engagement, v))
    elif args.json:
        print(_dump({**summary, "result": result.model_dump(mode="json") if args.full else None}))
    else:
        _print_case_text(summary)
    return EXIT_PARTIAL if result.errors else EXIT_OK


def _value_batch(path: Path, args: argparse.Namespace) -> int:
    import numpy as np

    from dataval.data_files import load_price_index
    from dataval.io import batch_valuation_date, read_batch, write_table
    from valuation.batch import run_batch
    from valuation.context import ValuationContext

    table = read_batch(path)
    vdate = batch_valuation_date(table, args.valuation_date, source=path.name)
    ctx = ValuationContext(
        valuation_date=vdate,
        price_index=load_price_index(),
        seed=args.seed if args.seed is not None else 20240101,
        n_draws=args.draws if args.draws is not None else 1000,
    )
    md = _market_data()
    result = run_batch(
        table,
        ctx,
        market_kwargs={"database": md.database, "adjustments": md.adjustments},
        progress=ProgressBar(f"valuing {len(table):,} assets", force=args.progress),
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
    if args.json:
        cols = [c for c in ("asset_id", "name", "value_cost", "value_income", "value_market", "w_cost",
                            "w_income", "w_market", "value", "p5", "p50", "p95", "status", "error")
                if c in tidy.columns]
        records = json.loads(tidy[cols].round(2).to_json(orient="records", force_ascii=False))
        print(_dump({"summary": summary, "assets": records,
                     "errors": [e.__dict__ for e in result.errors]}))
    else:
        print(f"批量评估 batch {path.name}: {summary['n_ok']:,} valued, {summary['n_failed']:,} failed; "
              f"total concluded value {summary['total_concluded_value']:,.2f} CNY")
        for e in result.errors[:20]:
            print(f"  错误 error {e.asset_id} {e.field or ''}: {e.message}", file=sys.stderr)
        if len(result.errors) > 20:
            print(f"  ... and {len(result.errors) - 20} more (use --json or -o)", file=sys.stderr)
    return EXIT_PARTIAL if result.errors else EXIT_OK


def cmd_value(args: argparse.Namespace) -> int:
    from dataval.io import is_case_file

    path = Path(args.path)
    return _value_case(path, args) if is_case_file(path) else _value_batch(path, args)


# ---------------------------------------------------------------- schema / template
def cmd_schema(args: argparse.Namespace) -> int:
    if args.batch:
        from valuation.batch import batch_columns

        print(_dump([c.__dict__ for c in batch_columns()]))
    else:
        from valuation.case import ValuationCase

        print(_dump(ValuationCase.model_json_schema()))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from dataval.data_files import data_dir
    from dataval.io import read_case
    from ledger_export.case_template import write_case_workbook

    source = Path(args.source) if args.source else data_dir() / "examples" / "parking_city_investment.json"
    case, errors = read_case(source)
    if errors:
        raise DatavalError(f"{source.name} has invalid assets; fix them before making a template")
    write_case_workbook(case, Path(args.output))
    print(f"wrote {args.output} (from {source.name})")
    return EXIT_OK


# ---------------------------------------------------------------- book
BOOK_JSON_PARTS = {"case_id", "company", "as_of", "period_start", "chart_name", "decisions", "journal",
                   "trial_balance", "balance_sheet", "pnl_effects", "table_a", "table_b", "disclosures",
                   "ifrs_view", "rejected", "checks", "all_checks_pass"}


def cmd_book(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from accounting import BookCase, ChartOfAccounts, book
    from dataval.data_files import data_dir
    from dataval.io import read_json, write_text
    from dataval.validation import describe, dotted

    chart = ChartOfAccounts.model_validate_json((data_dir() / "chart_of_accounts.json").read_text(encoding="utf-8"))
    path = Path(args.path)
    try:
        case = BookCase.model_validate(read_json(path))
    except ValidationError as exc:
        lines = "\n".join(f"  {dotted(e['loc'])}: {describe(dict(e))}" for e in exc.errors())
        raise DatavalError(f"{path.name}: the accounting case is not valid:\n{lines}") from None
    result = book(case, args.as_of, chart=chart, period_start=args.period_start,
                  on_error="collect" if args.collect else "raise")
    payload = result.model_dump(mode="json", include=BOOK_JSON_PARTS)
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() != ".json":
            raise DatavalError(f"-o writes the booked result as .json, got {out.name} (Excel ledgers: issue 4)")
        write_text(_dump(payload), out)
    if args.json:
        print(_dump(payload))
    else:
        print(f"账务 {result.company} · {result.period_start} 至 {result.as_of} · chart {result.chart_name}")
        for d in result.decisions:
            print(f"  入表判断 {d.asset_id}: {d.classification.value}")
        print(f"  凭证 journal entries: {len(result.period_journal())} in the period, {len(result.journal)} to date")
        tb = result.trial_balance
        print(f"  试算平衡 trial balance: closing Dr {tb.total_closing_debit:,} / Cr {tb.total_closing_credit:,}"
              f" {'balanced' if tb.balanced else 'NOT BALANCED'}")
        for line in result.balance_sheet:
            print(f"  {line.line_zh} — {line.of_which_zh}: {line.data_closing:>16,} (opening {line.data_opening:,})")
        failed = [c.name for c in result.checks if not c.ok]
        print(f"  校验 checks: {'all pass' if not failed else 'FAILED: ' + ', '.join(failed)}")
        for r in result.rejected:
            print(f"  拒绝 rejected {r.event_id} ({r.asset_id}, {r.kind}): {r.message}", file=sys.stderr)
    return EXIT_PARTIAL if result.rejected or not result.all_checks_pass else EXIT_OK


# ---------------------------------------------------------------- pledge
def cmd_pledge(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from dataval.data_files import data_dir
    from dataval.io import read_json
    from dataval.validation import describe, dotted
    from pledge import BankPolicy, assess, case_from_dict

    policy = BankPolicy.model_validate_json((data_dir() / "bank_policy.json").read_text(encoding="utf-8"))
    path = Path(args.path)
    try:
        case = case_from_dict(read_json(path), policy)
    except ValidationError as exc:
        lines = "\n".join(f"  {dotted(e['loc'])}: {describe(dict(e))}" for e in exc.errors())
        raise DatavalError(f"{path.name}: the pledge case is not valid:\n{lines}") from None
    restricted: list[dict[str, Any]] = []
    if args.books:
        case = _pledge_against_books(case, Path(args.books))
    result = assess(case)
    if args.books:
        restricted = _restricted_after_pledge(Path(args.books), result, case)
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() != ".xlsx":
            raise DatavalError(f"-o writes the credit memo as .xlsx, got {out.name}")
        from ledger_export.credit_memo import write_credit_memo

        write_credit_memo(case, result, out)
    if args.json:
        print(_dump({**result.model_dump(mode="json"), "restricted_items": restricted}))
    else:
        ml = result.max_loan
        print(f"质押融资 pledge {result.case_id} · 质押物 {case.collateral.name} ({result.asset_id})")
        print(f"  押品价值 collateral value   {result.collateral.collateral_value:>16,.2f} CNY")
        print(f"  清算价值 liquidation value  {result.collateral.liquidation.liquidation_value:>16,.2f} CNY")
        for c in ml.constraints:
            mark = "  <- binding" if c.constraint == ml.binding else ""
            print(f"  {c.label_zh:<12} {c.amount:>16,.2f} CNY{mark}")
        print(f"  最高可贷额度 maximum loan  {ml.amount:>16,.2f} CNY (requested {ml.requested:,.2f}; "
              f"{'within' if ml.within_limit else 'ABOVE'} the limit)")
        print(f"  押品不足概率 P(shortfall)   {result.simulation.prob_shortfall:>15.2%}")
        for b in result.breaches:
            print(f"  预警 breach period {b.period}: {b.covenant.value} → {b.trigger.value}")
        for item in restricted:
            print(f"  受限资产 restricted (books): {item['asset_id']} carrying {item['carrying_amount']} CNY, "
                  f"period amortization {item['period_amortization']} CNY, pledgee {item['pledgee']}")
        for w in result.warnings:
            print(f"  提示 warning: {w}", file=sys.stderr)
    return EXIT_OK


def _load_books(path: Path) -> Any:
    from accounting import BookCase
    from dataval.io import read_json

    return BookCase.model_validate(read_json(path))


def _pledge_at(case: Any) -> date:
    if case.term_sheet.drawdown_date is None:
        raise DatavalError("--books needs term_sheet.drawdown_date: the pledge is booked from that date",
                           field="term_sheet.drawdown_date")
    return case.term_sheet.drawdown_date


def _pledge_against_books(case: Any, books_path: Path) -> Any:
    """Replace the case's holding facts by what the books say at the drawdown date."""
    from dataval.register_link import holding_from_books

    holding = holding_from_books(_load_books(books_path), case.collateral.asset_id, _pledge_at(case))
    return case.model_copy(update={"holding": holding})


def _restricted_after_pledge(books_path: Path, result: Any, case: Any) -> list[dict[str, Any]]:
    """Book the pledge and return the restricted-items disclosure at the drawdown year's end."""
    from accounting import ChartOfAccounts, book
    from dataval.data_files import data_dir
    from dataval.register_link import with_pledge

    on = _pledge_at(case)
    books = with_pledge(_load_books(books_path), result.restriction, on=on)
    chart = ChartOfAccounts.model_validate_json((data_dir() / "chart_of_accounts.json").read_text(encoding="utf-8"))
    booked = book(books, date(on.year, 12, 31), chart=chart)
    return [i.model_dump(mode="json") for i in booked.disclosures.restricted_items
            if i.asset_id == result.asset_id]


# ---------------------------------------------------------------- parser
def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dataval", description="Value data assets and put them on the balance sheet.")
    p.add_argument("--version", action="version", version=f"dataval {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("value", help="value one engagement (JSON / Excel case) or a batch table (CSV / Parquet / Excel)")
    v.add_argument("path")
    v.add_argument("--json", action="store_true", help="print JSON (per-method values, conclusion, range)")
    v.add_argument("--full", action="store_true", help="with --json on a case: include every explanation")
    v.add_argument("--disclosure", action="store_true",
                   help="case: print the appraisal disclosure (DOMAIN §2.4) of each asset as Markdown")
    v.add_argument("-o", "--output", help="case: full result .json; batch: tidy results .csv or .parquet")
    v.add_argument("--seed", type=int, help="Monte Carlo seed (default: the case's, or 20240101)")
    v.add_argument("--draws", type=int, help="Monte Carlo draws per asset (0 = off; default 1000)")
    v.add_argument("--valuation-date", type=_date, help="batch valuation date (else the valuation_date column)")
    v.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    v.set_defaults(fn=cmd_value)

    s = sub.add_parser("schema", help="print the JSON Schema of the case file (or the batch columns)")
    s.add_argument("--batch", action="store_true", help="list the flat batch table's columns instead")
    s.set_defaults(fn=cmd_schema)

    b = sub.add_parser("book", help="book a company's data resources: journal, statements, disclosures")
    b.add_argument("path", help="accounting case JSON (see data/examples/books/)")
    b.add_argument("--as-of", type=_date, required=True, help="balance-sheet date YYYY-MM-DD")
    b.add_argument("--period-start", type=_date, help="first day of the period (default: fiscal year start)")
    b.add_argument("--json", action="store_true", help="print entries, trial balance, balance sheet, notes")
    b.add_argument("--collect", action="store_true", help="book the rest when an event is refused (listed)")
    b.add_argument("-o", "--output", help="write the booked result (.json)")
    b.set_defaults(fn=cmd_book)

    pl = sub.add_parser("pledge", help="size and monitor a pledge loan on a data asset (bank view)")
    pl.add_argument("path", help="pledge case JSON (see data/examples/pledges/)")
    pl.add_argument("--json", action="store_true", help="print the full assessment as JSON")
    pl.add_argument("-o", "--output", help="write the credit memo workbook (.xlsx)")
    pl.add_argument("--books", help="the company's accounting case: holding and existing pledges are read "
                    "from it, and the pledge is booked so the disclosure lists the asset as restricted")
    pl.set_defaults(fn=cmd_pledge)

    t = sub.add_parser("template", help="write the Excel engagement template")
    t.add_argument("-o", "--output", required=True)
    t.add_argument("--from", dest="source", help="case JSON to fill it from (default: a bundled example)")
    t.set_defaults(fn=cmd_template)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except DatavalError as exc:
        print(f"dataval: {exc}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    raise SystemExit(main())
