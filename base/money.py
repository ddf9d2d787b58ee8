"""The one rounding rule for money: ``Decimal`` CNY, half-up to the fen (0.01).

Every amount that enters a journal line, a table, a disclosure, a repayment schedule or the register
goes through :func:`money`. The register stores the result as an exact integer of fen
(:func:`to_fen` / :func:`from_fen`), never a float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def to_fen(amount: Decimal | int | str | float) -> int:
    """CNY → integer fen, after :func:`money`."""
    return int(money(amount) / FEN)


def from_fen(fen: int) -> Decimal:
    """Integer fen → CNY ``Decimal`` with two places."""
    return (Decimal(int(fen)) * FEN).quantize(FEN)
