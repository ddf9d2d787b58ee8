"""Result of the income method: value, figures, and the DCF schedule an appraiser discloses."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from base.models import FrozenModel
from valuation.models import Method, MethodResult

from .inputs import ChargeComponent, IncomeForm, TaxBasis, Timing

BaseSource = Literal["forecast", "projection", "history"]


class ScheduleRow(FrozenModel):
    """One period of the DCF schedule (times in years from the valuation date, amounts CNY)."""

    period: int
    start: float
    end: float
    length: float = Field(description="years")
    covered_fraction: float = Field(description="c_k: share of the period inside the horizon")
    base: float = Field(description="B_k: revenue / R_k / E_k / increment in the period, CNY")
    base_lower: float | None = Field(None, description="ETS 90 % interval, lower bound (CNY)")
    base_upper: float | None = Field(None, description="ETS 90 % interval, upper bound (CNY)")
    costs: float | None = Field(None, description="direct: own costs in the period (CNY)")
    charges: float | None = Field(None, description="excess earnings: Σ contributory charges (CNY)")
    share: float = Field(description="S_k before decay: margin / K_k / 1 − charges/E / 1 (ratio)")
    split_rate: float | None = Field(None, description="split: K_k = K_1 × (1 − d)^(k−1) (ratio)")
    decay_factor: float = Field(description="(1 − d)^(k−1)")
    contribution: float = Field(description="B_k × S_k × (1 − d)^(k−1) × c_k before the tax conversion")
    tax: float = Field(description="T × contribution when pre-tax flows are converted, else 0 (CNY)")
    cash_flow: float = Field(description="F_k (CNY)")
    time: float = Field(description="t_k, years")
    discount_factor: float = Field(description="(1 + i)^(−t_k)")
    present_value: float = Field(description="F_k × DF_k (CNY)")


class ChargeLine(FrozenModel):
    """One contributory asset charge over the horizon's periods (CNY per period)."""

    name: str
    component: ChargeComponent
    label_zh: str
    amounts: tuple[float, ...]
    rate: float | None = None
    bases: tuple[float, ...] | None = None
    evidence: str = ""


class HorizonCap(FrozenModel):
    """One limit on the horizon: the economic life or a legal / contractual / authorization term."""

    name: str = Field(description="economic_life, rights_term_end or term_caps[k]")
    label_zh: str
    basis: str = ""
    end: date | None = None
    years: float | None = Field(description="years from the valuation date; None = indefinite")


class HorizonDetail(FrozenModel):
    """Horizon n = min(economic life, every term) and which limit bound it, and why."""

    caps: tuple[HorizonCap, ...]
    indefinite: bool = Field(description="indefinite life, no term cap: explicit periods + terminal value")
    horizon_years: float | None = Field(description="n, years; None when indefinite")
    binding: str = Field(description="name of the binding cap (or 'terminal_value')")
    reason: str
    periods: int = Field(description="periods valued (explicit)")
    forecast_periods: int = Field(description="periods the base source offered")


class RateComponent(FrozenModel):
    """One term of the discount rate (annual rate)."""

    name: str
    label_zh: str
    rate: float
    evidence: str = ""


class RateBuildUp(FrozenModel):
    """Discount rate i and how it was built."""

    approach: Literal["build_up", "wacc"]
    components: tuple[RateComponent, ...]
    rate: float = Field(description="i, annual rate")
    basis: TaxBasis
    formula: str
    evidence: str = ""


class TerminalDetail(FrozenModel):
    """TV_n = F_n × (1 + g) / (i − g), discounted with the last period's factor (CNY)."""

    growth: float
    margin: float
    rate_minus_growth: float
    last_cash_flow: float = Field(description="F_n per year (CNY)")
    value_at_n: float
    discount_factor: float
    present_value: float
    evidence: str = ""


class TabDetail(FrozenModel):
    """Tax amortization benefit: TAB = PV × (1 / (1 − T × AF / n) − 1), AF at the discount rate (CNY)."""

    period_years: int = Field(description="n, tax amortization period, years")
    tax_rate: float = Field(description="T")
    annuity_factor: float = Field(description="AF = Σ_{t=1..n} (1 + i)^(−t)")
    uplift: float = Field(description="1 / (1 − T × AF / n)")
    value_before: float = Field(description="PV before the TAB (CNY)")
    amount: float = Field(description="TAB (CNY)")
    basis_text: str


class EtsStep(FrozenModel):
    """One forecast step of the ETS model: point forecast and 90 % prediction interval (CNY a year)."""

    step: int
    mean: float
    lower: float
    upper: float
    sd: float = Field(description="(upper − lower) / (2 × 1.6449): the implied normal sd")


class EtsForecast(FrozenModel):
    """ETS(A, Ad, N) fitted to the history: parameters, fit statistics, forecast and interval."""

    model: str = "ETS(A,Ad,N): additive error, additive damped trend, no season (statsmodels ETSModel)"
    params: dict[str, float]
    aic: float = Field(description="AIC of the fit on the history in units of its mean absolute value")
    converged: bool
    history_years: tuple[int, ...]
    history: tuple[float, ...]
    steps: tuple[EtsStep, ...]
    floored_at_zero: bool = Field(description="a negative point forecast or bound was set to 0")
    evidence: str = ""


class IncomeDetail(FrozenModel):
    """Tables of the income method."""

    form: IncomeForm
    base_source: BaseSource
    timing: Timing
    first_period_years: float
    cash_flow_basis: TaxBasis
    tax_rate: float | None
    tax_factor: float = Field(description="τ = 1 − T when converting pre-tax flows, else 1")
    growth: float | None = Field(None, description="projection growth g, annual")
    decay: float
    schedule: tuple[ScheduleRow, ...]
    charges: tuple[ChargeLine, ...] = ()
    horizon: HorizonDetail
    rate: RateBuildUp
    terminal: TerminalDetail | None = None
    ets: EtsForecast | None = None
    pv_explicit: float = Field(description="Σ F_k × DF_k (CNY)")
    pv_terminal: float = Field(description="TV_n × DF_n (CNY), 0 without a terminal value")
    tab: TabDetail | None = Field(None, description="tax amortization benefit, when the case asks for one")
    total: float = Field(description="pv_explicit + pv_terminal (+ TAB) (CNY)")


class IncomeResult(MethodResult):
    """收益法 result: P = Σ F_t / (1 + i)^t (+ TV for an indefinite life) (docs/valuation.md §Income method)."""

    method: Literal[Method.INCOME] = Method.INCOME
    detail: IncomeDetail
