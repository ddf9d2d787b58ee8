"""Year fractions between dates: one convention for the whole valuation package.

Convention (README, "Conventions"): years from ``start`` to ``end`` = y + m/12 + d/365, where (y, m, d)
are the years, months and days of ``dateutil.relativedelta(end, start)``. Used for remaining rights
terms (cost δ_life cap, income horizon caps) and for lives given by dates.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
from numpy.typing import ArrayLike

Array = npt.NDArray[np.float64]
DAYS_PER_YEAR = 365.0


def years_between(start: ArrayLike | date, end: ArrayLike | date) -> Array:
    """Years from ``start`` to ``end`` by the convention y + m/12 + d/365 (years).

    (y, m, d) are the years, months and days of ``dateutil.relativedelta(end, start)``: whole months
    are counted first (a day past the end of a shorter month is clipped to its last day), then the
    days left over. If ``end`` is before ``start`` the result is −years_between(end, start). Dates
    are anything numpy reads as datetime64[D]; NaT gives NaN.
    """
    s = np.asarray(start, dtype="datetime64[D]")
    e = np.asarray(end, dtype="datetime64[D]")
    missing = np.isnat(s) | np.isnat(e)
    s = np.where(missing, np.datetime64("2000-01-01"), s)
    e = np.where(missing, np.datetime64("2000-01-01"), e)
    sign = np.where(e >= s, 1.0, -1.0)
    lo, hi = np.minimum(s, e), np.maximum(s, e)
    lo_month = lo.astype("datetime64[M]")
    lo_day = (lo - lo_month.astype("datetime64[D]")).astype(np.int64)  # 0-based day of month

    def add_months(months: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
        target = lo_month + months
        first = target.astype("datetime64[D]")
        month_days = ((target + 1).astype("datetime64[D]") - first).astype(np.int64)
        added: npt.NDArray[np.datetime64] = first + np.minimum(lo_day, month_days - 1)
        return added

    months = (hi.astype("datetime64[M]") - lo_month).astype(np.int64)
    months = np.where(add_months(months) > hi, months - 1, months)
    days = (hi - add_months(months)).astype(np.int64)
    years = sign * (months // 12 + (months % 12) / 12 + days / DAYS_PER_YEAR)
    return np.where(missing, np.nan, years)
