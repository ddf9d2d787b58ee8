"""Valuation → accounting: the appraisal behind a recoverable amount or an NRV, as the books receive it.

The two tracks never mix (the books stay at historical cost): an appraisal reaches accounting only as
a number with its reference, for the impairment test of an intangible (CAS 8), the NRV test of
inventory (CAS 1) and the appraisal disclosure (财会〔2023〕11号 part 三 (二): information sources,
assumptions and limiting conditions, the choice of method, and the source, analysis and calculation of
every important parameter). :func:`appraisal_reference` writes that reference from the valuation
that actually ran; nothing is typed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from accounting.enums import RecoverableBasis
from accounting.events import KeyParameter, ValuationLink, ValuationReference
from base.errors import InvalidInput
from base.messages import invalid
from base.money import money
from valuation.engine import AssetValuation
from valuation.income.pre_tax import is_pre_tax, pre_tax_equivalent
from valuation.models import LABELS_ZH, Engagement, ValueType, bilingual, figure_text


def appraisal_reference(engagement: Engagement, valuation: AssetValuation, *, report_id: str = "") -> ValuationReference:
    """The accounting reference of one asset's appraisal: concluded value (CNY, to the fen), the
    engagement's purpose, value type, sources, assumptions and limiting conditions, the weighted
    methods and why, and every figure of the weighted methods as a key parameter."""
    weighted = {w.method for w in valuation.conclusion.weights if w.weight > 0}
    results = [r for r in valuation.method_results() if r.method in weighted]
    assumptions = list(engagement.assumptions)
    for r in results:
        assumptions += [a for a in r.assumptions if a not in assumptions]
    return ValuationReference(
        report_id=report_id or engagement.case_id,
        appraiser=engagement.appraiser,
        valuation_date=engagement.valuation_date,
        purpose=bilingual(engagement.purpose.value),
        value_type=bilingual(engagement.value_type.value),
        methods=tuple(bilingual(r.method.value) for r in valuation.method_results()),
        concluded_method="; ".join(f"{bilingual(w.method.value)} {w.weight:.0%}" for w in valuation.conclusion.weights
                                   if w.weight > 0),
        value=money(valuation.conclusion.value),
        information_sources=engagement.information_sources,
        assumptions=tuple(assumptions),
        limiting_conditions=engagement.limiting_conditions,
        method_choice="\n".join(valuation.conclusion.analysis),
        key_parameters=tuple(
            KeyParameter(name=f"{f.label_zh}（{LABELS_ZH[r.method.value]}）", value=figure_text(f), source=f.evidence,
                         calculation=f.formula)
            for r in results for f in r.figures
        ),
    )


Loader = Callable[[ValuationLink], tuple[Engagement, Sequence[AssetValuation]]]
"""Reads the valuation a link names: its engagement and the asset valuations (a file or the register)."""

LINKED_EVENTS = {"impairment_test", "nrv_test", "contribution"}


def resolve_valuation_links(raw_books: Mapping[str, Any], load: Loader, *, source: str = "books") -> dict[str, Any]:
    """The books (JSON-like) with every ``from_valuation`` link resolved: the impairment test's recoverable
    amount, or the NRV test's estimated selling price, and the appraisal reference, from the valuation.

    Value in use (CAS 8 art. 12-13): the income method's value, pre-tax; an after-tax value is refused
    unless the link asks to convert it (the pre-tax rate that gives the same value on pre-tax flows is
    solved and disclosed). Fair value less costs of disposal (art. 8): the concluded market value less the
    costs of disposal entered. NRV (CAS 1 art. 15): the concluded value is the estimated selling price;
    costs to complete, selling costs and related taxes are entered on the event and deducted by it.
    """
    out = dict(raw_books)
    events = out.get("events")
    if not isinstance(events, list):
        return out
    resolved = []
    for i, ev in enumerate(events):
        if isinstance(ev, dict) and ev.get("kind") in LINKED_EVENTS and ev.get("from_valuation") is not None:
            where = f"{source}: events[{i}]"
            try:
                link = ValuationLink.model_validate(ev["from_valuation"])
            except ValidationError as exc:
                raise invalid(exc, f"{where}.from_valuation") from None
            ev = _resolved(dict(ev), link, load, where)
        resolved.append(ev)
    out["events"] = resolved
    return out


def _resolved(ev: dict[str, Any], link: ValuationLink, load: Loader, where: str) -> dict[str, Any]:
    asset_id = link.asset_id or str(ev.get("asset_id") or "")
    engagement, valuations = load(link)
    found = [v for v in valuations if v.asset.asset_id == asset_id]
    if not found:
        raise InvalidInput(f"{where}: the valuation {_name(link)} has no asset {asset_id!r}", asset_id=asset_id,
                           field="from_valuation.asset_id")
    valuation = found[0]
    ref = appraisal_reference(engagement, valuation)
    if ev["kind"] == "contribution":
        if engagement.value_type is not ValueType.MARKET_VALUE:
            raise InvalidInput(f"{where}: a contribution is checked against fair value: the appraisal must be of "
                               f"market value (市场价值), got {bilingual(engagement.value_type.value)}", asset_id=asset_id,
                               field="from_valuation")
        ev["fair_value"] = str(money(valuation.conclusion.value))
    elif ev["kind"] == "nrv_test":
        ev["estimated_selling_price"] = str(money(valuation.conclusion.value))
        ev.pop("nrv", None)
        ev["basis"] = (f"估计售价取自评估 {ref.report_id}（{ref.value_type}）；可变现净值 = 估计售价 − 至完工成本 − "
                       f"销售费用 − 相关税费 (CAS 1 art. 15). Selling price from appraisal {ref.report_id}.")
    elif link.basis is None:
        raise InvalidInput(f"{where}: say which measure the appraisal is (basis: value_in_use | "
                           "fair_value_less_costs_of_disposal; CAS 8 art. 5)", asset_id=asset_id,
                           field="from_valuation.basis")
    elif link.basis == RecoverableBasis.VALUE_IN_USE:
        amount, text, extra = _value_in_use(valuation, link, where, asset_id)
        ev["recoverable_amount"], ev["basis"] = amount, text
        ref = ref.model_copy(update={"key_parameters": (*ref.key_parameters, *extra), "value_type": bilingual("value_in_use")})
    else:
        if engagement.value_type is not ValueType.MARKET_VALUE:
            raise InvalidInput(f"{where}: fair value less costs of disposal needs an appraisal of market value "
                               f"(市场价值), got {bilingual(engagement.value_type.value)}", asset_id=asset_id,
                               field="from_valuation.basis")
        fair = money(valuation.conclusion.value)
        net = max(fair - link.costs_of_disposal, money(0))
        ev["recoverable_amount"] = str(net)
        ev["basis"] = (f"公允价值减去处置费用后的净额 fair value less costs of disposal (CAS 8 art. 8): {fair:,} − "
                       f"{link.costs_of_disposal:,} = {net:,} CNY, appraisal {ref.report_id}")
    ev["valuation"] = ref.model_dump(mode="json")
    return ev


def _value_in_use(valuation: AssetValuation, link: ValuationLink, where: str,
                  asset_id: str) -> tuple[str, str, tuple[KeyParameter, ...]]:
    income = valuation.income
    if income is None:
        raise InvalidInput(f"{where}: a value in use is the present value of future cash flows (CAS 8 art. 9); the "
                           "valuation has no income-method result", asset_id=asset_id, field="from_valuation.basis")
    amount = str(money(income.value))
    if is_pre_tax(income):
        return amount, (f"在用价值 value in use (CAS 8 art. 9, 12-13): pre-tax flows at the pre-tax rate "
                        f"{income.detail.rate.rate:.2%}: {money(income.value):,} CNY"), ()
    if not link.convert_to_pre_tax:
        raise InvalidInput(
            f"{where}: 在用价值须为税前 a value in use is pre-tax (CAS 8 art. 12-13), but the income value discounts "
            f"after-tax flows at an after-tax rate ({income.detail.rate.rate:.2%}). Give a pre-tax appraisal, or set "
            "convert_to_pre_tax: true (with tax_rate when the flows were given after tax) to solve the pre-tax rate "
            "that gives the same value on pre-tax flows", asset_id=asset_id, field="from_valuation.basis")
    eq = pre_tax_equivalent(income, None if link.tax_rate is None else float(link.tax_rate))
    text = (f"在用价值 value in use (CAS 8 art. 9, 12-13): the after-tax income value {money(eq.value):,} CNY at "
            f"{eq.after_tax_rate:.2%} equals the pre-tax flows discounted at the pre-tax rate {eq.pre_tax_rate:.4%} "
            f"(T = {eq.tax_rate:.0%}; solved: {eq.formula})")
    param = KeyParameter(name="税前折现率 pre-tax discount rate", value=f"{eq.pre_tax_rate:.4%}",
                         source=f"solved from the after-tax rate {eq.after_tax_rate:.2%} and T = {eq.tax_rate:.0%}",
                         analysis="CAS 8 art. 13: a value in use discounts pre-tax flows at a pre-tax rate",
                         calculation=eq.formula)
    return amount, text, (param,)


def _name(link: ValuationLink) -> str:
    return link.result_file or f"#{link.register_valuation}"
