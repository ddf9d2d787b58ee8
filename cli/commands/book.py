"""``dataval book``: journal, statements and disclosures of a company's data resources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from base.errors import DatavalError
from cli.commands.common import EXIT_OK, EXIT_PARTIAL, check_output, check_period, dump, iso_date

BOOK_JSON_PARTS = {"case_id", "company", "as_of", "period_start", "chart_name", "decisions", "journal",
                   "trial_balance", "balance_sheet", "pnl_effects", "table_a", "table_b", "disclosures",
                   "ifrs_view", "rejected", "checks", "all_checks_pass"}


def cmd_book(args: argparse.Namespace) -> int:

    from accounting import book
    from bridges.data_files import load_chart_of_accounts
    from cli.books import read_books
    from cli.io import write_text

    check_period(args.period_start, args.as_of)
    if args.output and Path(args.output).suffix.lower() not in (".json", ".xlsx"):
        raise DatavalError(f"-o writes the booked result as .json or the Excel workbook as .xlsx, "
                           f"got {Path(args.output).name}")
    check_output(args.output)
    chart = load_chart_of_accounts()
    path = Path(args.path)
    case = read_books(path)
    result = book(case, args.as_of, chart=chart, period_start=args.period_start,
                  on_error="collect" if args.collect else "raise")
    payload = result.model_dump(mode="json", include=BOOK_JSON_PARTS)
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() == ".xlsx":
            from cli.commands.export import write_xlsx

            write_xlsx(out, books=(path, case, result))
        elif out.suffix.lower() != ".json":
            raise DatavalError(f"-o writes the booked result as .json or the Excel workbook as .xlsx, got {out.name}")
        else:
            write_text(dump(payload), out)
    if args.json:
        print(dump(payload))
    else:
        print(f"账务 {result.company} · {result.period_start} 至 {result.as_of} · chart {result.chart_name}")
        for d in result.decisions:
            print(f"  入表判断 {d.asset_id}: {d.label_zh} ({d.label_en})")
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


def add_parser(sub: Any) -> None:
    b = sub.add_parser("book", help="book a company's data resources: journal, statements, disclosures")
    b.add_argument("path", help="accounting case JSON (see data/examples/books/)")
    b.add_argument("--as-of", type=iso_date, required=True, help="balance-sheet date YYYY-MM-DD")
    b.add_argument("--period-start", type=iso_date, help="first day of the period (default: fiscal year start)")
    b.add_argument("--json", action="store_true", help="print entries, trial balance, balance sheet, notes")
    b.add_argument("--collect", action="store_true", help="book the rest when an event is refused (listed)")
    b.add_argument("-o", "--output", help="write the booked result (.json) or the ledger workbook (.xlsx)")
    b.set_defaults(fn=cmd_book)
