"""``dataval export``: one Excel workbook per case and period — books, valuation workpapers, pledge workpaper.

    dataval export BOOKS.json --as-of 2025-12-31 [--valuation CASE.json] [--pledge PLEDGE.json] -o out.xlsx

Any of the three parts may be given alone (``dataval export --valuation CASE.json -o wp.xlsx``); the
accounting case needs ``--as-of``. ``value``, ``book`` and ``pledge`` write the same workbook (their part
only) with ``-o x.xlsx``. The workbook is written atomically: a refused input leaves nothing behind.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from base.errors import DatavalError
from cli.commands.common import EXIT_OK, EXIT_PARTIAL, check_output, check_period, iso_date
from cli.i18n import h, label


def load_books(path: Path, as_of: date, period_start: date | None = None, collect: bool = False) -> tuple[Any, Any]:
    """The validated accounting case at ``path`` and its BookResult at ``as_of``."""
    from accounting import book
    from bridges.data_files import load_chart_of_accounts
    from cli.books import read_books

    chart = load_chart_of_accounts()
    case = read_books(path)
    return case, book(case, as_of, chart=chart, period_start=period_start, on_error="collect" if collect else "raise")


def load_valuation(path: Path) -> tuple[Any, Any, Any]:
    """The case at ``path``, its CaseResult and the price index it was valued with."""
    from bridges.data_files import load_market_data, load_price_index
    from cli.io import read_case
    from valuation.engine import value_case

    case, load_errors = read_case(path)
    default = load_price_index()
    result = value_case(case, default_price_index=default, market_data=load_market_data(), prior_errors=load_errors)
    return case, result, case.price_index or default


def load_pledge(path: Path) -> tuple[Any, Any]:
    """The pledge case at ``path`` and its assessment."""
    from pydantic import ValidationError

    from base.messages import invalid
    from bridges.data_files import load_bank_policy
    from cli.files import read_json
    from pledge import assess, case_from_dict

    policy = load_bank_policy()
    try:
        case = case_from_dict(read_json(path), policy)
    except ValidationError as exc:
        raise invalid(exc, f"{path.name}: 质押案例 the pledge case") from None
    return case, assess(case)


def check_xlsx(out: Path) -> None:
    """Refuse an output that is not .xlsx before any work is done."""
    if out.suffix.lower() != ".xlsx":
        raise DatavalError(f"输出格式不符 the workbook is written as .xlsx, got {out.name}")


def write_xlsx(out: Path, *, books: tuple[Path, Any, Any] | None = None, valuation: tuple[Path, Any, Any, Any] | None
               = None, pledge: tuple[Path, Any, Any] | None = None, preparer: str = "", record: bool = False) -> Any:
    """Write the workbook; each part is (source path, validated case, result[, price index]).

    ``record`` keeps every formula with the engine's figure in the returned report (the tests use it).
    """
    from ledger_export.cover import InputRef, fingerprint
    from ledger_export.export import export_workbook
    from ledger_export.workbook import temp_files_in

    check_xlsx(out)
    inputs = []
    if books is not None:
        inputs.append(InputRef("账务案例 accounting case", books[0].name, fingerprint(books[1])))
    if valuation is not None:
        inputs.append(InputRef("评估案例 valuation case", valuation[0].name, valuation[2].inputs_fingerprint))
    if pledge is not None:
        inputs.append(InputRef("质押案例 pledge case", pledge[0].name, fingerprint(pledge[1])))
    with temp_files_in(out.parent):  # openpyxl's spool files beside the workbook, never in /tmp
        return export_workbook(out, books=books[2] if books else None,
                               valuation=valuation[2] if valuation else None,
                               pledge=(pledge[1], pledge[2]) if pledge else None, preparer=preparer, inputs=inputs,
                               price_index=valuation[3] if valuation else None, record=record)


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.output)
    check_xlsx(out)
    check_output(args.output)
    check_period(args.period_start, args.as_of)
    if not (args.books or args.valuation or args.pledge):
        raise DatavalError("没有可导出的内容 nothing to export: give an accounting case, --valuation or --pledge")
    books = valuation = pledge = None
    partial = False
    if args.books:
        if args.as_of is None:
            raise DatavalError("缺少资产负债表日 an accounting case needs --as-of (the balance-sheet date)",
                               field="--as-of")
        path = Path(args.books)
        case, result = load_books(path, args.as_of, args.period_start, args.collect)
        books = (path, case, result)
        partial = partial or bool(result.rejected) or not result.all_checks_pass
        for r in result.rejected:
            print(f"  拒绝 rejected {r.event_id} ({r.asset_id}, {label(r.kind, 'event')}): {r.message}",
                  file=sys.stderr)
    if args.valuation:
        path = Path(args.valuation)
        vcase, vresult, index = load_valuation(path)
        valuation = (path, vcase, vresult, index)
        partial = partial or bool(vresult.errors)
        for e in vresult.errors:
            print(f"  错误 error {e.asset_id} {e.field or ''}: {e.message}", file=sys.stderr)
    if args.pledge:
        path = Path(args.pledge)
        pcase, presult = load_pledge(path)
        pledge = (path, pcase, presult)
    report = write_xlsx(out, books=books, valuation=valuation, pledge=pledge, preparer=args.preparer or "")
    print(f"已写入 wrote {out} · {len(report.sheets)} 张工作表 sheets · {report.n_formulas:,} 个公式 formulas · "
          f"{report.n_checks} 项校验 checks ({report.checks_expected})")
    return EXIT_PARTIAL if partial else EXIT_OK


def add_parser(sub: Any) -> None:
    e = sub.add_parser("export", help=h("export"), description=h("export"))
    e.add_argument("books", nargs="?", help=h("books-path"))
    e.add_argument("--as-of", type=iso_date, help=h("export.--as-of"))
    e.add_argument("--period-start", type=iso_date, help=h("period-start"))
    e.add_argument("--collect", action="store_true", help=h("collect"))
    e.add_argument("--valuation", help=h("export.--valuation"))
    e.add_argument("--pledge", help=h("export.--pledge"))
    e.add_argument("--preparer", help=h("export.--preparer"))
    e.add_argument("-o", "--output", required=True, help=h("export.-o"))
    e.set_defaults(fn=cmd_export)
