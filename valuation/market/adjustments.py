"""X5 "other factors" coefficient table (docs/valuation.md §Market method): rights type, exclusivity, region
tier, remaining term, delivery form.

Configuration a firm changes, kept in data/market_adjustments.json; the shell loads it with
``AdjustmentTable.model_validate_json`` and passes it in. Each X5 item of a comparable is the ratio
coefficient(target's attribute) / coefficient(comparable's attribute); X5 is the product of the five
items. Every coefficient carries its ``basis`` (the evidence quoted in the adjustment grid).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from pydantic import Field, model_validator

from base.models import FrozenModel
from valuation.market.comparables import DELIVERY_ORDER, RIGHTS_ORDER, DeliveryForm
from valuation.models import DataRight


class X5Item(StrEnum):
    """The "other" adjustment items multiplied into X5, in the order they are multiplied."""

    RIGHTS_TYPE = "rights_type"  # 权利类型
    EXCLUSIVITY = "exclusivity"  # 独占性
    REGION = "region"  # 地区
    REMAINING_TERM = "remaining_term"  # 剩余期限
    DELIVERY_FORM = "delivery_form"  # 交付方式


X5_ITEMS: tuple[X5Item, ...] = tuple(X5Item)
X5_LABELS_ZH: dict[X5Item, str] = {
    X5Item.RIGHTS_TYPE: "权利类型",
    X5Item.EXCLUSIVITY: "独占性",
    X5Item.REGION: "地区",
    X5Item.REMAINING_TERM: "剩余期限",
    X5Item.DELIVERY_FORM: "交付方式",
}


class Exclusivity(StrEnum):
    EXCLUSIVE = "exclusive"
    NON_EXCLUSIVE = "non_exclusive"


class CoefficientRow(FrozenModel):
    """One row of the table: the coefficient and the basis (evidence) behind it."""

    coefficient: float = Field(gt=0, allow_inf_nan=False)
    basis: str = Field(min_length=1)


class RegionTier(FrozenModel):
    """A region tier: its coefficient and the regions in it (matched case-insensitively)."""

    tier: str = Field(min_length=1)
    coefficient: float = Field(gt=0, allow_inf_nan=False)
    basis: str = Field(min_length=1)
    regions: tuple[str, ...] = ()


class TermBand(FrozenModel):
    """Remaining term up to ``max_years`` (inclusive; None = longer or not limited)."""

    max_years: float | None = Field(None, gt=0)
    coefficient: float = Field(gt=0, allow_inf_nan=False)
    basis: str = Field(min_length=1)


class AdjustmentTable(FrozenModel):
    """The X5 coefficient table (see module docstring); every attribute value must have a row."""

    name: str
    version: str = ""
    source: str = Field(min_length=1, description="where the coefficients come from")
    rights_type: dict[DataRight, CoefficientRow]
    exclusivity: dict[Exclusivity, CoefficientRow]
    region_tiers: tuple[RegionTier, ...] = Field(min_length=1)
    default_region_tier: str = Field(description="tier of a region listed in no tier")
    remaining_term: tuple[TermBand, ...] = Field(min_length=1)
    delivery_form: dict[DeliveryForm, CoefficientRow]

    @model_validator(mode="after")
    def _complete(self) -> AdjustmentTable:
        for name, table, keys in (
            ("rights_type", self.rights_type, list(DataRight)),
            ("exclusivity", self.exclusivity, list(Exclusivity)),
            ("delivery_form", self.delivery_form, list(DeliveryForm)),
        ):
            missing = [k.value for k in keys if k not in table]
            if missing:
                raise ValueError(f"{name} needs a row for every value; missing {missing}")
        tiers = [t.tier for t in self.region_tiers]
        if len(set(tiers)) != len(tiers):
            raise ValueError(f"region tier names repeat: {tiers}")
        if self.default_region_tier not in tiers:
            raise ValueError(f"default_region_tier {self.default_region_tier!r} is not one of {tiers}")
        seen: dict[str, str] = {}
        for t in self.region_tiers:
            for r in t.regions:
                key = r.strip().lower()
                if key in seen and seen[key] != t.tier:
                    raise ValueError(f"region {r!r} is in two tiers: {seen[key]} and {t.tier}")
                seen[key] = t.tier
        bounds = [b.max_years for b in self.remaining_term]
        if bounds[-1] is not None or any(b is None for b in bounds[:-1]):
            raise ValueError("remaining_term bands: only the last band is open-ended (max_years null)")
        finite = [float(b) for b in bounds[:-1] if b is not None]
        if finite != sorted(set(finite)):
            raise ValueError(f"remaining_term bands must have increasing max_years, got {finite}")
        return self

    # ------------------------------------------------------------- vectorized lookups
    def rights_coefficients(self) -> np.ndarray:
        """Coefficients in RIGHTS_ORDER, shape (3,)."""
        return np.array([self.rights_type[r].coefficient for r in RIGHTS_ORDER])

    def exclusivity_coefficients(self) -> np.ndarray:
        """[non-exclusive, exclusive], indexed by the exclusivity flag."""
        return np.array(
            [
                self.exclusivity[Exclusivity.NON_EXCLUSIVE].coefficient,
                self.exclusivity[Exclusivity.EXCLUSIVE].coefficient,
            ]
        )

    def delivery_coefficients(self) -> np.ndarray:
        """Coefficients in DELIVERY_ORDER, shape (4,)."""
        return np.array([self.delivery_form[d].coefficient for d in DELIVERY_ORDER])

    def tier_coefficients(self) -> np.ndarray:
        """Coefficients in the order of ``region_tiers``."""
        return np.array([t.coefficient for t in self.region_tiers])

    def tier_codes(self, region_keys: np.ndarray) -> np.ndarray:
        """Tier index of each lower-cased region; unlisted regions get the default tier."""
        lookup = {r.strip().lower(): i for i, t in enumerate(self.region_tiers) for r in t.regions}
        default = [t.tier for t in self.region_tiers].index(self.default_region_tier)
        keys = np.asarray(region_keys, dtype=object)
        uniq, inverse = np.unique(keys.astype(str), return_inverse=True)
        codes = np.array([lookup.get(u, default) for u in uniq], dtype=np.int64)
        return codes[inverse].reshape(keys.shape)

    def term_band_codes(self, years: np.ndarray) -> np.ndarray:
        """Band index of each remaining term in years (NaN = not limited -> the open band)."""
        edges = np.array([b.max_years for b in self.remaining_term[:-1]], dtype=np.float64)
        y = np.asarray(years, dtype=np.float64)
        codes = np.searchsorted(edges, np.where(np.isnan(y), np.inf, y), side="left")
        return codes.astype(np.int64)

    def term_coefficients(self) -> np.ndarray:
        """Coefficients in band order."""
        return np.array([b.coefficient for b in self.remaining_term])

    def term_band_label(self, code: int) -> str:
        band = self.remaining_term[code]
        lower = self.remaining_term[code - 1].max_years if code > 0 else 0
        return f"{lower:g}–{band.max_years:g} 年" if band.max_years is not None else f"> {lower:g} 年或不限"
