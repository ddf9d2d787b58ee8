"""Market-method rules broken (docs/valuation.md §Market method), beside the shared tree of
valuation/errors.py.

``TooFewComparables`` (fewer than three comparables after selection or screening) lives in the shared
tree; the rules below are the market method's own.
"""

from __future__ import annotations

from valuation.errors import ValuationError


class ComparableNotUsable(ValuationError):
    """A comparable cannot be used as given, e.g. it is dated after the valuation date."""

    rule = "comparable_not_usable"


class UnknownComparable(ValuationError):
    """An override names a comparable that is neither inline nor in the database, or ids repeat."""

    rule = "unknown_comparable"


class DatesOutOfOrder(ValuationError):
    """A date window whose start is after its end."""

    rule = "dates_out_of_order"


class RightsTermEnded(ValuationError):
    """The target's rights term ended before the valuation date: nothing is left to value."""

    rule = "rights_term_ended"


class RightsNotHeld(ValuationError):
    """``rights_valued`` names a right the asset does not hold."""

    rule = "rights_not_held"


class UnknownDeliveryForm(ValuationError):
    """The target's delivery form is not one of api / file / data_service / sandbox."""

    rule = "unknown_delivery_form"
