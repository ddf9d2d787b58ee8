"""The engagement template round-trips through a spreadsheet program: export → LibreOffice opens and saves
it (as a user would) → import gives the same case; an edit made in the workbook comes back as that edit."""

from __future__ import annotations

import json

import pytest

from cli.io import case_from_dict
from ledger_export.case_template import read_case_workbook
from tests.ledger_export.conftest import EXAMPLES, VALUATIONS, Exported


@pytest.mark.parametrize("stem", [p.stem for p in VALUATIONS])
def test_template_round_trips_through_libreoffice(recalculated: dict[str, Exported], stem: str) -> None:
    w = recalculated[f"template-{stem}"]
    assert w.recalculated is not None
    again, errors = case_from_dict(read_case_workbook(w.recalculated))
    assert not errors
    assert again == w.source


def test_template_edited_in_a_spreadsheet(recalculated: dict[str, Exported]) -> None:
    w = recalculated["template-edited"]
    assert w.recalculated is not None
    again, errors = case_from_dict(read_case_workbook(w.recalculated))
    assert not errors
    assert again == w.source  # the case JSON with the same edit
    original, _ = case_from_dict(json.loads((EXAMPLES / "parking_city_investment.json").read_text(encoding="utf-8")))
    assert again != original
    weights = {m.method.value: m.weight for m in again.assets[0].methods}
    assert weights == {"cost": 0.4, "income": 0.6, "market": 0.0}
    cost = again.assets[0].cost
    assert cost is not None and cost.opportunity is not None and cost.opportunity.rate == 0.04
