"""Market method (市场法, DOMAIN §3.3): comparables, adjustment grid X1..X5, screening, hedonic cross-check.

    P = (1/m) · Σ_k Q_k × X1_k × X2_k × X3_k × X4_k × X5_k      (or a weighted mean)

Public API (the method contract shared by cost, income and market):
``MarketInputs``, ``MarketResult``, ``prepare_market`` → ``PreparedMarket`` (selection, grid and
screening once; then ``valuation.market.method``'s ``value(p)``, ``tornado(p)``, ``simulate(p)``), the one-call forms ``value_market``,
``simulate_market``, ``tornado_market``, ``MARKET_BATCH_COLUMNS``, ``value_market_batch``,
``synthetic_market_columns``; plus the market's own ``Comparable`` (one row of data/comparables.csv) and ``AdjustmentTable`` (data/market_adjustments.json),
which the shell loads and passes as ``database=`` and ``adjustments=``.
"""

from valuation.market.adjustments import AdjustmentTable, CoefficientRow, RegionTier, TermBand, X5Item
from valuation.market.batch import MARKET_BATCH_COLUMNS, value_market_batch
from valuation.market.comparables import Comparable, DeliveryForm
from valuation.market.errors import (
    ComparableNotUsable,
    DatesOutOfOrder,
    RightsTermEnded,
    UnknownComparable,
    UnknownDeliveryForm,
)
from valuation.market.grid import STREAM_BASE
from valuation.market.inputs import (
    Aggregation,
    MarketInputs,
    MarketUncertainty,
    OutlierRule,
    QualityWeights,
    Selection,
    SimilarityWeights,
    Weighting,
    X2Override,
    X5Override,
)
from valuation.market.method import simulate_market, tornado_market, value_market
from valuation.market.prepare import PreparedMarket, prepare_market
from valuation.market.result import (
    Factor,
    GridRow,
    HedonicCoefficient,
    HedonicSummary,
    MarketDetail,
    MarketResult,
    Screening,
    SelectionScore,
    TargetProfile,
    X5ItemFactor,
)
from valuation.market.synthetic import synthetic_market_columns

__all__ = [
    "MARKET_BATCH_COLUMNS",
    "STREAM_BASE",
    "AdjustmentTable",
    "Aggregation",
    "CoefficientRow",
    "Comparable",
    "ComparableNotUsable",
    "DatesOutOfOrder",
    "DeliveryForm",
    "Factor",
    "GridRow",
    "HedonicCoefficient",
    "HedonicSummary",
    "MarketDetail",
    "MarketInputs",
    "MarketResult",
    "MarketUncertainty",
    "OutlierRule",
    "PreparedMarket",
    "QualityWeights",
    "RegionTier",
    "RightsTermEnded",
    "Screening",
    "Selection",
    "SelectionScore",
    "SimilarityWeights",
    "TargetProfile",
    "TermBand",
    "UnknownComparable",
    "UnknownDeliveryForm",
    "Weighting",
    "X2Override",
    "X5Item",
    "X5ItemFactor",
    "X5Override",
    "prepare_market",
    "simulate_market",
    "synthetic_market_columns",
    "tornado_market",
    "value_market",
    "value_market_batch",
]
