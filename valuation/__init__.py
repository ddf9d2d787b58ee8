"""Appraisal of data assets (中评协〔2023〕17号《数据资产评估指导意见》): cost, income and market methods,
reconciled into a concluded value with a tornado and a Monte Carlo range; one case or a whole batch.

The curated API::

    from valuation import ValuationCase, value_case, appraisal_disclosure   # one engagement
    from valuation import run_batch, synthetic_batch, ValuationContext     # a flat batch table

Each method's own API (``prepare_<m>``, ``value_<m>``, its inputs and result types) is in
:mod:`valuation.cost`, :mod:`valuation.income` and :mod:`valuation.market`.

Names load on first use: ``import valuation.models`` stays light (the methods bring scipy and
statsmodels), so the command line and the pledge package do not pay for what they do not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from valuation.lazy import lazy_api

if TYPE_CHECKING:
    from valuation.batch import BatchResult
    from valuation.case import AssetCase, SimulationSettings, ValuationCase
    from valuation.conclusion import Conclusion, MethodWeight, ValueRange, reconcile
    from valuation.context import ValuationContext
    from valuation.disclosure import appraisal_disclosure
    from valuation.engine import AssetValuation, CaseResult, MarketData, value_asset, value_case
    from valuation.models import DataAsset, DataRight, DataSource, Engagement, Method, Purpose, ValueType
    from valuation.price_index import PriceIndex
    from valuation.runner import run_batch
    from valuation.synthetic import synthetic_batch
    from valuation.uncertainty import Spread

_WHERE = {
    "BatchResult": "valuation.batch",
    "AssetCase": "valuation.case",
    "SimulationSettings": "valuation.case",
    "ValuationCase": "valuation.case",
    "Conclusion": "valuation.conclusion",
    "MethodWeight": "valuation.conclusion",
    "ValueRange": "valuation.conclusion",
    "reconcile": "valuation.conclusion",
    "ValuationContext": "valuation.context",
    "appraisal_disclosure": "valuation.disclosure",
    "AssetValuation": "valuation.engine",
    "CaseResult": "valuation.engine",
    "MarketData": "valuation.engine",
    "value_asset": "valuation.engine",
    "value_case": "valuation.engine",
    "DataAsset": "valuation.models",
    "DataRight": "valuation.models",
    "DataSource": "valuation.models",
    "Engagement": "valuation.models",
    "Method": "valuation.models",
    "Purpose": "valuation.models",
    "ValueType": "valuation.models",
    "PriceIndex": "valuation.price_index",
    "run_batch": "valuation.runner",
    "synthetic_batch": "valuation.synthetic",
    "Spread": "valuation.uncertainty",
}

__all__ = [
    "AssetCase",
    "AssetValuation",
    "BatchResult",
    "CaseResult",
    "Conclusion",
    "DataAsset",
    "DataRight",
    "DataSource",
    "Engagement",
    "MarketData",
    "Method",
    "MethodWeight",
    "PriceIndex",
    "Purpose",
    "SimulationSettings",
    "Spread",
    "ValuationCase",
    "ValuationContext",
    "ValueRange",
    "ValueType",
    "appraisal_disclosure",
    "reconcile",
    "run_batch",
    "synthetic_batch",
    "value_asset",
    "value_case",
]


__getattr__, __dir__ = lazy_api(__name__, _WHERE, globals())
