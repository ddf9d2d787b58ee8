"""Price index used to restate historical costs (docs/valuation.md §Cost method) and date-adjust comparables
(X3, docs/valuation.md §Market method).

Convention (documented in README): the index is monthly; a date takes the value of its own month;
the restatement factor from date a to date b is I(month of b) / I(month of a). A date outside the
series is refused rather than extrapolated.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from pydantic import Field, field_validator

from base.models import FrozenModel
from valuation.errors import PriceIndexGap


def _month_number(d: date) -> int:
    return d.year * 12 + (d.month - 1)


class PriceIndex(FrozenModel):
    """A monthly price index: ``points`` maps "YYYY-MM" to the index level (any base)."""

    name: str = "price index"
    source: str = ""
    points: dict[str, float] = Field(min_length=1)

    @field_validator("points")
    @classmethod
    def _check_points(cls, v: dict[str, float]) -> dict[str, float]:
        months = []
        for k, level in v.items():
            try:
                y, m = k.split("-")
                months.append(int(y) * 12 + int(m) - 1)
            except ValueError as exc:
                raise ValueError(f"price index month {k!r} is not YYYY-MM") from exc
            if not level > 0:
                raise ValueError(f"price index level for {k} must be > 0, got {level}")
        if sorted(months) != list(range(min(months), max(months) + 1)):
            raise ValueError("price index months must be consecutive, without gaps")
        return v

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        months = np.array([int(k[:4]) * 12 + int(k[5:7]) - 1 for k in self.points], dtype=np.int64)
        levels = np.array(list(self.points.values()), dtype=np.float64)
        order = np.argsort(months)
        return months[order], levels[order]

    def level(self, d: date, *, field: str | None = None) -> float:
        """Index level of the month of ``d``."""
        return float(self.levels(np.array([_month_number(d)]), field=field)[0])

    def levels(self, month_numbers: np.ndarray, *, field: str | None = None) -> np.ndarray:
        """Index levels for month numbers (year*12 + month-1), vectorized."""
        months, levels = self._arrays()
        pos = np.asarray(month_numbers, dtype=np.int64) - months[0]
        bad = (pos < 0) | (pos >= len(months))
        if bad.any():
            first = f"{months[0] // 12}-{months[0] % 12 + 1:02d}"
            last = f"{months[-1] // 12}-{months[-1] % 12 + 1:02d}"
            m = int(np.asarray(month_numbers)[bad][0])
            raise PriceIndexGap(
                f"date {m // 12}-{m % 12 + 1:02d} is outside the {self.name} series ({first} to {last})",
                field=field,
            )
        found: np.ndarray = levels[pos]
        return found

    def factor(self, from_date: date, to_date: date, *, field: str | None = None) -> float:
        """Restatement factor I(to) / I(from)."""
        return self.level(to_date, field=field) / self.level(from_date, field=field)


def month_number(d: date) -> int:
    """year*12 + month-1: the key used by :meth:`PriceIndex.levels`."""
    return _month_number(d)


def month_label(month: int) -> str:
    """A month number (year × 12 + month − 1) as YYYY-MM."""
    return f"{month // 12}-{month % 12 + 1:02d}"
