"""The stated ranges of inputs other than money (money: :mod:`base.money`, ``|amount| ≤ 10**15`` CNY).

- counts (records, fields, units, periods): integers ``0 ≤ n ≤ MAX_COUNT`` (10**15); a boolean or
  a fraction is refused, never read as a number;
- dates: every date lies in ``EARLIEST_DATE`` (1990-01-01) … ``LATEST_DATE`` (2100-12-31); a term
  end (rights term, loan maturity) lies no more than ``TERM_YEARS_AFTER`` (50) years after the
  valuation date; a cost is not incurred after the valuation date.

Rates state their own ranges beside the field (e.g. a rate in [0, 1], a volatility in [0, 5]).
An input out of range is refused, naming the field and what is allowed, Chinese first.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

MAX_COUNT = 10**15
"""Largest count accepted (records, units ...): fits a 64-bit integer."""

EARLIEST_DATE = date(1990, 1, 1)
"""No input date lies before this (data assets as the rules treat them are younger)."""
LATEST_DATE = date(2100, 12, 31)
"""No input date lies after this."""
TERM_YEARS_AFTER = 50
"""A term end lies at most this many years after the valuation date."""


def refuse_bool(value: object) -> object:
    """Pydantic before-validator of a number field: true/false is refused, never read as 1/0."""
    if isinstance(value, bool):
        raise ValueError(f"应为数值 expected a number, got {value!r} (true/false is not a number)")
    return value


EXCEL_ERRORS = frozenset({"#VALUE!", "#REF!", "#N/A", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"})
"""Excel's error values, as a cell caches them when a formula failed."""


def text_problem(value: str) -> str | None:
    """Why a text cell cannot be taken as given — an Excel error value (``#VALUE!``) or a control
    character (NUL ...) — or None when it can."""
    if value.strip().upper() in EXCEL_ERRORS:
        return (f"单元格为 Excel 错误值 the cell holds the Excel error {value.strip()!r} (a formula failed): "
                "fix the formula or type the value")
    bad = next((c for c in value if (ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127), None)
    if bad is not None:
        return f"含控制字符 the text holds a control character {bad!r} (e.g. NUL): remove it"
    return None


def check_text(value: str) -> str:
    """Pydantic after-validator of a text field: refuses Excel error values and control characters."""
    problem = text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _no_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(f"计数须为整数 a count must be an integer 0 … {MAX_COUNT:,}, got {value!r}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Count = Annotated[int, BeforeValidator(_no_bool), Field(ge=0, le=MAX_COUNT, description="count, integer ≥ 0")]
"""A count: an integer 0 … MAX_COUNT; true/false and fractions are refused."""


def add_years(d: date, years: int) -> date:
    """``d`` plus whole years (29 February → 28 February)."""
    year = min(d.year + years, date.max.year)  # far dates are refused by their window, not by an overflow
    try:
        return d.replace(year=year)
    except ValueError:
        return d.replace(year=year, day=28)


def latest_term_end(valuation_date: date) -> date:
    """Last date a term may end: the valuation date + :data:`TERM_YEARS_AFTER` years."""
    return min(add_years(valuation_date, TERM_YEARS_AFTER), LATEST_DATE)


def date_range_message(value: object, what: str, earliest: date, latest: date) -> str:
    """The refusal of a date outside its window, Chinese first."""
    return f"日期超出范围 {what} out of range: expected a date {earliest} … {latest}, got {value}"


def check_date(value: date, what: str, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE) -> date:
    """``value`` unchanged when in ``earliest … latest``; else ValueError stating the window."""
    if not earliest <= value <= latest:
        raise ValueError(date_range_message(value, what, earliest, latest))
    return value


def check_in_window(value: date) -> date:
    """Pydantic after-validator: a date within :data:`EARLIEST_DATE` … :data:`LATEST_DATE`."""
    return check_date(value, "date")


InputDate = Annotated[date, AfterValidator(check_in_window), Field(description=f"a date {EARLIEST_DATE} … {LATEST_DATE}")]
"""A date of an input: within :data:`EARLIEST_DATE` … :data:`LATEST_DATE`."""
