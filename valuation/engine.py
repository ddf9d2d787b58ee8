"""Value a case: run each weighted method on each asset, reconcile, simulate; errors are data.

The engine calls every method through the same contract (valuation/<method>/__init__.py): it prepares
an asset once with ``prepare_<m>`` — all checks, and for the market method the scoring and screening of
the comparables — then takes the value, the tornado and the Monte Carlo draws from that prepared value.
One bad asset never stops the others.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import ConfigDict, Field

from base import __version__
from base.errors import AssetError, DatavalError
from base.models import FrozenModel
from valuation import cost, income, market
from valuation.case import AssetCase, ValuationCase
from valuation.conclusion import Conclusion, reconcile
from valuation.context import ValuationContext
from valuation.cost import CostResult
from valuation.cost import method as cost_method
from valuation.income import IncomeResult
from valuation.income import method as income_method
from valuation.market import MarketResult
from valuation.market import method as market_method
from valuation.models import DataAsset, Engagement, Method, MethodResult, TornadoBar
from valuation.price_index import PriceIndex


@dataclass(frozen=True)
class MethodEntry:
    """A method's contract: ``prepare`` an asset once, then its ``value``, ``tornado`` and ``simulate``
    from the prepared value; ``needs_market_data`` when prepare takes the comparables and adjustments."""

    prepare: Callable[..., Any]
    value: Callable[[Any], MethodResult]
    tornado: Callable[[Any], list[TornadoBar]]
    simulate: Callable[[Any], np.ndarray]
    needs_market_data: bool = False


METHODS: dict[Method, MethodEntry] = {
    Method.COST: MethodEntry(cost.prepare_cost, cost_method.value, cost_method.tornado, cost_method.simulate),
    Method.INCOME: MethodEntry(income.prepare_income, income_method.value, income_method.tornado,
                               income_method.simulate),
    Method.MARKET: MethodEntry(market.prepare_market, market_method.value, market_method.tornado,
                               market_method.simulate, needs_market_data=True),
}


class ErrorRecord(FrozenModel):
    """A per-asset failure, as data."""

    asset_id: str
    rule: str
    field: str | None
    message: str

    @classmethod
    def of(cls, e: AssetError) -> ErrorRecord:
        return cls(asset_id=e.asset_id, rule=e.rule, field=e.field, message=e.message)


class AssetValuation(FrozenModel):
    """One asset's method results and conclusion.

    ``draws`` are the Monte Carlo draws of the concluded value, V = Σ w_m·V_m draw by draw (the array
    the conclusion's range is the percentiles of), kept for the dashboard's histogram; None when the
    case has no draws or the valuation was read back from JSON. They are left out of serialization, so
    a saved or printed valuation is the same with or without them.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    asset: DataAsset
    cost: CostResult | None = None
    income: IncomeResult | None = None
    market: MarketResult | None = None
    conclusion: Conclusion
    draws: np.ndarray | None = Field(default=None, exclude=True, repr=False)

    def method_results(self) -> list[MethodResult]:
        return [r for r in (self.cost, self.income, self.market) if r is not None]

    def __eq__(self, other: object) -> bool:
        """Equal fields, and draws equal element by element (an array has no single truth value)."""
        if not isinstance(other, AssetValuation):
            return NotImplemented
        fields = [f for f in type(self).model_fields if f != "draws"]
        if any(getattr(self, f) != getattr(other, f) for f in fields):
            return False
        if self.draws is None or other.draws is None:
            return self.draws is other.draws
        return bool(np.array_equal(self.draws, other.draws))


class CaseResult(FrozenModel):
    """Everything a valuation run produced, with what it was run on."""

    engagement: Engagement
    valuations: tuple[AssetValuation, ...]
    errors: tuple[ErrorRecord, ...] = ()
    engine_version: str = __version__
    inputs_fingerprint: str = Field(description="SHA-256 of the case as validated (canonical JSON)")
    seed: int
    n_draws: int


@dataclass(frozen=True)
class MarketData:
    """Market data the shell loaded from data/: comparables database and adjustment table."""

    database: Sequence[Any] = ()
    adjustments: Any = None


def fingerprint(case: ValuationCase) -> str:
    """SHA-256 of the canonical JSON of a validated case."""
    payload = json.dumps(case.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def value_asset(
    ac: AssetCase, ctx: ValuationContext, market_data: MarketData = MarketData()
) -> AssetValuation:
    """Run the weighted methods on one asset and reconcile them (docs/valuation.md §Conclusion and range).

    Each method is prepared once; its value, tornado and (when the case asks for draws) Monte Carlo
    draws all come from that prepared value.
    """
    results: dict[Method, Any] = {}
    draws: dict[Method, np.ndarray] = {}
    bars: list[TornadoBar] = []
    for mw in ac.methods:
        entry = METHODS[mw.method]
        kwargs: dict[str, Any] = {}
        if entry.needs_market_data:
            kwargs = {"database": market_data.database, "adjustments": market_data.adjustments}
        prepared = entry.prepare(ac.asset, ac.method_inputs(mw.method), ctx, **kwargs)
        results[mw.method] = entry.value(prepared)
        bars.extend(entry.tornado(prepared))
        if ctx.n_draws > 0:
            draws[mw.method] = entry.simulate(prepared)
    conclusion = reconcile(
        ac.asset.asset_id,
        {m: r.value for m, r in results.items()},
        ac.methods,
        tornado=bars,
        draws=draws or None,
    )
    return AssetValuation(
        asset=ac.asset,
        cost=results.get(Method.COST),
        income=results.get(Method.INCOME),
        market=results.get(Method.MARKET),
        conclusion=conclusion,
        draws=concluded_draws(ac, draws) if draws else None,
    )


def concluded_draws(ac: AssetCase, draws: Mapping[Method, np.ndarray]) -> np.ndarray:
    """V = Σ w_m·V_m draw by draw over the methods of positive weight, as the conclusion's range takes it."""
    w = {mw.method: mw.weight for mw in ac.methods}
    return np.asarray(sum(w[m] * np.asarray(draws[m]) for m in w if w[m] > 0), dtype=np.float64)


def value_case(
    case: ValuationCase,
    *,
    default_price_index: PriceIndex | None = None,
    market_data: MarketData = MarketData(),
    prior_errors: Sequence[AssetError] = (),
    progress: Callable[[int, int], None] | None = None,
) -> CaseResult:
    """Value every asset of a case; an asset that fails is reported and the others go on.

    ``prior_errors`` are assets the loader already refused (kept in the result so nothing is silent).
    """
    price_index = case.price_index or default_price_index
    if price_index is None:
        raise DatavalError("no price index: give one in the case or load the bundled data/price_index.csv")
    ctx = ValuationContext(
        valuation_date=case.engagement.valuation_date,
        price_index=price_index,
        seed=case.simulation.seed,
        n_draws=case.simulation.n_draws,
        value_type=case.engagement.value_type,
    )
    valuations = []
    errors = [ErrorRecord.of(e) for e in prior_errors]
    for i, ac in enumerate(case.assets):
        try:
            valuations.append(value_asset(ac, ctx, market_data))
        except DatavalError as exc:
            errors.append(ErrorRecord.of(AssetError.from_exception(ac.asset.asset_id, exc)))
        if progress is not None:
            progress(i + 1, len(case.assets))
    return CaseResult(
        engagement=case.engagement,
        valuations=tuple(valuations),
        errors=tuple(errors),
        inputs_fingerprint=fingerprint(case),
        seed=ctx.seed,
        n_draws=ctx.n_draws,
    )
