"""``dataval``: the command-line shell. Every command calls the same functions as the dashboard.

Each command lives in ``cli/commands/<name>.py`` with an ``add_parser(sub)`` function; this file
only assembles them. Exit codes: 0 done; 2 the input was refused (nothing written); 3 done, but some
assets or events failed (their errors are in the output); 1 the reader of standard output closed it
(e.g. ``| head``), or an unexpected error: one line on standard error, no traceback unless the
environment sets ``DATAVAL_DEBUG=1``.

Language: Chinese first. ``dataval --lang en …`` (before the command) or ``DATAVAL_LANG=en`` gives the
help and argparse's messages in English (cli/i18n.py); refusals and reports are bilingual either way.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from base import __version__
from base.errors import DatavalError
from cli.commands.common import EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED, EXIT_UNEXPECTED
from cli.i18n import LANGS, argparse_language, choose_lang, h, refusal, set_lang, tr

__all__ = ["COMMAND_MODULES", "EXIT_OK", "EXIT_PARTIAL", "EXIT_REFUSED", "EXIT_UNEXPECTED", "build_parser", "main"]

# one module per command group, in the order shown by --help
COMMAND_MODULES = ("value", "schema", "book", "pledge", "portfolio", "export", "db", "user", "profile")


def build_parser() -> argparse.ArgumentParser:
    """The parser, its help in the current language (cli.i18n.set_lang)."""
    p = argparse.ArgumentParser(prog="dataval", description=h("dataval"))
    p.add_argument("--version", action="version", version=f"dataval {__version__}", help=h("--version"))
    p.add_argument("--lang", choices=LANGS, help=h("--lang"))
    sub = p.add_subparsers(dest="command", required=True, metavar=tr("命令", "COMMAND"))
    for name in COMMAND_MODULES:
        importlib.import_module(f"cli.commands.{name}").add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = choose_lang(argv)
    set_lang(lang)
    with argparse_language(lang):  # argparse's own words in Chinese while it builds, parses, refuses
        args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except DatavalError as exc:
        print(f"dataval: {refusal(exc)}", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:  # the reader went away (e.g. ``| head``): no traceback, no flush error at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except RecursionError:
        print("dataval: 输入嵌套过深 the input is nested too deeply to read", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:  # a bug, not an input: one line, the traceback only on request
        if os.environ.get("DATAVAL_DEBUG") == "1":
            raise
        text = str(exc).splitlines()[0][:300] if str(exc) else ""
        print(f"dataval: 内部错误 unexpected error ({type(exc).__name__}: {text}); "
              "set DATAVAL_DEBUG=1 for the traceback", file=sys.stderr)
        return EXIT_UNEXPECTED


if __name__ == "__main__":
    raise SystemExit(main())
