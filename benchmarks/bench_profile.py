"""Benchmark: profiling a 10-million-row CSV in bounded memory (`dataval profile`).

    python benchmarks/bench_profile.py [--rows 10000000] [--small-rows 1000000] [--keep DIR]

Writes, in a temporary folder, an orders CSV shaped like data/quality/orders.csv (11 columns, about
100 bytes a record) with defects planted at known rates, a 50,000-row customer master and a rules
file equal to data/quality/orders_rules.json. Then, each in a fresh process (so each peak RSS is its
own; imports, about 2 s, are outside the clock):

1. ``profile``: :func:`cli.profiling.profile_file` on the big file — throughput and peak memory;
   its counts are checked against the planted defects;
2. ``profile-small``: the same on the first ``--small-rows`` records — memory must not grow with
   the number of records (bounded), so the two peaks are compared;
3. ``reader``: the profiler's own CSV reader (pyarrow streaming, text columns) with no checks;
4. ``pandas-chunks``: ``pandas.read_csv(chunksize=100_000, dtype=str)`` reading every column and
   doing nothing else — the baseline of a plain chunked read;
5. ``pandas-whole``: ``pandas.read_csv(dtype=str)`` of the whole file — what an unbounded profiler
   would hold in memory.

Everything is measured in this one run; the ratios printed compare phases of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "data" / "quality" / "orders_rules.json"
N_CUSTOMERS = 50_000
CITIES = ("杭州", "上海", "北京", "深圳", "广州", "成都", "南京", "武汉", "西安", "苏州")
STATUSES = ("paid", "shipped", "delivered", "cancelled")
COLUMNS = ("order_id", "customer_id", "city", "order_date", "ship_date", "status", "quantity",
           "unit_price", "amount", "phone", "updated_at")
# share of records carrying each defect (disjoint: one uniform per record picks at most one)
RATES: dict[str, float] = {
    "phone_blank": 0.004,
    "customer_blank": 0.002,
    "amount_null": 0.001,
    "phone_malformed": 0.003,
    "status_unknown": 0.0025,
    "order_date_format": 0.0015,
    "duplicate_id": 0.0015,
    "ship_before_order": 0.002,
    "amount_mismatch": 0.002,
    "customer_unknown": 0.001,
    "city_wrong": 0.003,
    "quantity_zero": 0.0005,
    "price_negative": 0.0005,
    "stale": 0.005,
    "future": 0.0005,
}
DUP_LAG = 1000
EPOCH = date(1970, 1, 1)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _categories(r: np.ndarray) -> np.ndarray:
    """Defect category index of each record number (-1 = clean); a duplicate needs a clean source."""
    from valuation.random import uniforms

    u = uniforms(2025, r.astype(np.uint64), 900, 1)[:, 0]
    edges = np.cumsum(list(RATES.values()))
    cat = np.searchsorted(edges, u, side="right")
    cat = np.where(cat < len(RATES), cat, -1)
    dup = list(RATES).index("duplicate_id")
    if (cat == dup).any():
        src = r - DUP_LAG
        src_u = uniforms(2025, np.maximum(src, 1).astype(np.uint64), 900, 1)[:, 0]
        src_cat = np.searchsorted(edges, src_u, side="right")
        bad = (cat == dup) & ((src < 1) | (src_cat == dup))
        cat = np.where(bad, -1, cat)
    return cat


def _days_text(days: np.ndarray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.cast(pa.array(days.astype("datetime64[D]")), pa.string())


def _num_text(x: np.ndarray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.cast(pa.array(x), pa.string())


def _cents_text(cents: np.ndarray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    sign = np.where(cents < 0, "-", "")
    a = np.abs(cents)
    whole = _num_text(a // 100)
    frac = pc.utf8_lpad(_num_text(a % 100), width=2, padding="0")
    return pc.binary_join_element_wise(pa.array(sign), whole, ".", frac, "")


def write_orders(path: Path, n: int, chunk: int = 1_000_000) -> dict[str, int]:
    """Write the big CSV; returns the number of records of each defect."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    names = list(RATES)
    counts = dict.fromkeys(names, 0)
    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    base_day = (date(2025, 1, 1) - EPOCH).days
    as_of_day = (date(2025, 12, 31) - EPOCH).days
    cities = np.array(CITIES, dtype=object)
    with pacsv.CSVWriter(path, schema, write_options=pacsv.WriteOptions(quoting_style="needed")) as w:
        for start in range(0, n, chunk):
            r = np.arange(start + 1, min(n, start + chunk) + 1, dtype=np.int64)
            cat = _categories(r)
            for i, name in enumerate(names):
                counts[name] += int((cat == i).sum())

            def is_(name: str, cat: np.ndarray = cat) -> np.ndarray:
                return cat == names.index(name)

            customer = (37 * r) % N_CUSTOMERS + 1
            city_idx = (customer * 7) % len(CITIES)
            order_day = base_day + (7 * r) % 300
            ship_day = np.where(is_("ship_before_order"), order_day - 3, order_day + r % 5)
            quantity = np.where(is_("quantity_zero"), 0, 1 + (13 * r) % 50)
            price = np.where(is_("price_negative"), -1250, 1000 + (29 * r) % 9000)
            amount = quantity * price + np.where(is_("amount_mismatch"), 100, 0)
            updated = np.where(is_("stale"), (date(2025, 10, 1) - EPOCH).days - r % 100,
                               np.where(is_("future"), (date(2026, 1, 15) - EPOCH).days, as_of_day - r % 31))
            oid = 10_000_000 + np.where(is_("duplicate_id"), r - DUP_LAG, r)
            cust_text = pc.binary_join_element_wise(
                "C", pc.utf8_lpad(_num_text(np.where(is_("customer_unknown"), 90_000 + r % 9_999, customer)),
                                  width=5, padding="0"), "")
            cust_text = pc.if_else(pa.array(is_("customer_blank")), "", cust_text)
            city = np.where(is_("city_wrong"), cities[(city_idx + 1) % len(CITIES)], cities[city_idx])
            order_text = _days_text(order_day)
            order_text = pc.if_else(pa.array(is_("order_date_format")),
                                    pc.replace_substring(order_text, "-", "/"), order_text)
            status = np.where(is_("status_unknown"), "refunded", np.array(STATUSES, dtype=object)[r % 4])
            amount_text = pc.if_else(pa.array(is_("amount_null")), "NULL", _cents_text(amount))
            phone = pc.binary_join_element_wise(
                "13", pc.utf8_lpad(_num_text((r * 7919) % 10**9), width=9, padding="0"), "")
            phone = pc.if_else(pa.array(is_("phone_malformed")), pc.utf8_slice_codeunits(phone, 0, 10), phone)
            phone = pc.if_else(pa.array(is_("phone_blank")), "", phone)
            table = pa.table({
                "order_id": _num_text(oid), "customer_id": cust_text, "city": pa.array(city, pa.string()),
                "order_date": order_text, "ship_date": _days_text(ship_day),
                "status": pa.array(status, pa.string()), "quantity": _num_text(quantity),
                "unit_price": _cents_text(price), "amount": amount_text, "phone": phone,
                "updated_at": _days_text(updated),
            }, schema=schema)
            w.write_table(table)
    return counts


