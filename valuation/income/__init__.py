"""收益法 income method: P = Σ_{t=1..n} F_t / (1 + i)^t (DOMAIN §3.2).

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
