"""Valuation → accounting: the appraisal reference is written from the valuation that ran."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from bridges.appraisal import appraisal_reference, shown
from bridges.data_files import load_market_data, load_price_index
from valuation import ValuationCase, value_case
from valuation.models import Figure

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
    assert ref.purpose == case.engagement.purpose.value and ref.value_type == case.engagement.value_type.value
    assert ref.information_sources == case.engagement.information_sources
    assert ref.limiting_conditions == case.engagement.limiting_conditions
    assert set(case.engagement.assumptions) <= set(ref.assumptions)
    weighted = [w.method for w in v.conclusion.weights if w.weight > 0]
    figures = [f for r in v.method_results() if r.method in weighted for f in r.figures]
    assert len(ref.key_parameters) == len(figures) > 0
    assert ref.key_parameters[0].calculation == figures[0].formula
    assert ref.method_choice.splitlines() == list(v.conclusion.analysis)


def test_figures_are_shown_as_money_rates_and_counts() -> None:
    assert shown(Figure(name="c", label_zh="成本", value=1234567.891, unit="CNY")) == "1,234,567.89 CNY"
    assert shown(Figure(name="r", label_zh="折现率", value=0.0825, unit="rate")) == "8.25%"
    assert shown(Figure(name="n", label_zh="记录数", value=1500000.0, unit="records")) == "1,500,000"
