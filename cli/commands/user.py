"""``dataval user``: add and list the register's users (roles: finance, appraiser, bank, analyst, admin).

The password is read from standard input with ``--password-stdin`` (first line), else asked twice at
the terminal; it is never taken from the command line, where other users could see it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from base.errors import InvalidInput
from cli.commands.common import EXIT_OK, dump


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InvalidInput("no terminal to ask the password: pipe it with --password-stdin")
    first = getpass.getpass("密码 password: ")
    if getpass.getpass("再次输入 repeat: ") != first:
        raise InvalidInput("the two passwords differ; nothing was saved")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    from register import open_register
    from register.users import add_user

    password = _password(args)
    reg = open_register(args.db)
    try:
        with reg.session(actor=args.actor) as s:
            user = add_user(s, args.username, password, args.role, display_name=args.name or "")
    finally:
        reg.dispose()
    print(f"用户已创建 user added: {user.username} ({user.role_label})")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from register import open_register
    from register.users import list_users

    reg = open_register(args.db)
    try:
        with reg.session(actor=args.actor) as s:
            users = list_users(s)
    finally:
        reg.dispose()
    if args.json:
        print(dump([{"username": u.username, "role": u.role.value, "display_name": u.display_name,
                     "active": u.active} for u in users]))
    else:
        for u in users:
            print(f"{u.username:<24} {u.role_label:<20} {'active' if u.active else 'disabled'}  {u.display_name}")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    u = sub.add_parser("user", help="users of the register and their roles (用户与角色)")
    usub = u.add_subparsers(dest="user_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database URL (default: $DATAVAL_DB_URL or the embedded SQLite file)")
    common.add_argument("--actor", default="cli", help="who is doing this, for the audit log")
    a = usub.add_parser("add", parents=[common], help="add a user with a role and a password")
    a.add_argument("username")
    # checked by the register (register.users.Role), so building the parser loads no database driver
    a.add_argument("--role", required=True, help="admin, finance, appraiser, bank or analyst")
    a.add_argument("--name", help="display name")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    a.set_defaults(fn=cmd_add)
    ls = usub.add_parser("list", parents=[common], help="list users and roles")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(fn=cmd_list)
