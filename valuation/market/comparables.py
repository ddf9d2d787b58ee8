"""Comparable transactions (可比交易案例) for the market method (docs/valuation.md §Market method).

The shell reads the database (bundled: data/comparables.csv, ILLUSTRATIVE, see its generator) and
passes ``tuple[Comparable, ...]``; an appraiser may also give comparables inline in the case.
:class:`ComparableColumns` is the same data as numpy columns, the form the kernels work on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
from pydantic import Field, field_validator

from base.models import FrozenModel
from valuation.models import DataRight, PositiveMoney
from valuation.price_index import month_number


class DeliveryForm(StrEnum):
    """交付方式 how a data product is delivered."""

    API = "api"  # API 接口
    FILE = "file"  # 数据文件
    DATA_SERVICE = "data_service"  # 数据服务
    SANDBOX = "sandbox"  # 数据沙箱 / 隐私计算

    @classmethod
    def parse(cls, text: str) -> DeliveryForm:
        """Read a delivery form written loosely ("API", "data-service", "数据服务" ...)."""
        key = str(text).strip().lower().replace("-", "_").replace(" ", "_")
        form = _DELIVERY_ALIASES.get(key)
        if form is None:
            raise ValueError(f"delivery form must be one of {[f.value for f in cls]}, got {text!r}")
        return form


_DELIVERY_ALIASES: dict[str, DeliveryForm] = {
    **{f.value: f for f in DeliveryForm},
    "dataservice": DeliveryForm.DATA_SERVICE,
    "service": DeliveryForm.DATA_SERVICE,
    "files": DeliveryForm.FILE,
    "接口": DeliveryForm.API,
    "api接口": DeliveryForm.API,
    "文件": DeliveryForm.FILE,
    "数据文件": DeliveryForm.FILE,
    "数据服务": DeliveryForm.DATA_SERVICE,
    "沙箱": DeliveryForm.SANDBOX,
    "数据沙箱": DeliveryForm.SANDBOX,
}

DELIVERY_LABELS_ZH: dict[DeliveryForm, str] = {
    DeliveryForm.API: "API接口",
    DeliveryForm.FILE: "数据文件",
    DeliveryForm.DATA_SERVICE: "数据服务",
    DeliveryForm.SANDBOX: "数据沙箱",
}

RIGHTS_ORDER: tuple[DataRight, ...] = tuple(DataRight)
DELIVERY_ORDER: tuple[DeliveryForm, ...] = tuple(DeliveryForm)


class Comparable(FrozenModel):
    """One comparable transaction: what was sold, where, when, and the price Q (CNY).

    ``term_years`` is the licence or rights term transacted (blank: not limited); ``quality`` the
    comparable's quality score in (0, 1] on the same scale as the target's (X1 divides by it).
    """

    comp_id: str = Field(min_length=1, max_length=32)
    venue: str = Field(min_length=1, description="trading venue, e.g. 上海数据交易所")
    date: date
    rights_type: DataRight
    field: str = Field(min_length=1, description="field of application")
    region: str = Field(min_length=1)
    records: int = Field(gt=0, description="number of records")
    fields: int | None = Field(None, ge=1, description="number of fields (columns)")
    update_frequency: str = ""
    quality: float = Field(gt=0, le=1, allow_inf_nan=False, description="quality score in (0, 1]")
    exclusivity: bool = False
    delivery_form: DeliveryForm
    term_years: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="years; blank = not limited"
    )
    price: PositiveMoney = Field(description="transaction price Q, CNY")
    note: str = ""

    @field_validator("delivery_form", mode="before")
    @classmethod
    def _loose_delivery(cls, v: Any) -> Any:
        return DeliveryForm.parse(v) if isinstance(v, str) else v

    @field_validator("update_frequency", "note", mode="before")
    @classmethod
    def _blank_text(cls, v: Any) -> Any:
        return "" if v is None else v


@dataclass(frozen=True)
class ComparableColumns:
    """Comparables as numpy columns, shape (M,) each; codes index RIGHTS_ORDER / DELIVERY_ORDER.

    ``field_key`` and ``region_key`` are lower-cased for matching; ``term_years`` is NaN when the term
    is not limited; ``month`` is year*12 + month-1 of the transaction date.
    """

    comp_id: np.ndarray
    field_key: np.ndarray
    region_key: np.ndarray
    rights: np.ndarray
    delivery: np.ndarray
    exclusivity: np.ndarray
    records: np.ndarray
    quality: np.ndarray
    term_years: np.ndarray
    month: np.ndarray
    ordinal: np.ndarray
    price: np.ndarray

    @classmethod
    def of(cls, comparables: Sequence[Comparable]) -> ComparableColumns:
        cs = list(comparables)
        return cls(
            comp_id=np.array([c.comp_id for c in cs], dtype=object),
            field_key=np.array([c.field.strip().lower() for c in cs], dtype=object),
            region_key=np.array([c.region.strip().lower() for c in cs], dtype=object),
            rights=np.array([RIGHTS_ORDER.index(c.rights_type) for c in cs], dtype=np.int64),
            delivery=np.array([DELIVERY_ORDER.index(c.delivery_form) for c in cs], dtype=np.int64),
            exclusivity=np.array([c.exclusivity for c in cs], dtype=bool),
            records=np.array([c.records for c in cs], dtype=np.float64),
            quality=np.array([c.quality for c in cs], dtype=np.float64),
            term_years=np.array(
                [np.nan if c.term_years is None else c.term_years for c in cs], dtype=np.float64
            ),
            month=np.array([month_number(c.date) for c in cs], dtype=np.int64),
            ordinal=np.array([c.date.toordinal() for c in cs], dtype=np.int64),
            price=np.array([c.price for c in cs], dtype=np.float64),
        )

    def take(self, rows: np.ndarray) -> ComparableColumns:
        """The comparables at positions ``rows``."""
        return ComparableColumns(**{k: v[rows] for k, v in self.__dict__.items()})

    def __len__(self) -> int:
        return len(self.comp_id)


def ids_text(ids: Sequence[str]) -> str:
    """Comparable ids as a comma list, or "none"."""
    return ", ".join(ids) if ids else "none"
