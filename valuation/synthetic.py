"""Seeded synthetic batches: the 1,000-asset sample (data/examples/batch_1000.csv) and the benchmarks.

Shared columns are drawn here; each method fills its own columns (``synthetic_<method>_columns``).
Magnitudes: single data assets from about ¥0.1 m to ¥50 m. Illustrative, not real.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from valuation import cost, income, market
from valuation.models import QUALITY_DIMENSIONS

FIELDS = ("transport", "logistics", "finance", "healthcare", "energy", "retail", "government", "manufacturing")
FIELD_ZH = {
    "transport": "停车与交通", "logistics": "物流运单", "finance": "信用评分", "healthcare": "医疗健康",
    "energy": "能源用电", "retail": "零售消费", "government": "公共数据", "manufacturing": "工业设备",
}
REGIONS = ("Zhejiang", "Shanghai", "Guangdong", "Beijing", "Guizhou", "Jiangsu", "Sichuan", "Shandong")
RIGHTS = ("holding;processing_use", "processing_use", "holding;processing_use;product_operation", "product_operation")
SOURCES = ("own_collection", "purchase", "licence", "authorized_operation")
DELIVERY = ("API", "file", "data_service", "sandbox")
FREQUENCY = ("real-time", "daily", "weekly", "monthly")
WEIGHT_SETS = np.array(
    [
        [0.2, 0.5, 0.3],
        [0.0, 0.6, 0.4],
        [0.3, 0.7, 0.0],
        [1.0, 0.0, 0.0],
        [0.25, 0.5, 0.25],
        [0.0, 0.0, 1.0],
        [0.4, 0.3, 0.3],
    ]
)


def synthetic_batch(n: int, *, seed: int = 2024, valuation_date: date = date(2025, 12, 31)) -> pd.DataFrame:
    """A flat batch table of ``n`` synthetic assets (all columns of the batch format)."""
    rng = np.random.default_rng(seed)
    fields = rng.choice(FIELDS, n)
    ids = np.char.add("DA-", np.char.zfill(np.arange(1, n + 1).astype(str), 6))
    term = rng.random(n) < 0.35
    term_years = rng.integers(2, 6, n)
    term_end = np.where(
        term,
        np.array([f"{valuation_date.year + int(y)}-{valuation_date.month:02d}-{min(valuation_date.day, 28):02d}"
                  for y in term_years]),
        "",
    )
    table = pd.DataFrame(
        {
            "asset_id": ids,
            "name": [f"{FIELD_ZH[f]}数据集 {i}" for f, i in zip(fields, ids, strict=True)],
            "field": fields,
            "region": rng.choice(REGIONS, n),
            "rights": rng.choice(RIGHTS, n),
            "source": rng.choice(SOURCES, n),
            "records": np.round(np.exp(rng.normal(np.log(5e6), 1.2, n))).astype(np.int64),
            "exclusivity": rng.random(n) < 0.2,
            "delivery_form": rng.choice(DELIVERY, n),
            "update_frequency": rng.choice(FREQUENCY, n),
            **{f"q_{d.value}": np.round(rng.beta(8, 2, n), 3) for d in QUALITY_DIMENSIONS},
            "rights_term_end": term_end,
            "valuation_date": valuation_date.isoformat(),
        }
    )
    w = WEIGHT_SETS[rng.integers(0, len(WEIGHT_SETS), n)]
    table["w_cost"], table["w_income"], table["w_market"] = w[:, 0], w[:, 1], w[:, 2]
    table["rights_term_end"] = table["rights_term_end"].replace("", None)
    for fill in (cost.synthetic_cost_columns, income.synthetic_income_columns, market.synthetic_market_columns):
        cols = fill(rng, table)
        table = pd.concat([table, cols.set_axis(table.index)], axis=1)
    return table
