"""``dataval db``: the asset register — init, import, post, close-period, verify, backup, restore.

The database is ``--db URL``, else ``$DATAVAL_DB_URL``, else the embedded SQLite file
``~/.local/share/dataval/dataval.db`` (created and migrated on first use).
"""

from __future__ import annotations

import argparse
from typing import Any

from dataval.commands.common import EXIT_OK


def _open(args: argparse.Namespace) -> Any:
    from register import open_register

    return open_register(args.db)


def cmd_init(args: argparse.Namespace) -> int:
    from register.migrate import current_revision

    reg = _open(args)
    try:
        print(f"登记簿就绪 register ready: {reg!r}, schema revision {current_revision(reg.engine)}")
    finally:
        reg.dispose()
    return EXIT_OK


def add_parser(sub: Any) -> None:
    d = sub.add_parser("db", help="the asset register on a database (资产登记簿)")
    dsub = d.add_subparsers(dest="db_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database URL (default: $DATAVAL_DB_URL or the embedded SQLite file)")
    common.add_argument("--actor", default="cli", help="who is doing this, for the audit log")
    i = dsub.add_parser("init", parents=[common], help="create the database and migrate it to the latest schema")
    i.set_defaults(fn=cmd_init)
