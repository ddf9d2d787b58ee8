"""Benchmark of ``accounting.book`` against the number of assets: is it linear?

    python benchmarks/bench_book.py [--copies 500] [--repeat 3]

The sample book data/examples/books/purchased_authorized_dataset.json (a purchased dataset with its
processing service, 2 resources, 6 events) is copied ``--copies`` times with fresh ids, then booked
to 2025-12-31; the same with twice as many copies in the same run. The ratio of the two times is the
baseline check: 2.0 is linear, 4.0 would be quadratic. Wall and CPU seconds, best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accounting import BookCase, ChartOfAccounts, book  # noqa: E402

SAMPLE = ROOT / "data" / "examples" / "books" / "purchased_authorized_dataset.json"
AS_OF = date(2025, 12, 31)


def replicated(copies: int) -> BookCase:
    """The sample book ``copies`` times, every asset and event id suffixed with its copy number."""
    base = json.loads(SAMPLE.read_text(encoding="utf-8"))
    resources: list[Any] = []
    events: list[Any] = []
    for k in range(copies):
        for r in base["resources"]:
            resources.append({**copy.deepcopy(r), "asset_id": f"{r['asset_id']}-{k}"})
        for e in base["events"]:
            e2 = {**copy.deepcopy(e), "asset_id": f"{e['asset_id']}-{k}"}
            if e2.get("event_id"):
                e2["event_id"] = f"{e['event_id']}-{k}"
            events.append(e2)
    return BookCase.model_validate({**base, "resources": resources, "events": events})


def timed(case: BookCase, chart: ChartOfAccounts, repeat: int) -> tuple[float, float]:
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = book(case, AS_OF, chart=chart)
        best = min(best, (time.perf_counter() - t0, time.process_time() - c0))
        assert result.all_checks_pass
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    chart = ChartOfAccounts.model_validate_json((ROOT / "data" / "chart_of_accounts.json").read_text("utf-8"))
    rows = []
    for copies in (args.copies, 2 * args.copies):
        case = replicated(copies)
        wall, cpu = timed(case, chart, args.repeat)
        rows.append((len(case.resources), len(case.events), wall, cpu))
        print(f"{len(case.resources):>6} assets {len(case.events):>6} events: {wall:7.2f} s wall, {cpu:7.2f} s CPU, "
              f"{len(case.resources) / wall:8.0f} assets/s")
    print(f"twice the assets took {rows[1][2] / rows[0][2]:.2f}× the time (CPU {rows[1][3] / rows[0][3]:.2f}×); "
          "2.0 is linear")


if __name__ == "__main__":
    main()
