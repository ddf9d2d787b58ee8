"""Valuation → accounting: the appraisal reference is written from the valuation that ran."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from bridges.appraisal import appraisal_reference
from bridges.data_files import load_market_data, load_price_index
from valuation import ValuationCase, value_case
from valuation.models import Figure, figure_text

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


def test_the_reference_carries_the_conclusion_and_every_weighted_figure() -> None:
    raw = json.loads((EXAMPLES / "parking_city_investment.json").read_text(encoding="utf-8"))
    raw["simulation"] = {"seed": 7, "n_draws": 0}
    case = ValuationCase.model_validate(raw)
    result = value_case(case, default_price_index=load_price_index(), market_data=load_market_data())
    v = result.valuations[0]
    ref = appraisal_reference(case.engagement, v)

    assert ref.value == Decimal(f"{v.conclusion.value:.2f}")  # the concluded value, to the fen
    assert ref.valuation_date == case.engagement.valuation_date
    # labels, never codes: the disclosure prints these words
    assert (ref.purpose, ref.value_type) == ("质押融资 (pledge)", "市场价值 (market value)")
    assert ref.methods == ("成本法 (cost approach)", "收益法 (income approach)", "市场法 (market approach)")[:len(ref.methods)]
    assert all("_" not in m for m in ref.methods) and "_" not in ref.concluded_method
    assert ref.information_sources == case.engagement.information_sources
    assert ref.limiting_conditions == case.engagement.limiting_conditions
    assert set(case.engagement.assumptions) <= set(ref.assumptions)
    weighted = [w.method for w in v.conclusion.weights if w.weight > 0]
    figures = [f for r in v.method_results() if r.method in weighted for f in r.figures]
    assert len(ref.key_parameters) == len(figures) > 0
    assert ref.key_parameters[0].calculation == figures[0].formula
    assert ref.method_choice.splitlines() == list(v.conclusion.analysis)


def test_figures_are_shown_as_money_rates_and_counts() -> None:
    """One formatter for the appraisal disclosure and the accounting reference (valuation.models.figure_text)."""
    def text(value: float, unit: str) -> str:
        return figure_text(Figure(name="x", label_zh="x", value=value, unit=unit))

    assert text(1234567.891, "CNY") == "1,234,567.89 元"
    assert text(0.0825, "rate") == "8.25%" and text(0.125, "rate") == "12.50%" and text(0.00375, "rate") == "0.375%"
    assert text(1500000.0, "records") == "1,500,000" and text(12.0, "count") == "12"
    assert text(1.99863, "years") == "1.9986 年" and text(3.0, "years") == "3.00 年"
    assert text(0.75, "ratio") == "0.7500"
