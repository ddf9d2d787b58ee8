"""Benchmark: exporting a ledger of 200,000 journal lines, against a bare openpyxl write-only dump.

    python benchmarks/bench_export.py [--lines 200000] [--scaling]

The books: one purchased dataset (CNY 1,200,000, 120 months straight line from January 2024) booked by
``accounting.book`` to 2033-12-31, then repeated for as many assets as it takes to reach ``--lines``
journal lines (243 lines each: the purchase and 120 amortization entries); statements, ledger and
Tables A/B are rebuilt from the whole journal by the accounting package's own functions. The period is
the whole ten years, so every line is in the journal, the subsidiary ledger and the monthly general
ledger.

Measured in this one run, each side on the same machine and the same data:

- ours: ``ledger_export.export_workbook(books=...)`` — styles, number formats, live formulas, inert text,
  checks, the cover; streamed (openpyxl write-only);
- bare: the very same cells (every value and formula text our export wrote, captured row by row in a
  separate pass) appended to a plain openpyxl write-only workbook, no styles.

Time is wall-clock without tracing, the best of ``--repeat`` runs (the machine is shared). Peak memory
is measured twice: the Python heap (tracemalloc) in a traced pass, above the level at its start (so the
BookResult and the bare side's captured rows are not counted); and the peak resident set of fresh
processes that build the input with and without exporting it (this also sees C allocations such as
lxml's writer: when the two are equal, the export added nothing above its input).
``--scaling`` also exports a quarter of the lines, to show the peak grows with the journal's index only.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl
from openpyxl import Workbook

from accounting import BookCase, ChartOfAccounts, JournalEntry, book
from accounting.book import BookResult
from accounting.period import PeriodBooks
from accounting.statements import balance_sheet_lines, ledger_balances, pnl_effects, trial_balance
from accounting.tables import build_table
from bridges.data_files import data_dir
from ledger_export.export import export_workbook

START, AS_OF = date(2024, 1, 1), date(2033, 12, 31)
SEED_CASE = {
    "case_id": "BENCH-EXPORT",
    "company": "基准测试数据有限公司 (benchmark Co.)",
    "resources": [{
        "asset_id": "B-00000", "name": "基准数据集 00000", "description": "benchmark dataset",
        "purpose": "internal_use", "formation": "purchased", "controlled": True, "control_evidence": "licence",
        "rights": [{"right": "processing_use", "source": "purchase", "basis": "perpetual licence"}],
        "separable": True, "benefits_probable": True, "cost_reliably_measurable": True,
        "useful_life": {"estimated_months": 120, "business_model": "internal use"},
    }],
    "events": [
        {"kind": "purchase", "event_id": "P", "asset_id": "B-00000", "date": "2024-01-10",
         "cost_lines": [{"category": "purchase_price", "amount": "1200000.00", "vat": "72000.00",
                         "vat_deductible": True, "counter_account": "2202"}]},
        {"kind": "ready_for_use", "event_id": "R", "asset_id": "B-00000", "date": "2024-01-20"},
    ],
    "policy": {"fiscal_year_start_month": 1, "materiality_threshold": "500000.00"},
}


def build_books(n_lines: int) -> BookResult:
    """A BookResult of at least ``n_lines`` journal lines (one booked asset, repeated)."""
    chart = ChartOfAccounts.model_validate_json((data_dir() / "chart_of_accounts.json").read_text(encoding="utf-8"))
    seed = book(BookCase.model_validate(SEED_CASE), AS_OF, chart=chart, period_start=START)
    per_asset = sum(len(e.lines) for e in seed.journal)
    n_assets = math.ceil(n_lines / per_asset)
    journal: list[JournalEntry] = []
    for k in range(n_assets):
        aid = f"B-{k:05d}"
        for e in seed.journal:
            journal.append(e.model_copy(update={
                "asset_id": aid, "entry_id": f"J{len(journal) + 1:07d}", "event_id": f"{e.event_id}-{k}",
                "lines": tuple(ln.model_copy(update={"asset_id": aid}) for ln in e.lines)}))
    journal_t = tuple(journal)
    books = PeriodBooks(entries=journal_t, chart=chart, period_start=START, as_of=AS_OF)
    tb = trial_balance(books)
    bs = balance_sheet_lines(books)
    bs_by = {b.key: b.data_closing for b in bs}
    formations = {f"B-{k:05d}": seed.decisions[0].formation for k in range(n_assets)}
    table_a = build_table("A", books, formations, bs_by["intangible"])
    table_b = build_table("B", books, formations, bs_by["inventory"])
    return seed.model_copy(update={
        "journal": journal_t, "ledger": ledger_balances(books), "trial_balance": tb,
        "balance_sheet": bs, "table_a": table_a, "table_b": table_b,
        "pnl_effects": pnl_effects(books),
        "checks": tuple(c.model_copy(update={"ok": True}) for c in seed.checks),
    })


def ours(result: BookResult, path: Path) -> Any:
    return export_workbook(path, books=result)


def capture(result: BookResult, path: Path) -> list[tuple[str, list[list[Any]]]]:
    """Every row our export writes, as plain values (formula text, not styled), sheet by sheet."""
    sheets: list[tuple[str, list[list[Any]]]] = []

    def tee(title: str, row: list[Any]) -> None:
        if not sheets or sheets[-1][0] != title:
            sheets.append((title, []))
        sheets[-1][1].append(row)

    export_workbook(path, books=result, tee=tee)
    return sheets


def bare(sheets: list[tuple[str, list[list[Any]]]], path: Path) -> None:
    """The same cells in a plain write-only workbook."""
    wb = Workbook(write_only=True)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def traced(fn: Callable[[], Any]) -> float:
    """Peak Python heap above the level at the start, MiB (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 2**20


def child(side: str, n: int) -> None:
    """In a fresh process: build the input, export (unless the side ends in 0), print the resident peak."""
    with tempfile.TemporaryDirectory() as tmp:
        result = build_books(n)
        sheets = capture(result, Path(tmp) / "capture.xlsx") if side.startswith("bare") else None
        gc.collect()
        if side == "ours":
            ours(result, Path(tmp) / "out.xlsx")
        elif side == "bare":
            assert sheets is not None
            bare(sheets, Path(tmp) / "out.xlsx")
    # VmHWM, not ru_maxrss: a process started by fork/exec reports its parent's peak in ru_maxrss
    hwm = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    print(json.dumps({"side": side, "peak_rss_kib": hwm}))


def resident_peaks(side: str, n: int) -> tuple[float, float]:
    """Peak resident set (MiB) of a fresh process that builds the input, without and with the export."""
    def run(s: str) -> float:
        out = subprocess.run([sys.executable, __file__, "--child", s, "--lines", str(n)], check=True,
                             capture_output=True, text=True).stdout
        return int(json.loads(out.strip().splitlines()[-1])["peak_rss_kib"]) / 1024

    return run(side + "0"), run(side)


def measure(n: int, d: Path, repeat: int) -> dict[str, Any]:
    """Both sides on a ledger of ``n`` journal lines."""
    t0 = time.perf_counter()
    result = build_books(n)
    n_lines = sum(len(e.lines) for e in result.journal)
    print(f"books: {n_lines:,} journal lines, {len(result.ledger):,} ledger groups "
          f"(built in {time.perf_counter() - t0:.1f} s, not measured)", flush=True)
    t_ours = min(timed(partial(ours, result, d / "ours.xlsx")) for _ in range(repeat))
    size_ours = (d / "ours.xlsx").stat().st_size
    m_ours = traced(partial(ours, result, d / "ours_traced.xlsx"))
    sheets = capture(result, d / "capture.xlsx")
    del result
    n_rows = sum(len(rows) for _, rows in sheets)
    n_cells = sum(1 for _, rows in sheets for r in rows for v in r if v is not None)
    n_formulas = sum(1 for _, rows in sheets for r in rows for v in r if isinstance(v, str) and v.startswith("="))
    t_bare = min(timed(partial(bare, sheets, d / "bare.xlsx")) for _ in range(repeat))
    size_bare = (d / "bare.xlsx").stat().st_size
    m_bare = traced(partial(bare, sheets, d / "bare_traced.xlsx"))
    del sheets
    (r_ours0, r_ours), (r_bare0, r_bare) = resident_peaks("ours", n), resident_peaks("bare", n)
    print(f"  cells {n_cells:,} in {n_rows:,} rows, {n_formulas:,} formulas")
    print(f"  time (best of {repeat}) ours {t_ours:7.2f} s   bare {t_bare:7.2f} s   ratio {t_ours / t_bare:.2f}")
    print(f"  peak heap          ours {m_ours:7.1f} MiB bare {m_bare:7.1f} MiB ratio {m_ours / m_bare:.2f}")
    print(f"  process peak RSS   ours {r_ours:7.1f} MiB (input alone {r_ours0:.1f})   bare {r_bare:7.1f} MiB "
          f"(input and captured rows alone {r_bare0:.1f})")
    print(f"  file               ours {size_ours / 1e6:7.1f} MB  bare {size_bare / 1e6:7.1f} MB", flush=True)
    return {"journal_lines": n_lines, "rows": n_rows, "cells": n_cells, "formulas": n_formulas,
            "ours_s": round(t_ours, 2), "bare_s": round(t_bare, 2), "time_ratio": round(t_ours / t_bare, 2),
            "ours_heap_mib": round(m_ours, 1), "bare_heap_mib": round(m_bare, 1),
            "heap_ratio": round(m_ours / m_bare, 2), "ours_rss_mib": round(r_ours, 1),
            "ours_input_rss_mib": round(r_ours0, 1), "bare_rss_mib": round(r_bare, 1),
            "bare_input_rss_mib": round(r_bare0, 1), "ours_mb": round(size_ours / 1e6, 1),
            "bare_mb": round(size_bare / 1e6, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--lines", type=int, default=200_000, help="journal lines (default 200,000)")
    ap.add_argument("--scaling", action="store_true", help="also measure a quarter of the lines")
    ap.add_argument("--repeat", type=int, default=2, help="timed runs per side; the best is kept (default 2)")
    ap.add_argument("--child", choices=("ours", "ours0", "bare", "bare0"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.lines)
        return
    sizes = [args.lines // 4, args.lines] if args.scaling else [args.lines]
    print(f"openpyxl {openpyxl.__version__}, XML writer {'lxml' if openpyxl.LXML else 'et_xmlfile'}, "
          f"python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        report = [measure(n, Path(tmp), args.repeat) for n in sizes]
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
