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
from cli.commands.common import EXIT_OK, EXIT_PARTIAL, check_output, dump, integer, iso_date
from cli.i18n import h, label, pad
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
          + (f" · 基准日 as of {profile.as_of}" if profile.as_of else ""))
    for d in profile.dimensions:
        name = f"{d.label_zh} {d.dimension.value}"
        score = "未度量 not measured" if d.score is None else f"{d.score:.4f}"
        counts = (f"{len(d.checks)} 项申报指标的平均 (mean of {len(d.checks)} declared metrics)"
                  if d.method.value == "mean_of_ratios" else f"通过 ({_n(d.passed or 0)}/{_n(d.checked or 0)} passed)")
        w = profile.weighting.as_dict()[d.dimension.value]
        print(f"  {pad(name, 26)} {score:>10}  权重 weight {w:.4f}  {counts}")
        for c in d.checks:
            if c.checked > c.passed:
                where = f" 例如 e.g. records {', '.join(map(str, c.failed_records))}" if c.failed_records else ""
                print(f"      ✗ 不合格 {c.check_id}: {_n(c.checked - c.passed)} of {_n(c.checked)} {c.unit} failed{where}")
    q = profile.quality_score
    print(f"  综合质量 Q = Σ w·s {'未度量 not measured' if q is None else f'{q:.4f}'}"
          f"  (权重 weights: {label(profile.weighting.source)})")
    for note in profile.notes:
        print(f"  注 note: {note}")


def cmd_profile(args: argparse.Namespace) -> int:
    from cli.io import write_text
    from cli.profiling import profile_file

    outputs = [Path(o) for o in args.output or []]
    for out in outputs:
        if out.suffix.lower() not in OUTPUT_SUFFIXES:
            raise InvalidInput(f"输出格式不符 -o writes the report as .xlsx or .json, got {out.name}")
        check_output(str(out))
    if args.chunk_rows < 1:
        raise InvalidInput(f"每块记录数应至少为 1 --chunk-rows must be ≥ 1, got {args.chunk_rows}")
    profile = profile_file(
        Path(args.datafile),
        Path(args.rules),
        as_of=args.as_of,
        sheet=args.sheet,
        chunk_rows=args.chunk_rows,
        progress=ProgressBar("质量评价中 profiling", force=args.progress),
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
        names = ", ".join(d.value for d in missing)
        print(f"dataval: 未能度量 {'、'.join(d.label_zh for d in profile.dimensions if d.dimension in missing)}，"
              f"无综合质量 Q；not measured: {names} — no quality score Q", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


def add_parser(sub: Any) -> None:
    p = sub.add_parser("profile", help=h("profile"), description=h("profile"))
    p.add_argument("datafile", help=h("profile.datafile"))
    p.add_argument("--rules", required=True, help=h("profile.--rules"))
    p.add_argument("--json", action="store_true", help=h("profile.--json"))
    p.add_argument("-o", "--output", action="append", help=h("profile.-o"))
    p.add_argument("--as-of", type=iso_date, help=h("profile.--as-of"))
    p.add_argument("--sheet", help=h("profile.--sheet"))
    p.add_argument("--chunk-rows", type=integer, default=100_000, help=h("profile.--chunk-rows"))
    p.add_argument("--progress", action="store_true", help=h("progress"))
    p.set_defaults(fn=cmd_profile)
