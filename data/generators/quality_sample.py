"""Write data/quality/orders.csv and data/quality/customers.csv: sample data with PLANTED DEFECTS.

THE RECORDS ARE SYNTHETIC (illustrative orders of a data product's customers). They exist so the
quality profiler (valuation/quality, `dataval profile`) has data whose every defect is known: each
dimension's score can be computed by hand from the plan below (tests/valuation/quality).

1,000 orders; a clean record r has
    order_id 10000000 + r, customer C{(37 r mod 200) + 1:05d} with that customer's city,
    order_date 2025-01-01 + (7 r mod 300) days, ship_date = order_date + (r mod 5) days,
    status in (paid, shipped, delivered, cancelled), quantity 1 + (13 r mod 50),
    unit_price 10.00 + (29 r mod 9000)/100, amount = quantity × unit_price (exact to the fen),
    phone 13 + 9 digits, updated_at = 2025-12-31 − (r mod 31) days.

Defects (each on its own records, chosen with random.Random(2025); :func:`plan` lists them):

    phone_blank          20  phone empty                               completeness
    customer_blank       10  customer_id empty                         completeness
    amount_null           5  amount "NULL"                             completeness
    phone_malformed      15  phone with 10 digits                      conformance (regex)
    status_unknown       12  status "refunded" (not in the code list)  conformance (codes)
    order_date_format     7  order_date written 2025/03/05             conformance (type date)
    duplicate_id          8  order_id of an earlier clean record       consistency (key)
    ship_before_order     9  ship_date 3 days before order_date        consistency (rule)
    amount_mismatch      11  amount = quantity × unit_price + 1.00     consistency (rule)
    customer_unknown      6  customer_id C09xxx, not in customers.csv  consistency (foreign key)
    city_wrong           14  city differs from customers.csv           accuracy (reference)
    quantity_zero         4  quantity 0, amount 0.00                   accuracy (rule 0 < quantity ≤ 1000)
    price_negative        3  unit_price −12.50, amount = q × −12.50    accuracy (rule unit_price > 0)
    stale                25  updated_at 2025-10-01 or earlier          timeliness (monthly, as of 2025-12-31)
    future                2  updated_at 2026-01-15                      timeliness (after as_of)

The rules that find them are data/quality/orders_rules.json (hand-written). The script is
deterministic: running it again rewrites both CSV files byte for byte.

    python data/generators/quality_sample.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

N_ORDERS = 1000
N_CUSTOMERS = 200
AS_OF = date(2025, 12, 31)
CITIES = ("杭州", "上海", "北京", "深圳", "广州", "成都", "南京", "武汉", "西安", "苏州")
STATUSES = ("paid", "shipped", "delivered", "cancelled")
COLUMNS = ("order_id", "customer_id", "city", "order_date", "ship_date", "status", "quantity",
           "unit_price", "amount", "phone", "updated_at")

DEFECT_COUNTS: dict[str, int] = {
    "phone_blank": 20,
    "customer_blank": 10,
    "amount_null": 5,
    "phone_malformed": 15,
    "status_unknown": 12,
    "order_date_format": 7,
    "duplicate_id": 8,
    "ship_before_order": 9,
    "amount_mismatch": 11,
    "customer_unknown": 6,
    "city_wrong": 14,
    "quantity_zero": 4,
    "price_negative": 3,
    "stale": 25,
    "future": 2,
}


def customer_city(c: int) -> str:
    """City of customer number c (1-based) in the master table."""
    return CITIES[(c * 7) % len(CITIES)]


def plan() -> dict[str, tuple[int, ...]]:
    """Record numbers (1-based) of each planted defect; disjoint sets."""
    rng = random.Random(2025)
    chosen = rng.sample(range(20, N_ORDERS + 1), sum(DEFECT_COUNTS.values()))
    out: dict[str, tuple[int, ...]] = {}
    start = 0
    for name, n in DEFECT_COUNTS.items():
        out[name] = tuple(sorted(chosen[start : start + n]))
        start += n
    return out


def duplicate_sources(defects: dict[str, tuple[int, ...]]) -> dict[int, int]:
    """For each duplicate_id record, the earlier clean record whose order_id it repeats."""
    dirty = {r for rs in defects.values() for r in rs}
    clean = [r for r in range(1, N_ORDERS + 1) if r not in dirty]
    rng = random.Random(7)
    return {r: rng.choice([c for c in clean if c < r]) for r in defects["duplicate_id"]}


def clean_record(r: int) -> dict[str, str]:
    customer = (37 * r) % N_CUSTOMERS + 1
    order_date = date(2025, 1, 1) + timedelta(days=(7 * r) % 300)
    quantity = 1 + (13 * r) % 50
    price = Decimal(1000 + (29 * r) % 9000) / 100
    return {
        "order_id": str(10000000 + r),
        "customer_id": f"C{customer:05d}",
        "city": customer_city(customer),
        "order_date": order_date.isoformat(),
        "ship_date": (order_date + timedelta(days=r % 5)).isoformat(),
        "status": STATUSES[r % 4],
        "quantity": str(quantity),
        "unit_price": f"{price:.2f}",
        "amount": f"{quantity * price:.2f}",
        "phone": f"13{(r * 7919) % 10**9:09d}",
        "updated_at": (AS_OF - timedelta(days=r % 31)).isoformat(),
    }


def records() -> list[dict[str, str]]:
    defects = plan()
    sources = duplicate_sources(defects)
    kind = {r: name for name, rs in defects.items() for r in rs}
    out = []
    for r in range(1, N_ORDERS + 1):
        rec = clean_record(r)
        k = kind.get(r)
        if k == "phone_blank":
            rec["phone"] = ""
        elif k == "customer_blank":
            rec["customer_id"] = ""
        elif k == "amount_null":
            rec["amount"] = "NULL"
        elif k == "phone_malformed":
            rec["phone"] = rec["phone"][:10]
        elif k == "status_unknown":
            rec["status"] = "refunded"
        elif k == "order_date_format":
            rec["order_date"] = rec["order_date"].replace("-", "/")
        elif k == "duplicate_id":
            rec["order_id"] = str(10000000 + sources[r])
        elif k == "ship_before_order":
            rec["ship_date"] = (date.fromisoformat(rec["order_date"]) - timedelta(days=3)).isoformat()
        elif k == "amount_mismatch":
            rec["amount"] = f"{Decimal(rec['amount']) + 1:.2f}"
        elif k == "customer_unknown":
            rec["customer_id"] = f"C09{r % 1000:03d}"
        elif k == "city_wrong":
            i = CITIES.index(rec["city"])
            rec["city"] = CITIES[(i + 1) % len(CITIES)]
        elif k == "quantity_zero":
            rec["quantity"], rec["amount"] = "0", "0.00"
        elif k == "price_negative":
            rec["unit_price"] = "-12.50"
            rec["amount"] = f"{int(rec['quantity']) * Decimal('-12.50'):.2f}"
        elif k == "stale":
            rec["updated_at"] = (date(2025, 10, 1) - timedelta(days=r % 100)).isoformat()
        elif k == "future":
            rec["updated_at"] = "2026-01-15"
        out.append(rec)
    return out


def write_orders(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(records())


def write_customers(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "name", "city"])
        for c in range(1, N_CUSTOMERS + 1):
            w.writerow([f"C{c:05d}", f"示例客户 sample customer {c}", customer_city(c)])


def main() -> None:
    folder = Path(__file__).resolve().parents[1] / "quality"
    folder.mkdir(exist_ok=True)
    write_orders(folder / "orders.csv")
    write_customers(folder / "customers.csv")
    print(f"wrote {folder / 'orders.csv'} and {folder / 'customers.csv'}")


if __name__ == "__main__":
    main()
