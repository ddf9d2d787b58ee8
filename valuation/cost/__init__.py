"""成本法 cost method: P = C × δ (docs/valuation.md §Cost method; 中评协〔2023〕17号《数据资产评估指导意见》).

C is the replacement cost at the valuation date — 前期费用 + 直接成本 (建设, 运维) + 间接成本 + 机会成本
+ 相关税费, each historical cost line restated by the price index — and δ the value adjustment
coefficient from quality (Σ w_j s_j, weights given or by AHP), remaining economic life, or both.

Public API (the method contract shared with income and market):

- :class:`CostInputs` (case-file key "cost") and its parts, :func:`parse_cost_inputs`;
- :class:`CostResult` with :class:`CostDetail`;
- :func:`prepare_cost` → :class:`PreparedCost` (checks and restates once), then
  :mod:`valuation.cost.method`'s ``value(p)``, ``tornado(p)``, ``simulate(p)``, and the one-call forms
  :func:`value_cost`, :func:`simulate_cost`, :func:`tornado_cost`;
- :data:`COST_BATCH_COLUMNS`, :func:`value_cost_batch`, :func:`synthetic_cost_columns`;
- :func:`ahp_weights` / :class:`AhpResult` (general n, reused by quality profiling);
- the kernels live in :mod:`valuation.cost.kernel`, the explanation's figure table in
  :mod:`valuation.cost.explain`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from valuation.lazy import lazy_api

if TYPE_CHECKING:
    from .ahp import AhpResult, ahp_weights
    from .batch import COST_BATCH_COLUMNS, value_cost_batch
    from .draws import STREAM_BASE
    from .errors import ConflictingInputs, DateAfterValuationDate, InvalidCostInput, InvalidJudgementMatrix
    from .inputs import (
        CATEGORY_LABELS_ZH,
        DEFAULT_TAX_BASE,
        CostCategory,
        CostInputs,
        CostLine,
        CostUncertainty,
        DeltaBasis,
        DeltaSpec,
        OpportunityRate,
        TaxRate,
        parse_cost_inputs,
    )
    from .method import simulate_cost, tornado_cost, value_cost
    from .prepare import PreparedCost, check_cost_inputs, prepare_cost
    from .result import (
        CategoryTotal,
        CostDetail,
        CostLineResult,
        CostResult,
        DeltaDetail,
        LifeDeltaDetail,
        QualityDeltaDetail,
        RateDetail,
    )
    from .synthetic import synthetic_cost_columns

_WHERE = {
    "AhpResult": "valuation.cost.ahp",
    "ahp_weights": "valuation.cost.ahp",
    "COST_BATCH_COLUMNS": "valuation.cost.batch",
    "value_cost_batch": "valuation.cost.batch",
    "STREAM_BASE": "valuation.cost.draws",
    "ConflictingInputs": "valuation.cost.errors",
    "DateAfterValuationDate": "valuation.cost.errors",
    "InvalidCostInput": "valuation.cost.errors",
    "InvalidJudgementMatrix": "valuation.cost.errors",
    "CATEGORY_LABELS_ZH": "valuation.cost.inputs",
    "DEFAULT_TAX_BASE": "valuation.cost.inputs",
    "CostCategory": "valuation.cost.inputs",
    "CostInputs": "valuation.cost.inputs",
    "CostLine": "valuation.cost.inputs",
    "CostUncertainty": "valuation.cost.inputs",
    "DeltaBasis": "valuation.cost.inputs",
    "DeltaSpec": "valuation.cost.inputs",
    "OpportunityRate": "valuation.cost.inputs",
    "TaxRate": "valuation.cost.inputs",
    "parse_cost_inputs": "valuation.cost.inputs",
    "simulate_cost": "valuation.cost.method",
    "tornado_cost": "valuation.cost.method",
    "value_cost": "valuation.cost.method",
    "PreparedCost": "valuation.cost.prepare",
    "check_cost_inputs": "valuation.cost.prepare",
    "prepare_cost": "valuation.cost.prepare",
    "CategoryTotal": "valuation.cost.result",
    "CostDetail": "valuation.cost.result",
    "CostLineResult": "valuation.cost.result",
    "CostResult": "valuation.cost.result",
    "DeltaDetail": "valuation.cost.result",
    "LifeDeltaDetail": "valuation.cost.result",
    "QualityDeltaDetail": "valuation.cost.result",
    "RateDetail": "valuation.cost.result",
    "synthetic_cost_columns": "valuation.cost.synthetic",
}

__all__ = [
    "CATEGORY_LABELS_ZH",
    "COST_BATCH_COLUMNS",
    "DEFAULT_TAX_BASE",
    "STREAM_BASE",
    "AhpResult",
    "CategoryTotal",
    "ConflictingInputs",
    "CostCategory",
    "CostDetail",
    "CostInputs",
    "CostLine",
    "CostLineResult",
    "CostResult",
    "CostUncertainty",
    "DateAfterValuationDate",
    "DeltaBasis",
    "DeltaDetail",
    "DeltaSpec",
    "InvalidCostInput",
    "InvalidJudgementMatrix",
    "LifeDeltaDetail",
    "OpportunityRate",
    "PreparedCost",
    "QualityDeltaDetail",
    "RateDetail",
    "TaxRate",
    "ahp_weights",
    "check_cost_inputs",
    "parse_cost_inputs",
    "prepare_cost",
    "simulate_cost",
    "synthetic_cost_columns",
    "tornado_cost",
    "value_cost",
    "value_cost_batch",
]


__getattr__, __dir__ = lazy_api(__name__, _WHERE, globals(), submodules=True)
