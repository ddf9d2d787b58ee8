"""Write data/price_index.csv: an ILLUSTRATIVE monthly price index, 2015-01 to 2026-12.

Shaped on China's annual CPI inflation (rounded public figures); each year's rate is spread evenly
over its months (geometric). It exists so cost restatement and comparable date adjustment have a
default series; an engagement should replace it with the official series it relies on
(e.g. 国家统计局 CPI or an industry price index) by giving ``price_index`` in the case file.

    python data/generators/price_index.py
"""

from __future__ import annotations

import csv
from pathlib import Path

ANNUAL_RATE = {
    2015: 0.014, 2016: 0.020, 2017: 0.016, 2018: 0.021, 2019: 0.029, 2020: 0.025,
    2021: 0.009, 2022: 0.020, 2023: 0.002, 2024: 0.002, 2025: 0.000, 2026: 0.005,
}


def rows() -> list[tuple[str, float]]:
    level = 100.0
    out = []
    for year, rate in ANNUAL_RATE.items():
        monthly = (1 + rate) ** (1 / 12)
        for month in range(1, 13):
            out.append((f"{year}-{month:02d}", round(level, 4)))
            level *= monthly
    return out


def main() -> None:
    path = Path(__file__).resolve().parents[1] / "price_index.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["month", "level"])
        w.writerows(rows())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
