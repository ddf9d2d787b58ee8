"""``dataval db``: the asset register — init, import, post, close-period, verify, backup, restore.

The database is ``--db URL``, else ``$DATAVAL_DB_URL``, else the embedded SQLite file
``~/.local/share/dataval/dataval.db`` (created and migrated on first use).

Exit codes: 0 done; 2 refused, nothing written (an import's error report is written as Excel);
3 ``verify`` found tampering, or ``post`` booked the rest but refused some events.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.commands.common import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, dump, iso_date


def _open(args: argparse.Namespace) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from register import RegisterError, open_register
    from register.db import describe_db_error, resolve_url

    try:
        return open_register(args.db)
    except SQLAlchemyError as exc:
        from sqlalchemy.engine import make_url

        where = make_url(resolve_url(args.db)).render_as_string(hide_password=True)
        raise RegisterError(f"登记簿无法打开 cannot open the register at {where}: {describe_db_error(exc)}") from None


def cmd_init(args: argparse.Namespace) -> int:
    from register.migrate import current_revision

    reg = _open(args)
    try:
        print(f"登记簿就绪 register ready: {reg!r}, schema revision {current_revision(reg.engine)}")
    finally:
        reg.dispose()
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from register import ImportRefused
    from register.importing import import_file

    def progress(stage: str, done: int, total: int) -> None:
        if args.progress:
            print(f"{stage} {done}/{total}", flush=True)

    reg = _open(args)
    try:
        summary = import_file(reg, Path(args.path), company=args.company, actor=args.actor,
                              report=Path(args.report) if args.report else None, progress=progress)
        stored: list[int] = []
        if args.value and summary.engagement:
            stored = _value_engagement(reg, summary.company, summary.engagement, args.actor)
    except ImportRefused as exc:
        print(f"dataval: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        reg.dispose()
    if args.json:
        print(dump({**summary.__dict__, "valuation_results": len(stored)}))
    else:
        eng = f", engagement {summary.engagement}" if summary.engagement else ""
        print(f"导入完成 imported {summary.file} → {summary.company}: {summary.rows} assets — {summary.created} new, "
              f"{summary.changed} changed, {summary.unchanged} unchanged{eng}")
        if stored:
            print(f"估值结果已保存 valuation results stored: {len(stored)}")
    return EXIT_OK


def _value_engagement(reg: Any, company: str, case_id: str, actor: str) -> list[int]:
    """Value an imported engagement with the bundled data and store the results (engine version, inputs)."""
    from sqlalchemy import select

    from bridges.data_files import load_market_data, load_price_index
    from register.assets import get_company
    from register.models import Engagement
    from register.valuations import store_case_result
    from valuation.case import ValuationCase
    from valuation.engine import value_case

    with reg.session(actor=actor) as s:
        comp = get_company(s, company)
        eng = s.scalar(select(Engagement).where(Engagement.company_id == comp.id, Engagement.case_id == case_id))
        assert eng is not None
        case = ValuationCase.model_validate(eng.inputs)
    result = value_case(case, default_price_index=load_price_index(), market_data=load_market_data())
    with reg.session(actor=actor) as s:
        return store_case_result(s, case, result, company=company)


def cmd_post(args: argparse.Namespace) -> int:
    from base.errors import DatavalError
    from bridges.data_files import load_chart_of_accounts
    from cli.books import read_books, register_or_file_loader
    from register.ledger import post, record_books

    reg = _open(args)
    try:
        with reg.session(actor=args.actor) as s:
            company = args.company
            if args.path:
                path = Path(args.path)
                case = read_books(path, register_or_file_loader(s, path.parent))
                company = record_books(s, case, company=company).company
            if not company:
                raise DatavalError("give the accounting case file or --company CODE")
            summary = post(s, company, args.as_of, chart=load_chart_of_accounts(), actor=args.actor)
    finally:
        reg.dispose()
    payload = {"company": summary.company, "as_of": summary.as_of, "posted": summary.posted,
               "reversed": summary.reversed, "unchanged": summary.unchanged, "rejected": summary.rejected}
    if args.json:
        print(dump(payload))
    else:
        print(f"过账 posted {summary.company} to {summary.as_of}: {len(summary.posted)} new entr(y/ies), "
              f"{len(summary.reversed)} reversed, {summary.unchanged} already posted")
        for r in summary.rejected:
            print(f"  拒绝 refused {r}", file=sys.stderr)
    return EXIT_PARTIAL if summary.rejected else EXIT_OK


def cmd_close(args: argparse.Namespace) -> int:
    from register.ledger import close_period

    reg = _open(args)
    try:
        with reg.session(actor=args.actor) as s:
            close_period(s, args.company, args.start, args.end, actor=args.actor)
    finally:
        reg.dispose()
    print(f"已结账 closed {args.company} {args.start}..{args.end}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from register import RegisterError
    from register.db import describe_db_error
    from register.ledger import verify

    reg = _open(args)
    try:
        with reg.session(actor=args.actor) as s:
            rep = verify(s, expect_head=args.expect_head, expect_audit_head=args.expect_audit_head)
    except SQLAlchemyError as exc:
        raise RegisterError(f"账簿校验失败 verification failed: the register cannot be read "
                            f"({describe_db_error(exc)}); restore it from a backup") from None
    finally:
        reg.dispose()
    counts = (f"{rep.entries} posted entries, {rep.periods} periods, {rep.events} events, "
              f"{rep.audit_rows} audit rows")
    if args.json:
        print(dump({"ok": rep.ok, "entries": rep.entries, "head_hash": rep.head_hash, "periods": rep.periods,
                    "events": rep.events, "audit_rows": rep.audit_rows, "audit_head_hash": rep.audit_head_hash,
                    "problems": [{"seq": p.seq, "table": p.table, "row": p.row, "kind": p.kind,
                                  "message": p.message} for p in rep.problems]}))
    elif rep.ok:
        print(f"账簿校验 ledger verify: {counts}, 完好 intact; head {rep.head_hash}; audit head {rep.audit_head_hash}")
    else:
        for p in rep.problems:
            print(f"篡改 TAMPERED {p.where} {p.kind}: {p.message}")
        print(f"账簿校验失败 verification failed: 发现 {len(rep.problems)} 处问题 {len(rep.problems)} problem(s) "
              f"({counts}); head {rep.head_hash}; audit head {rep.audit_head_hash}")
        print(f"账簿校验失败 verification failed: {len(rep.problems)} problem(s), see above", file=sys.stderr)
    return EXIT_OK if rep.ok else EXIT_PARTIAL


def cmd_backup(args: argparse.Namespace) -> int:
    from register.backup import backup
    from register.db import resolve_url

    out = backup(Path(args.output), resolve_url(args.db))
    print(f"已备份 backup written: {out}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from register.backup import restore
    from register.db import resolve_url

    if not args.yes:
        print("dataval: restore replaces the whole register; add --yes to confirm", file=sys.stderr)
        return EXIT_REFUSED
    done = restore(Path(args.path), resolve_url(args.db))
    print(f"已恢复 restored from {done.source} (schema revision {done.revision}, verified): {done.companies} "
          f"companies, {done.entries} posted entries")
    if done.kept is not None:
        was = ("unknown counts" if done.replaced_companies is None
               else f"{done.replaced_companies} companies, {done.replaced_entries} posted entries")
        print(f"原登记簿已保留 the replaced register ({was}) is kept at {done.kept}")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    d = sub.add_parser("db", help="the asset register on a database (资产登记簿)")
    dsub = d.add_subparsers(dest="db_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database URL (default: $DATAVAL_DB_URL or the embedded SQLite file)")
    common.add_argument("--actor", default="cli", help="who is doing this, for the audit log")

    i = dsub.add_parser("init", parents=[common], help="create the database and migrate it to the latest schema")
    i.set_defaults(fn=cmd_init)

    im = dsub.add_parser("import", parents=[common],
                         help="import the Excel template or a batch CSV: validated first, then all or nothing")
    im.add_argument("path", help="engagement template (.xlsx) or batch table (.csv)")
    im.add_argument("--company", help="company code (default: the template's client; required for CSV)")
    im.add_argument("--report", help="where to write the Excel error report (default <file>.errors.xlsx)")
    im.add_argument("--json", action="store_true")
    im.add_argument("--progress", action="store_true", help="print progress lines")
    im.add_argument("--value", action="store_true",
                    help="value the imported engagement and store the results (template only)")
    im.set_defaults(fn=cmd_import)

    po = dsub.add_parser("post", parents=[common], help="record an accounting case and post its journal entries")
    po.add_argument("path", nargs="?", help="accounting case JSON (data/examples/books/); omit to re-post --company")
    po.add_argument("--as-of", type=iso_date, required=True, help="post entries dated up to YYYY-MM-DD")
    po.add_argument("--company", help="company code (default: the case id)")
    po.add_argument("--json", action="store_true")
    po.set_defaults(fn=cmd_post)

    cl = dsub.add_parser("close-period", parents=[common], help="close a period: nothing more is posted into it")
    cl.add_argument("--company", required=True)
    cl.add_argument("--start", type=iso_date, required=True)
    cl.add_argument("--end", type=iso_date, required=True)
    cl.set_defaults(fn=cmd_close)

    v = dsub.add_parser("verify", parents=[common], help="check the ledger and audit hash chains, periods and events")
    v.add_argument("--expect-head", help="the head hash kept from an earlier verify (detects a rewritten chain)")
    v.add_argument("--expect-audit-head", help="the audit head hash kept from an earlier verify (detects a "
                   "rewritten audit log)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(fn=cmd_verify)

    b = dsub.add_parser("backup", parents=[common], help="back up the register (SQLite backup API / pg_dump)")
    b.add_argument("output", help="backup file to write")
    b.set_defaults(fn=cmd_backup)

    r = dsub.add_parser("restore", parents=[common],
                        help="replace the register with a verified backup (the replaced one is kept aside)")
    r.add_argument("path", help="backup file made by `dataval db backup`")
    r.add_argument("--yes", action="store_true", help="confirm: the current register is replaced")
    r.set_defaults(fn=cmd_restore)
