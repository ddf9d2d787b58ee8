"""``dataval profile``: measure data quality (GB/T 36344 six dimensions) from a CSV, Parquet or Excel file.

    dataval profile DATAFILE --rules RULES [--json] [-o report.xlsx] [-o report.json] [--as-of DATE]

The file is read in chunks (bounded memory). ``-o`` writes the Excel report (.xlsx, live formulas)
or the JSON report (.json) that a valuation case can reference as ``"quality": {"profile": ...}``;
give it twice for both. Outputs are written only after the whole file was profiled. Exit codes:
0 done; 2 refused (unreadable file, bad rules, rule on a missing column — nothing written);
3 done, but a dimension could not be measured (no Q; the report says which).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from base.errors import InvalidInput
from cli.commands.common import EXIT_OK, EXIT_PARTIAL, check_output, dump, iso_date
from cli.progress import ProgressBar

OUTPUT_SUFFIXES = (".xlsx", ".json")


def _summary(profile: Any) -> dict[str, Any]:
    return {
        "dataset": profile.dataset,
        "source": profile.source.name,
        "records": profile.records,
        "as_of": None if profile.as_of is None else profile.as_of.isoformat(),
        "scores": {d.dimension.value: d.score for d in profile.dimensions},
        "weights": profile.weighting.as_dict(),
        "weights_source": profile.weighting.source.value,
        "quality_score": profile.quality_score,
    }


def _n(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}"


def _print_text(profile: Any) -> None:
    src = profile.source
    print(f"数据质量 data quality · {profile.dataset} · {src.name} · {profile.records:,} 条记录 records"
          + (f" · as of {profile.as_of}" if profile.as_of else ""))
    for d in profile.dimensions:
        label = f"{d.label_zh} {d.dimension.value}"
        score = "未度量 not measured" if d.score is None else f"{d.score:.4f}"
        counts = (f"mean of {len(d.checks)} declared metrics" if d.method.value == "mean_of_ratios"
                  else f"{_n(d.passed or 0)}/{_n(d.checked or 0)} passed")
        w = profile.weighting.as_dict()[d.dimension.value]
        print(f"  {label:<26} {score:>10}  weight {w:.4f}  ({counts})")
        for c in d.checks:
            if c.checked > c.passed:
                where = f" e.g. records {', '.join(map(str, c.failed_records))}" if c.failed_records else ""
                print(f"      ✗ {c.check_id}: {_n(c.checked - c.passed)} of {_n(c.checked)} {c.unit} failed{where}")
    q = profile.quality_score
    print(f"  综合质量 Q = Σ w·s {'未度量 not measured' if q is None else f'{q:.4f}'}"
          f"  (weights {profile.weighting.source.value})")
    for note in profile.notes:
        print(f"  注 note: {note}")


def cmd_profile(args: argparse.Namespace) -> int:
    from cli.io import write_text
    from cli.profiling import profile_file

    outputs = [Path(o) for o in args.output or []]
    for out in outputs:
        if out.suffix.lower() not in OUTPUT_SUFFIXES:
            raise InvalidInput(f"-o writes the report as .xlsx or .json, got {out.name}")
        check_output(str(out))
    if args.chunk_rows < 1:
        raise InvalidInput(f"--chunk-rows must be ≥ 1, got {args.chunk_rows}")
    profile = profile_file(
        Path(args.datafile),
        Path(args.rules),
        as_of=args.as_of,
        sheet=args.sheet,
        chunk_rows=args.chunk_rows,
        progress=ProgressBar("profiling", force=args.progress),
    )
    for out in outputs:
        if out.suffix.lower() == ".json":
            write_text(dump(profile.model_dump(mode="json")), out)
        else:
            from ledger_export.quality_report import write_quality_report
            from ledger_export.workbook import temp_files_in

            with temp_files_in(out.parent):
                write_quality_report(profile, out)
    if args.json:
        print(dump({"summary": _summary(profile), "profile": profile.model_dump(mode="json")}))
    else:
        _print_text(profile)
    missing = profile.missing_dimensions()
    if missing:
        print(f"dataval: not measured: {', '.join(d.value for d in missing)} — no quality score Q",
              file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("profile", help="measure data quality (GB/T 36344 six dimensions) of a CSV / Parquet / Excel file")
    p.add_argument("datafile", help="the data: .csv (UTF-8, header row), .parquet or .xlsx")
    p.add_argument("--rules", required=True, help="quality rules JSON (see docs/quality.md, data/quality/)")
    p.add_argument("--json", action="store_true", help="print the scores and every check's counts as JSON")
    p.add_argument("-o", "--output", action="append",
                   help="write the report: .xlsx (workbook with formulas) or .json (for a case's quality.profile); repeatable")
    p.add_argument("--as-of", type=iso_date, help="reference date of timeliness (default: the rules' as_of)")
    p.add_argument("--sheet", help="worksheet of an .xlsx file (default: the first)")
    p.add_argument("--chunk-rows", type=int, default=100_000, help="records per chunk for Parquet and Excel")
    p.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    p.set_defaults(fn=cmd_profile)
