"""收益法 income method: P = Σ_{t=1..n} F_t / (1 + i)^t (docs/valuation.md §Income method).

Four forms of F_t (direct, split, excess earnings, incremental), a horizon capped by every legal,
contractual and authorization term, explicit decay, end or mid-period timing with a partial first
period, a build-up or WACC discount rate whose tax basis must match the flows, a terminal value only
for an indefinite life, and a base that may be forecast from its history by ETS.

:func:`prepare_income` checks an asset's inputs and builds its arrays once; the
:class:`PreparedIncome` it returns goes to :mod:`valuation.income.method`'s ``value(p)``,
``tornado(p)`` and ``simulate(p)``, and :func:`value_income`, :func:`tornado_income`, :func:`simulate_income` are the one-call forms. The
arithmetic lives once in :mod:`valuation.income.kernel`; the single asset, its Monte Carlo and tornado,
and the batch all call it. The explanation's figures are one declarative table in
:mod:`valuation.income.explain`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from valuation.lazy import lazy_api

if TYPE_CHECKING:
    from . import kernel
    from .batch import INCOME_BATCH_COLUMNS, value_income_batch
    from .draws import STREAM_BASE
    from .errors import ForecastTooShort, HistoryTooShort, InvalidIncomeInput, TerminalValueNotAllowed
    from .inputs import (
        ChargeComponent,
        ContributoryCharge,
        DiscountRateSpec,
        ForecastRow,
        HistoryPoint,
        IncomeForm,
        IncomeInputs,
        IncomeUncertainty,
        Projection,
        RevenueHistory,
        RiskPremium,
        RiskPremiumName,
        SplitBase,
        TaxAmortizationBenefit,
        TaxBasis,
        TermCap,
        TerminalValue,
        Timing,
        parse_income_inputs,
    )
    from .method import simulate_income, tornado_income, value_income
    from .prepare import PreparedIncome, prepare_income
    from .result import (
        ChargeLine,
        EtsForecast,
        EtsStep,
        HorizonCap,
        HorizonDetail,
        IncomeDetail,
        IncomeResult,
        RateBuildUp,
        RateComponent,
        ScheduleRow,
        TabDetail,
        TerminalDetail,
    )
    from .synthetic import synthetic_income_columns

_WHERE = {
    "kernel": "valuation.income.kernel",
    "INCOME_BATCH_COLUMNS": "valuation.income.batch",
    "value_income_batch": "valuation.income.batch",
    "STREAM_BASE": "valuation.income.draws",
    "ForecastTooShort": "valuation.income.errors",
    "HistoryTooShort": "valuation.income.errors",
    "InvalidIncomeInput": "valuation.income.errors",
    "TerminalValueNotAllowed": "valuation.income.errors",
    "ChargeComponent": "valuation.income.inputs",
    "ContributoryCharge": "valuation.income.inputs",
    "DiscountRateSpec": "valuation.income.inputs",
    "ForecastRow": "valuation.income.inputs",
    "HistoryPoint": "valuation.income.inputs",
    "IncomeForm": "valuation.income.inputs",
    "IncomeInputs": "valuation.income.inputs",
    "IncomeUncertainty": "valuation.income.inputs",
    "Projection": "valuation.income.inputs",
    "RevenueHistory": "valuation.income.inputs",
    "RiskPremium": "valuation.income.inputs",
    "RiskPremiumName": "valuation.income.inputs",
    "SplitBase": "valuation.income.inputs",
    "TaxAmortizationBenefit": "valuation.income.inputs",
    "TaxBasis": "valuation.income.inputs",
    "TermCap": "valuation.income.inputs",
    "TerminalValue": "valuation.income.inputs",
    "Timing": "valuation.income.inputs",
    "parse_income_inputs": "valuation.income.inputs",
    "simulate_income": "valuation.income.method",
    "tornado_income": "valuation.income.method",
    "value_income": "valuation.income.method",
    "PreparedIncome": "valuation.income.prepare",
    "prepare_income": "valuation.income.prepare",
    "ChargeLine": "valuation.income.result",
    "EtsForecast": "valuation.income.result",
    "EtsStep": "valuation.income.result",
    "HorizonCap": "valuation.income.result",
    "HorizonDetail": "valuation.income.result",
    "IncomeDetail": "valuation.income.result",
    "IncomeResult": "valuation.income.result",
    "RateBuildUp": "valuation.income.result",
    "RateComponent": "valuation.income.result",
    "ScheduleRow": "valuation.income.result",
    "TabDetail": "valuation.income.result",
    "TerminalDetail": "valuation.income.result",
    "synthetic_income_columns": "valuation.income.synthetic",
}

__all__ = [
    "INCOME_BATCH_COLUMNS",
    "STREAM_BASE",
    "ChargeComponent",
    "ChargeLine",
    "ContributoryCharge",
    "DiscountRateSpec",
    "EtsForecast",
    "EtsStep",
    "ForecastRow",
    "ForecastTooShort",
    "HistoryPoint",
    "HistoryTooShort",
    "HorizonCap",
    "HorizonDetail",
    "IncomeDetail",
    "IncomeForm",
    "IncomeInputs",
    "IncomeResult",
    "IncomeUncertainty",
    "InvalidIncomeInput",
    "PreparedIncome",
    "Projection",
    "RateBuildUp",
    "RateComponent",
    "RevenueHistory",
    "RiskPremium",
    "RiskPremiumName",
    "ScheduleRow",
    "SplitBase",
    "TabDetail",
    "TaxAmortizationBenefit",
    "TaxBasis",
    "TermCap",
    "TerminalDetail",
    "TerminalValue",
    "TerminalValueNotAllowed",
    "Timing",
    "kernel",
    "parse_income_inputs",
    "prepare_income",
    "simulate_income",
    "synthetic_income_columns",
    "tornado_income",
    "value_income",
    "value_income_batch",
]


__getattr__, __dir__ = lazy_api(__name__, _WHERE, globals(), submodules=True)
