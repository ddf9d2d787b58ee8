"""Accounting rules broken. Each subclass is named after the rule; see base/errors.py for the tree.

Every message names the rule in Chinese first, then the asset, the event and the rule (with its
article), e.g.::

    未达到预定用途不得摊销：[asset D-01, event E07 amortization 2024-02-29] amortization requested but the asset is not
    ready for use ... (rule amortization_before_ready: CAS 6 art. 17 ...)

A refused event posts nothing: the engine builds all entries of an event before posting any.
"""

from __future__ import annotations

from base.errors import DatavalError


class AccountingError(DatavalError):
    """An accounting rule of docs/accounting.md (财会〔2023〕11号, CAS 1/6/8/28) is not met by the input."""

    rule = "accounting"
    rule_zh = "不符合会计规定"
    rule_text = "财会〔2023〕11号 and CAS (docs/accounting.md)"

    def __init__(
        self,
        message: str,
        *,
        asset_id: str | None = None,
        field: str | None = None,
        event: str | None = None,
    ) -> None:
        self.event = event
        super().__init__(message, asset_id=asset_id, field=field)

    def __str__(self) -> str:
        where = []
        if self.asset_id is not None:
            where.append(f"asset {self.asset_id}")
        if self.event is not None:
            where.append(f"event {self.event}")
        if self.field is not None:
            where.append(f"field {self.field}")
        prefix = f"[{', '.join(where)}] " if where else ""
        return f"{self.rule_zh}：{prefix}{self.message} (rule {self.rule}: {self.rule_text})"

    def with_event(self, event: str) -> AccountingError:
        """Return the same error, naming the event (used by the engine that knows it)."""
        if self.event is None:
            self.event = event
            self.args = (self.__str__(),)
        return self


class ClassificationUndecided(AccountingError):
    """The classifier cannot decide: facts it needs are missing (asked, never guessed)."""

    rule = "classification_undecided"
    rule_zh = "无法判定分类"
    rule_text = "财会〔2023〕11号 二: classification by purpose, formation and business model"


class CapitalizationCriteriaNotMet(AccountingError):
    """Capitalization asked for without evidence that all five criteria hold."""

    rule = "capitalization_criteria"
    rule_zh = "不满足资本化条件"
    rule_text = "CAS 6 art. 9: all five criteria met with evidence; otherwise expense"


class ProspectiveTransition(AccountingError):
    """Spending before 2024-01-01 cannot be capitalized (prospective application)."""

    rule = "prospective_transition"
    rule_zh = "新规未来适用"
    rule_text = "财会〔2023〕11号 effective 2024-01-01, applied prospectively (未来适用法)"


class UnbalancedEntry(AccountingError):
    """A journal entry whose debits differ from its credits, or with a malformed line."""

    rule = "balanced_entry"
    rule_zh = "分录借贷不平"
    rule_text = "double entry: total debits equal total credits (CAS basic standard art. 11)"


class ClosedPeriod(AccountingError):
    """An event dated in a period already closed."""

    rule = "closed_period"
    rule_zh = "会计期间已结账"
    rule_text = "no posting into a closed accounting period (policy.period_closes)"


class UnknownAccount(AccountingError):
    """An account code (or role) not in the chart of accounts in use."""

    rule = "unknown_account"
    rule_zh = "科目不存在"
    rule_text = "accounts come from the chart of accounts file (docs/accounting.md §Chart of accounts)"


class ChartOfAccountsError(AccountingError):
    """The chart of accounts file is inconsistent (duplicate codes, a required role missing)."""

    rule = "chart_of_accounts"
    rule_zh = "科目表不完整"
    rule_text = "the chart maps every account role to one code (docs/accounting.md §Chart of accounts)"


class UnknownAsset(AccountingError):
    """An event for a data resource the case does not describe."""

    rule = "unknown_asset"
    rule_zh = "资产不存在"
    rule_text = "every event refers to a data resource of the case"


class AmortizationBeforeReady(AccountingError):
    """Amortization asked for before the asset is available for use."""

    rule = "amortization_before_ready"
    rule_zh = "未达到预定用途不得摊销"
    rule_text = "CAS 6 art. 17: amortize from when the asset is available for use (当月增加当月摊销)"


class OversoldInventory(AccountingError):
    """A sale of more data inventory than is held."""

    rule = "oversold_inventory"
    rule_zh = "销售数量超过库存"
    rule_text = "CAS 1: cost of sales is issued from quantity on hand"


class AssetDerecognized(AccountingError):
    """An event for a data resource already derecognized (disposed of or lapsed)."""

    rule = "asset_derecognized"
    rule_zh = "资产已终止确认"
    rule_text = "CAS 6 art. 21-22 / CAS 1: nothing is booked on a derecognized asset"


class UsefulLifeError(AccountingError):
    """Useful life missing, not positive, or exceeding the rights term."""

    rule = "useful_life"
    rule_zh = "使用寿命不符合规定"
    rule_text = "财会〔2023〕11号 二、2 / CAS 6 art. 17: life considers rights terms and never exceeds them"


class InvalidEvent(AccountingError):
    """An event that does not apply to the resource's classification or stage."""

    rule = "invalid_event"
    rule_zh = "事项与资源的分类或阶段不符"
    rule_text = "event must fit the resource's classification and stage (docs/accounting.md §Recognition)"
