"""Valuation rules broken: each subclass is named after the rule (see base/errors.py for the tree)."""

from __future__ import annotations

from base.errors import DatavalError


class ValuationError(DatavalError):
    """A valuation rule of the appraisal guidance (中评协〔2023〕17号; docs/valuation.md)
    is not met by the input."""

    rule = "valuation"


class InconsistentJudgementMatrix(ValuationError):
    """AHP pairwise matrix rejected: consistency ratio CR = CI/RI must be < 0.10
    (docs/valuation.md §Cost method)."""

    rule = "ahp_consistency"


class WeightsDoNotSumToOne(ValuationError):
    """Weights (quality dimensions, methods, comparables) must sum to 1."""

    rule = "weights_sum"


class DiscountRateNotAboveGrowth(ValuationError):
    """A terminal value needs i − g ≥ the stated margin (docs/valuation.md §Income method)."""

    rule = "rate_above_growth"


class BasisMismatch(ValuationError):
    """Cash-flow basis and discount-rate basis differ (after-tax vs pre-tax)
    (docs/valuation.md §Income method)."""

    rule = "basis_mismatch"


class TooFewComparables(ValuationError):
    """The market method needs at least three comparables after screening
    (docs/valuation.md §Market method)."""

    rule = "too_few_comparables"


class HorizonError(ValuationError):
    """The income horizon is empty or inconsistent with the terms that cap it
    (docs/valuation.md §Income method)."""

    rule = "horizon"


class MissingInput(ValuationError):
    """A method was asked for but the inputs it needs are absent."""

    rule = "missing_input"


class PriceIndexGap(ValuationError):
    """A date falls outside the price-index series used for restatement."""

    rule = "price_index"
