"""The one rounding rule for money: ``Decimal`` CNY, half-up to the fen (0.01).

Every amount that enters a journal line, a table, a disclosure, a repayment schedule or the register
goes through :func:`money`. The register stores the result as an exact integer of fen
(:func:`to_fen` / :func:`from_fen`), never a float.

The one stated range of money: an amount given as input is refused when ``|amount| > MAX_AMOUNT``
(10**15 CNY = 1,000 trillion yuan, so its fen, 10**17, fit a signed 64-bit integer with room for
sums). :func:`check_amount` states the refusal; the pydantic amount types of ``valuation``,
``accounting`` and ``pledge`` and the batch reader apply it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

MAX_AMOUNT = Decimal(10**15)
"""Largest |amount| accepted as input, CNY (10**15; its fen fit a 64-bit integer)."""
MAX_AMOUNT_FLOAT = 1e15
""":data:`MAX_AMOUNT` as a float, for the float models and numpy masks."""


def amount_range_message(value: object, what: str = "amount") -> str:
    """The refusal of an amount out of range, Chinese first, naming ``what`` and what is allowed."""
    try:
        shown = f"{float(value):.6g}"  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        shown = repr(value)
    return (f"金额超出范围 {what} out of range: expected |{what}| ≤ {int(MAX_AMOUNT):,} CNY, got {shown}")


def in_range(value: Decimal | int | float) -> bool:
    """True when ``value`` is finite and within ±:data:`MAX_AMOUNT`."""
    if isinstance(value, Decimal):
        return value.is_finite() and abs(value) <= MAX_AMOUNT
    try:
        return abs(float(value)) <= MAX_AMOUNT_FLOAT
    except OverflowError:  # an int too large for a float
        return False


def check_amount(value: Decimal | int | float, what: str = "amount") -> Decimal | int | float:
    """``value`` unchanged when ``|value| ≤ MAX_AMOUNT``; else ValueError with the stated range.

    Used as a pydantic after-validator (the field is named by pydantic's error location)."""
    if not in_range(value):
        raise ValueError(amount_range_message(value, what))
    return value


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
    try:
        return d.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds
        raise ValueError(amount_range_message(value)) from None


def to_fen(amount: Decimal | int | str | float) -> int:
    """CNY → integer fen, after :func:`money`."""
    return int(money(amount) / FEN)


def from_fen(fen: int) -> Decimal:
    """Integer fen → CNY ``Decimal`` with two places."""
    return (Decimal(int(fen)) * FEN).quantize(FEN)
