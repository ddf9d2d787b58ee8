"""``dataval schema`` and ``dataval template``: the case format as JSON Schema and as an Excel workbook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from base.errors import DatavalError
from cli.commands.common import EXIT_OK, dump


def cmd_schema(args: argparse.Namespace) -> int:
    if args.batch:
        from valuation.batch import batch_columns

        print(dump([c.__dict__ for c in batch_columns()]))
    else:
        from valuation.case import ValuationCase

        print(dump(ValuationCase.model_json_schema()))
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from bridges.data_files import data_dir
    from cli.io import read_case
    from ledger_export.case_template import write_case_workbook

    source = Path(args.source) if args.source else data_dir() / "examples" / "parking_city_investment.json"
    case, errors = read_case(source)
    if errors:
        raise DatavalError(f"{source.name} has invalid assets; fix them before making a template")
    write_case_workbook(case, Path(args.output))
    print(f"wrote {args.output} (from {source.name})")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    s = sub.add_parser("schema", help="print the JSON Schema of the case file (or the batch columns)")
    s.add_argument("--batch", action="store_true", help="list the flat batch table's columns instead")
    s.set_defaults(fn=cmd_schema)

    t = sub.add_parser("template", help="write the Excel engagement template")
    t.add_argument("-o", "--output", required=True)
    t.add_argument("--from", dest="source", help="case JSON to fill it from (default: a bundled example)")
    t.set_defaults(fn=cmd_template)
