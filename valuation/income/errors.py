"""Income-method rules broken (docs/valuation.md §Income method).
Each subclass names the rule; messages name asset and field.

Added to the tree of dataval/errors.py under ``ValuationError`` (the shared ``BasisMismatch``,
``DiscountRateNotAboveGrowth`` and ``HorizonError`` are raised as they are)::

    InvalidIncomeInput        wrong type, unknown field, negative amount, a field the form does not use
                              (also an ``InvalidInput``)
    ForecastTooShort          the forecast (or contributory-charge rows) ends before the horizon
    TerminalValueNotAllowed   a terminal value with a finite life, or an indefinite life without one
    HistoryTooShort           fewer than 5 history points for the ETS forecast
"""

from __future__ import annotations

from base.errors import InvalidInput
from valuation.errors import HorizonError, ValuationError


class InvalidIncomeInput(ValuationError, InvalidInput):
    """Income inputs that fail validation at the edge: type, range, unknown or misplaced field."""

    rule = "invalid_input"


class ForecastTooShort(HorizonError):
    """The explicit forecast has fewer periods than the horizon needs (no silent extension)."""

    rule = "forecast_too_short"


class TerminalValueNotAllowed(HorizonError):
    """A terminal value is only allowed, and then required, for an indefinite economic life."""

    rule = "terminal_value"


class HistoryTooShort(ValuationError):
    """The ETS forecast needs at least 5 yearly history points."""

    rule = "history_too_short"
