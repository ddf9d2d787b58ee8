"""``dataval schema`` and ``dataval template``: the input formats as JSON Schema, the case as an Excel workbook.

    dataval schema [case|books|pledge]    # the JSON Schema of a valuation case (default), an accounting
                                          # case (``dataval book``) or a pledge case (``dataval pledge``)
    dataval schema --batch                # the flat batch table's columns (``dataval value BATCH.csv``)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from base.errors import DatavalError
from cli.commands.common import EXIT_OK, check_output, dump
from cli.i18n import h

SCHEMA_KINDS = ("case", "books", "pledge")
"""The file formats ``dataval schema`` describes: valuation case, accounting case, pledge case."""


def file_schema(kind: str = "case") -> dict[str, Any]:
    """The JSON Schema (pydantic ``model_json_schema()``) of one input file format.

    ``case``: :class:`valuation.case.ValuationCase` (``dataval value``); ``books``:
    :class:`accounting.BookCase` (``dataval book``, ``export``, ``db post``); ``pledge``:
    :class:`pledge.PledgeCase` (``dataval pledge``). A pledge file may leave out ``policy``: the
    bundled ``data/bank_policy.json`` is used then (:func:`pledge.case_from_dict`), so the file's
    schema does not require it.
    """
    if kind == "case":
        from valuation.case import ValuationCase

        return ValuationCase.model_json_schema()
    if kind == "books":
        from accounting import BookCase

        return BookCase.model_json_schema()
    if kind == "pledge":
        from pledge import PledgeCase

        schema = PledgeCase.model_json_schema()
        schema["required"] = [f for f in schema.get("required", []) if f != "policy"]
        policy = schema.get("properties", {}).get("policy")
        if isinstance(policy, dict):
            policy["description"] = ("the bank's policy; when left out, data/bank_policy.json is used"
                                     + (f". {policy['description']}" if policy.get("description") else ""))
        return schema
    raise DatavalError(f"未知的格式 unknown schema {kind!r}: choose one of {', '.join(SCHEMA_KINDS)}")


def cmd_schema(args: argparse.Namespace) -> int:
    kind = args.kind or "case"
    if args.batch:
        if kind != "case":
            raise DatavalError(f"参数冲突 --batch lists the valuation batch columns; it does not apply to {kind!r}")
        from valuation.batch import batch_columns

        print(dump([c.__dict__ for c in batch_columns()]))
    else:
        print(dump(file_schema(kind)))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from bridges.data_files import data_dir
    from cli.io import read_case
    from ledger_export.case_template import write_case_workbook

    check_output(args.output, (".xlsx",))
    source = Path(args.source) if args.source else data_dir() / "examples" / "parking_city_investment.json"
    case, errors = read_case(source)
    if errors:
        raise DatavalError(f"案例含无效资产 {source.name} has invalid assets; fix them before making a template")
    from ledger_export.workbook import temp_files_in

    with temp_files_in(Path(args.output).parent):
        write_case_workbook(case, Path(args.output))
    print(f"已写入 wrote {args.output} (来源 from {source.name})")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    s = sub.add_parser("schema", help=h("schema"), description=h("schema"))
    s.add_argument("kind", nargs="?", choices=SCHEMA_KINDS, help=h("schema.kind"))
    s.add_argument("--batch", action="store_true", help=h("schema.--batch"))
    s.set_defaults(fn=cmd_schema)

    t = sub.add_parser("template", help=h("template"), description=h("template"))
    t.add_argument("-o", "--output", required=True, help=h("template.-o"))
    t.add_argument("--from", dest="source", help=h("template.--from"))
    t.set_defaults(fn=cmd_template)
