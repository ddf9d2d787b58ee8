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
from cli.i18n import h, label, refusal, tr


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
        print(f"登记簿就绪 register ready: {reg!r}, 结构版本 schema revision {current_revision(reg.engine)}")
    finally:
        reg.dispose()
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from register import ImportRefused
    from register.importing import import_file

    def progress(stage: str, done: int, total: int) -> None:
        if args.progress:
            print(f"{label(stage)} {done}/{total}", flush=True)

    reg = _open(args)
    try:
        summary = import_file(reg, Path(args.path), company=args.company, actor=args.actor,
                              report=Path(args.report) if args.report else None, progress=progress)
        stored: list[int] = []
        if args.value and summary.engagement:
            stored = _value_engagement(reg, summary.company, summary.engagement, args.actor)
    except ImportRefused as exc:
        print(f"dataval: {refusal(exc)}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        reg.dispose()
    if args.json:
        print(dump({**summary.__dict__, "valuation_results": len(stored)}))
    else:
        eng = f", 委托 engagement {summary.engagement}" if summary.engagement else ""
        print(f"导入完成 imported {summary.file} → {summary.company}: {summary.rows} 项资产 assets — "
              f"新增 {summary.created} new, 变更 {summary.changed} changed, 未变 {summary.unchanged} unchanged{eng}")
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
                raise DatavalError("缺少账务案例 give the accounting case file or --company CODE")
            summary = post(s, company, args.as_of, chart=load_chart_of_accounts(), actor=args.actor)
    finally:
        reg.dispose()
    payload = {"company": summary.company, "as_of": summary.as_of, "posted": summary.posted,
               "reversed": summary.reversed, "unchanged": summary.unchanged, "rejected": summary.rejected}
    if args.json:
        print(dump(payload))
    else:
        print(f"过账 posted {summary.company} 截至 to {summary.as_of}: 新凭证 {len(summary.posted)} new entr(y/ies), "
              f"冲回 {len(summary.reversed)} reversed, 已过账 {summary.unchanged} already posted")
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
    print(f"已结账 closed {args.company} {args.start} 至 {args.end}")
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
    counts = (f"已过账凭证 {rep.entries} posted entries, 会计期间 {rep.periods} periods, 事项 {rep.events} events, "
              f"审计记录 {rep.audit_rows} audit rows")
    if args.json:
        print(dump({"ok": rep.ok, "entries": rep.entries, "head_hash": rep.head_hash, "periods": rep.periods,
                    "events": rep.events, "audit_rows": rep.audit_rows, "audit_head_hash": rep.audit_head_hash,
                    "problems": [{"seq": p.seq, "table": p.table, "row": p.row, "kind": p.kind,
                                  "message": p.message} for p in rep.problems]}))
    elif rep.ok:
        print(f"账簿校验 ledger verify: {counts}, 完好 intact; 链头 head {rep.head_hash}; "
              f"审计链头 audit head {rep.audit_head_hash}")
    else:
        for p in rep.problems:
            print(f"篡改 TAMPERED {p.where} {label(p.kind)}: {p.message}")
        print(f"账簿校验失败 verification failed: 发现 {len(rep.problems)} 处问题 {len(rep.problems)} problem(s) "
              f"({counts}); 链头 head {rep.head_hash}; 审计链头 audit head {rep.audit_head_hash}")
        print(f"账簿校验失败 verification failed: {len(rep.problems)} 处问题，见上 {len(rep.problems)} problem(s), "
              "see above", file=sys.stderr)
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
        print("dataval: 恢复将替换整个登记簿，请加 --yes 确认 restore replaces the whole register; add --yes to confirm",
              file=sys.stderr)
        return EXIT_REFUSED
    done = restore(Path(args.path), resolve_url(args.db))
    print(f"已恢复 restored from {done.source} (结构版本 schema revision {done.revision}, 已校验 verified): "
          f"公司 {done.companies} companies, 已过账凭证 {done.entries} posted entries")
    if done.kept is not None:
        was = ("数量未知 unknown counts" if done.replaced_companies is None
               else f"公司 {done.replaced_companies} companies, 已过账凭证 {done.replaced_entries} posted entries")
        print(f"原登记簿已保留 the replaced register ({was}) is kept at {done.kept}")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    d = sub.add_parser("db", help=h("db.cmd"), description=h("db.cmd"))
    dsub = d.add_subparsers(dest="db_command", required=True, metavar=tr("子命令", "SUBCOMMAND"))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help=h("db"))
    common.add_argument("--actor", default="cli", help=h("actor"))

    def command(name: str) -> Any:
        return dsub.add_parser(name, parents=[common], help=h(f"db.{name}"), description=h(f"db.{name}"))

    command("init").set_defaults(fn=cmd_init)

    im = command("import")
    im.add_argument("path", help=h("db.import.path"))
    im.add_argument("--company", help=h("db.import.--company"))
    im.add_argument("--report", help=h("db.import.--report"))
    im.add_argument("--json", action="store_true", help=h("db.import.--json"))
    im.add_argument("--progress", action="store_true", help=h("db.import.--progress"))
    im.add_argument("--value", action="store_true", help=h("db.import.--value"))
    im.set_defaults(fn=cmd_import)

    po = command("post")
    po.add_argument("path", nargs="?", help=h("db.post.path"))
    po.add_argument("--as-of", type=iso_date, required=True, help=h("db.post.--as-of"))
    po.add_argument("--company", help=h("db.post.--company"))
    po.add_argument("--json", action="store_true", help=h("db.post.--json"))
    po.set_defaults(fn=cmd_post)

    cl = command("close-period")
    cl.add_argument("--company", required=True, help=h("db.company"))
    cl.add_argument("--start", type=iso_date, required=True, help=h("db.close-period.--start"))
    cl.add_argument("--end", type=iso_date, required=True, help=h("db.close-period.--end"))
    cl.set_defaults(fn=cmd_close)

    v = command("verify")
    v.add_argument("--expect-head", help=h("db.verify.--expect-head"))
    v.add_argument("--expect-audit-head", help=h("db.verify.--expect-audit-head"))
    v.add_argument("--json", action="store_true", help=h("db.verify.--json"))
    v.set_defaults(fn=cmd_verify)

    b = command("backup")
    b.add_argument("output", help=h("db.backup.output"))
    b.set_defaults(fn=cmd_backup)

    r = command("restore")
    r.add_argument("path", help=h("db.restore.path"))
    r.add_argument("--yes", action="store_true", help=h("db.restore.--yes"))
    r.set_defaults(fn=cmd_restore)
