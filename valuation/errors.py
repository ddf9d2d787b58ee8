"""Valuation rules broken: each subclass is named after the rule (see base/errors.py for the tree)."""

from __future__ import annotations

import dataclasses

from base.errors import AssetError, DatavalError
from base.messages import has_chinese


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


RULE_HEADINGS_ZH: dict[str, str] = {
    "invalid_input": "输入无效",
    "missing_input": "缺少必填值",
    "weights_sum": "方法权重之和应为 1",
    "horizon": "收益期不成立",
    "rights_term_ended": "权利期限已届满",
    "rights_not_held": "未持有所评估的权利",
    "too_few_comparables": "可比案例不足",
    "unknown_comparable": "可比案例不存在",
    "comparable_not_usable": "可比案例不可用",
    "unknown_delivery_form": "交付方式未知",
    "basis_mismatch": "收益与折现率口径不一致",
    "price_index": "价格指数缺失",
    "forecast_too_short": "预测期不足",
    "history_too_short": "历史数据不足",
    "terminal_value": "终值条件不满足",
    "rate_above_growth": "折现率须高于增长率",
    "date_order": "日期先后不符",
    "dates_out_of_order": "日期先后不符",
    "conflicting_inputs": "输入相互矛盾",
    "ahp_consistency": "判断矩阵一致性不足",
    "ahp_matrix": "判断矩阵无效",
    "ambiguous_reference": "引用不明确",
    "dimension_not_measured": "质量维度未测量",
    "invalid_quality_rules": "质量规则无效",
    "missing_column": "缺少列",
}
"""The Chinese heading of each rule, put before a batch error's message that has no Chinese of its own."""


def chinese_first(error: AssetError) -> AssetError:
    """``error`` with its message Chinese first: unchanged when it already begins in Chinese, else led by
    its rule's heading (``输入无效 expected an amount in CNY, got text 'abc'``)."""
    if has_chinese(error.message.lstrip()[:1]):
        return error
    heading = RULE_HEADINGS_ZH.get(error.rule, "估值失败")
    return dataclasses.replace(error, message=f"{heading} {error.message}")
