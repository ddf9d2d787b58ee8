"""Valuation → accounting: the appraisal behind a recoverable amount or an NRV, as the books receive it.

The two tracks never mix (the books stay at historical cost): an appraisal reaches accounting only as
a number with its reference, for the impairment test of an intangible (CAS 8), the NRV test of
inventory (CAS 1) and the appraisal disclosure (财会〔2023〕11号 part 三 (二): information sources,
assumptions and limiting conditions, the choice of method, and the source, analysis and calculation of
every important parameter). :func:`appraisal_reference` writes that reference from the valuation
that actually ran; nothing is typed twice.
"""

from __future__ import annotations

from accounting.events import KeyParameter, ValuationReference
from base.money import money
from valuation.engine import AssetValuation
from valuation.models import Engagement, Figure

UNIT_FORMATS = {
    "CNY": "{:,.2f} CNY",
    "rate": "{:.2%}",
    "ratio": "{:.4f}",
    "years": "{:.2f} years",
    "count": "{:,.0f}",
    "records": "{:,.0f}",
}


def shown(figure: Figure) -> str:
    """A figure's value as a reader sees it: CNY to the fen, rates as per cent, counts whole."""
    return UNIT_FORMATS.get(figure.unit, "{:g}").format(figure.value)


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
        purpose=engagement.purpose.value,
        value_type=engagement.value_type.value,
        methods=tuple(r.method.value for r in valuation.method_results()),
        concluded_method="; ".join(f"{w.method.value} {w.weight:.0%}" for w in valuation.conclusion.weights
                                   if w.weight > 0),
        value=money(valuation.conclusion.value),
        information_sources=engagement.information_sources,
        assumptions=tuple(assumptions),
        limiting_conditions=engagement.limiting_conditions,
        method_choice="\n".join(valuation.conclusion.analysis),
        key_parameters=tuple(
            KeyParameter(name=f"{f.label_zh} ({r.method.value})", value=shown(f), source=f.evidence,
                         calculation=f.formula)
            for r in results for f in r.figures
        ),
    )
