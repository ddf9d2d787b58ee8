"""Write data/comparables.csv: an ILLUSTRATIVE database of data-product transactions.

THE ROWS ARE SYNTHETIC. They are not real transactions of the venues named; they exist so the market
method (docs/valuation.md §Market method), its selection, screening and hedonic cross-check have a default
database to run on in examples and tests. An engagement must replace them with the transactions it actually
relies on (venue records, contracts) and keep the evidence. Every row says so in its ``note`` column.

Generating model (hedonic, log-linear; effects are natural-log points)::

    ln price = 5.5
             + 0.40 · ln(records)
             + 1.20 · quality
             + 0.30 · exclusive
             + field effect      (finance +0.35, healthcare +0.25, energy +0.15, government +0.10,
                                  transport 0, manufacturing 0, logistics -0.05, retail -0.10)
             + rights effect     (holding +0.25, product_operation +0.12, processing_use 0)
             + delivery effect   (data_service +0.10, api 0, file -0.10, sandbox -0.16)
             + region-tier effect(tier_1 +0.10, national +0.05, tier_2 0, tier_3 -0.10)
             + term effect       (<=1 y -0.15, <=2 y -0.05, <=3 y 0, <=5 y +0.05, unlimited +0.10)
             + 0.002 · months since 2022-01
             + ε,  ε ~ Normal(0, 0.20)

Attributes: date uniform over 2022-01-01 .. 2026-06-30; records log-uniform 10^5 .. 10^9; quality
0.55 + 0.43·Beta(4, 2); 15 % exclusive; the region is the venue's home region 70 % of the time.
Four rows (noted in ``note``) are deliberately anomalous (price × 3.5 or × 0.3: a bundled service deal
and a distressed clearance), so the outlier screen has something to find. Prices are rounded to
100 CNY. The X5 coefficients of data/market_adjustments.json are the rounded exponentials of the
effects above, so the illustrative table and the illustrative database agree.

The script is deterministic (fixed seed, fixed formatting): running it again rewrites the CSV byte
for byte.

    python data/generators/comparables.py
"""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

SEED = 20240601
N_ROWS = 160
NOTE = "ILLUSTRATIVE synthetic transaction (data/generators/comparables.py), not a real trade"

VENUES = {  # venue -> home region
    "上海数据交易所": "Shanghai",
    "深圳数据交易所": "Guangdong",
    "北京国际大数据交易所": "Beijing",
    "贵阳大数据交易所": "Guizhou",
    "浙江大数据交易中心": "Zhejiang",
    "广州数据交易所": "Guangdong",
    "湖南大数据交易所": "Hunan",
    "西部数据交易中心": "Chongqing",
}
OTHER_REGIONS = ("Jiangsu", "Sichuan", "Shandong", "Hubei", "Anhui", "Yunnan", "national")
REGION_TIER_EFFECT = {
    "Beijing": 0.10,
    "Shanghai": 0.10,
    "Guangdong": 0.10,
    "Zhejiang": 0.10,
    "Jiangsu": 0.10,
    "national": 0.05,
    "Chongqing": 0.0,
    "Sichuan": 0.0,
    "Hubei": 0.0,
    "Hunan": 0.0,
    "Shandong": 0.0,
    "Anhui": 0.0,
    "Guizhou": -0.10,
    "Yunnan": -0.10,
}
FIELD_EFFECT = {
    "finance": 0.35,
    "healthcare": 0.25,
    "energy": 0.15,
    "government": 0.10,
    "transport": 0.0,
    "manufacturing": 0.0,
    "logistics": -0.05,
    "retail": -0.10,
}
RIGHTS_EFFECT = {"holding": 0.25, "product_operation": 0.12, "processing_use": 0.0}
DELIVERY_EFFECT = {"data_service": 0.10, "api": 0.0, "file": -0.10, "sandbox": -0.16}
DELIVERY_P = (0.40, 0.30, 0.20, 0.10)  # api, file, data_service, sandbox
TERMS = (1.0, 2.0, 3.0, 5.0, None)
TERM_EFFECT = (-0.15, -0.05, 0.0, 0.05, 0.10)
UPDATE_FREQUENCIES = ("real-time", "daily", "weekly", "monthly", "quarterly")
ANOMALIES = {
    17: (3.5, "bundled with a consulting service"),
    58: (0.3, "distressed clearance sale"),
    101: (3.5, "bundled with a consulting service"),
    139: (0.3, "distressed clearance sale"),
}

FIRST_DAY = date(2022, 1, 1)
LAST_DAY = date(2026, 6, 30)
COLUMNS = (
    "comp_id",
    "venue",
    "date",
    "rights_type",
    "field",
    "region",
    "records",
    "fields",
    "update_frequency",
    "quality",
    "exclusivity",
    "delivery_form",
    "term_years",
    "price",
    "note",
)


def rows() -> list[tuple[str, ...]]:
    rng = np.random.default_rng(SEED)
    venues = list(VENUES)
    fields = list(FIELD_EFFECT)
    rights = list(RIGHTS_EFFECT)
    deliveries = ("api", "file", "data_service", "sandbox")
    span_days = (LAST_DAY - FIRST_DAY).days
    out: list[tuple[str, ...]] = []
    for i in range(N_ROWS):
        venue = venues[int(rng.integers(len(venues)))]
        region = VENUES[venue] if rng.random() < 0.7 else OTHER_REGIONS[int(rng.integers(len(OTHER_REGIONS)))]
        day = FIRST_DAY + timedelta(days=int(rng.integers(span_days + 1)))
        field = fields[int(rng.integers(len(fields)))]
        right = rights[int(rng.integers(len(rights)))]
        delivery = deliveries[int(rng.choice(4, p=DELIVERY_P))]
        term_i = int(rng.integers(len(TERMS)))
        records = round(10 ** rng.uniform(5.0, 9.0))
        n_fields = int(rng.integers(8, 240))
        frequency = UPDATE_FREQUENCIES[int(rng.integers(len(UPDATE_FREQUENCIES)))]
        quality = round(0.55 + 0.43 * float(rng.beta(4.0, 2.0)), 2)
        exclusive = bool(rng.random() < 0.15)
        months = (day.year - 2022) * 12 + day.month - 1
        log_price = (
            5.5
            + 0.40 * math.log(records)
            + 1.20 * quality
            + 0.30 * exclusive
            + FIELD_EFFECT[field]
            + RIGHTS_EFFECT[right]
            + DELIVERY_EFFECT[delivery]
            + REGION_TIER_EFFECT[region]
            + TERM_EFFECT[term_i]
            + 0.002 * months
            + float(rng.normal(0.0, 0.20))
        )
        note = NOTE
        if i in ANOMALIES:
            multiplier, why = ANOMALIES[i]
            log_price += math.log(multiplier)
            note = f"{NOTE}; deliberately anomalous: {why}"
        price = round(math.exp(log_price), -2)
        term = TERMS[term_i]
        out.append(
            (
                f"C{i + 1:03d}",
                venue,
                day.isoformat(),
                right,
                field,
                region,
                str(records),
                str(n_fields),
                frequency,
                f"{quality:.2f}",
                "true" if exclusive else "false",
                delivery,
                "" if term is None else f"{term:g}",
                f"{price:.0f}",
                note,
            )
        )
    return out


def write_csv(path: Path) -> None:
    """Write the database to ``path`` (UTF-8, LF line ends)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows())


def main() -> None:
    path = Path(__file__).resolve().parents[1] / "comparables.csv"
    write_csv(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
