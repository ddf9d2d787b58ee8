"""Cost-method rules broken (docs/valuation.md §Cost method). Each subclass names the rule; messages name
asset and field.

Added to the tree of dataval/errors.py under ``ValuationError``::

    InvalidCostInput        wrong type, unknown field, negative amount ... (also an ``InvalidInput``)
    DateAfterValuationDate  a cost was incurred, or use began, after the valuation date
    ConflictingInputs       the same figure given two ways (opportunity cost as lines and as a rate ...)
    InvalidJudgementMatrix  an AHP matrix that is not square, positive, reciprocal with unit diagonal
"""

from __future__ import annotations

from base.errors import InvalidInput
from valuation.errors import ValuationError


class InvalidCostInput(ValuationError, InvalidInput):
    """Cost inputs that fail validation at the edge: type, range, unknown field, impossible value."""

    rule = "invalid_input"


class DateAfterValuationDate(ValuationError):
    """Dates out of order: a cost incurred (or use begun) after the valuation date."""

    rule = "date_order"


class ConflictingInputs(ValuationError):
    """The same figure is given two ways at once (e.g. opportunity-cost lines and an opportunity rate)."""

    rule = "conflicting_inputs"


class InvalidJudgementMatrix(ValuationError):
    """An AHP pairwise matrix must be square, positive, reciprocal (a_ji = 1/a_ij), with unit diagonal."""

    rule = "ahp_matrix"
