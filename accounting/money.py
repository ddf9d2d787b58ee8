"""Money in the ledger: ``Decimal`` CNY, exact to the fen.

The rounding rule itself is the floor's (:func:`base.money.money`, half-up to 0.01); this module adds
the pydantic amount types built on it and the proration used by partial sales and lapses.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field

from base.money import FEN, MAX_AMOUNT, ZERO, amount_range_message, in_range, money

__all__ = ["FEN", "ZERO", "Amount", "Money", "Quantity", "money", "prorate"]


def prorate(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """``amount × part / whole`` rounded by :func:`money`; the whole when ``part == whole``."""
    if whole <= 0:
        raise ValueError("whole must be positive")
    if part >= whole:
        return money(amount)
    return money(amount * part / whole)


def _coerce(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("an amount cannot be a boolean")
    if isinstance(value, Decimal | int | str | float):
        amount = money(value)
        if not in_range(amount):  # the floor's stated range: |amount| ≤ MAX_AMOUNT
            raise ValueError(amount_range_message(value))
        return amount
    raise ValueError(f"not an amount: {value!r}")


_RANGE = f"|amount| ≤ {int(MAX_AMOUNT):,}"
Money = Annotated[Decimal, BeforeValidator(_coerce), Field(description=f"CNY, rounded half-up to the fen, {_RANGE}")]
Amount = Annotated[Decimal, BeforeValidator(_coerce), Field(ge=0, description=f"CNY ≥ 0, to the fen, {_RANGE}")]
Quantity = Annotated[Decimal, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False, description="units, > 0, ≤ 10**15")]
