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
from cli.i18n import h, pad, tr


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InvalidInput("无法在终端询问密码 no terminal to ask the password: pipe it with --password-stdin")
    first = getpass.getpass("密码 password: ")
    if getpass.getpass("再次输入 repeat: ") != first:
        raise InvalidInput("两次输入的密码不一致，未保存 the two passwords differ; nothing was saved")
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
            print(f"{u.username:<24} {pad(u.role_label, 22)} {'启用 active' if u.active else '停用 disabled'}  "
                  f"{u.display_name}")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    u = sub.add_parser("user", help=h("user"), description=h("user"))
    usub = u.add_subparsers(dest="user_command", required=True, metavar=tr("子命令", "SUBCOMMAND"))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help=h("db"))
    common.add_argument("--actor", default="cli", help=h("actor"))
    a = usub.add_parser("add", parents=[common], help=h("user.add"), description=h("user.add"))
    a.add_argument("username", help=h("user.add.username"))
    # checked by the register (register.users.Role), so building the parser loads no database driver
    a.add_argument("--role", required=True, help=h("user.add.--role"))
    a.add_argument("--name", help=h("user.add.--name"))
    a.add_argument("--password-stdin", action="store_true", help=h("user.add.--password-stdin"))
    a.set_defaults(fn=cmd_add)
    ls = usub.add_parser("list", parents=[common], help=h("user.list"), description=h("user.list"))
    ls.add_argument("--json", action="store_true", help=h("user.list.--json"))
    ls.set_defaults(fn=cmd_list)
