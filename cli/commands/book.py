"""``dataval book``: journal, statements and disclosures of a company's data resources."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from base.errors import DatavalError
from cli.commands.common import EXIT_OK, EXIT_PARTIAL, check_output, check_period, dump, iso_date
from cli.i18n import h, label

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
        raise DatavalError(f"输出格式不符 -o writes the booked result as .json or the Excel workbook as .xlsx, "
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
            raise DatavalError(f"输出格式不符 -o writes the booked result as .json or the Excel workbook as .xlsx, "
                               f"got {out.name}")
        else:
            write_text(dump(payload), out)
    if args.json:
        print(dump(payload))
    else:
        print(f"账务 books {result.company} · {result.period_start} 至 to {result.as_of} · 科目表 chart {result.chart_name}")
        for d in result.decisions:
            print(f"  入表判断 {d.asset_id}: {d.label_zh} ({d.label_en})")
        print(f"  凭证 journal entries: 本期 {len(result.period_journal())} in the period, "
              f"累计 {len(result.journal)} to date")
        tb = result.trial_balance
        print(f"  试算平衡 trial balance: 期末借方 closing Dr {tb.total_closing_debit:,} / 贷方 Cr "
              f"{tb.total_closing_credit:,} {'平衡 balanced' if tb.balanced else '不平衡 NOT BALANCED'}")
        for line in result.balance_sheet:
            print(f"  {line.line_zh} — {line.of_which_zh}: {line.data_closing:>16,} (期初 opening {line.data_opening:,})")
        failed = [label(c.name) for c in result.checks if not c.ok]
        print(f"  校验 checks: {'全部通过 all pass' if not failed else '未通过 FAILED: ' + ', '.join(failed)}")
        for r in result.rejected:
            print(f"  拒绝 rejected {r.event_id} ({r.asset_id}, {label(r.kind, 'event')}): {r.message}",
                  file=sys.stderr)
    return EXIT_PARTIAL if result.rejected or not result.all_checks_pass else EXIT_OK


def add_parser(sub: Any) -> None:
    b = sub.add_parser("book", help=h("book"), description=h("book"))
    b.add_argument("path", help=h("books-path"))
    b.add_argument("--as-of", type=iso_date, required=True, help=h("as-of"))
    b.add_argument("--period-start", type=iso_date, help=h("period-start"))
    b.add_argument("--json", action="store_true", help=h("book.--json"))
    b.add_argument("--collect", action="store_true", help=h("collect"))
    b.add_argument("-o", "--output", help=h("book.-o"))
    b.set_defaults(fn=cmd_book)
