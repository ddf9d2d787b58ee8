"""作价出资 checked against the capital-contribution appraisal: the appraisal's concluded market value is the
fair value the agreed value is checked against (CAS 6 art. 14; our convention: more than 10 % apart is not
fair unless the entity says why), and it is the appraisal disclosed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from accounting import BookCase, InvalidEvent, book
from bridges.appraisal import resolve_valuation_links
from bridges.data_files import load_chart_of_accounts
from tests.bridges.test_value_in_use import V, _valuation

LINK = {"result_file": "r.json"}


def _books(**contribution: Any) -> dict[str, Any]:
    return {
        "case_id": "C", "company": "示例公司",
        "resources": [{"asset_id": "DS-1", "name": "客户数据集", "purpose": "internal_use", "formation": "other",
                       "controlled": True, "separable": True, "benefits_probable": True,
                       "cost_reliably_measurable": True, "useful_life": {"estimated_months": 24}}],
        "events": [{"kind": "contribution", "asset_id": "DS-1", "date": "2025-12-31", "investor": "某数据集团",
                    "share_capital": "100000.00", "from_valuation": LINK, **contribution}],
    }


def _booked(**contribution: Any) -> Any:
    raw = resolve_valuation_links(_books(**contribution), lambda link: _valuation(value_type="market_value"))
    return book(BookCase.model_validate(raw), date(2025, 12, 31), chart=load_chart_of_accounts())


def test_an_agreed_value_within_10_percent_of_the_appraisal_is_the_cost() -> None:
    # appraisal V = 100,000 / 1.1 + 100,000 / 1.21 = 173,553.72; agreed 170,000.00 is 2.0 % below it
    r = _booked(agreed_value="170000.00")
    out = r.events[0]
    assert out.figures["cost"] == D("170000.00") and out.figures["capital_reserve"] == D("70000.00")
    assert out.valuation is not None and out.valuation.value == D("173553.72")
    assert any("相差 2.0%" in w for w in out.rationale)
    assert any(a.event_id == out.event_id for a in r.disclosures.appraisal)  # the appraisal is disclosed


def test_an_agreed_value_far_from_the_appraisal_is_refused_without_a_reason() -> None:
    # agreed 200,000.00 vs 173,553.72: (200,000.00 − 173,553.72) / 173,553.72 = 15.2 % > 10 %
    assert round((200_000.00 - V) / V * 100, 1) == 15.2
    with pytest.raises(InvalidEvent, match=r"相差 15\.2%"):
        _booked(agreed_value="200000.00")


def test_not_fair_so_booked_at_the_appraised_fair_value() -> None:
    r = _booked(agreed_value="200000.00", agreed_value_fair=False, unfair_reason="评估值低于约定价值 15.2%")
    # cost = fair value 173,553.72; 实收资本 100,000.00; 资本公积 73,553.72
    assert r.events[0].figures["cost"] == D("173553.72") and r.events[0].figures["capital_reserve"] == D("73553.72")
