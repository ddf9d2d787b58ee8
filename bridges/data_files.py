"""One loader each for the bundled data files (the pure packages never touch files).

The command line and the dashboard load the price index, comparables, market adjustments, chart of
accounts and bank policy through these functions and nowhere else. ``DATAVAL_DATA_DIR`` overrides
the folder (default: the repository's ``data/``).
"""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from base.errors import InvalidInput
from valuation.price_index import PriceIndex

if TYPE_CHECKING:
    from accounting import ChartOfAccounts
    from pledge import BankPolicy
    from valuation.engine import MarketData


def data_dir() -> Path:
    """The data folder: $DATAVAL_DATA_DIR or the repository's data/."""
    env = os.environ.get("DATAVAL_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "data"


def _read_csv_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise InvalidInput(f"data file not found: {path}")
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def load_price_index(path: Path | None = None) -> PriceIndex:
    """The monthly price index (default data/price_index.csv: illustrative, see its generator)."""
    path = path or data_dir() / "price_index.csv"
    rows = _read_csv_rows(path)
    try:
        points = {r["month"]: float(r["level"]) for r in rows}
    except (KeyError, ValueError) as exc:
        raise InvalidInput(f"{path}: expected columns month, level with numeric levels ({exc})") from exc
    bundled = path.resolve() == (data_dir() / "price_index.csv").resolve()
    return PriceIndex(name="示例物价指数（按 CPI 形态编制）illustrative CPI-shaped index" if bundled else path.stem,
                      source=("dataval 随附示例数据，非官方统计 — bundled illustrative series, not an official statistic"
                              if bundled else path.name), points=points)


@cache
def load_comparables(path: Path | None = None) -> tuple[Any, ...]:
    """The bundled comparables database (illustrative transactions, see data/generators/comparables.py)."""
    from valuation.market import Comparable

    path = path or data_dir() / "comparables.csv"
    out = []
    for i, row in enumerate(_read_csv_rows(path), start=2):
        clean = {k: (v if v != "" else None) for k, v in row.items()}
        try:
            out.append(Comparable.model_validate(clean))
        except Exception as exc:  # pydantic error, reported with the row
            raise InvalidInput(f"{path.name} row {i}: {exc}") from exc
    return tuple(out)


@cache
def load_adjustments(path: Path | None = None) -> Any:
    """The market adjustment coefficient table (data/market_adjustments.json)."""
    from valuation.market import AdjustmentTable

    path = path or data_dir() / "market_adjustments.json"
    return AdjustmentTable.model_validate_json(path.read_text(encoding="utf-8"))


@cache
def load_chart_of_accounts(path: Path | None = None) -> ChartOfAccounts:
    """The chart of accounts (data/chart_of_accounts.json): codes and names companies may rename."""
    from accounting import ChartOfAccounts

    path = path or data_dir() / "chart_of_accounts.json"
    return ChartOfAccounts.model_validate_json(path.read_text(encoding="utf-8"))


@cache
def load_bank_policy(path: Path | None = None) -> BankPolicy:
    """The bank's pledge policy (data/bank_policy.json): pledge rates, haircuts, covenants."""
    from pledge import BankPolicy

    path = path or data_dir() / "bank_policy.json"
    return BankPolicy.model_validate_json(path.read_text(encoding="utf-8"))


@cache
def load_market_data() -> MarketData:
    """The comparables database and the adjustment table, as the market method takes them."""
    from valuation.engine import MarketData

    return MarketData(database=load_comparables(), adjustments=load_adjustments())
