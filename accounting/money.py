"""Money in the ledger: ``Decimal`` CNY, exact to the fen.

The one rounding rule of the package lives here (DESIGN.md "Models"): quantize to 0.01 with
ROUND_HALF_UP. Every amount that enters a journal line, a table or a disclosure goes through
:func:`money`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

from pydantic import BeforeValidator, Field

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str | float) -> Decimal:
    """Round ``value`` (CNY) half-up to the fen. Floats are read through their shortest repr."""
    if isinstance(value, float):
        value = repr(value)
    try:
        d = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not d.is_finite():
        raise ValueError(f"amount must be finite, got {value!r}")
    return d.quantize(FEN, rounding=ROUND_HALF_UP)


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
        return money(value)
    raise ValueError(f"not an amount: {value!r}")


Money = Annotated[Decimal, BeforeValidator(_coerce), Field(description="CNY, rounded half-up to the fen")]
Amount = Annotated[Decimal, BeforeValidator(_coerce), Field(ge=0, description="CNY ≥ 0, to the fen")]
Quantity = Annotated[Decimal, Field(gt=0, allow_inf_nan=False, description="units, > 0")]
