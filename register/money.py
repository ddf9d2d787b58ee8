"""Money in the register: integer fen (分). CNY amounts are rounded by ``accounting.money.money`` first
(half-up to the fen, the one rounding rule), then stored as an exact integer; never a float."""

from __future__ import annotations

from decimal import Decimal

from accounting.money import FEN, money


def to_fen(amount: Decimal | int | str | float) -> int:
    """CNY → integer fen, after the one rounding rule (half-up to 0.01)."""
    return int(money(amount) / FEN)


def from_fen(fen: int) -> Decimal:
    """Integer fen → CNY Decimal with two places."""
    return (Decimal(int(fen)) * FEN).quantize(FEN)
