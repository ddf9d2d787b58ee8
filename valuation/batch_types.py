"""Types shared by the vectorized batch functions of the three methods."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel

from base.errors import AssetError
from valuation.conclusion import MethodWeight
from valuation.models import QUALITY_DIMENSIONS, DataAsset, QualityScores


@dataclass(frozen=True)
class ModelField:
    """The field of a pydantic input model that a batch column feeds, e.g. ``ModelField(CostLine,
    "amount")``: the batch reader (valuation/batch_reader.py) checks the column's cells against that
    field's bounds, allowed values and required flag, the rules a case file is held to."""

    model: type[BaseModel]
    name: str

    def __str__(self) -> str:
        return f"{self.model.__name__}.{self.name}"


@dataclass(frozen=True)
class Bounds:
    """Numeric bounds a batch column adds to (or, without a model field, sets instead of) its field's."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False


@dataclass(frozen=True)
class BatchColumn:
    """One column of the flat batch table (one row per asset).

    ``required`` documents the column for the method that uses it (``dataval schema --batch``, the
    register's import); which blank cells are errors is decided by the reader from ``feeds``.
    ``feeds`` is the model field the column stands for in a case file; ``batch_bounds`` are bounds
    that hold in a batch only (stated in the description), e.g. a finite discount rate below 1.
    """

    name: str
    dtype: str  # "str", "float", "int", "bool", "date"
    required: bool
    unit: str
    description: str
    feeds: ModelField | None = None
    batch_bounds: Bounds | None = None


@dataclass(frozen=True)
class BatchMethodOutput:
    """What a method's batch function returns for the rows it was given.

    values : (n,) CNY, NaN where the row failed
    draws  : (n, n_draws) Monte Carlo draws of the value, NaN rows where failed; None when n_draws == 0
    errors : one AssetError per problem found (a row may have several); failed rows have NaN values
    extra  : intermediate per-row figures for the tidy output, e.g. {"cost_C": ..., "cost_delta": ...}
    """

    values: np.ndarray
    draws: np.ndarray | None
    errors: list[AssetError]
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def blank_cells(raw: pd.Series) -> np.ndarray:
    """True where a cell of a batch column is empty: missing, or text of spaces only. A column of
    numbers, booleans or dates has no text to strip (and is not turned into text to find out)."""
    missing = raw.isna().to_numpy(dtype=bool)
    if raw.dtype.kind in "biufcmM":
        return missing
    return missing | (raw.astype("string").fillna("").str.strip() == "").to_numpy(dtype=bool)


def _asset(name: str) -> ModelField:
    return ModelField(DataAsset, name)


_WEIGHT = ModelField(MethodWeight, "weight")

# Columns every row may have, whatever its methods; each method's own columns follow (valuation.batch).
SHARED_COLUMNS: tuple[BatchColumn, ...] = (
    BatchColumn("asset_id", "str", True, "", "资产编号 unique asset id", _asset("asset_id")),
    BatchColumn("name", "str", False, "", "资产名称 asset name", _asset("name")),
    BatchColumn("field", "str", False, "", "应用领域 field of application", _asset("field")),
    BatchColumn("region", "str", False, "", "地区 region", _asset("region")),
    BatchColumn("rights", "str", False, "", "权利类型 ';'-separated: holding;processing_use;product_operation",
                _asset("rights")),
    BatchColumn("source", "str", False, "", "来源 own_collection / purchase / licence / authorized_operation",
                _asset("source")),
    BatchColumn("records", "int", False, "count", "记录数 number of records", _asset("records")),
    BatchColumn("exclusivity", "bool", False, "", "独家 exclusive rights", _asset("exclusivity")),
    BatchColumn("delivery_form", "str", False, "", "交付方式 API / file / data_service / sandbox",
                _asset("delivery_form")),
    BatchColumn("update_frequency", "str", False, "", "更新频率", _asset("update_frequency")),
    *(
        BatchColumn(f"q_{d.value}", "float", False, "score", f"质量评分 {d.value} in [0, 1]",
                    ModelField(QualityScores, d.value))
        for d in QUALITY_DIMENSIONS
    ),
    BatchColumn("rights_term_end", "date", False, "", "权利期限届满日 end of the rights term",
                _asset("rights_term_end")),
    BatchColumn("valuation_date", "date", False, "", "评估基准日 (one date for the whole batch; or --valuation-date)"),
    BatchColumn("w_cost", "float", False, "weight", "成本法权重 weight of the cost method (0 = not run)", _WEIGHT),
    BatchColumn("w_income", "float", False, "weight", "收益法权重 weight of the income method", _WEIGHT),
    BatchColumn("w_market", "float", False, "weight", "市场法权重 weight of the market method", _WEIGHT),
)

