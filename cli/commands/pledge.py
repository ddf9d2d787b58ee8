"""``dataval pledge``: size and monitor a pledge loan on a data asset; the credit memo; the link to the books."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from base.errors import DatavalError
from cli.commands.common import EXIT_OK, check_output, dump
from cli.i18n import h, label, pad


def cmd_pledge(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from base.messages import invalid
    from base.money import money
    from bridges.data_files import load_bank_policy
    from cli.files import read_json
    from cli.io import fen_fields
    from pledge import assess, case_from_dict

    if args.output and Path(args.output).suffix.lower() not in (".xlsx", ".html"):
        raise DatavalError(f"输出格式不符 -o writes the credit memo as .xlsx or .html, got {Path(args.output).name}")
    check_output(args.output)
    policy = load_bank_policy()
    path = Path(args.path)
    try:
        case = case_from_dict(read_json(path), policy)
    except ValidationError as exc:
        raise invalid(exc, f"{path.name}: 质押案例 the pledge case") from None
    restricted: list[dict[str, Any]] = []
    if args.books:
        case = _pledge_against_books(case, Path(args.books))
    result = assess(case)
    if args.books:
        restricted = _restricted_after_pledge(Path(args.books), result, case)
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() not in (".xlsx", ".html"):
            raise DatavalError(f"输出格式不符 -o writes the credit memo as .xlsx or .html, got {out.name}")
        if out.suffix.lower() == ".html":
            from cli.io import write_text
            from ledger_export.memo_html import credit_memo_html

            write_text(credit_memo_html(case, result), out)
    if args.output and Path(args.output).suffix.lower() == ".xlsx":
        out = Path(args.output)
        from ledger_export.cover import InputRef, fingerprint
        from ledger_export.credit_memo import write_credit_memo
        from ledger_export.workbook import temp_files_in

        with temp_files_in(out.parent):
            write_credit_memo(case, result, out,
                              inputs=[InputRef("质押案例 pledge case", path.name, fingerprint(case))])
    if args.json:
        # amounts to the fen (half-up, base.money) at the output edge; the engine keeps its floats
        print(dump(fen_fields({**result.model_dump(mode="json"), "restricted_items": restricted})))
    else:
        ml = result.max_loan
        print(f"质押融资 pledge {result.case_id} · 质押物 collateral {case.collateral.name} ({result.asset_id})")
        print(f"  {pad('押品价值 collateral value', 44)} {money(result.collateral.collateral_value):>16,.2f} CNY")
        print(f"  {pad('清算价值 liquidation value', 44)} "
              f"{money(result.collateral.liquidation.liquidation_value):>16,.2f} CNY")
        for c in ml.constraints:
            mark = "  <- 约束项 binding" if c.constraint == ml.binding else ""
            print(f"  {pad(label(c.constraint, 'pledge'), 44)} {money(c.amount):>16,.2f} CNY{mark}")
        limit = "未超过额度 within the limit" if ml.within_limit else "超过额度 ABOVE the limit"
        print(f"  {pad('最高可贷额度 maximum loan', 44)} {money(ml.amount):>16,.2f} CNY "
              f"(申请 requested {money(ml.requested):,.2f}; {limit})")
        if ml.reason:
            print(f"  原因 reason: {ml.reason}")
        print(f"  {pad('押品不足概率 P(shortfall)', 44)} {result.simulation.prob_shortfall:>16.2%}")
        for b in result.breaches:
            print(f"  条款触发 breach 第 {b.period} 期 period {b.period}: {label(b.covenant, 'pledge')} → "
                  f"{label(b.trigger, 'pledge')}")
        for item in restricted:
            print(f"  受限资产 restricted (books): {item['asset_id']} 账面价值 carrying {item['carrying_amount']} CNY, "
                  f"本期摊销 period amortization {item['period_amortization']} CNY, 质权人 pledgee {item['pledgee']}")
        for w in result.warnings:
            print(f"  提示 warning: {w}", file=sys.stderr)
    return EXIT_OK


def _load_books(path: Path) -> Any:
    from cli.books import read_books

    return read_books(path)


def _pledge_at(case: Any) -> date:
    if case.term_sheet.drawdown_date is None:
        raise DatavalError("缺少放款日 --books needs term_sheet.drawdown_date: the pledge is booked from that date",
                           field="term_sheet.drawdown_date")
    return case.term_sheet.drawdown_date


def _pledge_against_books(case: Any, books_path: Path) -> Any:
    """Replace the case's holding facts by what the books say at the drawdown date."""
    from bridges.books_pledge import holding_from_books

    holding = holding_from_books(_load_books(books_path), case.collateral.asset_id, _pledge_at(case))
    return case.model_copy(update={"holding": holding})


def _restricted_after_pledge(books_path: Path, result: Any, case: Any) -> list[dict[str, Any]]:
    """Book the pledge and return the restricted-items disclosure at the drawdown year's end."""
    from accounting import book
    from bridges.books_pledge import with_pledge
    from bridges.data_files import load_chart_of_accounts

    on = _pledge_at(case)
    books = with_pledge(_load_books(books_path), result.restriction, on=on)
    chart = load_chart_of_accounts()
    booked = book(books, date(on.year, 12, 31), chart=chart)
    return [i.model_dump(mode="json") for i in booked.disclosures.restricted_items
            if i.asset_id == result.asset_id]


def add_parser(sub: Any) -> None:
    pl = sub.add_parser("pledge", help=h("pledge"), description=h("pledge"))
    pl.add_argument("path", help=h("pledge.path"))
    pl.add_argument("--json", action="store_true", help=h("pledge.--json"))
    pl.add_argument("-o", "--output", help=h("pledge.-o"))
    pl.add_argument("--books", help=h("pledge.--books"))
    pl.set_defaults(fn=cmd_pledge)
