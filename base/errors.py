"""The engine's exception tree, documented in one place.

Every error the engine raises on purpose derives from :class:`DatavalError`. Subclasses are named
after the rule that was broken and live beside the rule (``valuation/errors.py``,
``accounting/errors.py``, ...). A message says what was expected and what came in, and names the
asset and the field, so the user can find and fix the input.

Tree (grows with the packages)::

    DatavalError
    ├── InvalidInput                 bad or missing input, found at the edge (file, sheet, row, field)
    ├── valuation.errors.ValuationError
    │   ├── InconsistentJudgementMatrix   AHP consistency ratio CR >= 0.10
    │   ├── WeightsDoNotSumToOne
    │   ├── DiscountRateNotAboveGrowth    terminal value refused: i - g below the stated margin
    │   ├── BasisMismatch                 after-tax cash flows with a pre-tax rate, or the reverse
    │   ├── TooFewComparables             market method needs at least 3 comparables
    │   └── ...
    ├── accounting.errors.AccountingError
    └── pledge.errors.PledgeError

In a batch, errors are data: :class:`AssetError` records are returned beside the results.
"""

from __future__ import annotations

from dataclasses import dataclass


class DatavalError(Exception):
    """Base of every error the engine raises on purpose.

    Parameters
    ----------
    message
        What was expected and what came in.
    asset_id
        The asset concerned, when there is one.
    field
        The input field (dotted path) concerned, when there is one.
    """

    rule: str = "dataval"

    def __init__(self, message: str, *, asset_id: str | None = None, field: str | None = None) -> None:
        self.message = message
        self.asset_id = asset_id
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.asset_id is not None:
            where.append(f"asset {self.asset_id}")
        if self.field is not None:
            where.append(f"field {self.field}")
        prefix = f"[{', '.join(where)}] " if where else ""
        return f"{prefix}{self.message}"

    def with_asset(self, asset_id: str) -> DatavalError:
        """Return the same error, naming the asset (used by runners that know it)."""
        if self.asset_id is None:
            self.asset_id = asset_id
            self.args = (self.__str__(),)
        return self


class InvalidInput(DatavalError):
    """Input that fails validation at the edge: wrong type, missing field, value out of range.

    ``location`` names the file, sheet, row and column when the input came from a file.
    """

    rule = "invalid_input"

    def __init__(
        self,
        message: str,
        *,
        asset_id: str | None = None,
        field: str | None = None,
        location: str | None = None,
    ) -> None:
        self.location = location
        super().__init__(message, asset_id=asset_id, field=field)

    def __str__(self) -> str:
        base = super().__str__()
        return f"{self.location}: {base}" if self.location else base


@dataclass(frozen=True)
class AssetError:
    """One asset's failure in a batch, kept as data so the rest of the batch goes on."""

    asset_id: str
    rule: str
    field: str | None
    message: str

    @classmethod
    def from_exception(cls, asset_id: str, exc: Exception) -> AssetError:
        if isinstance(exc, DatavalError):
            return cls(asset_id, exc.rule, exc.field, exc.message)
        return cls(asset_id, type(exc).__name__, None, str(exc))
