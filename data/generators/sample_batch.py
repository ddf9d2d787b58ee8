"""Write data/examples/batch_1000.csv: 1,000 synthetic assets (seed 2024), the sample batch.

    python data/generators/sample_batch.py
"""

from __future__ import annotations

from pathlib import Path

from valuation.synthetic import synthetic_batch


def main() -> None:
    path = Path(__file__).resolve().parents[1] / "examples" / "batch_1000.csv"
    synthetic_batch(1000, seed=2024).to_csv(path, index=False, encoding="utf-8", float_format="%.12g")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
