"""Value a case: run each weighted method on each asset, reconcile, simulate; errors are data.

The engine calls every method through the same contract (valuation/<method>/__init__.py):
``value_<m>``, ``simulate_<m>``, ``tornado_<m>``. One bad asset never stops the others.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import Field

from base import __version__
from base.errors import AssetError, DatavalError
from base.models import FrozenModel
from valuation import cost, income, market
from valuation.case import AssetCase, ValuationCase
from valuation.conclusion import Conclusion, reconcile
from valuation.context import ValuationContext
from valuation.cost import CostResult
from valuation.income import IncomeResult
from valuation.market import MarketResult
from valuation.models import DataAsset, Engagement, Method, MethodResult, TornadoBar
from valuation.price_index import PriceIndex


@dataclass(frozen=True)
class _MethodFns:
    value: Callable[..., Any]
    simulate: Callable[..., np.ndarray]
    tornado: Callable[..., list[TornadoBar]]
    needs_market_data: bool = False


METHODS: dict[Method, _MethodFns] = {
    Method.COST: _MethodFns(cost.value_cost, cost.simulate_cost, cost.tornado_cost),
    Method.INCOME: _MethodFns(income.value_income, income.simulate_income, income.tornado_income),
    Method.MARKET: _MethodFns(market.value_market, market.simulate_market, market.tornado_market, True),
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
    """One asset's method results and conclusion."""

    asset: DataAsset
    cost: CostResult | None = None
    income: IncomeResult | None = None
    market: MarketResult | None = None
    conclusion: Conclusion

    def method_results(self) -> list[MethodResult]:
        return [r for r in (self.cost, self.income, self.market) if r is not None]


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


def value_asset(ac: AssetCase, ctx: ValuationContext, market_data: MarketData = MarketData()) -> AssetValuation:
    """Run the weighted methods on one asset and reconcile them (DOMAIN §3.4)."""
    results: dict[Method, Any] = {}
    draws: dict[Method, np.ndarray] = {}
    bars: list[TornadoBar] = []
    for mw in ac.methods:
        fns = METHODS[mw.method]
        kwargs: dict[str, Any] = {}
        if fns.needs_market_data:
            kwargs = {"database": market_data.database, "adjustments": market_data.adjustments}
        inputs = ac.method_inputs(mw.method)
        results[mw.method] = fns.value(ac.asset, inputs, ctx, **kwargs)
        bars.extend(fns.tornado(ac.asset, inputs, ctx, **kwargs))
        if ctx.n_draws > 0:
            draws[mw.method] = fns.simulate(ac.asset, inputs, ctx, **kwargs)
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
    )


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