def write_inputs(folder: Path, n: int) -> dict[str, int]:
    with (folder / "customers.csv").open("w", encoding="utf-8") as f:
        f.write("customer_id,name,city\n")
        for c in range(1, N_CUSTOMERS + 1):
            f.write(f"C{c:05d},customer {c},{CITIES[(c * 7) % len(CITIES)]}\n")
    shutil.copy(RULES, folder / "rules.json")
    return write_orders(folder / "orders.csv", n)


# ---------------------------------------------------------------------------------------------------
# phases, each run in its own process


def phase(name: str, csv_path: Path, rules: Path) -> dict[str, Any]:
    """One measured phase; imports happen before the clock starts (about 2 s, the same for every phase)."""
    import pandas as pd

    from cli.profiling import open_table, profile_file

    out: dict[str, Any] = {"phase": name}
    t0 = time.perf_counter()
    if name == "profile":
        p = profile_file(csv_path, rules)
        out["records"] = p.records
        out["quality_score"] = p.quality_score
        out["checks"] = {c.check_id: [c.checked, c.passed] for c in p.checks()}
    elif name == "reader":
        table = open_table(csv_path)
        out["records"] = sum(len(frame) for frame in table.chunks(table.columns))
    elif name == "pandas-chunks":
        n = 0
        for frame in pd.read_csv(csv_path, dtype=str, keep_default_na=False, chunksize=100_000, encoding="utf-8"):
            n += len(frame)
        out["records"] = n
    elif name == "pandas-whole":
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8")
        out["records"] = len(frame)
    else:
        raise SystemExit(f"unknown phase {name}")
    out["seconds"] = time.perf_counter() - t0
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


