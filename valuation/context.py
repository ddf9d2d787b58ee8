"""What every method needs besides the asset and its own inputs."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from base import DEFAULT_SEED
from base.models import FrozenModel
from valuation.models import ValueType
from valuation.price_index import PriceIndex


class ValuationContext(FrozenModel):
    """Valuation date, price index, and the Monte Carlo settings of the run.

    ``seed`` and the asset id fix every draw (valuation/random.py); ``n_draws`` is the number of
    Monte Carlo draws per asset (0 switches the simulation off). ``value_type`` is the engagement's
    (None when a method is called without one): a method refuses what its value type does not admit,
    e.g. a tax amortization benefit for a value in use.
    """

    valuation_date: date
    price_index: PriceIndex
    seed: int = Field(DEFAULT_SEED, ge=0, lt=2**63)
    n_draws: int = Field(1000, ge=0, le=1_000_000)
    value_type: ValueType | None = None