def _run_phase(name: str, csv_path: Path, rules: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", name, "--csv", str(csv_path), "--rules", str(rules)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _check_counts(result: dict[str, Any], n: int, planted: dict[str, int]) -> list[str]:
    """The profile's counts against the planted defects (same formulas as the 1,000-record sample)."""
    c = result["checks"]
    fails = {k: v[0] - v[1] for k, v in c.items()}
    expect = {
        "completeness.required[1]": planted["customer_blank"],
        "completeness.required[3]": planted["amount_null"],
        "completeness.required[4]": planted["phone_blank"],
        "columns.phone.regex": planted["phone_malformed"],
        "columns.status.codes": planted["status_unknown"],
        "columns.order_date.type": planted["order_date_format"],
        "consistency.key": planted["duplicate_id"],
        "consistency.rules[0]": planted["ship_before_order"],
        "consistency.rules[1]": planted["amount_mismatch"],
        "consistency.foreign_keys[0]": planted["customer_unknown"],
        "accuracy.rules[0]": planted["quantity_zero"],
        "accuracy.rules[1]": planted["price_negative"],
        "accuracy.references[0]": planted["city_wrong"],
        "timeliness": planted["stale"] + planted["future"],
    }
    problems = [f"{k}: {fails[k]} failed, planted {v}" for k, v in expect.items() if fails[k] != v]
    if result["records"] != n:
        problems.append(f"records {result['records']} != {n}")
    return problems


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--small-rows", type=int, default=1_000_000)
    ap.add_argument("--keep", help="write the files here and keep them (default: a temporary folder)")
    ap.add_argument("--skip-whole", action="store_true", help="skip the whole-file pandas baseline")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    ap.add_argument("--rules", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.csv), Path(args.rules))))
        return

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="dataval-bench-profile-"))
    folder.mkdir(parents=True, exist_ok=True)
    small = folder / "small"
    small.mkdir(exist_ok=True)
    try:
        t0 = time.perf_counter()
        planted = write_inputs(folder, args.rows)
        planted_small = write_inputs(small, args.small_rows)
        size = (folder / "orders.csv").stat().st_size
        print(f"wrote {args.rows:,} records ({size / 2**20:,.0f} MiB) and {args.small_rows:,} records "
              f"in {time.perf_counter() - t0:.1f} s; planted {sum(planted.values()):,} defects")

        big = _run_phase("profile", folder / "orders.csv", folder / "rules.json")
        little = _run_phase("profile", small / "orders.csv", small / "rules.json")
        reader = _run_phase("reader", folder / "orders.csv", folder / "rules.json")
        chunks = _run_phase("pandas-chunks", folder / "orders.csv", folder / "rules.json")
        whole = None if args.skip_whole else _run_phase("pandas-whole", folder / "orders.csv", folder / "rules.json")

        problems = _check_counts(big, args.rows, planted) + _check_counts(little, args.small_rows, planted_small)
        mib = size / 2**20

        def line(label: str, r: dict[str, Any], rows: int, mb: float) -> str:
            return (f"  {label:<40} {r['seconds']:8.1f} s  {rows / r['seconds']:>12,.0f} rows/s  "
                    f"{mb / r['seconds']:7.1f} MiB/s  peak RSS {r['peak_rss_mb']:8,.0f} MiB")

        print(f"\nprofile of {args.rows:,} records, 16 checks + duplicate keys + 3 declared metrics "
              f"(Q = {big['quality_score']:.4f})")
        print(line("dataval profile (10M)" if args.rows == 10_000_000 else "dataval profile", big, args.rows, mib))
        small_mib = (small / "orders.csv").stat().st_size / 2**20
        print(line(f"dataval profile ({args.small_rows:,} records)", little, args.small_rows, small_mib))
        print(line("its reader alone (pyarrow, all 11 columns)", reader, args.rows, mib))
        print(line("baseline: pandas read_csv chunks, no checks", chunks, args.rows, mib))
        if whole is not None:
            print(line("baseline: pandas read_csv whole file", whole, args.rows, mib))
        print(f"\n  profile throughput / plain chunked pandas read: {chunks['seconds'] / big['seconds']:.2f}×; "
              f"reader throughput / pandas chunked read: {chunks['seconds'] / reader['seconds']:.2f}×; "
              f"checks take {1 - reader['seconds'] / big['seconds']:.0%} of the profile time")
        print(f"  peak memory, {args.rows:,} vs {args.small_rows:,} records: "
              f"{big['peak_rss_mb'] / little['peak_rss_mb']:.2f}× for {args.rows / args.small_rows:.0f}× the records")
        if whole is not None:
            print(f"  peak memory, profile / whole file in pandas: {big['peak_rss_mb'] / whole['peak_rss_mb']:.2f}×")
        print(f"  counts against the planted defects: {'all agree' if not problems else 'MISMATCH'}")
        for p in problems:
            print(f"    {p}")
        if problems:
            raise SystemExit(1)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
